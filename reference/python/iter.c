/*
 * iter.c -- iter(m): the library's iterator (mv_iter_slot, mv_next) as a
 * Python iterator.
 *
 * Which iterator a view has depends on the version (SEQ-005): from 3.10 a
 * memory_iterator, before it the sequence protocol's iterator; the library
 * decides, and names it (mv_type_name), and this file gives the Python
 * object the same name.  `x in m` and list(m) are the library's too
 * (sq_contains in view.c; list() walks this iterator).
 */
#include "mvrefpy.h"

typedef struct mvpy_iter {
    PyObject_HEAD
    mv_value it;           /* MV_OBJECT: the library's iterator */
    PyObject *view;        /* the mvref view it walks, kept alive */
} mvpy_iter;

static PyTypeObject *memory_iterator, *sequence_iterator;

PyObject *mvpy_iter_new(mvpy_view *v)
{
    mv_value it = mv_none();
    mv_error err;
    mvpy_iter *self;

    /* tp_iter serves iter(m), list(m) and for loops alike (mv_iter_slot) */
    if (mv_iter_slot(&v->view, &it, &err) < 0)
        return mvpy_raise(&err);
    self = PyObject_GC_New(mvpy_iter, strcmp(mv_type_name(&it), "memory_iterator") == 0
                                      ? memory_iterator : sequence_iterator);
    if (self == NULL) {
        mv_value_clear(&it);
        return NULL;
    }
    self->it = it;
    Py_INCREF(v);
    self->view = (PyObject *)v;
    PyObject_GC_Track(self);
    return (PyObject *)self;
}

/* next(it): the library's StopIteration is the end (NULL, no error);
   so is an iterator the collector cleared. */
static PyObject *iter_next(PyObject *op)
{
    mvpy_iter *self = (mvpy_iter *)op;
    mv_value item = mv_none();
    mv_error err;
    PyObject *out;

    if (self->it.kind != MV_OBJECT)
        return NULL;
    if (mv_next(&self->it, &item, &err) < 0) {
        if (err.failure == MV_RAISED && strcmp(err.type, "StopIteration") == 0)
            return NULL;
        return mvpy_raise(&err);
    }
    out = mvpy_from_value(&item);
    mv_value_clear(&item);
    return out;
}

/* The library's iterator goes before the view: it holds the library's
   view, which must be gone when the mvref view settles its lease. */
static int iter_clear(PyObject *op)
{
    mvpy_iter *self = (mvpy_iter *)op;

    mv_value_clear(&self->it);
    Py_CLEAR(self->view);
    return 0;
}

static int iter_traverse(PyObject *op, visitproc visit, void *arg)
{
    Py_VISIT(Py_TYPE(op));
    Py_VISIT(((mvpy_iter *)op)->view);
    return 0;
}

static void iter_dealloc(PyObject *op)
{
    PyTypeObject *type = Py_TYPE(op);

    PyObject_GC_UnTrack(op);
    iter_clear(op);
    PyObject_GC_Del(op);
    Py_DECREF(type);
}

static PyType_Slot iter_slots[] = {
    {Py_tp_dealloc, (void *)iter_dealloc},
    {Py_tp_traverse, (void *)iter_traverse},
    {Py_tp_clear, (void *)iter_clear},
    {Py_tp_iter, (void *)PyObject_SelfIter},
    {Py_tp_iternext, (void *)iter_next},
    {0, NULL}
};

/* The names CPython's iterators have: type(iter(m)).__name__. */
static PyType_Spec memory_iterator_spec = {
    "mvref.memory_iterator", sizeof(mvpy_iter), 0,
    Py_TPFLAGS_DEFAULT | Py_TPFLAGS_HAVE_GC, iter_slots
};
static PyType_Spec sequence_iterator_spec = {
    "mvref.iterator", sizeof(mvpy_iter), 0,
    Py_TPFLAGS_DEFAULT | Py_TPFLAGS_HAVE_GC, iter_slots
};

int mvpy_iter_init_types(PyObject *module)
{
    (void)module;
    memory_iterator = (PyTypeObject *)PyType_FromSpec(&memory_iterator_spec);
    sequence_iterator = (PyTypeObject *)PyType_FromSpec(&sequence_iterator_spec);
    return memory_iterator != NULL && sequence_iterator != NULL ? 0 : -1;
}
