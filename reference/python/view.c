/*
 * view.c -- the type mvref.memoryview: the library's view as a Python object.
 *
 * Each slot and method converts its operands to library values (values.c),
 * makes one call into the library (mvref.h), and converts back: the result,
 * or the library's error as the builtin exception.  Nothing here decides
 * what a memoryview does.  What is left to this file is Python's side of
 * the bargain:
 *
 *   identity     the library may hand back a view that already has an mvref
 *                object (m.__enter__() is m; m.__buffer__(0).obj is m):
 *                the library view names its mvref object (mv_host_object)
 *                while that lives, so it stays one.
 *   leases       after any operation that can end a loan, the CPython
 *                buffer beneath is given back if the library is done with
 *                it (lease.c).
 *   protocols    Python's own dispatch: == and < are tried on both
 *                operands before Python raises, and a slot cannot tell which
 *                side it was called for.  Where the library's answer is
 *                "no answer" (TypeError: '<' not supported; an == operand
 *                it has no value for), the slot returns NotImplemented and
 *                Python's dispatch says what CPython says (COMPARE-005).
 *
 * The type answers to the name "memoryview" (type(m).__name__, and the
 * tp_name CPython quotes in its own messages: "'<' not supported between
 * instances of 'memoryview' and 'int'"), while its module, mvref, tells it
 * apart from the builtin: repr(type(m)) is <class 'mvref.memoryview'>.
 */
#include "mvrefpy.h"

#include <structmember.h>   /* after Python.h, as it requires */

PyTypeObject *mvpy_ViewType;

#define VIEW(op) ((mvpy_view *)(op))

static PyTypeObject *type_of_version(const mv_config *cfg);

/* ---- identity and lifetime ------------------------------------------------ */

/* The object of the view freed last, kept for the next view of its type
   (a fast path, fast.c): a loop that makes a view and drops it each turn
   (m[1:-1], m.cast('i')) would otherwise ask CPython's allocator for the
   same block again at once -- a tenth of the turn.  As CPython's own free
   lists do, the object is given its identity anew (PyObject_Init); the
   spare holds its type's reference meanwhile. */
static mvpy_view *spare_object;

static mvpy_view *take_spare(PyTypeObject *type)
{
    mvpy_view *self = spare_object;

    if (self == NULL || Py_TYPE(self) != type)
        return NULL;
    spare_object = NULL;
    (void)PyObject_Init((PyObject *)self, type);   /* a new reference */
    Py_DECREF(type);                               /* the spare's */
    return self;
}

/* True when op (being deallocated, its fields cleared) is kept. */
static bool keep_spare(PyObject *op)
{
    if (spare_object != NULL || !mv_fast_paths())
        return false;
    spare_object = VIEW(op);   /* with the reference to its type */
    return true;
}

/* A library view knows the mvref view that stands for it, while that one
   lives (mv_host_object): wrapping it again gives the same object. */
PyObject *mvpy_view_wrap(mv_value *v)
{
    mvpy_view *self;

    assert(v->kind == MV_OBJECT);
    self = mv_host_object(v->as.object);
    if (self != NULL) {
        Py_INCREF(self);
    } else {
        mvpy_lease *lease = mvpy_lease_of_view(v);
        PyTypeObject *type = type_of_version(mvpy_lease_config(lease));

        /* GC_New, not tp_alloc: every field is set here, none zeroed */
        self = take_spare(type);
        if (self == NULL)
            self = PyObject_GC_New(mvpy_view, type);
        if (self != NULL) {
            /* the reference is the new view's: the object alone is read
               (the value was just written field by field, and reading it
               back whole would wait on those writes) */
            self->view = mv_none();
            self->view.kind = MV_OBJECT;
            self->view.as.object = v->as.object;
            v->kind = MV_NONE;
            self->lease = lease;
            self->lender = NULL;
            self->weakreflist = NULL;
            mv_host_object_set(self->view.as.object, self);
            PyObject_GC_Track(self);
            return (PyObject *)self;
        }
        mvpy_lease_drop(lease);
    }
    mv_value_clear(v);
    return (PyObject *)self;
}

static void view_dealloc(PyObject *op)
{
    mvpy_view *self = VIEW(op);
    PyTypeObject *type = Py_TYPE(op);
    PyObject *type_ = NULL, *value = NULL, *tb = NULL;
    bool raised = PyErr_Occurred() != NULL;

    PyObject_GC_UnTrack(op);
    /* an exception on its way out is kept from what the exporter's
       release may do (most views go with none) */
    if (raised)
        PyErr_Fetch(&type_, &value, &tb);
    if (self->weakreflist != NULL)
        PyObject_ClearWeakRefs(op);
    if (self->view.kind == MV_OBJECT)   /* the library's view may live on */
        mv_host_object_set(self->view.as.object, NULL);
    /* the library view goes, and with it, perhaps, the last use of the
       CPython buffer beneath (EXPORT-005) */
    mv_value_clear(&self->view);
    Py_CLEAR(self->lender);
    if (self->lease != NULL)
        mvpy_lease_drop(self->lease);
    if (!keep_spare(op)) {
        type->tp_free(op);
        Py_DECREF(type);
    }
    if (raised)
        PyErr_Restore(type_, value, tb);
    else if (PyErr_Occurred())
        PyErr_Clear();   /* nothing raised here outlives the view */
}

/* The collector's view of a view: its lease (which holds the exporter)
   and the view it was made from by __buffer__. */
static int view_traverse(PyObject *op, visitproc visit, void *arg)
{
    Py_VISIT(Py_TYPE(op));
    Py_VISIT((PyObject *)VIEW(op)->lease);
    Py_VISIT(VIEW(op)->lender);
    return 0;
}

/* Breaking a cycle through a view (ba.m = mvref.memoryview(ba)): release
   it, as CPython's memoryview is released when collected, which ends the
   library's loan, and the lease gives the exporter back.  A view whose
   own buffer is exported cannot be released (RELEASE-008), and keeps it. */
static int view_clear(PyObject *op)
{
    mvpy_view *self = VIEW(op);
    mv_value result = mv_none();
    mv_args none = { NULL, 0, NULL, 0 };
    mv_error err;

    if (self->view.kind == MV_OBJECT
        && mv_call(&self->view, "release", &none, &result, &err) == 0)
        mv_value_clear(&result);
    Py_CLEAR(self->lender);
    if (self->lease != NULL)
        mvpy_lease_settle(self->lease);
    return 0;
}

/* ---- calling the library ---------------------------------------------------- */

