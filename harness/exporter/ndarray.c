/*
 * ndarray.c -- mvspec_exporter.ndarray: an exporter of any layout.
 *
 *     ndarray(items, shape, strides=None, offset=0, format='B', flags=0,
 *             faults=())
 *
 * is made as _testbuffer.ndarray makes one (the case format's `ndarray`
 * exporter, spec/protocol.md section 5): the items are packed one after
 * another (struct, with `format`) into a block of len(items) * itemsize
 * bytes; shape, strides (default: C order, or Fortran order with
 * ND_FORTRAN) and offset (bytes from the block's start to buf) describe
 * which of them the array shows, and how:
 *
 *     items [1, 2, 3, 4, 5, 6], format 'B', shape [3], strides [-2], offset 5
 *
 *     block  │ 1 │ 2 │ 3 │ 4 │ 5 │ 6 │        tolist() == [6, 4, 2]
 *                  ◀───────◀───────buf
 *
 * ND_WRITABLE makes it writable (read-only by default), ND_PIL stores it
 * PIL-style: buf is an array of pointers, one per index of the first
 * dimension, each to its sub-array, with suboffsets[0] the bytes from
 * where a pointer points to where the sub-array's first item is (the
 * sub-arrays' negative strides reach back that far), and strides[0] the
 * size of a pointer, negative when the original stride was:
 *
 *     shape [2, 2], strides [-2, -1], offset 3, ND_PIL
 *
 *     buf ─▶ │ p0 │ p1 │   strides (-P, -1), suboffsets (1, -1)
 *     (the pointers are in the order of the rows' addresses; buf is the
 *     last of them, for the stride is negative)
 *
 * It exports that layout to every request the buffer protocol defines, and
 * refuses (BufferError) those the layout cannot meet: correct by default,
 * as chapter 16 of spec/memoryview.md says an exporter must be.  Each fault
 * in `faults` breaks one rule on purpose, for the tests that show the
 * checker (check.c) catches it; FAULTS below says which.
 *
 * It also reads and writes its items, as the cases need of an exporter:
 * tolist(), and nd[i] = v / nd[i, j] = v when writable; and it hashes as
 * _testbuffer's does (a read-only view's hash asks its exporter's).
 */
#include <string.h>

#include "exporter.h"

/* ---- faults ------------------------------------------------------------------ */

/* Each fault, its name (ndarray(..., faults=["no-obj"])), and what it does;
   the rule it breaks is in tests/test_exporter.py, which shows it caught. */
enum fault {
    F_NO_OBJ,              /* a granted buffer's obj is NULL */
    F_BORROWED_OBJ,        /* obj is set without taking a reference */
    F_REFUSE_VALUEERROR,   /* refusals raise ValueError */
    F_REFUSE_LEAVES_OBJ,   /* refusals leave obj pointing at the exporter */
    F_ITEMSIZE_VARIES,     /* itemsize 1 when the format is not asked for */
    F_NEGATIVE_SHAPE,      /* shape[0] is -1 */
    F_SCALAR_SHAPE,        /* a 0-d array gives shape and strides arrays */
    F_WRONG_LEN,           /* len is one item too many */
    F_WRONG_ITEMSIZE,      /* itemsize one byte more than the format's */
    F_WRITABLE_IGNORED,    /* PyBUF_WRITABLE of read-only memory: readonly 1 */
    F_WRITABLE_READONLY,   /* ... granted, readonly 0, though it is read-only */
    F_FORMAT_ALWAYS,       /* format given though not asked for */
    F_FORMAT_MISSING,      /* format NULL though asked for */
    F_SHAPE_IN_SIMPLE,     /* a simple request gets the shape */
    F_IGNORE_CONTIGUITY,   /* contiguity is never checked: nothing refused */
    F_NO_SHAPE_UNDER_ND,   /* PyBUF_ND gets no shape */
    F_STRIDES_UNDER_ND,    /* PyBUF_ND gets the strides */
    F_NO_STRIDES,          /* PyBUF_STRIDES gets no strides */
    F_IGNORE_INDIRECT,     /* suboffsets given to requests that cannot take them */
    F_EMPTY_SUBOFFSETS,    /* suboffsets of -1 only, under PyBUF_INDIRECT */
    F_STRIDES_OUT_OF_BOUNDS, /* strides[0] reaches far beyond the memory */
    F_SHAPE_VARIES,        /* PyBUF_ND gets one row fewer */
    F_RELEASE_TWICE,       /* bf_releasebuffer releases obj too */
    F_RELEASE_COUNT,       /* the memory is given up at the first release */
    NFAULTS
};

