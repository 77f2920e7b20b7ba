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

static int str_value(PyObject *o, mv_value *out)
{
    PyObject *utf8 = PyUnicode_AsEncodedString(o, "utf-8", "surrogatepass");
    mv_error err;
    int status;

    if (utf8 == NULL)
        return -1;
    status = mv_str_new(out, PyBytes_AS_STRING(utf8),
                        (size_t)PyBytes_GET_SIZE(utf8), &err);
    Py_DECREF(utf8);
    return status < 0 ? mvpy_raise_int(&err) : 0;
}

static int bytes_value(PyObject *o, mv_value *out)
{
    mv_error err;

    if (mv_bytes_new(out, (const unsigned char *)PyBytes_AS_STRING(o),
                     (size_t)PyBytes_GET_SIZE(o), &err) < 0)
        return mvpy_raise_int(&err);
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

static int list_value(PyObject *o, mvpy_mode mode, mvpy_scratch *s,
                      mv_value *out)
{
    /* a snapshot: converting an item runs no Python code that could
       change the list, but the tuple keeps the items alive regardless */
    PyObject *items = PySequence_Tuple(o);
    int status;

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

/* ---- arguments ---------------------------------------------------------------- */

int mvpy_args_from(PyObject *args, PyObject *kwargs, mvpy_mode mode,
                   mvpy_scratch *s, mvpy_args *out)
{
    Py_ssize_t n = args ? PyTuple_GET_SIZE(args) : 0;
    Py_ssize_t nk = kwargs ? PyDict_GET_SIZE(kwargs) : 0;
    Py_ssize_t pos = 0;
    PyObject *key, *value;

    memset(out, 0, sizeof *out);
    out->args = PyMem_Calloc((size_t)n + 1, sizeof *out->args);
    out->kwargs = PyMem_Calloc((size_t)nk + 1, sizeof *out->kwargs);
    if (out->args == NULL || out->kwargs == NULL) {
        mvpy_args_clear(out);
        return no_memory();
    }
    for (; out->nargs < (size_t)n; out->nargs++)
        if (mvpy_to_value(PyTuple_GET_ITEM(args, (Py_ssize_t)out->nargs), mode,
                          s, &out->args[out->nargs]) < 0)
            goto error;
    while (kwargs && PyDict_Next(kwargs, &pos, &key, &value)) {
        mv_kwarg *kw = &out->kwargs[out->nkwargs];
        /* the name's UTF-8 lives as long as the key, which kwargs holds */
        kw->name = PyUnicode_AsUTF8(key);
        if (kw->name == NULL || mvpy_to_value(value, mode, s, &kw->value) < 0)
            goto error;
        out->nkwargs++;
    }
    return 0;
error:
    mvpy_args_clear(out);
    return -1;
}

mv_args mvpy_args_view(const mvpy_args *a)
{
    mv_args view = { a->args, a->nargs, a->kwargs, a->nkwargs };
    return view;
}

void mvpy_args_clear(mvpy_args *a)
{
    for (size_t i = 0; a->args && i < a->nargs; i++)
        mv_value_clear(&a->args[i]);
    for (size_t i = 0; a->kwargs && i < a->nkwargs; i++)
        mv_value_clear(&a->kwargs[i].value);
    PyMem_Free(a->args);
    PyMem_Free(a->kwargs);
    memset(a, 0, sizeof *a);
}

/* ---- library to Python ------------------------------------------------------- */

static PyObject *int_object(const mv_int *i)
{
    PyObject *magnitude, *negated;

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
        copy = mv_object_value(v->as.object);
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

PyObject *mvpy_from_value(const mv_value *v)
{
    switch (v->kind) {
    case MV_NONE: Py_RETURN_NONE;
    case MV_BOOL: return PyBool_FromLong(v->as.boolean);
    case MV_INT: return int_object(&v->as.integer);
    case MV_FLOAT: return PyFloat_FromDouble(v->as.real);
    case MV_STR:
        return PyUnicode_DecodeUTF8(v->as.str.data, (Py_ssize_t)v->as.str.len,
                                    "surrogatepass");
    case MV_BYTES:
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