/* The end of every operation: the result (or the error) as Python's, the
   leases of the arguments settled, and self's lease too (a release, an
   __exit__, may have ended the library's loan). */
static PyObject *finish(int status, mv_value *result, const mv_error *err,
                        mvpy_scratch *s, mvpy_view *self)
{
    PyObject *out;

    if (status == 0)
        mvpy_host_forget(err);
    out = status < 0 ? mvpy_raise(err) : mvpy_take_value(result);
    mvpy_value_clear(result);   /* after an error, what the call left */
    mvpy_scratch_end(s);
    if (self != NULL)
        mvpy_lease_settle(self->lease);
    return out;
}

/* The same for the slots that return 0 or -1. */
static int finish_int(int status, const mv_error *err, mvpy_scratch *s,
                      mvpy_view *self)
{
    if (status < 0)
        mvpy_raise(err);
    mvpy_scratch_end(s);
    if (self != NULL)
        mvpy_lease_settle(self->lease);
    return status < 0 ? -1 : 0;
}

/* CONSTRUCT-001: mvref.memoryview(object).  The arguments lend their
   buffers (bytes too: m.obj is the bytes object itself). */
static PyObject *view_new(PyTypeObject *type, PyObject *args, PyObject *kwargs)
{
    mvpy_scratch s = MVPY_SCRATCH_INIT;
    mv_value result = mv_none();
    mv_error err;
    mvpy_args a;
    mv_args la;
    int status;

    (void)type;
    if (mvpy_args_from(args, kwargs, MVPY_EXPORTER, &s, &a) < 0) {
        mvpy_scratch_end(&s);
        return NULL;
    }
    la = mvpy_args_view(&a);
    status = mv_memoryview(mvpy_config(), &la, &result, &err);
    mvpy_args_clear(&a);
    return finish(status, &result, &err, &s, NULL);
}

/* obj.method(*args, **kwargs), by the library, the arguments converted
   into a (whose storage the call clears). */
static PyObject *call_with(PyObject *op, const char *name, mvpy_args *a,
                           mvpy_scratch *s)
{
    mv_value result = mv_none();
    mv_args la = mvpy_args_view(a);
    mv_error err;
    int status = mv_call(&VIEW(op)->view, name, &la, &result, &err);

    mvpy_args_clear(a);
    return finish(status, &result, &err, s, VIEW(op));
}

/* The same, from a tuple and a dict. */
static PyObject *call(PyObject *op, const char *name, PyObject *args,
                      PyObject *kwargs)
{
    mvpy_scratch s = MVPY_SCRATCH_INIT;
    mvpy_args a;

    if (mvpy_args_from(args, kwargs, MVPY_VALUE, &s, &a) < 0) {
        mvpy_scratch_end(&s);
        return NULL;
    }
    return call_with(op, name, &a, &s);
}

/* The same, from the vector a METH_FASTCALL method is given: no tuple, no
   dict, and (for a few arguments) no allocation on the way. */
static PyObject *call_vector(PyObject *op, const char *name,
                             PyObject *const *args, Py_ssize_t nargsf,
                             PyObject *kwnames)
{
    mvpy_scratch s = MVPY_SCRATCH_INIT;
    mvpy_args a;

    if (mvpy_args_vector(args, (size_t)nargsf, kwnames, MVPY_VALUE, &s,
                         &a) < 0) {
        mvpy_scratch_end(&s);
        return NULL;
    }
    return call_with(op, name, &a, &s);
}

/* ---- methods ---------------------------------------------------------------- */

/* Each method hands its arguments to the library as they came: the library
   parses them, with CPython's messages ("memoryview.tobytes() takes at most
   1 argument (2 given)").  One function per method, as PyMethodDef wants;
   each a METH_FASTCALL one, as CPython's own are. */
#define LIBRARY_METHOD(fn, name)                                          \
    static PyObject *fn(PyObject *self, PyObject *const *args,            \
                        Py_ssize_t nargsf, PyObject *kwnames)             \
    {                                                                     \
        return call_vector(self, name, args, nargsf, kwnames);            \
    }

LIBRARY_METHOD(m_tobytes, "tobytes")
LIBRARY_METHOD(m_hex, "hex")
LIBRARY_METHOD(m_release, "release")
LIBRARY_METHOD(m_toreadonly, "toreadonly")
LIBRARY_METHOD(m_enter, "__enter__")
LIBRARY_METHOD(m_count, "count")
LIBRARY_METHOD(m_index, "index")
LIBRARY_METHOD(m_release_buffer, "__release_buffer__")

/* ---- cast, bound here ------------------------------------------------------ */

/* m.cast(format), m.cast(format, shape), m.cast(format, shape=shape): the
   calls almost every program makes, bound here, to mv_cast() (a fast
   path: no list of arguments made, nor parsed).  The format is read
   where the str keeps its UTF-8, borrowed for the call (never cleared:
   no reference was taken), and the shape's ints are kept here. */
static bool cast_by_position(PyObject *const *args, Py_ssize_t n,
                             PyObject *kwnames, PyObject **format,
                             PyObject **shape)
{
    Py_ssize_t nk = kwnames != NULL ? PyTuple_GET_SIZE(kwnames) : 0;

    if (n < 1 || n + nk > 2 || !PyUnicode_CheckExact(args[0])
        || (nk == 1 && !PyUnicode_Check(PyTuple_GET_ITEM(kwnames, 0)))
        || (nk == 1 && PyUnicode_CompareWithASCIIString(
                           PyTuple_GET_ITEM(kwnames, 0), "shape") != 0))
        return false;
    *format = args[0];
    *shape = n + nk == 2 ? args[1] : NULL;
    return true;
}

static PyObject *m_cast(PyObject *self, PyObject *const *args,
                        Py_ssize_t nargsf, PyObject *kwnames)
{
    mvpy_scratch s = MVPY_SCRATCH_INIT;
    mv_value f = mv_none(), shape = mv_none(), result = mv_none();
    mv_value items[MVPY_ITEMS_HERE];
    PyObject *format_obj, *shape_obj;
    Py_ssize_t len;
    mv_error err;
    int status;

    if (!mv_fast_paths()
        || !cast_by_position(args, PyVectorcall_NARGS(nargsf), kwnames,
                             &format_obj, &shape_obj))
        return call_vector(self, "cast", args, nargsf, kwnames);
    f.kind = MV_STR;
    f.as.str.data = (char *)PyUnicode_AsUTF8AndSize(format_obj, &len);
    f.as.str.len = (size_t)len;
    if (f.as.str.data == NULL) {   /* a lone surrogate: the general way */
        PyErr_Clear();
        return call_vector(self, "cast", args, nargsf, kwnames);
    }
    status = shape_obj != NULL
             ? mvpy_ints_here(shape_obj, items, MVPY_ITEMS_HERE, &shape) : 0;
    if (status != 0)   /* an error, or no shape of ints */
        return status < 0 ? NULL
                          : call_vector(self, "cast", args, nargsf, kwnames);
    status = mv_cast(&VIEW(self)->view, &f, shape_obj != NULL ? &shape : NULL,
                     &result, &err);
    if (shape_obj != NULL)
        mvpy_ints_clear(&shape);
    /* a str and ints run no code of the program's: no lease to settle */
    return finish(status, &result, &err, &s, NULL);
}

