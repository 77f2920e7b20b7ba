/*
 * values.c -- Python objects as library values (mv_value), and back.
 *
 * The library has its own small model of Python values (mvref.h, section
 * 5): None, bool, int of any size, float, str, bytes, list, tuple, slice,
 * Ellipsis, and objects (exporters and views).  Keys, items to store and
 * arguments go through it, so that the library, not CPython, decides what
 * they mean and which error they meet (m["a"], m[0] = 2**64, m.cast(1)):
 *
 *   Python                         library value
 *   None True False ...            MV_NONE, MV_BOOL, MV_ELLIPSIS
 *   int (any size)                 MV_INT: exact below 2**64, else decimal text
 *   float                          MV_FLOAT
 *   str                            MV_STR (UTF-8; lone surrogates pass)
 *   bytes                          MV_BYTES, a copy -- or, as the argument of
 *                                  memoryview(), a leased exporter (MVPY_EXPORTER)
 *   list tuple slice               MV_LIST, MV_TUPLE, MV_SLICE, item by item
 *   an mvref view                  MV_OBJECT: its library view
 *   any other buffer exporter      MV_OBJECT: a leased exporter (lease.c)
 *   anything else                  MV_HOST: the object itself, which the
 *                                  library asks through host.c (a Decimal,
 *                                  a dict, an object with __index__)
 *
 * Back, an MV_OBJECT is the mvref view of a library view, or the CPython
 * object a leased exporter stands for (so that m.obj is ba); an MV_HOST
 * value is its object.
 */
#include "mvrefpy.h"

/* ---- Python to library --------------------------------------------------- */

/* Any other object: held as itself, the host's (host.c). */
static int host_value(PyObject *o, mv_value *out)
{
    *out = mv_host_value(&mvpy_host, o);
    return 0;
}

static int no_memory(void)
{
    PyErr_NoMemory();
    return -1;
}

static int int_value(PyObject *o, mv_value *out)
{
    int overflow;
    long long i = PyLong_AsLongLongAndOverflow(o, &overflow);
    PyObject *text;
    mv_error err;
    int status;

    if (i == -1 && PyErr_Occurred())
        return -1;
    if (overflow == 0) {
        *out = mv_int_from_i64(i);
        return 0;
    }
    if (overflow > 0) {
        unsigned long long u = PyLong_AsUnsignedLongLong(o);
        if (!PyErr_Occurred()) {
            *out = mv_int_from_u64(u);
            return 0;
        }
        PyErr_Clear();
    }
    /* |o| >= 2**64: the library keeps decimal text.  (An int too long for
       str() -- over 4300 digits -- raises CPython's ValueError here.) */
    text = PyNumber_ToBase(o, 10);
    if (text == NULL)
        return -1;
    status = mv_int_from_text(out, PyUnicode_AsUTF8(text), &err);
    Py_DECREF(text);
    return status < 0 ? mvpy_raise_int(&err) : 0;
}

/* A str or bytes whose data stays where it is, in the CPython object
   `holder`, which the value holds a reference to (its `host`: mvref.h,
   section 5), and which mv_value_clear() lets go of: no copy is made. */
static void held_text(mv_kind kind, const char *data, Py_ssize_t n,
                      PyObject *holder, mv_value *out)
{
    *out = mv_none();
    out->kind = kind;
    if (kind == MV_STR) {
        out->as.str.data = (char *)data;
        out->as.str.len = (size_t)n;
        out->as.str.host = holder;
    } else {
        out->as.bytes.data = (unsigned char *)data;
        out->as.bytes.len = (size_t)n;
        out->as.bytes.host = holder;
    }
}

/* A str's UTF-8, which CPython keeps in the str once asked for; a str
   with a lone surrogate (which UTF-8 proper refuses) encoded with them. */
static int str_value(PyObject *o, mv_value *out)
{
    Py_ssize_t n;
    const char *text = PyUnicode_AsUTF8AndSize(o, &n);
    PyObject *utf8;

    if (text != NULL) {
        Py_INCREF(o);
        held_text(MV_STR, text, n, o, out);
        return 0;
    }
    PyErr_Clear();
    utf8 = PyUnicode_AsEncodedString(o, "utf-8", "surrogatepass");
    if (utf8 == NULL)
        return -1;
    held_text(MV_STR, PyBytes_AS_STRING(utf8), PyBytes_GET_SIZE(utf8), utf8,
              out);
    return 0;
}

static int bytes_value(PyObject *o, mv_value *out)
{
    Py_INCREF(o);
    held_text(MV_BYTES, PyBytes_AS_STRING(o), PyBytes_GET_SIZE(o), o, out);
    return 0;
}