static const char *const FAULTS[NFAULTS] = {
    [F_NO_OBJ] = "no-obj",
    [F_BORROWED_OBJ] = "borrowed-obj",
    [F_REFUSE_VALUEERROR] = "refuse-with-valueerror",
    [F_REFUSE_LEAVES_OBJ] = "refuse-leaves-obj",
    [F_ITEMSIZE_VARIES] = "itemsize-varies",
    [F_NEGATIVE_SHAPE] = "negative-shape",
    [F_SCALAR_SHAPE] = "scalar-shape",
    [F_WRONG_LEN] = "wrong-len",
    [F_WRONG_ITEMSIZE] = "wrong-itemsize",
    [F_WRITABLE_IGNORED] = "writable-ignored",
    [F_WRITABLE_READONLY] = "writable-readonly",
    [F_FORMAT_ALWAYS] = "format-always",
    [F_FORMAT_MISSING] = "format-missing",
    [F_SHAPE_IN_SIMPLE] = "shape-in-simple",
    [F_IGNORE_CONTIGUITY] = "ignore-contiguity",
    [F_NO_SHAPE_UNDER_ND] = "no-shape-under-nd",
    [F_STRIDES_UNDER_ND] = "strides-under-nd",
    [F_NO_STRIDES] = "no-strides",
    [F_IGNORE_INDIRECT] = "ignore-indirect",
    [F_EMPTY_SUBOFFSETS] = "empty-suboffsets",
    [F_STRIDES_OUT_OF_BOUNDS] = "strides-out-of-bounds",
    [F_SHAPE_VARIES] = "shape-varies",
    [F_RELEASE_TWICE] = "release-twice",
    [F_RELEASE_COUNT] = "release-count",
};

PyObject *mvx_fault_names(void)
{
    PyObject *t = PyTuple_New(NFAULTS);

    for (int f = 0; t && f < NFAULTS; f++) {
        PyObject *name = PyUnicode_FromString(FAULTS[f]);
        if (name == NULL)
            Py_CLEAR(t);
        else
            PyTuple_SET_ITEM(t, f, name);
    }
    return t;
}

/* ---- the object ------------------------------------------------------------ */

typedef struct ndarray {
    PyObject_HEAD
    char *block;              /* the items, packed (PyMem) */
    Py_ssize_t blocklen;
    char **pointers;          /* ND_PIL: one per index of dimension 0 (PyMem) */
    PyObject *packer;         /* struct.Struct(format) */
    char *format;             /* PyMem copy */
    Py_ssize_t itemsize;
    Py_ssize_t nvalues;       /* values in one item: 1, or a tuple's length */
    mvx_layout l;             /* what it exports; l.buf into block or pointers */
    Py_ssize_t offset;
    bool readonly, pil, c_contiguous, f_contiguous;
    unsigned long faults;     /* 1 << enum fault */
    Py_ssize_t exports;       /* buffers given and not yet released */
} ndarray;

static bool has(const ndarray *nd, enum fault f)
{
    return (nd->faults >> f) & 1;
}

/* ---- construction --------------------------------------------------------------- */

/* A sequence of at most MVX_LAYOUT_NDIM ints into out; its length, or -1. */
static int ints(PyObject *seq, const char *what, Py_ssize_t *out)
{
    PyObject *fast = PySequence_Fast(seq, "");
    Py_ssize_t n;

    if (fast == NULL) {
        PyErr_Format(PyExc_TypeError, "%s must be a sequence of ints", what);
        return -1;
    }
    n = PySequence_Fast_GET_SIZE(fast);
    if (n > MVX_LAYOUT_NDIM) {
        Py_DECREF(fast);
        PyErr_Format(PyExc_ValueError, "%s has more than %d entries", what, MVX_LAYOUT_NDIM);
        return -1;
    }
    for (Py_ssize_t i = 0; i < n; i++) {
        out[i] = PyLong_AsSsize_t(PySequence_Fast_GET_ITEM(fast, i));
        if (out[i] == -1 && PyErr_Occurred()) {
            Py_DECREF(fast);
            return -1;
        }
    }
    Py_DECREF(fast);
    return (int)n;
}

/* Pack one item at p, as struct does: one value, or a tuple of nvalues. */
static int pack(ndarray *nd, PyObject *item, char *p)
{
    PyObject *args, *bytes;

    if (nd->nvalues == 1)
        args = PyTuple_Pack(1, item);
    else if (PyTuple_Check(item) || PyList_Check(item))
        args = PySequence_Tuple(item);
    else {
        PyErr_SetString(PyExc_ValueError,
                        "mismatch between initializer element and format string");
        return -1;
    }
    if (args == NULL)
        return -1;
    PyObject *packfn = PyObject_GetAttrString(nd->packer, "pack");
    bytes = packfn ? PyObject_Call(packfn, args, NULL) : NULL;
    Py_XDECREF(packfn);
    Py_DECREF(args);
    if (bytes == NULL)
        return -1;
    if (!PyBytes_Check(bytes) || PyBytes_GET_SIZE(bytes) != nd->itemsize) {
        Py_DECREF(bytes);
        PyErr_SetString(PyExc_SystemError, "struct packed an item of another size");
        return -1;
    }
    memcpy(p, PyBytes_AS_STRING(bytes), (size_t)nd->itemsize);
    Py_DECREF(bytes);
    return 0;
}