/* ---- tolist, streamed ---------------------------------------------------- */

/* The lists m.tolist() makes, built as the library hands them over
   (mv_call_to): the lists begun and not yet ended, the innermost last,
   each with how many of its items are in. */
typedef struct list_builder {
    PyObject *open[MV_MAX_NDIM];
    Py_ssize_t filled[MV_MAX_NDIM];
    int depth;
    PyObject *result;
} list_builder;

/* A failure of CPython's (no memory for a list, an item it cannot make):
   its exception stays set, and stops the library's walk. */
static int host_failed(mv_error *err)
{
    return mv_fail(err, MV_RAISED, "MemoryError", "%s", "");
}

/* o goes into the innermost open list, or is the result if none is. */
static void put(list_builder *b, PyObject *o)
{
    if (b->depth == 0)
        b->result = o;
    else
        PyList_SET_ITEM(b->open[b->depth - 1], b->filled[b->depth - 1]++, o);
}

static int list_begin(void *ctx, size_t len, mv_error *err)
{
    list_builder *b = ctx;
    PyObject *list = PyList_New((Py_ssize_t)len);

    assert(b->depth < MV_MAX_NDIM);
    if (list == NULL)
        return host_failed(err);
    b->open[b->depth] = list;
    b->filled[b->depth++] = 0;
    return 0;
}

static int list_item(void *ctx, mv_value *item, mv_error *err)
{
    PyObject *o = mvpy_from_value(item);

    mv_value_clear(item);
    if (o == NULL)
        return host_failed(err);
    put(ctx, o);
    return 0;
}

static int list_end(void *ctx, mv_error *err)
{
    list_builder *b = ctx;

    (void)err;
    b->depth--;
    put(b, b->open[b->depth]);
    return 0;
}

/* TOLIST-001: m.tolist(*args, **kwargs), by the library, its lists built
   as it hands them over: no tree of library values between. */
static PyObject *m_tolist(PyObject *self, PyObject *const *args,
                          Py_ssize_t nargsf, PyObject *kwnames)
{
    mvpy_scratch s = MVPY_SCRATCH_INIT;
    list_builder b = { { NULL }, { 0 }, 0, NULL };
    mv_list_sink sink = { list_begin, list_item, list_end, &b };
    PyObject *out = NULL;
    mv_error err;
    mvpy_args a;
    mv_args la;
    int status;

    if (mvpy_args_vector(args, (size_t)nargsf, kwnames, MVPY_VALUE, &s,
                         &a) < 0) {
        mvpy_scratch_end(&s);
        return NULL;
    }
    la = mvpy_args_view(&a);
    status = mv_call_to(&VIEW(self)->view, "tolist", &la, &sink, &err);
    mvpy_args_clear(&a);
    if (status == 0)
        out = b.result;
    else if (!PyErr_Occurred())   /* the library's error, not CPython's */
        mvpy_raise(&err);
    while (status < 0 && b.depth > 0)   /* what was built goes */
        Py_DECREF(b.open[--b.depth]);
    mvpy_scratch_end(&s);
    mvpy_lease_settle(VIEW(self)->lease);
    return out;
}

/* RELEASE-003: m.__exit__(*args) releases m whatever its arguments are,
   which the library only counts (and refuses keywords): the exception,
   its type and its traceback, which the library has no values for, go to
   it as None.  Its None lets the with block's exception through. */
static PyObject *m_exit(PyObject *self, PyObject *args, PyObject *kwargs)
{
    Py_ssize_t n = PyTuple_GET_SIZE(args), pos = 0;
    PyObject *nones = PyTuple_New(n), *names = NULL, *key, *value, *out = NULL;

    for (Py_ssize_t i = 0; nones != NULL && i < n; i++) {
        Py_INCREF(Py_None);
        PyTuple_SET_ITEM(nones, i, Py_None);
    }
    if (nones != NULL && kwargs != NULL && (names = PyDict_New()) != NULL)
        while (PyDict_Next(kwargs, &pos, &key, &value))
            if (PyDict_SetItem(names, key, Py_None) < 0) {
                Py_CLEAR(names);
                break;
            }
    if (nones != NULL && (kwargs == NULL || names != NULL))
        out = call(self, "__exit__", nones, names);
    Py_XDECREF(nones);
    Py_XDECREF(names);
    return out;
}

/* OBJECT-004: m.__buffer__(flags) makes a view on a buffer m lends, whose
   obj is m: keep m alive as long as that view, as CPython does. */
static PyObject *m_buffer(PyObject *self, PyObject *const *args,
                          Py_ssize_t nargsf, PyObject *kwnames)
{
    PyObject *out = call_vector(self, "__buffer__", args, nargsf, kwnames);

    if (out != NULL && mvpy_is_view(out) && VIEW(out)->lender == NULL) {
        Py_INCREF(self);
        VIEW(out)->lender = self;
    }
    return out;
}

/* memoryview._from_flags(object, flags), a classmethod of 3.12+: the view
   of object's buffer asked for with flags rather than PyBUF_FULL_RO, so a
   layout of its own (no format, no shape, where flags ask none).  A view
   (mvref's or the builtin's), or an object that lends no buffer, is taken
   as mvref.memoryview(object) takes it: CPython asks nothing of a view
   with the flags. */
