/*
 * lease.c -- CPython buffers lent to the library.
 *
 * mvref.memoryview(ba) asks the real bytearray for its buffer, exactly as
 * the builtin memoryview does (PyObject_GetBuffer with PyBUF_FULL_RO), so
 * that the bytearray counts the export: resizing it raises CPython's own
 * BufferError.  The library then gets an *external exporter* over that
 * memory (reference/src/external.c), and builds its managed buffer and
 * view on it as on any exporter:
 *
 *     bytearray ── Py_buffer ──▶ lease ── external exporter ◀── managed buffer ◀── views
 *     (exports 1)                 refs: mvref views + calls      (the library's)
 *
 * The library says when it is done (mv_external_lent() turns false: every
 * view of that managed buffer released or freed); mvref asks after each
 * operation that can end a loan -- a release, __exit__, a view freed -- and
 * then gives the Py_buffer back.  That is "settling" the lease.
 *
 * Arguments lease too: in m[:] = bytearray(b"xy") the bytearray lends its
 * buffer for the length of one library call (the scratch list, settled
 * after the call).
 *
 * A lease is a Python object (not visible from Python), as CPython's
 * managed buffer is: each mvref view standing on it and each scratch list
 * naming it holds a reference, and the lease holds its exporter (the
 * Py_buffer's obj).  So the garbage collector sees every reference: a
 * cycle through a view (ba.m = mvref.memoryview(ba)) is found, and
 * broken by releasing the view (view.c's clear), which ends the loan.
 *
 * Which exporter class the library should model the CPython object as
 * (external.c's `like`) follows its type: bytes, bytearray, array.array,
 * _testbuffer.ndarray and numpy arrays (and numpy scalars, which lend like
 * 0-dim arrays) are the library's own five; any other exporter (mmap, a
 * builtin memoryview, ctypes) is modelled as a _testbuffer.ndarray, an
 * exporter with a fixed layout that is hashable when read-only.
 */
#include "mvrefpy.h"

struct mvpy_lease {
    PyObject_HEAD
    Py_buffer buffer;      /* CPython's loan to mvref; buffer.obj holds the
                              exporter (NULL once given back, or when a
                              legacy exporter left it NULL) */
    mv_object *exporter;   /* the library's exporter over buffer.buf (one
                              reference); NULL once the buffer went back */
    const mv_config *cfg;  /* the version its views model */
};

static PyTypeObject *lease_type;

/* ---- which class the library models ------------------------------------- */

/* isinstance(obj, module.name), without importing the module: if it is not
   imported, obj cannot be one. */
static int instance_of(PyObject *obj, const char *module, const char *name)
{
    PyObject *mod = PyDict_GetItemString(PyImport_GetModuleDict(), module);
    PyObject *cls;
    int is;

    if (mod == NULL)
        return 0;
    cls = PyObject_GetAttrString(mod, name);
    if (cls == NULL) {
        PyErr_Clear();
        return 0;
    }
    is = PyType_Check(cls) && PyObject_TypeCheck(obj, (PyTypeObject *)cls);
    Py_DECREF(cls);
    return is;
}

static int array_typecode(PyObject *obj, char *typecode)
{
    PyObject *code = PyObject_GetAttrString(obj, "typecode");
    const char *text = code ? PyUnicode_AsUTF8(code) : NULL;

    if (text != NULL)
        *typecode = text[0];
    Py_XDECREF(code);
    return text != NULL ? 0 : -1;
}

static int model_of(PyObject *obj, mv_type *like, char *typecode)
{
    *typecode = 0;
    if (PyBytes_Check(obj))
        *like = MV_TYPE_BYTES;
    else if (PyByteArray_Check(obj))
        *like = MV_TYPE_BYTEARRAY;
    else if (instance_of(obj, "array", "array")) {
        *like = MV_TYPE_ARRAY;
        return array_typecode(obj, typecode);
    } else if (instance_of(obj, "numpy", "ndarray")
               || instance_of(obj, "numpy", "generic"))
        *like = MV_TYPE_NUMPY;
    else
        *like = MV_TYPE_NDARRAY;   /* _testbuffer.ndarray, and the rest */
    return 0;
}

/* ---- leases --------------------------------------------------------------- */

static void lease_describe(const Py_buffer *b, mv_external_buffer *d)
{
    d->buf = b->buf;
    d->len = b->len;
    d->itemsize = b->itemsize;
    d->readonly = b->readonly;
    d->format = b->format;
    d->ndim = b->ndim;
    d->shape = b->shape;
    d->strides = b->strides;
    d->suboffsets = b->suboffsets;
    /* the exporter answers, as itself, what the library's model of its
       class does not say (a numpy scalar's __index__): borrowed, as the
       memory is, while the lease holds b */
    d->object = mv_none();
    if (b->obj != NULL) {
        d->object.kind = MV_HOST;
        d->object.as.host.host = &mvpy_host;
        d->object.as.host.obj = b->obj;
    }
}

/* Lease obj's buffer, asked for with `flags` (PyBUF_FULL_RO, as
   memoryview(obj) asks): *out is a new library exporter over it, and s
   names the lease until mvpy_scratch_end(s).  -1 with a Python exception
   set (the exporter's own, if it refuses to lend). */