/* The packer for format, the item's size, and the values it holds. */
static int take_format(ndarray *nd, const char *format)
{
    PyObject *structmod = PyImport_ImportModule("struct"), *zeros, *values;

    if (structmod == NULL)
        return -1;
    nd->packer = PyObject_CallMethod(structmod, "Struct", "s", format);
    Py_DECREF(structmod);
    if (nd->packer == NULL)
        return -1;
    PyObject *size = PyObject_GetAttrString(nd->packer, "size");
    nd->itemsize = size ? PyLong_AsSsize_t(size) : -1;
    Py_XDECREF(size);
    if (nd->itemsize < 0)
        return -1;
    if (nd->itemsize == 0) {
        PyErr_SetString(PyExc_ValueError, "itemsize must not be zero");
        return -1;
    }
    zeros = PyBytes_FromStringAndSize(NULL, nd->itemsize);
    if (zeros == NULL)
        return -1;
    memset(PyBytes_AS_STRING(zeros), 0, (size_t)nd->itemsize);
    values = PyObject_CallMethod(nd->packer, "unpack", "O", zeros);
    Py_DECREF(zeros);
    if (values == NULL)
        return -1;
    nd->nvalues = PyTuple_GET_SIZE(values);
    Py_DECREF(values);
    nd->format = PyMem_Malloc(strlen(format) + 1);
    if (nd->format == NULL) {
        PyErr_NoMemory();
        return -1;
    }
    strcpy(nd->format, format);
    return 0;
}

/* The block: items packed one after another (a single value for ndim 0). */
static int take_items(ndarray *nd, PyObject *items)
{
    PyObject *fast;

    if (!PyList_Check(items) && !PyTuple_Check(items)) {
        if (nd->l.ndim != 0) {
            PyErr_SetString(PyExc_TypeError, "items must be a list or a tuple");
            return -1;
        }
        fast = PyTuple_Pack(1, items);
    } else {
        fast = PySequence_Fast(items, "");
    }
    if (fast == NULL)
        return -1;
    Py_ssize_t n = PySequence_Fast_GET_SIZE(fast);
    if (n == 0) {
        Py_DECREF(fast);
        PyErr_SetString(PyExc_ValueError, "items must not be empty");
        return -1;
    }
    if (nd->l.ndim == 0)
        n = 1;                /* a 0-d array holds the first item */
    nd->blocklen = n * nd->itemsize;
    nd->block = PyMem_Malloc((size_t)nd->blocklen);
    if (nd->block == NULL) {
        Py_DECREF(fast);
        PyErr_NoMemory();
        return -1;
    }
    for (Py_ssize_t i = 0; i < n; i++)
        if (pack(nd, PySequence_Fast_GET_ITEM(fast, i), nd->block + i * nd->itemsize) < 0) {
            Py_DECREF(fast);
            return -1;
        }
    Py_DECREF(fast);
    return 0;
}

/* The layout must lie within the block, as the buffer documentation's
   verify_structure() has it: offset and strides multiples of the
   itemsize, buf's item in the block, every item in the block. */
static int check_layout(ndarray *nd)
{
    mvx_layout *l = &nd->l;
    mvx_range r;

    for (int d = 0; d < l->ndim; d++) {
        if (l->shape[d] < 0) {
            PyErr_SetString(PyExc_ValueError, "elements of shape must be integers >= 0");
            return -1;
        }
        if (l->strides[d] % nd->itemsize != 0) {
            PyErr_SetString(PyExc_ValueError, "strides must be a multiple of itemsize");
            return -1;
        }
    }
    if (nd->offset % nd->itemsize != 0) {
        PyErr_SetString(PyExc_ValueError, "offset must be a multiple of itemsize");
        return -1;
    }
    if (nd->offset < 0 || nd->offset > nd->blocklen - nd->itemsize) {
        PyErr_SetString(PyExc_ValueError, "offset out of bounds");
        return -1;
    }
    l->buf = nd->block + nd->offset;
    if (!mvx_range_of(l, &r) || r.lo < nd->block || r.hi > nd->block + nd->blocklen) {
        PyErr_SetString(PyExc_ValueError, "invalid combination of items, shape, strides "
                        "and offset: an item lies outside the items given");
        return -1;
    }
    return 0;
}