/* A list, tuple or slice of n items, converted one by one. */
static int seq_value(PyObject *const *items, size_t n, mv_kind kind,
                     mvpy_mode mode, mvpy_scratch *s, mv_value *out)
{
    mv_error err;

    if (mv_seq_new(out, kind, n, &err) < 0)
        return mvpy_raise_int(&err);
    for (size_t i = 0; i < n; i++) {
        if (mvpy_to_value(items[i], mode, s, &out->as.seq.items[i]) < 0) {
            mv_value_clear(out);
            return -1;
        }
    }
    return 0;
}

/* Whether every item of the list is an int: converting those runs no
   Python code, so that the list cannot change while it is read. */
static bool all_ints(PyObject *list)
{
    for (Py_ssize_t i = 0; i < PyList_GET_SIZE(list); i++)
        if (!PyLong_CheckExact(PyList_GET_ITEM(list, i)))
            return false;
    return true;
}

static int list_value(PyObject *o, mvpy_mode mode, mvpy_scratch *s,
                      mv_value *out)
{
    PyObject *items;
    int status;

    /* a shape, [4, 256]: read where it is (no tuple made for each call) */
    if (all_ints(o))
        return seq_value(PySequence_Fast_ITEMS(o), (size_t)PyList_GET_SIZE(o),
                         MV_LIST, mode, s, out);
    /* else a snapshot: an exporter's __buffer__ (3.12+), asked for its
       buffer as an item is converted, could change the list; the tuple
       keeps the items as they were, and alive */
    items = PySequence_Tuple(o);
    if (items == NULL)
        return -1;
    status = seq_value(PySequence_Fast_ITEMS(items),
                       (size_t)PyTuple_GET_SIZE(items), MV_LIST, mode, s, out);
    Py_DECREF(items);
    return status;
}

static int slice_value(PyObject *o, mvpy_mode mode, mvpy_scratch *s,
                       mv_value *out)
{
    PySliceObject *sl = (PySliceObject *)o;
    PyObject *parts[3] = { sl->start, sl->stop, sl->step };

    return seq_value(parts, 3, MV_SLICE, mode, s, out);
}

int mvpy_to_value(PyObject *o, mvpy_mode mode, mvpy_scratch *s, mv_value *out)
{
    if (PyLong_CheckExact(o))   /* the most common: a key, an item */
        return int_value(o, out);
    *out = mv_none();
    if (o == Py_None)
        return 0;
    if (o == Py_Ellipsis) {
        *out = mv_ellipsis();
        return 0;
    }
    if (PyBool_Check(o)) {
        *out = mv_bool(o == Py_True);
        return 0;
    }
    if (PyLong_Check(o))
        return int_value(o, out);
    if (PyFloat_Check(o)) {
        *out = mv_float(PyFloat_AS_DOUBLE(o));
        return 0;
    }
    if (PyUnicode_Check(o))
        return str_value(o, out);
    if (PyBytes_Check(o) && mode == MVPY_VALUE)
        return bytes_value(o, out);
    if (PyTuple_Check(o))
        return seq_value(PySequence_Fast_ITEMS(o), (size_t)PyTuple_GET_SIZE(o),
                         MV_TUPLE, mode, s, out);
    if (PyList_Check(o))
        return list_value(o, mode, s, out);
    if (PySlice_Check(o))
        return slice_value(o, mode, s, out);
    if (mvpy_is_view(o)) {
        *out = mv_object_value(((mvpy_view *)o)->view.as.object);
        return 0;
    }
    if (PyObject_CheckBuffer(o) && mode != MVPY_RESULT)
        return mvpy_lease_new(o, PyBUF_FULL_RO, s, out);
    return host_value(o, out);
}

/* ---- keys ---------------------------------------------------------------- */

/* A key or a slice's part made as mvpy_to_value makes it, where it is
   None or an int of 64 bits (m[i], m[1:-1]): nothing to dispatch on, no
   call to fail.  False for anything else. */
static bool plain_part(PyObject *o, mv_value *out)
{
    int overflow;
    long long i;

    if (o == Py_None) {
        *out = mv_none();
        return true;
    }
    if (!PyLong_CheckExact(o))
        return false;
    i = PyLong_AsLongLongAndOverflow(o, &overflow);   /* cannot fail: an int */
    if (overflow != 0)
        return false;
    *out = mv_int_from_i64(i);
    return true;
}