static PyObject *m_from_flags(PyObject *cls, PyObject *args, PyObject *kwargs)
{
    static char *keywords[] = { "object", "flags", NULL };
    mvpy_scratch s = MVPY_SCRATCH_INIT;
    mv_value exporter = mv_none(), result = mv_none();
    mv_args la = { &exporter, 1, NULL, 0 };
    mv_error err;
    PyObject *obj;
    int flags, status;

    (void)cls;
    if (!PyArg_ParseTupleAndKeywords(args, kwargs, "Oi:_from_flags", keywords,
                                     &obj, &flags))
        return NULL;
    if (mvpy_is_view(obj) || PyMemoryView_Check(obj)
        || !PyObject_CheckBuffer(obj)) {
        PyObject *one = PyTuple_Pack(1, obj);
        PyObject *out = one != NULL ? view_new(mvpy_ViewType, one, NULL) : NULL;
        Py_XDECREF(one);
        return out;
    }
    if (mvpy_lease_new(obj, flags, &s, &exporter) < 0) {
        mvpy_scratch_end(&s);
        return NULL;
    }
    status = mv_memoryview(mvpy_config(), &la, &result, &err);
    mv_value_clear(&exporter);
    return finish(status, &result, &err, &s, NULL);
}

/* OBJECT-001, OBJECT-002: pickle.dumps(m, protocol) asks m.__reduce_ex__
   (protocol), copy.copy(m) and copy.deepcopy(m) ask it of protocol 4; the
   library refuses each with the words of the version and protocol.
   m.__reduce__() is what __reduce_ex__ calls from protocol 2. */
static PyObject *reduce_by(PyObject *self, int protocol)
{
    mvpy_scratch s = MVPY_SCRATCH_INIT;
    mv_value result = mv_none();
    mv_error err;
    int status = mv_pickle(&VIEW(self)->view, protocol, &result, &err);

    if (status == 0) {   /* a reduction the library would allow: none is */
        mv_value_clear(&result);
        PyErr_SetString(mvpy_Unsupported, "a memoryview that pickles");
        return NULL;
    }
    return finish(status, &result, &err, &s, VIEW(self));
}

static PyObject *m_reduce_ex(PyObject *self, PyObject *arg)
{
    long protocol = PyLong_AsLong(arg);

    if (protocol == -1 && PyErr_Occurred())
        return NULL;
    /* pickle's own protocols are 0 to 5, negative for the highest */
    return reduce_by(self, protocol < -1 || protocol > 5 ? -1 : (int)protocol);
}

static PyObject *m_reduce(PyObject *self, PyObject *unused)
{
    (void)unused;
    return reduce_by(self, 2);
}

static PyObject *m_dir(PyObject *self, PyObject *unused);
static PyObject *m_from_flags(PyObject *cls, PyObject *args, PyObject *kwargs);

#define KW (METH_VARARGS | METH_KEYWORDS)
#define FAST (METH_FASTCALL | METH_KEYWORDS)
#define FN(f) (PyCFunction)(void (*)(void))(f)

/* cast is in each version's type as well (version_methods): CPython 3.11
   and later call a method of C straight from the interpreter's loop only
   when the object's type is the one that defines it, not a subtype of it
   -- a tenth of m.cast('i') otherwise.  So type(m).cast is the view's
   version's own, and like all of that type's, takes views of its version;
   mvref.memoryview.cast takes every view. */
#define CAST_METHOD \
    {"cast", FN(m_cast), FAST, \
     "cast(format, shape=<unrepresentable>)\n--\n\n" \
     "Cast a memoryview to a new format or shape."}

static PyMethodDef view_methods[] = {
    {"tolist", FN(m_tolist), FAST,
     "Return the data in the buffer as a list of elements."},
    {"tobytes", FN(m_tobytes), FAST,
     "tobytes(order='C')\n--\n\nReturn the data in the buffer as a byte string."},
    {"hex", FN(m_hex), FAST,
     "hex(sep=<unrepresentable>, bytes_per_sep=1)\n--\n\n"
     "Return the data in the buffer as a str of hexadecimal numbers."},
    CAST_METHOD,
    {"release", FN(m_release), FAST,
     "Release the underlying buffer exposed by the memoryview object."},
    {"toreadonly", FN(m_toreadonly), FAST,
     "Return a readonly version of the memoryview."},
    {"__enter__", FN(m_enter), FAST, NULL},
    {"__exit__", FN(m_exit), KW, "Release the underlying buffer exposed by "
     "the memoryview object."},
    {"count", FN(m_count), FAST, "Count the number of occurrences of a value "
     "(Python 3.14+)."},
    {"index", FN(m_index), FAST, "Return the index of the first occurrence of "
     "a value (Python 3.14+)."},
    {"__buffer__", FN(m_buffer), FAST, "Return a buffer object that exposes "
     "the underlying memory of the object (Python 3.12+)."},
    {"__release_buffer__", FN(m_release_buffer), FAST, "Release the buffer "
     "object that exposes the underlying memory of the object (Python 3.12+)."},
    {"_from_flags", FN(m_from_flags), KW | METH_CLASS, "Create a new "
     "memoryview object which references the given object (Python 3.12+)."},
    {"__class_getitem__", FN(Py_GenericAlias), METH_O | METH_CLASS,
     "See PEP 585 (Python 3.14+)."},
    {"__dir__", FN(m_dir), METH_NOARGS, NULL},
    {"__reduce__", FN(m_reduce), METH_NOARGS, NULL},
    {"__reduce_ex__", FN(m_reduce_ex), METH_O, NULL},
    {NULL, NULL, 0, NULL}
};

/* ---- the attributes of the modelled version ------------------------------- */

/* The builtin memoryview's attributes differ between versions:

     __iter__                       3.10+   (before, the sequence protocol:
                                            no tp_iter, SEQ-005)
     __buffer__ __release_buffer__  3.12+   (PEP 688, OBJECT-004)
     _from_flags                    3.12+   (a classmethod PEP 688 brought)
     count index                    3.14+   (SEQ-010)
     __class_getitem__              3.14+   (memoryview[int], a generic)

   and have never had __bool__ or __contains__ (bool(m) and `x in m` go
   through len and iteration), which mvref's slots would show.  So there
   are two kinds of type:

     mvref.memoryview          the type a program names: its dict holds
                               what the version mvref.python() names has
                               (dir(mvref.memoryview), mvref.memoryview
                               [int]).  mvpy_view_follow_version() puts
                               each versioned attribute in or takes it out
                               (from `stash`, where the type put them when
                               made) at import and at each set_python().
       └─ one type per version a view's own type, a subtype of the first
                               made for each version at import (named
                               "memoryview" as well: type(m).__name__).
                               Its dict holds every versioned name: the
                               attribute, where the version has it; where
                               it lacks it, a `missing` descriptor, which
                               raises the library's AttributeError, with
                               its rule (SEQ-010, OBJECT-004) as a note
                               (teach.c).  Every other name is found in
                               mvref.memoryview's dict.

   A view keeps its version's type when set_python() changes the version
   new views model, so getattr(m, name) and dir(m) follow the view's
   version.  And every name resolves by CPython's own lookup
   (PyObject_GenericGetAttr), which calls m.cast(...) without making a
   bound method, as it calls the builtin's (about 30 ns of 150: issue 16).
   __bool__ and __contains__ are taken out of mvref.memoryview once: the
   slots stay, and serve bool(m) and `in` as before.

   Only __getstate__ (object's, 3.11+) follows the running interpreter:
   it is not memoryview's. */