/* ND_PIL: the first dimension becomes an array of pointers (see the top). */
static int make_pil(ndarray *nd)
{
    mvx_layout *l = &nd->l;
    Py_ssize_t n = l->shape[0], back = 0;

    /* As _testbuffer measures it: up to the first dimension of length 0
       (then no item is ever reached through a pointer). */
    for (int d = 0; d < l->ndim && l->shape[d] > 0; d++)
        if (d > 0 && l->strides[d] < 0)
            back -= l->strides[d] * (l->shape[d] - 1);
    nd->pointers = PyMem_Malloc((size_t)(n > 0 ? n : 1) * sizeof(char *));
    if (nd->pointers == NULL) {
        PyErr_NoMemory();
        return -1;
    }
    /* Row i starts at buf + i * strides[0]; its pointer points `back` bytes
       before that.  Stored in address order, walked from buf by +-P. */
    for (Py_ssize_t i = 0; i < n; i++) {
        Py_ssize_t slot = l->strides[0] < 0 ? n - 1 - i : i;
        nd->pointers[slot] = l->buf + i * l->strides[0] - back;
    }
    l->buf = (char *)(nd->pointers + (l->strides[0] < 0 && n > 0 ? n - 1 : 0));
    l->strides[0] = l->strides[0] < 0 ? -(Py_ssize_t)sizeof(char *) : (Py_ssize_t)sizeof(char *);
    l->has_suboffsets = true;
    l->suboffsets[0] = back;
    for (int d = 1; d < l->ndim; d++)
        l->suboffsets[d] = -1;
    return 0;
}

static int take_faults(ndarray *nd, PyObject *faults)
{
    PyObject *fast = PySequence_Fast(faults, "faults must be a sequence of fault names");

    if (fast == NULL)
        return -1;
    for (Py_ssize_t i = 0; i < PySequence_Fast_GET_SIZE(fast); i++) {
        const char *name = PyUnicode_AsUTF8(PySequence_Fast_GET_ITEM(fast, i));
        int f = 0;
        while (name != NULL && f < NFAULTS && strcmp(name, FAULTS[f]) != 0)
            f++;
        if (name == NULL || f == NFAULTS) {
            Py_DECREF(fast);
            if (name != NULL)
                PyErr_Format(PyExc_ValueError, "unknown fault '%s' "
                             "(mvspec_exporter.FAULTS lists them)", name);
            return -1;
        }
        nd->faults |= 1UL << f;
    }
    Py_DECREF(fast);
    return 0;
}

static int ndarray_init(PyObject *self, PyObject *args, PyObject *kwargs)
{
    static char *kwlist[] = {"items", "shape", "strides", "offset", "format",
                             "flags", "faults", NULL};
    ndarray *nd = (ndarray *)self;
    PyObject *items, *shape = Py_None, *strides = Py_None, *faults = NULL;
    const char *format = "B";
    int flags = 0;

    if (nd->block != NULL) {
        PyErr_SetString(PyExc_TypeError, "an ndarray is made once");
        return -1;
    }
    if (!PyArg_ParseTupleAndKeywords(args, kwargs, "O|OOnsiO", kwlist, &items, &shape,
                                     &strides, &nd->offset, &format, &flags, &faults))
        return -1;
    if (flags & ~(MVX_ND_WRITABLE | MVX_ND_FORTRAN | MVX_ND_PIL)) {
        PyErr_Format(PyExc_ValueError, "flags 0x%x: only ND_WRITABLE, ND_FORTRAN and "
                     "ND_PIL are known", flags);
        return -1;
    }
    if (shape == Py_None) {
        PyErr_SetString(PyExc_TypeError, "shape is a required argument");
        return -1;
    }
    if ((faults != NULL && take_faults(nd, faults) < 0) || take_format(nd, format) < 0)
        return -1;
    nd->readonly = !(flags & MVX_ND_WRITABLE);
    nd->pil = flags & MVX_ND_PIL;
    int ndim = ints(shape, "shape", nd->l.shape);
    if (ndim < 0)
        return -1;
    nd->l.ndim = ndim;
    nd->l.itemsize = nd->itemsize;
    nd->l.has_shape = nd->l.has_strides = true;
    if (strides != Py_None) {
        if (flags & MVX_ND_FORTRAN) {
            PyErr_SetString(PyExc_TypeError, "ND_FORTRAN cannot be used together with strides");
            return -1;
        }
        if (ints(strides, "strides", nd->l.strides) != ndim) {
            if (!PyErr_Occurred())
                PyErr_SetString(PyExc_ValueError, "len(shape) != len(strides)");
            return -1;
        }
    } else {
        for (int d = 0; d < ndim; d++)
            if (nd->l.shape[d] < 0) {
                PyErr_SetString(PyExc_ValueError, "elements of shape must be integers >= 0");
                return -1;
            }
        mvx_contiguous_strides(ndim, nd->l.shape, nd->itemsize,
                               flags & MVX_ND_FORTRAN ? 'F' : 'C', nd->l.strides);
    }
    if (nd->pil && ndim == 0) {
        PyErr_SetString(PyExc_TypeError, "ndim = 0 cannot be used in conjunction with ND_PIL");
        return -1;
    }
    if (take_items(nd, items) < 0 || check_layout(nd) < 0)
        return -1;
    Py_ssize_t n = mvx_nitems(&nd->l);
    if (n < 0 || __builtin_mul_overflow(n, nd->itemsize, &nd->l.len)) {
        PyErr_SetString(PyExc_ValueError, "the shape holds too many items");
        return -1;
    }
    if (nd->pil && make_pil(nd) < 0)
        return -1;
    nd->c_contiguous = mvx_is_contiguous(&nd->l, 'C');
    nd->f_contiguous = mvx_is_contiguous(&nd->l, 'F');
    return 0;
}