/* m[a:b:c]: the library borrows a key and never clears it (mvref.h,
   section 2), so a slice's three parts can live in the caller's `parts`
   rather than on the heap; mvpy_key_clear() clears what mvpy_key() made. */
int mvpy_key(PyObject *o, mvpy_scratch *s, mv_value parts[3], mv_value *out)
{
    PySliceObject *sl = (PySliceObject *)o;
    PyObject *given[3];

    if (!PySlice_Check(o))   /* an int, mostly */
        return plain_part(o, out) ? 0 : mvpy_to_value(o, MVPY_VALUE, s, out);
    given[0] = sl->start;
    given[1] = sl->stop;
    given[2] = sl->step;
    for (int i = 0; i < 3; i++) {
        if (plain_part(given[i], &parts[i]))   /* most parts */
            continue;
        if (mvpy_to_value(given[i], MVPY_VALUE, s, &parts[i]) < 0) {
            while (i-- > 0)
                mv_value_clear(&parts[i]);
            return -1;
        }
    }
    *out = mv_none();
    out->kind = MV_SLICE;
    out->as.seq.items = parts;
    out->as.seq.len = 3;
    return 0;
}

void mvpy_key_clear(mv_value parts[3], mv_value *key)
{
    if (key->kind != MV_SLICE || key->as.seq.items != parts) {
        mvpy_value_clear(key);
        return;
    }
    for (int i = 0; i < 3; i++)
        mvpy_value_clear(&parts[i]);
    *key = mv_none();
}

/* ---- arguments ---------------------------------------------------------------- */

/* Room for n positional and nk keyword arguments: here, or (a call of
   many) from the heap. */
static int args_room(mvpy_args *out, size_t n, size_t nk)
{
    out->nargs = out->nkwargs = 0;
    out->list_here = NULL;
    out->args = n <= MVPY_ARGS_HERE ? out->args_here
                                    : PyMem_Calloc(n, sizeof *out->args);
    out->kwargs = nk <= MVPY_ARGS_HERE ? out->kwargs_here
                                       : PyMem_Calloc(nk, sizeof *out->kwargs);
    if (out->args == NULL || out->kwargs == NULL) {
        mvpy_args_clear(out);
        return no_memory();
    }
    return 0;
}

int mvpy_ints_here(PyObject *o, mv_value items[], size_t room, mv_value *out)
{
    bool list = PyList_CheckExact(o);
    Py_ssize_t n = list ? PyList_GET_SIZE(o)
                        : PyTuple_CheckExact(o) ? PyTuple_GET_SIZE(o) : -1;
    PyObject *const *given = n >= 0 ? PySequence_Fast_ITEMS(o) : NULL;

    if (n < 0 || (size_t)n > room)
        return 1;
    for (Py_ssize_t i = 0; i < n; i++)
        if (!PyLong_CheckExact(given[i]))
            return 1;
    for (Py_ssize_t i = 0; i < n; i++) {
        if (int_value(given[i], &items[i]) < 0) {
            while (i-- > 0)
                mv_value_clear(&items[i]);
            return -1;
        }
    }
    *out = mv_none();
    out->kind = list ? MV_LIST : MV_TUPLE;
    out->as.seq.items = items;
    out->as.seq.len = (size_t)n;
    return 0;
}

void mvpy_ints_clear(mv_value *v)
{
    for (size_t i = 0; i < v->as.seq.len; i++)
        mv_value_clear(&v->as.seq.items[i]);
    *v = mv_none();
}

/* One argument as a library value, in *v, one of a's: a short list or
   tuple of ints (a shape), the first of the call, keeps its items in a,
   not on the heap (mvpy_args_clear knows it); any other argument as
   mvpy_to_value() makes it. */
static int arg_value(mvpy_args *a, PyObject *o, mvpy_mode mode,
                     mvpy_scratch *s, mv_value *v)
{
    int status = a->list_here != NULL
                 ? 1 : mvpy_ints_here(o, a->items_here, MVPY_ITEMS_HERE, v);

    if (status > 0)
        return mvpy_to_value(o, mode, s, v);
    if (status == 0)
        a->list_here = v;
    return status;
}

/* Clear an argument a made: a list whose items a keeps, item by item. */
static void arg_clear(mvpy_args *a, mv_value *v)
{
    if (v != a->list_here) {
        mv_value_clear(v);
        return;
    }
    mvpy_ints_clear(v);
    a->list_here = NULL;
}

/* The next keyword argument: name (whose UTF-8 lives as long as the str,
   which the caller's arguments hold) = value. */
