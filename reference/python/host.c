/*
 * host.c -- mvref as the library's host (mvref.h, section 10): any Python
 * object the library has no value for is an MV_HOST value holding the
 * object itself, and the library's questions about it are answered by
 * CPython's own C API, which runs the object's own code:
 *
 *   has_index   PyIndex_Check          truth    PyObject_IsTrue
 *   index       PyNumber_Index         length   PyObject_Length
 *   to_float    PyFloat_AsDouble       compare  the type's tp_richcompare
 *   to_int      __index__, else __int__ (3.9's int arguments)
 *
 * An exception raised there is kept here, as it is, and the error handed
 * to the library names this host.  When the library's operation fails
 * with that error, mvpy_raise() raises the very exception object again:
 * its type, message, traceback and identity are the program's own.  When
 * the library raises an error of its own instead (it rewords a
 * conversion's TypeError, CONVERT-005), the kept exception is dropped.
 *
 * Exceptions are kept by the address of the mv_error they were handed
 * with: each mvref operation has its own on its C stack, so an operation
 * run from inside an object's method (m.release() in an __index__) keeps
 * and raises its own, apart from the one it runs inside of.
 */
#include "mvrefpy.h"

/* ---- kept exceptions --------------------------------------------------------- */

typedef struct kept {
    const mv_error *err;
#if PY_VERSION_HEX >= 0x030C0000
    PyObject *exc;
#else
    PyObject *type, *value, *traceback;
#endif
} kept;

static kept *kepts;
static size_t nkept, capacity;

static void kept_clear(kept *k)
{
#if PY_VERSION_HEX >= 0x030C0000
    Py_XDECREF(k->exc);
#else
    Py_XDECREF(k->type);
    Py_XDECREF(k->value);
    Py_XDECREF(k->traceback);
#endif
}

static kept *find(const mv_error *err)
{
    for (size_t i = nkept; i > 0; i--)
        if (kepts[i - 1].err == err)
            return &kepts[i - 1];
    return NULL;
}

static void forget(kept *k)
{
    kept_clear(k);
    *k = kepts[--nkept];
}

void mvpy_host_forget(const mv_error *err)
{
    kept *k;

    while ((k = find(err)) != NULL)
        forget(k);
}

/* The Python exception set now becomes err, and is kept.  Returns -1. */
static int keep(mv_error *err)
{
    kept k;
    PyObject *value, *text;

    memset(&k, 0, sizeof k);
    k.err = err;
    assert(PyErr_Occurred());
#if PY_VERSION_HEX >= 0x030C0000
    k.exc = PyErr_GetRaisedException();
    value = k.exc;
#else
    PyErr_Fetch(&k.type, &k.value, &k.traceback);
    PyErr_NormalizeException(&k.type, &k.value, &k.traceback);
    value = k.value;
#endif
    mvpy_host_forget(err);
    if (nkept == capacity) {
        size_t n = capacity ? 2 * capacity : 8;
        kept *grown = PyMem_Realloc(kepts, n * sizeof *grown);
        if (grown == NULL) {
            kept_clear(&k);
            return mv_no_memory(err);
        }
        kepts = grown;
        capacity = n;
    }
    kepts[nkept++] = k;
    /* for the library's eyes: what it is; the host raises the object */
    text = PyObject_Str(value);
    mv_raise(err, Py_TYPE(value)->tp_name, "%s",
             text != NULL ? PyUnicode_AsUTF8(text) : "");
    if (text == NULL || PyErr_Occurred())
        PyErr_Clear();
    Py_XDECREF(text);
    err->host = &mvpy_host;
    return -1;
}

bool mvpy_host_restore(const mv_error *err)
{
    kept *k = find(err);

    if (err->host != &mvpy_host || k == NULL) {
        mvpy_host_forget(err);
        return false;
    }
#if PY_VERSION_HEX >= 0x030C0000
    PyErr_SetRaisedException(k->exc);
    k->exc = NULL;
#else
    PyErr_Restore(k->type, k->value, k->traceback);
    k->type = k->value = k->traceback = NULL;
#endif
    forget(k);
    mvpy_host_forget(err);
    return true;
}

/* ---- the answers -------------------------------------------------------------- */