static void ndarray_dealloc(PyObject *self)
{
    ndarray *nd = (ndarray *)self;

    PyMem_Free(nd->block);
    PyMem_Free(nd->pointers);
    PyMem_Free(nd->format);
    Py_XDECREF(nd->packer);
    Py_TYPE(self)->tp_free(self);
}

/* ---- the buffer ------------------------------------------------------------------- */

/* Arrays of one export, when a fault changes them (view->internal). */
typedef struct export_arrays {
    Py_ssize_t shape[MVX_LAYOUT_NDIM];
    Py_ssize_t strides[MVX_LAYOUT_NDIM];
    Py_ssize_t suboffsets[MVX_LAYOUT_NDIM];
} export_arrays;

static int refuse(ndarray *nd, Py_buffer *view, const char *why)
{
    PyErr_SetString(has(nd, F_REFUSE_VALUEERROR) ? PyExc_ValueError : PyExc_BufferError, why);
    view->obj = has(nd, F_REFUSE_LEAVES_OBJ) ? (PyObject *)nd : NULL;
    return -1;
}

static bool wants(int flags, int request)
{
    return (flags & request) == request;
}

/* The requests this layout cannot meet (chapter 16, EXPORTER-008 and 011
   to 015), in the order a consumer's mistakes are best explained. */
static const char *unmet(const ndarray *nd, int flags)
{
    bool contiguity = !has(nd, F_IGNORE_CONTIGUITY);

    if (wants(flags, PyBUF_WRITABLE) && nd->readonly
        && !has(nd, F_WRITABLE_IGNORED) && !has(nd, F_WRITABLE_READONLY))
        return "ndarray is not writable";
    if (!wants(flags, PyBUF_INDIRECT) && nd->pil && !has(nd, F_IGNORE_INDIRECT))
        return "ndarray needs suboffsets: ask with PyBUF_INDIRECT";
    if (contiguity && wants(flags, PyBUF_C_CONTIGUOUS) && !nd->c_contiguous)
        return "ndarray is not C-contiguous";
    if (contiguity && wants(flags, PyBUF_F_CONTIGUOUS) && !nd->f_contiguous)
        return "ndarray is not Fortran-contiguous";
    if (contiguity && wants(flags, PyBUF_ANY_CONTIGUOUS)
        && !nd->c_contiguous && !nd->f_contiguous)
        return "ndarray is not contiguous";
    if (contiguity && !wants(flags, PyBUF_STRIDES) && !nd->c_contiguous)
        return "ndarray is not C-contiguous: ask with PyBUF_STRIDES";
    return NULL;
}

/* The faults that change one export's fields after it is filled in. */
static int spoil(ndarray *nd, Py_buffer *view, int flags)
{
    static Py_ssize_t scalar[1] = {1};
    export_arrays *mine = NULL;
    int ndim = nd->l.ndim;

    if (has(nd, F_NEGATIVE_SHAPE) || has(nd, F_STRIDES_OUT_OF_BOUNDS)
        || has(nd, F_SHAPE_VARIES) || has(nd, F_EMPTY_SUBOFFSETS)) {
        mine = PyMem_Calloc(1, sizeof *mine);
        if (mine == NULL) {
            PyErr_NoMemory();
            return -1;
        }
        memcpy(mine->shape, nd->l.shape, sizeof nd->l.shape);
        memcpy(mine->strides, nd->l.strides, sizeof nd->l.strides);
        memcpy(mine->suboffsets, nd->l.suboffsets, sizeof nd->l.suboffsets);
        view->internal = mine;
        if (view->shape)
            view->shape = mine->shape;
        if (view->strides)
            view->strides = mine->strides;
        if (view->suboffsets)
            view->suboffsets = mine->suboffsets;
    }
    if (has(nd, F_NEGATIVE_SHAPE) && view->shape && ndim > 0)
        mine->shape[0] = -1;
    if (has(nd, F_STRIDES_OUT_OF_BOUNDS) && view->strides && ndim > 0)
        mine->strides[0] += (Py_ssize_t)1 << 46;     /* 64 TiB away */
    if (has(nd, F_SHAPE_VARIES) && wants(flags, PyBUF_ND) && !wants(flags, PyBUF_STRIDES)
        && ndim > 0 && mine->shape[0] > 0) {
        mine->shape[0]--;
        view->len -= view->len / (mine->shape[0] + 1);
    }
    if (has(nd, F_EMPTY_SUBOFFSETS) && wants(flags, PyBUF_INDIRECT) && !nd->pil && ndim > 0) {
        for (int d = 0; d < ndim; d++)
            mine->suboffsets[d] = -1;
        view->suboffsets = mine->suboffsets;
    }
    if (has(nd, F_SCALAR_SHAPE) && ndim == 0 && wants(flags, PyBUF_ND)) {
        view->shape = scalar;
        view->strides = wants(flags, PyBUF_STRIDES) ? scalar : NULL;
    }
    if (has(nd, F_ITEMSIZE_VARIES) && !wants(flags, PyBUF_FORMAT))
        view->itemsize = 1;
    if (has(nd, F_WRONG_ITEMSIZE) && wants(flags, PyBUF_FORMAT))
        view->itemsize++;
    if (has(nd, F_WRONG_LEN))
        view->len += nd->itemsize;
    if (has(nd, F_WRITABLE_READONLY) && wants(flags, PyBUF_WRITABLE))
        view->readonly = 0;
    if (has(nd, F_FORMAT_ALWAYS))
        view->format = nd->format;
    if (has(nd, F_FORMAT_MISSING))
        view->format = NULL;
    if (has(nd, F_SHAPE_IN_SIMPLE) && !wants(flags, PyBUF_ND)) {
        view->ndim = ndim;
        view->shape = (Py_ssize_t *)nd->l.shape;
    }
    if (has(nd, F_NO_SHAPE_UNDER_ND) && wants(flags, PyBUF_ND) && !wants(flags, PyBUF_STRIDES))
        view->shape = NULL;
    if (has(nd, F_STRIDES_UNDER_ND) && wants(flags, PyBUF_ND) && !wants(flags, PyBUF_STRIDES))
        view->strides = (Py_ssize_t *)nd->l.strides;
    if (has(nd, F_NO_STRIDES) && wants(flags, PyBUF_STRIDES))
        view->strides = NULL;
    if (has(nd, F_IGNORE_INDIRECT) && nd->pil)
        view->suboffsets = (Py_ssize_t *)nd->l.suboffsets;
    return 0;
}