static int add_keyword(mvpy_args *out, PyObject *name, PyObject *value,
                       mvpy_mode mode, mvpy_scratch *s)
{
    mv_kwarg *kw = &out->kwargs[out->nkwargs];

    kw->name = PyUnicode_AsUTF8(name);
    if (kw->name == NULL || arg_value(out, value, mode, s, &kw->value) < 0)
        return -1;
    out->nkwargs++;
    return 0;
}

int mvpy_args_from(PyObject *args, PyObject *kwargs, mvpy_mode mode,
                   mvpy_scratch *s, mvpy_args *out)
{
    Py_ssize_t n = args ? PyTuple_GET_SIZE(args) : 0;
    Py_ssize_t nk = kwargs ? PyDict_GET_SIZE(kwargs) : 0;
    Py_ssize_t pos = 0;
    PyObject *key, *value;

    if (args_room(out, (size_t)n, (size_t)nk) < 0)
        return -1;
    for (; out->nargs < (size_t)n; out->nargs++)
        if (arg_value(out, PyTuple_GET_ITEM(args, (Py_ssize_t)out->nargs), mode,
                      s, &out->args[out->nargs]) < 0)
            goto error;
    while (kwargs && PyDict_Next(kwargs, &pos, &key, &value))
        if (add_keyword(out, key, value, mode, s) < 0)
            goto error;
    return 0;
error:
    mvpy_args_clear(out);
    return -1;
}

int mvpy_args_vector(PyObject *const *args, size_t nargsf, PyObject *kwnames,
                     mvpy_mode mode, mvpy_scratch *s, mvpy_args *out)
{
    size_t n = (size_t)PyVectorcall_NARGS(nargsf);
    size_t nk = kwnames ? (size_t)PyTuple_GET_SIZE(kwnames) : 0;

    if (args_room(out, n, nk) < 0)
        return -1;
    for (; out->nargs < n; out->nargs++)
        if (arg_value(out, args[out->nargs], mode, s,
                      &out->args[out->nargs]) < 0)
            goto error;
    for (size_t k = 0; k < nk; k++)
        if (add_keyword(out, PyTuple_GET_ITEM(kwnames, (Py_ssize_t)k),
                        args[n + k], mode, s) < 0)
            goto error;
    return 0;
error:
    mvpy_args_clear(out);
    return -1;
}

void mvpy_args_clear(mvpy_args *a)
{
    for (size_t i = 0; a->args && i < a->nargs; i++)
        arg_clear(a, &a->args[i]);
    for (size_t i = 0; a->kwargs && i < a->nkwargs; i++)
        arg_clear(a, &a->kwargs[i].value);
    if (a->args != a->args_here)
        PyMem_Free(a->args);
    if (a->kwargs != a->kwargs_here)
        PyMem_Free(a->kwargs);
    a->args = NULL;
    a->kwargs = NULL;
    a->nargs = a->nkwargs = 0;
}

/* ---- library to Python ------------------------------------------------------- */

static PyObject *int_object(const mv_int *i)
{
    PyObject *magnitude, *negated;

    if (!i->huge && !i->negative)
        return PyLong_FromUnsignedLongLong(i->magnitude);
    if (!i->huge && i->magnitude <= (uint64_t)LLONG_MAX)
        return PyLong_FromLongLong(-(long long)i->magnitude);
    if (i->huge)
        magnitude = PyLong_FromString(i->digits, NULL, 10);
    else
        magnitude = PyLong_FromUnsignedLongLong(i->magnitude);
    if (magnitude == NULL || !i->negative)
        return magnitude;
    negated = PyNumber_Negative(magnitude);
    Py_DECREF(magnitude);
    return negated;
}

static PyObject *seq_object(const mv_value *v)
{
    Py_ssize_t n = (Py_ssize_t)v->as.seq.len;
    PyObject *items[3], *out;

    if (v->kind == MV_SLICE) {
        for (int i = 0; i < 3; i++)
            items[i] = mvpy_from_value(&v->as.seq.items[i]);
        out = items[0] && items[1] && items[2]
              ? PySlice_New(items[0], items[1], items[2]) : NULL;
        for (int i = 0; i < 3; i++)
            Py_XDECREF(items[i]);
        return out;
    }
    out = v->kind == MV_LIST ? PyList_New(n) : PyTuple_New(n);
    for (Py_ssize_t i = 0; out != NULL && i < n; i++) {
        PyObject *item = mvpy_from_value(&v->as.seq.items[i]);
        if (item == NULL)
            Py_CLEAR(out);
        else if (v->kind == MV_LIST)
            PyList_SET_ITEM(out, i, item);
        else
            PyTuple_SET_ITEM(out, i, item);
    }
    return out;
}