typedef struct versioned {
    const char *name;
    bool (*has)(const mv_behaviour *b);
} versioned;

static bool iterates(const mv_behaviour *b) { return b->iter_protocol; }
static bool buffer_methods(const mv_behaviour *b) { return b->has_buffer_methods; }
static bool count_index(const mv_behaviour *b) { return b->has_count_index; }
/* no rule of memoryview's: typing's generic alias, added in 3.14 */
static bool generic(const mv_behaviour *b) { return b->minor >= 14; }

static const versioned versioned_names[] = {
    { "__iter__", iterates },
    { "__buffer__", buffer_methods },
    { "__release_buffer__", buffer_methods },
    { "_from_flags", buffer_methods },
    { "count", count_index },
    { "index", count_index },
    { "__class_getitem__", generic },
};

static const char *const never_names[] = { "__bool__", "__contains__" };

#define NVERSIONED (sizeof versioned_names / sizeof versioned_names[0])
#define NNEVER (sizeof never_names / sizeof never_names[0])

static PyObject *stash;   /* name -> the attribute the type made for it */
/* each version's type, by minor version */
static PyTypeObject *version_types[MVPY_NEWEST_MINOR + 1];

static const versioned *versioned_name(const char *name)
{
    for (size_t i = 0; i < NVERSIONED; i++)
        if (strcmp(versioned_names[i].name, name) == 0)
            return &versioned_names[i];
    return NULL;
}

bool mvpy_is_view(PyObject *o)
{
    /* no other type derives from mvref.memoryview: it is no base type,
       but to its versions' types (mvpy_view_init_type) */
    return Py_TYPE(o)->tp_base == mvpy_ViewType;
}

static const mv_behaviour *behaviour_of(PyObject *self)
{
    return &mvpy_lease_config(VIEW(self)->lease)->behaviour;
}

/* The type of a new view of the version cfg models. */
static PyTypeObject *type_of_version(const mv_config *cfg)
{
    int minor = cfg->behaviour.minor;

    assert(minor >= MVPY_OLDEST_MINOR && minor <= MVPY_NEWEST_MINOR);
    return version_types[minor];
}

int mvpy_view_follow_version(void)
{
    const mv_behaviour *b = &mvpy_config()->behaviour;
    PyObject *dict = mvpy_ViewType->tp_dict;

    for (size_t i = 0; i < NVERSIONED; i++) {
        const char *name = versioned_names[i].name;
        PyObject *attribute = PyDict_GetItemString(stash, name);
        int status = 0;

        assert(attribute != NULL);
        if (versioned_names[i].has(b))
            status = PyDict_SetItemString(dict, name, attribute);
        else if (PyDict_GetItemString(dict, name) != NULL)
            status = PyDict_DelItemString(dict, name);
        if (status < 0)
            return -1;
    }
    PyType_Modified(mvpy_ViewType);
    return 0;
}

/* Once, as the type is made: what follow_version needs, and the names
   the builtin never has taken out. */
static int stash_versioned(PyTypeObject *type)
{
    stash = PyDict_New();
    for (size_t i = 0; stash != NULL && i < NVERSIONED; i++) {
        const char *name = versioned_names[i].name;
        PyObject *attribute = PyDict_GetItemString(type->tp_dict, name);
        if (attribute == NULL
            || PyDict_SetItemString(stash, name, attribute) < 0)
            return -1;
    }
    for (size_t i = 0; stash != NULL && i < NNEVER; i++)
        if (PyDict_DelItemString(type->tp_dict, never_names[i]) < 0)
            return -1;
    return stash != NULL ? 0 : -1;
}

/* dir(m): what getattr(m, name) finds, for the view's version */
static PyObject *m_dir(PyObject *self, PyObject *unused)
{
    PyObject *names = PyObject_CallMethod((PyObject *)&PyBaseObject_Type,
                                          "__dir__", "O", self);
    PyObject *kept = names ? PyList_New(0) : NULL;
    Py_ssize_t n = names ? PyList_Size(names) : 0;

    (void)unused;
    for (Py_ssize_t i = 0; kept != NULL && i < n; i++) {
        PyObject *name = PyList_GET_ITEM(names, i);
        const char *text = PyUnicode_AsUTF8(name);
        if (text == NULL || (versioned_name(text) == NULL
                             && PyList_Append(kept, name) < 0))
            Py_CLEAR(kept);
    }
    for (size_t i = 0; kept != NULL && i < NVERSIONED; i++) {
        PyObject *name;
        if (!versioned_names[i].has(behaviour_of(self)))
            continue;
        name = PyUnicode_FromString(versioned_names[i].name);
        if (name == NULL || PyList_Append(kept, name) < 0)
            Py_CLEAR(kept);
        Py_XDECREF(name);
    }
    Py_XDECREF(names);
    return kept;
}

/* ---- names a version lacks ------------------------------------------------ */

/* The `missing` descriptor: in a version's type, a name that version
   lacks (m.count before 3.14). */
typedef struct missing {
    PyObject_HEAD
    const char *name;   /* static: a versioned_names[] entry's */
} missing;

static PyTypeObject *missing_type;

/* SEQ-010, OBJECT-004: m.name for a name the view's version lacks raises
   the AttributeError the library raises when asked to call it, which
   names its rule; type(m).name raises the type's, as CPython's does. */
static PyObject *missing_get(PyObject *self, PyObject *obj, PyObject *type)
{
    const char *name = ((missing *)self)->name;
    PyObject *none;

    if (obj == NULL || obj == Py_None)
        return PyErr_Format(PyExc_AttributeError, "type object '%s' has no "
                            "attribute '%s'", ((PyTypeObject *)type)->tp_name,
                            name);
    none = PyTuple_New(0);
    if (none != NULL) {
        Py_XDECREF(call(obj, name, none, NULL));
        Py_DECREF(none);
    }
    if (!PyErr_Occurred())
        PyErr_Format(mvpy_Unsupported, "the library has a %s() for a "
                     "version without one", name);
    return NULL;
}