/* An ndarray whose __init__ failed (or never ran) has no items to lend. */
static bool made(const ndarray *nd)
{
    if (nd->block == NULL || nd->packer == NULL)
        PyErr_SetString(PyExc_ValueError, "the ndarray was never made (its __init__ failed)");
    return nd->block != NULL && nd->packer != NULL;
}

static int ndarray_getbuffer(PyObject *self, Py_buffer *view, int flags)
{
    ndarray *nd = (ndarray *)self;

    if (!made(nd)) {
        view->obj = NULL;
        PyErr_Clear();
        PyErr_SetString(PyExc_BufferError, "the ndarray was never made (its __init__ failed)");
        return -1;
    }
    const char *why = unmet(nd, flags);

    if (why != NULL)                                            /* EXPORTER-002 */
        return refuse(nd, view, why);
    view->buf = nd->l.buf;                                      /* EXPORTER-003 */
    view->len = nd->l.len;                                      /* EXPORTER-006 */
    view->itemsize = nd->itemsize;                              /* EXPORTER-007 */
    view->readonly = nd->readonly;                              /* EXPORTER-008, 009 */
    view->format = wants(flags, PyBUF_FORMAT) ? nd->format : NULL;  /* EXPORTER-010 */
    view->internal = NULL;
    if (wants(flags, PyBUF_ND)) {                               /* EXPORTER-012 */
        view->ndim = nd->l.ndim;
        view->shape = nd->l.ndim > 0 ? nd->l.shape : NULL;      /* EXPORTER-005 */
    } else {                                                    /* EXPORTER-011 */
        view->ndim = 1;
        view->shape = NULL;
    }
    view->strides = wants(flags, PyBUF_STRIDES) && nd->l.ndim > 0
                  ? nd->l.strides : NULL;                       /* EXPORTER-013, 015 */
    view->suboffsets = wants(flags, PyBUF_INDIRECT) && nd->pil
                     ? nd->l.suboffsets : NULL;                 /* EXPORTER-014 */
    if (nd->faults != 0 && spoil(nd, view, flags) < 0)
        return refuse(nd, view, "no memory");
    nd->exports++;
    view->obj = has(nd, F_NO_OBJ) ? NULL : self;                /* EXPORTER-001 */
    if (view->obj != NULL && !has(nd, F_BORROWED_OBJ))
        Py_INCREF(self);
    return 0;
}

static void ndarray_releasebuffer(PyObject *self, Py_buffer *view)
{
    ndarray *nd = (ndarray *)self;

    PyMem_Free(view->internal);
    nd->exports--;
    if (has(nd, F_RELEASE_COUNT))         /* as if its count had come to 0 */
        memset(nd->block, 0xDB, (size_t)nd->blocklen);
    if (has(nd, F_RELEASE_TWICE))         /* EXPORTER-018: PyBuffer_Release's job */
        Py_DECREF(view->obj);
}

static PyBufferProcs ndarray_as_buffer = {
    ndarray_getbuffer, ndarray_releasebuffer
};

