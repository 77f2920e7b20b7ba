/*
 * iter.c -- iter(m), and through it list(m), `x in m` and for loops.
 *
 * CPython's memoryview has no `in` of its own: `x in m` walks an iterator
 * comparing each item with ==, so iteration is all there is to model.  How
 * it goes depends on the version (SEQ-?), and the library says which
 * (mv_view_iter):
 *
 *   3.10+  iter(m) is a memory_iterator.  Making it checks dimensions,
 *          format and release (the library's mv_view_iter); each next()
 *          then checks the release, moves on, and reads the item, so that
 *          writes made between two next() calls are seen, a view released
 *          meanwhile refuses, and an item that cannot be read (format 's')
 *          raises and is passed over, as in CPython.
 *   3.9    iter(m) is the sequence protocol's iterator: it checks nothing,
 *          and next() reads m[0], m[1], ... until m[i] raises IndexError.
 *          Other errors pass through, and the next call tries again.
 *
 * Items are read as m[i] is, by the library.  Both iterators hold the mvref
 * view alive, and let it go when exhausted.
 */
#include "mvrefpy.h"

typedef struct mvpy_iter {
    PyObject_HEAD
    PyObject *view;        /* the mvref view; NULL once exhausted */
    Py_ssize_t index;      /* of the next item */
    Py_ssize_t length;     /* memory_iterator: len(m); sequence iterator: -1 */
} mvpy_iter;

static PyTypeObject *memory_iterator, *sequence_iterator;

PyObject *mvpy_iter_new(mvpy_view *v)
{
    Py_ssize_t length;
    mv_error err;
    mvpy_iter *it;

    if (mv_view_iter(&v->view, &length, &err) < 0)
        return mvpy_raise(&err);
    it = PyObject_New(mvpy_iter, length < 0 ? sequence_iterator
                                            : memory_iterator);
    if (it == NULL)
        return NULL;
    Py_INCREF(v);
    it->view = (PyObject *)v;
    it->index = 0;
    it->length = length;
    return (PyObject *)it;
}

/* m[index] through the library; *stop when it says IndexError (the end,
   for the sequence iterator). */
static PyObject *item(mvpy_iter *it, Py_ssize_t index, bool *stop)
{
    mv_value key = mv_int_from_i64(index), result = mv_none();
    mv_error err;
    PyObject *out;

    *stop = false;
    if (mv_getitem(&((mvpy_view *)it->view)->view, &key, &result, &err) < 0) {
        *stop = it->length < 0 && err.failure == MV_RAISED
                && strcmp(err.type, "IndexError") == 0;
        return *stop ? NULL : mvpy_raise(&err);
    }
    out = mvpy_from_value(&result);
    mv_value_clear(&result);
    return out;
}

/* memory_iterator: the release check (len(m) refuses exactly a released
   view, the view being one-dimensional), then the index moves on, then the
   item is read. */
static PyObject *next_of_view(mvpy_iter *it, bool *stop)
{
    mv_value n = mv_none();
    mv_error err;

    if (it->index >= it->length)
        return NULL;   /* *stop: the end */
    *stop = false;
    if (mv_len(&((mvpy_view *)it->view)->view, &n, &err) < 0)
        return mvpy_raise(&err);
    return item(it, it->index++, stop);
}

/* the sequence iterator: the index moves on only past an item read */
static PyObject *next_of_sequence(mvpy_iter *it, bool *stop)
{
    PyObject *out = item(it, it->index, stop);

    if (out != NULL)
        it->index++;
    return out;
}

static PyObject *iter_next(PyObject *op)
{
    mvpy_iter *it = (mvpy_iter *)op;
    bool stop = true;
    PyObject *out;

    if (it->view == NULL)
        return NULL;
    out = it->length < 0 ? next_of_sequence(it, &stop) : next_of_view(it, &stop);
    if (out == NULL && stop)
        Py_CLEAR(it->view);   /* exhausted: StopIteration, and for good */
    return out;
}

static void iter_dealloc(PyObject *op)
{
    PyTypeObject *type = Py_TYPE(op);

    Py_CLEAR(((mvpy_iter *)op)->view);
    PyObject_Free(op);
    Py_DECREF(type);
}

static PyType_Slot iter_slots[] = {
    {Py_tp_dealloc, (void *)iter_dealloc},
    {Py_tp_iter, (void *)PyObject_SelfIter},
    {Py_tp_iternext, (void *)iter_next},
    {0, NULL}
};

/* The names CPython's iterators have: type(iter(m)).__name__. */
static PyType_Spec memory_iterator_spec = {
    "mvref.memory_iterator", sizeof(mvpy_iter), 0, Py_TPFLAGS_DEFAULT, iter_slots
};
static PyType_Spec sequence_iterator_spec = {
    "mvref.iterator", sizeof(mvpy_iter), 0, Py_TPFLAGS_DEFAULT, iter_slots
};

int mvpy_iter_init_types(PyObject *module)
{
    (void)module;
    memory_iterator = (PyTypeObject *)PyType_FromSpec(&memory_iterator_spec);
    sequence_iterator = (PyTypeObject *)PyType_FromSpec(&sequence_iterator_spec);
    return memory_iterator != NULL && sequence_iterator != NULL ? 0 : -1;
}