int mvpy_lease_new(PyObject *obj, int flags, mvpy_scratch *s, mv_value *out)
{
    mv_external_buffer desc;
    mvpy_lease *l;
    mv_error err;
    mv_type like;
    char typecode;

    if (model_of(obj, &like, &typecode) < 0)
        return -1;
    /* A loan asked for with fewer flags is a layout of its own, fixed at
       the loan (no format, no shape): an exporter that answers every
       request with it, as memoryview._from_flags() keeps it. */
    if (flags != PyBUF_FULL_RO)
        like = MV_TYPE_NDARRAY;
    l = PyObject_GC_New(mvpy_lease, lease_type);
    if (l == NULL)
        return -1;
    l->exporter = NULL;
    if (PyObject_GetBuffer(obj, &l->buffer, flags) < 0) {
        l->buffer.obj = NULL;
        Py_DECREF(l);
        return -1;
    }
    l->cfg = mvpy_config();
    PyObject_GC_Track(l);
    lease_describe(&l->buffer, &desc);
    if (mv_external_object(l->cfg, like, typecode, &desc, l, out, &err) < 0) {
        PyBuffer_Release(&l->buffer);
        Py_DECREF(l);
        return mvpy_raise_int(&err);
    }
    l->exporter = out->as.object;
    mv_object_incref(l->exporter);   /* the lease's own, until settled */
    if (mvpy_scratch_add(s, l) < 0) {
        mv_value_clear(out);
        mvpy_lease_settle(l);        /* nothing borrowed it yet */
        Py_DECREF(l);
        return -1;
    }
    Py_DECREF(l);                    /* the scratch list holds it now */
    return 0;
}

/* Give the buffer back to CPython once the library borrows it no more. */
void mvpy_lease_settle(mvpy_lease *l)
{
    if (l->exporter == NULL || mv_external_lent(l->exporter))
        return;
    mv_external_detach(l->exporter);
    mv_object_decref(l->exporter);
    l->exporter = NULL;
    PyBuffer_Release(&l->buffer);
}

mvpy_lease *mvpy_lease_of_view(const mv_value *view)
{
    mvpy_lease *l = mv_external_context(mv_view_exporter(view->as.object));

    Py_INCREF(l);
    return l;
}

void mvpy_lease_drop(mvpy_lease *l)
{
    mvpy_lease_settle(l);
    Py_DECREF(l);
}

/* The last reference went: nothing refers to the lease, so no view of it
   is alive, and the library has given its loan back (settled with the
   last view).  A lease the library still borrows from cannot die. */
static void lease_dealloc(PyObject *op)
{
    mvpy_lease *l = (mvpy_lease *)op;
    PyTypeObject *type = Py_TYPE(op);

    PyObject_GC_UnTrack(op);
    mvpy_lease_settle(l);
    assert(l->exporter == NULL);
    if (l->exporter != NULL)   /* never: then leak, rather than leave the
                                  library a context that is freed */
        return;
    PyObject_GC_Del(op);
    Py_DECREF(type);
}

/* The collector's view of a lease: its exporter, while it is lent. */
static int lease_traverse(PyObject *op, visitproc visit, void *arg)
{
    Py_VISIT(Py_TYPE(op));
    Py_VISIT(((mvpy_lease *)op)->buffer.obj);
    return 0;
}

/* Breaking a cycle: give the buffer back if the library is done with it
   (the views' clear releases them first, or the cycle runs through them). */
static int lease_clear(PyObject *op)
{
    mvpy_lease_settle((mvpy_lease *)op);
    return 0;
}

static PyType_Slot lease_slots[] = {
    {Py_tp_dealloc, (void *)lease_dealloc},
    {Py_tp_traverse, (void *)lease_traverse},
    {Py_tp_clear, (void *)lease_clear},
    {0, NULL}
};

static PyType_Spec lease_spec = {
    "mvref._lease", sizeof(mvpy_lease), 0,
    Py_TPFLAGS_DEFAULT | Py_TPFLAGS_HAVE_GC, lease_slots
};

int mvpy_lease_init_type(void)
{
    lease_type = (PyTypeObject *)PyType_FromSpec(&lease_spec);
    return lease_type != NULL ? 0 : -1;
}

PyObject *mvpy_lease_object(const mvpy_lease *l)
{
    return l->buffer.obj;
}

const mv_config *mvpy_lease_config(const mvpy_lease *l)
{
    return l->cfg;
}

/* ---- scratch lists ---------------------------------------------------------- */

int mvpy_scratch_add(mvpy_scratch *s, mvpy_lease *l)
{
    if (s->len == s->cap) {
        size_t cap = s->cap ? 2 * s->cap : 4;
        mvpy_lease **grown = PyMem_Realloc(s->leases, cap * sizeof *grown);
        if (grown == NULL) {
            PyErr_NoMemory();
            return -1;
        }
        s->leases = grown;
        s->cap = cap;
    }
    s->leases[s->len++] = l;
    Py_INCREF(l);
    return 0;
}

/* After the call: give back what the call did not keep.  What it kept
   (memoryview(ba) keeps ba's buffer) lives on in the views made on it. */
void mvpy_scratch_end_leases(mvpy_scratch *s)
{
    for (size_t i = 0; i < s->len; i++)
        mvpy_lease_drop(s->leases[i]);
    PyMem_Free(s->leases);
    s->leases = NULL;
    s->len = s->cap = 0;
}