/* ---- items -------------------------------------------------------------------------- */

/* The item at the given index, following the layout (and its pointers). */
static char *item_at(const ndarray *nd, const Py_ssize_t *index)
{
    const mvx_layout *l = &nd->l;
    char *p = l->buf;

    for (int d = 0; d < l->ndim; d++) {
        p += index[d] * l->strides[d];
        if (l->has_suboffsets && l->suboffsets[d] >= 0)
            p = *(char **)p + l->suboffsets[d];
    }
    return p;
}

static PyObject *unpack(const ndarray *nd, const char *p)
{
    PyObject *values = PyObject_CallMethod(nd->packer, "unpack", "y#", p, nd->itemsize);

    if (values == NULL || nd->nvalues != 1)
        return values;
    PyObject *one = PyTuple_GET_ITEM(values, 0);
    Py_INCREF(one);
    Py_DECREF(values);
    return one;
}

static PyObject *tolist_rec(const ndarray *nd, int d, Py_ssize_t *index)
{
    if (d == nd->l.ndim)
        return unpack(nd, item_at(nd, index));
    PyObject *list = PyList_New(nd->l.shape[d]);
    for (Py_ssize_t i = 0; list && i < nd->l.shape[d]; i++) {
        index[d] = i;
        PyObject *sub = tolist_rec(nd, d + 1, index);
        if (sub == NULL)
            Py_CLEAR(list);
        else
            PyList_SET_ITEM(list, i, sub);
    }
    return list;
}

static PyObject *ndarray_tolist(PyObject *self, PyObject *unused)
{
    Py_ssize_t index[MVX_LAYOUT_NDIM];

    (void)unused;
    if (!made((ndarray *)self))
        return NULL;
    return tolist_rec((ndarray *)self, 0, index);
}

/* hash(nd), as _testbuffer's ndarray answers it (the suite records it:
   a read-only view hashes only if its exporter does, HASH-004): a writable
   array refuses; a read-only one hashes as the bytes of its items in C
   order, which a memoryview of it gives. */
static Py_hash_t ndarray_hash(PyObject *self)
{
    if (!made((ndarray *)self))
        return -1;
    if (!((ndarray *)self)->readonly) {
        PyErr_SetString(PyExc_ValueError, "cannot hash writable ndarray object");
        return -1;
    }
    PyObject *view = PyMemoryView_FromObject(self);
    PyObject *bytes = view ? PyObject_CallMethod(view, "tobytes", NULL) : NULL;
    Py_hash_t hash = bytes ? PyObject_Hash(bytes) : -1;

    Py_XDECREF(bytes);
    Py_XDECREF(view);
    return hash;
}

/* nd[i] = v (1-D) or nd[i, j, ...] = v: one item, by integer indexes. */
static int ndarray_ass_subscript(PyObject *self, PyObject *key, PyObject *value)
{
    ndarray *nd = (ndarray *)self;
    Py_ssize_t index[MVX_LAYOUT_NDIM];
    int n;

    if (!made(nd))
        return -1;
    if (value == NULL) {
        PyErr_SetString(PyExc_TypeError, "ndarray items cannot be deleted");
        return -1;
    }
    if (nd->readonly) {
        PyErr_SetString(PyExc_TypeError, "ndarray is not writable");
        return -1;
    }
    if (PyTuple_Check(key))
        n = ints(key, "an index", index);
    else {
        n = 1;
        index[0] = PyNumber_AsSsize_t(key, PyExc_IndexError);
        if (index[0] == -1 && PyErr_Occurred())
            return -1;
    }
    if (n < 0)
        return -1;
    if (n != nd->l.ndim) {
        PyErr_Format(PyExc_TypeError, "ndarray of %d dimensions takes %d indexes, not %d",
                     nd->l.ndim, nd->l.ndim, n);
        return -1;
    }
    for (int d = 0; d < n; d++) {
        if (index[d] < 0)
            index[d] += nd->l.shape[d];
        if (index[d] < 0 || index[d] >= nd->l.shape[d]) {
            PyErr_SetString(PyExc_IndexError, "index out of bounds");
            return -1;
        }
    }
    return pack(nd, value, item_at(nd, index));
}

static PyMappingMethods ndarray_as_mapping = {
    NULL, NULL, ndarray_ass_subscript
};

/* ---- attributes ------------------------------------------------------------------------ */

static PyObject *tuple_of(const Py_ssize_t *a, int n)
{
    PyObject *t = PyTuple_New(n);

    for (int i = 0; t && i < n; i++) {
        PyObject *x = PyLong_FromSsize_t(a[i]);
        if (x == NULL)
            Py_CLEAR(t);
        else
            PyTuple_SET_ITEM(t, i, x);
    }
    return t;
}

static PyObject *get_shape(PyObject *self, void *c)
{
    (void)c;
    return tuple_of(((ndarray *)self)->l.shape, ((ndarray *)self)->l.ndim);
}