static void missing_dealloc(PyObject *op)
{
    PyTypeObject *type = Py_TYPE(op);

    PyObject_Free(op);
    Py_DECREF(type);
}

static PyType_Slot missing_slots[] = {
    {Py_tp_descr_get, (void *)missing_get},
    {Py_tp_dealloc, (void *)missing_dealloc},
    {0, NULL}
};

static PyType_Spec missing_spec = {
    "mvref._missing", sizeof(missing), 0, Py_TPFLAGS_DEFAULT, missing_slots
};

static PyObject *missing_new(const char *name)
{
    missing *m = PyObject_New(missing, missing_type);

    if (m != NULL)
        m->name = name;
    return (PyObject *)m;
}

/* The versioned names of version `minor` in its type's dict: each
   attribute the version has, a `missing` for each it lacks. */
static int fill_version(PyTypeObject *type, int minor)
{
    mv_config cfg;
    mv_error err;
    char version[8];

    snprintf(version, sizeof version, "3.%d", minor);
    if (mv_config_init(&cfg, version, (int)(8 * sizeof(void *)), &err) < 0)
        return mvpy_raise_int(&err);
    for (size_t i = 0; i < NVERSIONED; i++) {
        const versioned *v = &versioned_names[i];
        PyObject *attribute = v->has(&cfg.behaviour)
                              ? PyDict_GetItemString(stash, v->name) : NULL;
        PyObject *value = attribute != NULL ? attribute : missing_new(v->name);
        int status;

        if (attribute != NULL)
            Py_INCREF(attribute);
        status = value != NULL
                     ? PyDict_SetItemString(type->tp_dict, v->name, value) : -1;

        Py_XDECREF(value);
        if (status < 0)
            return -1;
    }
    PyType_Modified(type);
    return 0;
}

/* All else is inherited from mvref.memoryview, but cast (CAST_METHOD says
   why); a type of the collector's names its own traversal, and a type made
   from a spec its own dealloc (else CPython's for subclasses,
   subtype_dealloc, runs first: about a tenth of m[1:-1]). */
static PyMethodDef version_methods[] = {
    CAST_METHOD,
    {NULL, NULL, 0, NULL}
};

static PyType_Slot version_slots[] = {
    {Py_tp_methods, version_methods},
    {Py_tp_dealloc, (void *)view_dealloc},
    {Py_tp_traverse, (void *)view_traverse},
    {Py_tp_clear, (void *)view_clear},
    {0, NULL}
};

static PyType_Spec version_spec = {
    "mvref.memoryview", sizeof(mvpy_view), 0,
    Py_TPFLAGS_DEFAULT | Py_TPFLAGS_HAVE_GC, version_slots
};

/* Each version's type, derived from mvref.memoryview.  CPython derives a
   type only from a base type; mvref.memoryview is one while they are
   made, and then no more, as the builtin is none ("type 'memoryview' is
   not an acceptable base type"). */
static int make_version_types(PyTypeObject *base, PyObject *name)
{
    PyObject *bases = PyTuple_Pack(1, (PyObject *)base);
    int status = bases != NULL ? 0 : -1;

    missing_type = (PyTypeObject *)PyType_FromSpec(&missing_spec);
    if (missing_type == NULL)
        status = -1;
    base->tp_flags |= Py_TPFLAGS_BASETYPE;
    for (int minor = MVPY_OLDEST_MINOR;
         status == 0 && minor <= MVPY_NEWEST_MINOR; minor++) {
        PyObject *type = PyType_FromSpecWithBases(&version_spec, bases);
        version_types[minor] = (PyTypeObject *)type;
        if (type == NULL
            || PyObject_SetAttrString(type, "__name__", name) < 0
            || fill_version((PyTypeObject *)type, minor) < 0)
            status = -1;
    }
    base->tp_flags &= ~Py_TPFLAGS_BASETYPE;
    PyType_Modified(base);
    Py_XDECREF(bases);
    return status;
}

/* ---- attributes ------------------------------------------------------------- */

static PyObject *get_attribute(PyObject *self, void *name)
{
    mv_value result = mv_none();
    mv_error err;
    PyObject *out;

    if (mv_getattr(&VIEW(self)->view, (const char *)name, &result, &err) < 0)
        return mvpy_raise(&err);
    out = mvpy_from_value(&result);
    mv_value_clear(&result);
    return out;
}

#define ATTRIBUTE(name, doc) \
    {name, get_attribute, NULL, doc, (void *)name}

static PyGetSetDef view_getset[] = {
    ATTRIBUTE("obj", "The underlying object of the memoryview."),
    ATTRIBUTE("nbytes", "The amount of space in bytes that the array would "
              "use in a contiguous representation."),
    ATTRIBUTE("readonly", "A bool indicating whether the memory is read only."),
    ATTRIBUTE("itemsize", "The size in bytes of each element of the memoryview."),
    ATTRIBUTE("format", "A string containing the format (in struct module "
              "style) for each element in the view."),
    ATTRIBUTE("ndim", "An integer indicating how many dimensions of a "
              "multi-dimensional array the memory represents."),
    ATTRIBUTE("shape", "A tuple of ndim integers giving the shape of the "
              "memory as an N-dimensional array."),
    ATTRIBUTE("strides", "A tuple of ndim integers giving the size in bytes "
              "to access each element for each dimension of the array."),
    ATTRIBUTE("suboffsets", "A tuple of integers used internally for PIL-style "
              "arrays."),
    ATTRIBUTE("c_contiguous", "A bool indicating whether the memory is C "
              "contiguous."),
    ATTRIBUTE("f_contiguous", "A bool indicating whether the memory is Fortran "
              "contiguous."),
    ATTRIBUTE("contiguous", "A bool indicating whether the memory is "
              "contiguous."),
    {NULL, NULL, NULL, NULL, NULL}
};

static PyMemberDef view_members[] = {
    {"__weaklistoffset__", T_PYSSIZET, offsetof(mvpy_view, weakreflist),
     READONLY, NULL},
    {NULL, 0, 0, 0, NULL}
};

/* ---- sequence, mapping, number slots ------------------------------------------ */

static Py_ssize_t view_length(PyObject *self)
{
    mv_value n = mv_none();
    mv_error err;

    if (mv_len(&VIEW(self)->view, &n, &err) < 0)
        return mvpy_raise_int(&err);
    assert(n.kind == MV_INT && !n.as.integer.negative);
    return (Py_ssize_t)n.as.integer.magnitude;
}