static PyObject *object_of(const mv_value *v)
{
    mv_value copy;
    PyObject *obj;

    if (mv_object_type(v->as.object) == MV_TYPE_MEMORYVIEW) {
        copy = *v;   /* a reference of its own, for the wrapper to take */
        mv_object_incref(copy.as.object);
        return mvpy_view_wrap(&copy);
    }
    if (mv_object_type(v->as.object) == MV_TYPE_ITERATOR) {
        PyErr_SetString(mvpy_Unsupported, "an iterator as a value");
        return NULL;
    }
    /* every exporter mvref meets is one it leased: a view's m.obj.  An
       exporter may leave the buffer's obj NULL (a legacy getbuffer, as
       _testbuffer.staticarray(legacy_mode=True) has): then m.obj is None,
       as CPython's memoryview says (ATTR-001). */
    obj = mvpy_lease_object(mv_external_context(v->as.object));
    if (obj == NULL)
        Py_RETURN_NONE;
    Py_INCREF(obj);
    return obj;
}

/* A bytes or str the library made in an object of ours (the host
   allocates, below): that object itself, a reference of our own. */
static PyObject *host_object(void *object)
{
    Py_INCREF((PyObject *)object);
    return object;
}

PyObject *mvpy_from_value(const mv_value *v)
{
    switch (v->kind) {
    case MV_NONE: Py_RETURN_NONE;
    case MV_BOOL: return PyBool_FromLong(v->as.boolean);
    case MV_INT: return int_object(&v->as.integer);
    case MV_FLOAT: return PyFloat_FromDouble(v->as.real);
    case MV_STR:
        if (v->as.str.host != NULL)
            return host_object(v->as.str.host);
        return PyUnicode_DecodeUTF8(v->as.str.data, (Py_ssize_t)v->as.str.len,
                                    "surrogatepass");
    case MV_BYTES:
        if (v->as.bytes.host != NULL)
            return host_object(v->as.bytes.host);
        return PyBytes_FromStringAndSize((const char *)v->as.bytes.data,
                                         (Py_ssize_t)v->as.bytes.len);
    case MV_LIST: case MV_TUPLE: case MV_SLICE:
        return seq_object(v);
    case MV_ELLIPSIS: Py_INCREF(Py_Ellipsis); return Py_Ellipsis;
    case MV_OBJECT: return object_of(v);
    case MV_OPAQUE:
        PyErr_Format(mvpy_Unsupported, "a '%s' the reference knows only by "
                     "name", v->as.str.data);
        return NULL;
    case MV_HOST:
        Py_INCREF((PyObject *)v->as.host.obj);
        return v->as.host.obj;
    }
    PyErr_SetString(PyExc_SystemError, "mvref: a library value of no kind");
    return NULL;
}

/* The same, taking v's reference (v is left MV_NONE): a view the library
   made for the program is wrapped as it is, its reference the wrapper's,
   with none made and dropped on the way. */
PyObject *mvpy_take_value(mv_value *v)
{
    PyObject *out;

    if (v->kind == MV_OBJECT
        && mv_object_type(v->as.object) == MV_TYPE_MEMORYVIEW)
        return mvpy_view_wrap(v);
    out = mvpy_from_value(v);
    mvpy_value_clear(v);
    return out;
}

/* ---- the host allocates -------------------------------------------------- */

/* The bytes and str results the library makes are made here, as CPython
   objects, so that the library writes the items once, straight into the
   object the program gets (mvref.h, section 9): a bytes, or a compact
   ASCII str, whose characters are a byte each. */
static void *make_text(void *ctx, mv_kind kind, size_t len,
                       unsigned char **data)
{
    PyObject *o;

    (void)ctx;
    if (kind == MV_BYTES) {
        o = PyBytes_FromStringAndSize(NULL, (Py_ssize_t)len);
        if (o != NULL)
            *data = (unsigned char *)PyBytes_AS_STRING(o);
    } else {
        o = PyUnicode_New((Py_ssize_t)len, 127);
        if (o != NULL)
            *data = PyUnicode_1BYTE_DATA(o);
    }
    if (o == NULL)
        PyErr_Clear();   /* the library says MemoryError itself */
    return o;
}

static void drop_text(void *ctx, void *object)
{
    (void)ctx;
    Py_DECREF((PyObject *)object);
}

void mvpy_values_init(void)
{
    static const mv_host_allocator allocator = { make_text, drop_text, NULL };

    mv_host_allocator_set(&allocator);
}