static const char *type_name(void *obj, bool qualified)
{
    const char *name = Py_TYPE((PyObject *)obj)->tp_name;
    const char *dot = strrchr(name, '.');

    return qualified || dot == NULL ? name : dot + 1;
}

static bool has_index(void *obj)
{
    return PyIndex_Check((PyObject *)obj);
}

/* An int object the C API made, as a library value (taking it). */
static int int_result(PyObject *r, mv_value *out, mv_error *err)
{
    int status;

    if (r == NULL)
        return keep(err);
    status = mvpy_to_value(r, MVPY_VALUE, NULL, out);
    Py_DECREF(r);
    return status < 0 ? keep(err) : 0;
}

static int index_of(void *obj, mv_value *out, mv_error *err)
{
    return int_result(PyNumber_Index((PyObject *)obj), out, err);
}

/* 3.9's int arguments (PyLong_AsLong of any object, then): __index__,
   else __int__, whose result must be an int; 1 for neither. */
static int to_int(void *obj, mv_value *out, mv_error *err)
{
    PyObject *o = obj, *r;
    PyNumberMethods *nb = Py_TYPE(o)->tp_as_number;

    if (PyIndex_Check(o))
        return index_of(o, out, err);
    if (nb == NULL || nb->nb_int == NULL)
        return 1;
    r = nb->nb_int(o);
    if (r != NULL && !PyLong_Check(r)) {
        PyErr_Format(PyExc_TypeError, "__int__ returned non-int (type "
                     "%.200s)", Py_TYPE(r)->tp_name);
        Py_CLEAR(r);
    }
    return int_result(r, out, err);
}

static int to_float(void *obj, double *out, mv_error *err)
{
    *out = PyFloat_AsDouble((PyObject *)obj);
    return *out == -1.0 && PyErr_Occurred() ? keep(err) : 0;
}

static int truth(void *obj, bool *out, mv_error *err)
{
    int t = PyObject_IsTrue((PyObject *)obj);

    if (t < 0)
        return keep(err);
    *out = t;
    return 0;
}

static int length(void *obj, mv_ssize *out, mv_error *err)
{
    *out = PyObject_Length((PyObject *)obj);
    return *out < 0 ? keep(err) : 0;
}

/* The object's own side of obj == other (or !=, <...): its type's rich
   comparison, which for a class is its __eq__ (and object's __ne__, which
   negates that). */
static int compare(void *obj, const mv_value *other, mv_compare_op op,
                   mv_value *out, mv_error *err)
{
    PyObject *o = obj, *w, *r;
    richcmpfunc cmp = Py_TYPE(o)->tp_richcompare;
    int status;

    *out = mv_none();
    if (cmp == NULL)
        return 1;
    w = mvpy_from_value(other);
    if (w == NULL)
        return keep(err);
    r = cmp(o, w, (int)op);   /* numbered as Py_LT ... Py_GE */
    Py_DECREF(w);
    if (r == NULL)
        return keep(err);
    if (r == Py_NotImplemented) {
        Py_DECREF(r);
        return 1;
    }
    status = mvpy_to_value(r, MVPY_RESULT, NULL, out);
    Py_DECREF(r);
    return status < 0 ? keep(err) : 0;
}

static bool raised(const mv_error *err, const char *type)
{
    kept *k = find(err);
    PyObject *cls = PyDict_GetItemString(PyEval_GetBuiltins(), type);

    if (k == NULL || cls == NULL)
        return false;
#if PY_VERSION_HEX >= 0x030C0000
    return PyErr_GivenExceptionMatches(k->exc, cls);
#else
    return PyErr_GivenExceptionMatches(k->type, cls);
#endif
}

static void incref(void *obj)
{
    Py_INCREF((PyObject *)obj);
}

static void decref(void *obj)
{
    Py_DECREF((PyObject *)obj);
}

const mv_host mvpy_host = {
    type_name, has_index, index_of, to_int, to_float, truth, length, compare,
    raised, incref, decref
};

_Static_assert(MV_LT == Py_LT && MV_LE == Py_LE && MV_EQ == Py_EQ
               && MV_NE == Py_NE && MV_GT == Py_GT && MV_GE == Py_GE,
               "the library numbers comparisons as CPython does");