static PyObject *view_subscript(PyObject *self, PyObject *key)
{
    mvpy_scratch s = MVPY_SCRATCH_INIT;
    mv_value parts[3], k = mv_none(), result = mv_none();
    mv_error err;
    int status;

    if (mvpy_key(key, &s, parts, &k) < 0) {
        mvpy_scratch_end(&s);
        return NULL;
    }
    status = mv_getitem(&VIEW(self)->view, &k, &result, &err);
    mvpy_key_clear(parts, &k);
    /* m[i], i an int, runs no code of the program's, which might end a
       loan: no lease to settle (most keys are ints) */
    return finish(status, &result, &err, &s,
                  PyLong_CheckExact(key) ? NULL : VIEW(self));
}

/* m[i] as the sequence protocol asks it (reversed(m), old iteration) */
static PyObject *view_item(PyObject *self, Py_ssize_t i)
{
    PyObject *key = PyLong_FromSsize_t(i), *out;

    if (key == NULL)
        return NULL;
    out = view_subscript(self, key);
    Py_DECREF(key);
    return out;
}

/* m[key] = value, and del m[key] (value NULL).  Python evaluates the
   value before the key; so are they converted. */
static int view_ass_subscript(PyObject *self, PyObject *key, PyObject *value)
{
    mvpy_scratch s = MVPY_SCRATCH_INIT;
    mv_value parts[3], k = mv_none(), v = mv_none();
    mv_error err;
    int status;

    if ((value != NULL && mvpy_to_value(value, MVPY_VALUE, &s, &v) < 0)
        || mvpy_key(key, &s, parts, &k) < 0) {
        mv_value_clear(&v);
        mvpy_scratch_end(&s);
        return -1;
    }
    status = value != NULL ? mv_setitem(&VIEW(self)->view, &k, &v, &err)
                           : mv_delitem(&VIEW(self)->view, &k, &err);
    mvpy_key_clear(parts, &k);
    mvpy_value_clear(&v);
    /* m[i] = x, i and x ints, runs no code of the program's: no lease
       to settle */
    return finish_int(status, &err, &s,
                      PyLong_CheckExact(key) && value != NULL
                      && PyLong_CheckExact(value) ? NULL : VIEW(self));
}

/* SEQ-009: value in m */
static int view_contains(PyObject *self, PyObject *value)
{
    mvpy_scratch s = MVPY_SCRATCH_INIT;
    mv_value v = mv_none(), result = mv_none();
    mv_error err;
    int status;

    if (mvpy_to_value(value, MVPY_VALUE, &s, &v) < 0) {
        mvpy_scratch_end(&s);
        return -1;
    }
    status = mv_contains(&VIEW(self)->view, &v, &result, &err);
    mv_value_clear(&v);
    if (finish_int(status, &err, &s, VIEW(self)) < 0)
        return -1;
    return result.as.boolean;
}

static int view_bool(PyObject *self)
{
    mv_value b = mv_none();
    mv_error err;

    if (mv_truth(&VIEW(self)->view, &b, &err) < 0)
        return mvpy_raise_int(&err);
    return b.as.boolean;
}

/* ---- hash and comparison --------------------------------------------------------- */

/* The host's hash of a view's bytes (mv_view_hash): CPython's own hash
   of bytes, by way of a builtin memoryview over them, read-only, of 'B'
   and of no exporter, which hashes the memory where it lies exactly as
   hash(bytes) hashes its own. */
static int hash_bytes(void *ctx, const unsigned char *data, size_t len,
                      int64_t *out, mv_error *err)
{
    /* read only (PyBUF_READ): the const goes for the call's sake */
    char *mem = len > 0 ? (char *)data : (char *)"";
    PyObject *m = PyMemoryView_FromMemory(mem, (Py_ssize_t)len, PyBUF_READ);
    Py_hash_t h = m != NULL ? PyObject_Hash(m) : -1;

    (void)ctx;
    Py_XDECREF(m);
    if (h == -1) {   /* no memory for the memoryview: nothing else fails */
        PyErr_Clear();
        return mv_no_memory(err);
    }
    *out = h;
    return 0;
}

/* HASH-001 to HASH-005: the library decides whether m is hashable, and
   what is hashed, and keeps the value; the value is CPython's hash of
   those bytes, as the builtin's is. */
static Py_hash_t view_hash(PyObject *self)
{
    mv_error err;
    int64_t h;

    if (mv_view_hash(&VIEW(self)->view, hash_bytes, NULL, &h, &err) < 0)
        return mvpy_raise_int(&err);
    return (Py_hash_t)h;
}

/* RELEASE-001: a released view refuses every attribute, so whether the
   library can read m.readonly says whether m is released. */
static bool is_released(PyObject *self)
{
    mv_value readonly = mv_none();
    mv_error err;

    if (mv_getattr(&VIEW(self)->view, "readonly", &readonly, &err) < 0)
        return true;
    mv_value_clear(&readonly);
    return false;
}

/* The slot answers as CPython's does, when called directly too
   (m.__eq__(5), m.__lt__(b"a")), in this order:

   - an order (<, <=, >, >=) is NotImplemented: memoryview has none
     (COMPARE-005).  Python asks the other operand next -- a real
     bytearray orders against m's buffer, as the library's mv_order says
     for the whole expression -- and then raises the TypeError itself,
     naming the operands in the order they were written, which this slot
     cannot know (it may have been called for `5 < m`).
   - a released view equals only itself (RELEASE-005), whatever the other
     operand is;
   - an operand that lends no buffer is NotImplemented (COMPARE-005), so
     that Python goes on to its __eq__, then to identity; so is an
     exporter that refuses to lend.
   - else the library compares. */
static PyObject *view_richcompare(PyObject *self, PyObject *other, int op)
{
    mvpy_scratch s = MVPY_SCRATCH_INIT;
    mv_value w = mv_none(), result = mv_none();
    mv_error err;
    int status;

    if (op != Py_EQ && op != Py_NE)
        Py_RETURN_NOTIMPLEMENTED;
    if (!mvpy_is_view(other)) {
        if (is_released(self))
            return PyBool_FromLong(op == Py_NE);
        if (!PyObject_CheckBuffer(other))
            Py_RETURN_NOTIMPLEMENTED;
    }
    if (mvpy_to_value(other, MVPY_VALUE, &s, &w) < 0) {
        mvpy_scratch_end(&s);
        /* the exporter's refusal is no answer; a layout the library
           cannot model is mvref.Unsupported */
        if (PyErr_ExceptionMatches(mvpy_Unsupported))
            return NULL;
        PyErr_Clear();
        Py_RETURN_NOTIMPLEMENTED;
    }
    status = op == Py_EQ ? mv_eq(&VIEW(self)->view, &w, &result, &err)
                         : mv_ne(&VIEW(self)->view, &w, &result, &err);
    mv_value_clear(&w);
    return finish(status, &result, &err, &s, VIEW(self));
}