static PyObject *get_strides(PyObject *self, void *c)
{
    (void)c;
    return tuple_of(((ndarray *)self)->l.strides, ((ndarray *)self)->l.ndim);
}

static PyObject *get_suboffsets(PyObject *self, void *c)
{
    const ndarray *nd = (ndarray *)self;

    (void)c;
    return tuple_of(nd->l.suboffsets, nd->l.has_suboffsets ? nd->l.ndim : 0);
}

static PyObject *get_format(PyObject *self, void *c)
{
    (void)c;
    return PyUnicode_FromString(((ndarray *)self)->format);
}

static PyObject *get_faults(PyObject *self, void *c)
{
    const ndarray *nd = (ndarray *)self;
    PyObject *names = PyList_New(0);

    (void)c;
    for (int f = 0; names && f < NFAULTS; f++)
        if (has(nd, (enum fault)f)) {
            PyObject *name = PyUnicode_FromString(FAULTS[f]);
            if (name == NULL || PyList_Append(names, name) < 0)
                Py_CLEAR(names);
            Py_XDECREF(name);
        }
    if (names == NULL)
        return NULL;
    PyObject *t = PyList_AsTuple(names);
    Py_DECREF(names);
    return t;
}

#define NUMBER(name, expr) \
    static PyObject *get_##name(PyObject *self, void *c) \
    { \
        const ndarray *nd = (ndarray *)self; \
        (void)c; \
        return PyLong_FromSsize_t((Py_ssize_t)(expr)); \
    }
#define BOOLEAN(name, expr) \
    static PyObject *get_##name(PyObject *self, void *c) \
    { \
        const ndarray *nd = (ndarray *)self; \
        (void)c; \
        return PyBool_FromLong(expr); \
    }

NUMBER(itemsize, nd->itemsize)
NUMBER(ndim, nd->l.ndim)
NUMBER(nbytes, nd->l.len)
NUMBER(offset, nd->offset)
NUMBER(exports, nd->exports)
BOOLEAN(readonly, nd->readonly)
BOOLEAN(c_contiguous, nd->c_contiguous)
BOOLEAN(f_contiguous, nd->f_contiguous)
BOOLEAN(contiguous, nd->c_contiguous || nd->f_contiguous)

static PyGetSetDef ndarray_getset[] = {
    {"shape", get_shape, NULL, "the shape, as a tuple", NULL},
    {"strides", get_strides, NULL, "the strides it exports (a pointer's size for "
     "dimension 0 with ND_PIL)", NULL},
    {"suboffsets", get_suboffsets, NULL, "the suboffsets: () unless ND_PIL", NULL},
    {"format", get_format, NULL, "the struct format of one item", NULL},
    {"itemsize", get_itemsize, NULL, "bytes in one item", NULL},
    {"ndim", get_ndim, NULL, "the number of dimensions", NULL},
    {"nbytes", get_nbytes, NULL, "product(shape) * itemsize", NULL},
    {"offset", get_offset, NULL, "bytes from the items' start to buf, as given", NULL},
    {"exports", get_exports, NULL, "buffers given out and not yet released", NULL},
    {"readonly", get_readonly, NULL, "whether it refuses writable requests", NULL},
    {"c_contiguous", get_c_contiguous, NULL, "C-contiguous", NULL},
    {"f_contiguous", get_f_contiguous, NULL, "Fortran-contiguous", NULL},
    {"contiguous", get_contiguous, NULL, "C- or Fortran-contiguous", NULL},
    {"faults", get_faults, NULL, "the faults switched on, by name", NULL},
    {NULL, NULL, NULL, NULL, NULL}
};

static PyMethodDef ndarray_methods[] = {
    {"tolist", ndarray_tolist, METH_NOARGS,
     "The items as nested lists (the item itself for ndim 0)."},
    {NULL, NULL, 0, NULL}
};

/* Named as _testbuffer names its ndarray, without the module: CPython's
   messages that name the type (`'<' not supported between instances of
   'bytearray' and 'ndarray'`) are then the same words with either exporter,
   as the suite needs of a stand-in for _testbuffer. */
PyTypeObject mvx_ndarray_type = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "ndarray",
    .tp_basicsize = sizeof(ndarray),
    .tp_dealloc = ndarray_dealloc,
    .tp_hash = ndarray_hash,
    .tp_as_mapping = &ndarray_as_mapping,
    .tp_as_buffer = &ndarray_as_buffer,
    .tp_flags = Py_TPFLAGS_DEFAULT,
    .tp_doc = "ndarray(items, shape, strides=None, offset=0, format='B', flags=0, "
              "faults=())\n--\n\nAn exporter of any layout, made as "
              "_testbuffer.ndarray makes one; faults switch on mistakes by name.",
    .tp_methods = ndarray_methods,
    .tp_getset = ndarray_getset,
    .tp_init = ndarray_init,
    .tp_new = PyType_GenericNew,
};