/* ---- the buffer protocol ------------------------------------------------------------ */

/* OBJECT-005 to OBJECT-008, RELEASE-008: bytes(m), memoryview(m),
   numpy.asarray(m): m lends its memory as the library says, which counts
   the loan (m.release() is refused while it is out). */
static int view_getbuffer(PyObject *self, Py_buffer *view, int flags)
{
    mv_loan loan;
    mv_error err;

    if (mv_lend(&VIEW(self)->view, flags, &loan, &err) < 0) {
        view->obj = NULL;
        return mvpy_raise_int(&err);
    }
    view->buf = loan.buf;
    view->len = loan.len;
    view->itemsize = loan.itemsize;
    view->readonly = loan.readonly;
    view->ndim = loan.ndim;
    view->format = (char *)loan.format;
    view->shape = (Py_ssize_t *)loan.shape;
    view->strides = (Py_ssize_t *)loan.strides;
    view->suboffsets = (Py_ssize_t *)loan.suboffsets;
    view->internal = loan.lender;
    Py_INCREF(self);
    view->obj = self;
    return 0;
}

static void view_releasebuffer(PyObject *self, Py_buffer *view)
{
    mv_loan loan;

    (void)self;
    memset(&loan, 0, sizeof loan);
    loan.lender = view->internal;
    mv_loan_end(&loan);
}

/* ---- repr ------------------------------------------------------------------------------- */

/* <memory at 0x...: mvref.memoryview of bytearray, format 'B', shape (3,),
   Python 3.11>: CPython's words first (programs and CPython's own tests
   look for "<memory" and "released memory"), then what a learner wants
   to see, asked of the library.  A released view answers nothing, and
   says so; a view whose exporter left obj NULL is "of None". */
static PyObject *view_repr(PyObject *self)
{
    static const char *const asked[] = { "obj", "format", "shape" };
    PyObject *got[3] = { NULL, NULL, NULL }, *out;
    mv_value v = mv_none();
    mv_error err;
    int minor = behaviour_of(self)->minor;

    for (int i = 0; i < 3; i++) {
        if (mv_getattr(&VIEW(self)->view, asked[i], &v, &err) < 0)
            break;
        got[i] = mvpy_from_value(&v);
        mv_value_clear(&v);
        if (got[i] == NULL) {
            PyErr_Clear();
            break;
        }
    }
    if (got[2] == NULL)
        out = PyUnicode_FromFormat("<released memory at %p: mvref.memoryview, "
                                   "Python 3.%d>", self, minor);
    else
        out = PyUnicode_FromFormat("<memory at %p: mvref.memoryview of %s, "
                                   "format %R, shape %R, Python 3.%d>", self,
                                   got[0] == Py_None ? "None"
                                                     : Py_TYPE(got[0])->tp_name,
                                   got[1], got[2], minor);
    for (int i = 0; i < 3; i++)
        Py_XDECREF(got[i]);
    return out;
}

/* ---- the type ---------------------------------------------------------------------------- */

PyDoc_STRVAR(view_doc,
"memoryview(object)\n--\n\n"
"The mvspec C reference's memoryview of object's buffer.\n"
"\n"
"Behaves as the builtin memoryview(object); every operation is carried\n"
"out by the reference library (reference/src), modelling the CPython\n"
"version mvref.python() named when the view's exporter was wrapped.\n"
"Errors are the builtin exceptions, with CPython's exact messages.");

static PyType_Slot view_slots[] = {
    {Py_tp_doc, (void *)view_doc},
    {Py_tp_new, (void *)view_new},
    {Py_tp_dealloc, (void *)view_dealloc},
    {Py_tp_traverse, (void *)view_traverse},
    {Py_tp_clear, (void *)view_clear},
    {Py_tp_repr, (void *)view_repr},
    {Py_tp_hash, (void *)view_hash},
    {Py_tp_richcompare, (void *)view_richcompare},
    {Py_tp_iter, (void *)mvpy_iter_new},
    {Py_tp_methods, view_methods},
    {Py_tp_getset, view_getset},
    {Py_tp_members, view_members},
    {Py_mp_length, (void *)view_length},
    {Py_mp_subscript, (void *)view_subscript},
    {Py_mp_ass_subscript, (void *)view_ass_subscript},
    {Py_sq_length, (void *)view_length},
    {Py_sq_item, (void *)view_item},
    {Py_sq_contains, (void *)view_contains},
    {Py_nb_bool, (void *)view_bool},
    {Py_bf_getbuffer, (void *)view_getbuffer},
    {Py_bf_releasebuffer, (void *)view_releasebuffer},
    {0, NULL}
};

static PyType_Spec view_spec = {
    "mvref.memoryview", sizeof(mvpy_view), 0,
    Py_TPFLAGS_DEFAULT | Py_TPFLAGS_HAVE_GC, view_slots
};

/* A Sequence, as collections.abc registers the builtin (and so a
   Reversible): isinstance(m, collections.abc.Sequence). */
static int register_sequence(PyObject *type)
{
    PyObject *abc = PyImport_ImportModule("collections.abc");
    PyObject *sequence = abc ? PyObject_GetAttrString(abc, "Sequence") : NULL;
    PyObject *done = sequence ? PyObject_CallMethod(sequence, "register", "O",
                                                    type) : NULL;

    Py_XDECREF(abc);
    Py_XDECREF(sequence);
    Py_XDECREF(done);
    return done != NULL ? 0 : -1;
}

int mvpy_view_init_type(PyObject *module)
{
    PyObject *type = PyType_FromSpec(&view_spec);
    PyObject *name = PyUnicode_FromString("memoryview");
    int status = -1;

    /* setting __name__ makes tp_name "memoryview" too (see the top) */
    if (type != NULL && name != NULL
        && PyObject_SetAttrString(type, "__name__", name) == 0
        && stash_versioned((PyTypeObject *)type) == 0
        && make_version_types((PyTypeObject *)type, name) == 0
        && register_sequence(type) == 0
        && PyModule_AddObjectRef(module, "memoryview", type) == 0) {
        mvpy_ViewType = (PyTypeObject *)type;
        status = mvpy_view_follow_version();
    } else {
        Py_XDECREF(type);
    }
    Py_XDECREF(name);
    return status;
}
