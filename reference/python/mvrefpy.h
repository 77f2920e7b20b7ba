/*
 * mvrefpy.h -- what the files of the mvref extension module share.
 *
 * mvref puts the C reference (reference/src, through mvref.h) behind a
 * Python type, so that a learner can hold the reference's memoryview in a
 * REPL beside the builtin one, and the Python adapter can run the whole
 * conformance suite through it.  CPython supplies the exporters (a real
 * bytearray, a real numpy array); every memoryview operation is the
 * library's.  The files:
 *
 *   module.c   the module: which Python version is modelled, errors
 *   values.c   Python objects <-> library values (mv_value)
 *   host.c     mvref as the library's host: what any other object says
 *              to operator.index(), float(), bool(), len(), ==
 *   lease.c    CPython buffers lent to the library (external exporters)
 *   view.c     the type mvref.memoryview
 *   iter.c     its iterators
 *   teach.c    each exception's rule as a note, mvref.layout(m)
 *
 * Naming: mvpy_ for what these files share; the library's own names
 * (mv_) are used with the library's meanings.  State is process-wide (a
 * single-phase module): the library is not thread-safe and runs under the
 * GIL, which mvref never releases.
 */
#ifndef MVREFPY_H
#define MVREFPY_H

#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <stdbool.h>

#include "mvref.h"

/* The library's sizes are the platform's here: a Py_ssize_t array can be
   handed to it as is, and back. */
_Static_assert(sizeof(mv_ssize) == sizeof(Py_ssize_t), "Py_ssize_t is 64-bit");

/* mvref builds for every CPython it models (3.9 to 3.14).  3.9 lacks
   PyModule_AddObjectRef (3.10): the same, made of the older call, which
   takes the reference only when it succeeds. */
#if PY_VERSION_HEX < 0x030A0000
static inline int PyModule_AddObjectRef(PyObject *module, const char *name,
                                        PyObject *value)
{
    Py_XINCREF(value);
    if (PyModule_AddObject(module, name, value) < 0) {
        Py_XDECREF(value);
        return -1;
    }
    return 0;
}
#endif

/* ---- module.c ---------------------------------------------------------- */

/* The versions mvref models: 3.9 to 3.15. */
#define MVPY_OLDEST_MINOR 9
#define MVPY_NEWEST_MINOR 15

/* The version new views model ("3.11" by default: the running one). */
const mv_config *mvpy_config(void);
/* Raise err as a Python exception: the builtin exception of the library's
   type name with its message, or mvref.Unsupported.  Returns NULL. */
PyObject *mvpy_raise(const mv_error *err);
int mvpy_raise_int(const mv_error *err);   /* the same, returning -1 */
extern PyObject *mvpy_Unsupported;

/* ---- teach.c ----------------------------------------------------------- */

/* Add "mvspec rule ID: sentence" to the notes of the exception being raised. */
void mvpy_add_rule_note(const char *rule);
/* mvref.layout(m, name='m'): the memory-layout diagram of a live view. */
PyObject *mvpy_layout(PyObject *module, PyObject *args, PyObject *kwargs);

/* ---- lease.c: a CPython buffer lent to the library -------------------- */

/* One PyObject_GetBuffer() of a CPython exporter, and the library's
   exporter over that memory: a Python object of its own (mvref._lease),
   as CPython's managed buffer is, so that the garbage collector sees
   what it holds.  Shared by every mvref view that stands on it; given
   back to CPython when the library stops borrowing it. */
typedef struct mvpy_lease mvpy_lease;

/* Arguments converted for one library call may lease buffers; the
   scratch list remembers them (a reference each) so that those the call
   did not keep are given back after it (mvpy_scratch_end). */
typedef struct mvpy_scratch {
    mvpy_lease **leases;
    size_t len, cap;
} mvpy_scratch;

#define MVPY_SCRATCH_INIT { NULL, 0, 0 }

int mvpy_lease_init_type(void);
/* A new library exporter, in *out, over obj's buffer asked for with
   flags (PyBUF_FULL_RO, as memoryview(obj) asks). */
int mvpy_lease_new(PyObject *obj, int flags, mvpy_scratch *s, mv_value *out);
int mvpy_scratch_add(mvpy_scratch *s, mvpy_lease *l);
void mvpy_scratch_end_leases(mvpy_scratch *s);
/* (inline: most calls lease nothing, and have nothing to end) */
static inline void mvpy_scratch_end(mvpy_scratch *s)
{
    if (s->leases != NULL)
        mvpy_scratch_end_leases(s);
}
/* The lease under a library view (its root exporter's), a new reference
   (an mvref view's); mvpy_lease_drop gives it back. */
mvpy_lease *mvpy_lease_of_view(const mv_value *view);
void mvpy_lease_drop(mvpy_lease *l);
/* Give the buffer back to CPython if the library no longer borrows it. */
void mvpy_lease_settle(mvpy_lease *l);
/* The CPython object that lent the buffer (what view.obj is), borrowed;
   NULL when the exporter left the buffer's obj NULL (a legacy getbuffer). */
PyObject *mvpy_lease_object(const mvpy_lease *l);
const mv_config *mvpy_lease_config(const mvpy_lease *l);

/* ---- values.c ------------------------------------------------------------ */

typedef enum mvpy_mode {
    MVPY_VALUE,      /* bytes are a value (m == b"ab", m[0] = b"c") */
    MVPY_EXPORTER,   /* bytes lend their buffer (memoryview(b"ab")) */
    MVPY_RESULT      /* what an object's method returned: no exporter
                        lends (there is no call to settle a lease after),
                        it is held as the host's object */
} mvpy_mode;

/* A Python object as a library value.  Buffer exporters become leased
   exporters (but under MVPY_RESULT), mvref views their library views; any
   other object outside the library's value model is held as itself, the
   host's object (MV_HOST, host.c).  -1 on error. */
int mvpy_to_value(PyObject *o, mvpy_mode mode, mvpy_scratch *s, mv_value *out);
/* A key (m[key]) as a library value: as mvpy_to_value, except that a
   slice's parts go into parts[], not the heap; mvpy_key_clear() after. */
int mvpy_key(PyObject *o, mvpy_scratch *s, mv_value parts[3], mv_value *out);
void mvpy_key_clear(mv_value parts[3], mv_value *key);
/* mv_value_clear(), with no call where the value holds nothing: an int
   below 2**64 (the commonest key, item and result) and None own nothing
   (mvref.h, section 5). */
static inline void mvpy_value_clear(mv_value *v)
{
    if (v->kind == MV_NONE || (v->kind == MV_INT && !v->as.integer.huge)) {
        v->kind = MV_NONE;
        return;
    }
    mv_value_clear(v);
}
/* A library value as a Python object. */
PyObject *mvpy_from_value(const mv_value *v);
/* The same, taking the value over (it is left MV_NONE). */
PyObject *mvpy_take_value(mv_value *v);
/* At import: the library's bytes and str results are made as CPython's
   (mv_host_allocator_set). */
void mvpy_values_init(void);

/* Positional and keyword arguments as library arguments.  A call of a
   few arguments (most calls) keeps them here, with no allocation; and
   one short list of ints among them (a shape: m.cast('B', shape=[4, 256]))
   keeps its items here too. */
#define MVPY_ARGS_HERE 4
#define MVPY_ITEMS_HERE 8

typedef struct mvpy_args {
    mv_value *args;
    size_t nargs;
    mv_kwarg *kwargs;
    size_t nkwargs;
    mv_value args_here[MVPY_ARGS_HERE];
    mv_kwarg kwargs_here[MVPY_ARGS_HERE];
    mv_value items_here[MVPY_ITEMS_HERE];
    const mv_value *list_here;   /* the argument whose items those are */
} mvpy_args;

/* From a tuple and a dict (either NULL), as tp_new and METH_KEYWORDS get
   them; or from a vector, as METH_FASTCALL | METH_KEYWORDS does: nargsf
   positional arguments, then one for each name of kwnames (NULL: none). */
/* A list or tuple of at most `room` ints (a shape) as a library value
   whose items are items[], not the heap's: 0; 1 if o is no such
   sequence (nothing done); -1 on error.  mvpy_ints_clear() clears it. */
int mvpy_ints_here(PyObject *o, mv_value items[], size_t room, mv_value *out);
void mvpy_ints_clear(mv_value *v);

int mvpy_args_from(PyObject *args, PyObject *kwargs, mvpy_mode mode,
                   mvpy_scratch *s, mvpy_args *out);
int mvpy_args_vector(PyObject *const *args, size_t nargsf, PyObject *kwnames,
                     mvpy_mode mode, mvpy_scratch *s, mvpy_args *out);
/* The library's view of them (inline: a struct returned from another
   file is built and copied back whole, which stalls the processor). */
static inline mv_args mvpy_args_view(const mvpy_args *a)
{
    mv_args view = { a->args, a->nargs, a->kwargs, a->nkwargs };
    return view;
}
void mvpy_args_clear(mvpy_args *a);

/* ---- host.c ------------------------------------------------------------------ */

extern const mv_host mvpy_host;
/* For an error the library returned: if the host's code raised it, raise
   that very exception again (true); else forget what was kept for it. */
bool mvpy_host_restore(const mv_error *err);
/* Forget an exception kept for err (the library replaced it). */
void mvpy_host_forget(const mv_error *err);

/* ---- view.c ---------------------------------------------------------------- */

/* Each view is an instance of its version's type, a subtype of
   mvref.memoryview (mvpy_ViewType) that only mvref makes: see view.c. */
typedef struct mvpy_view {
    PyObject_HEAD
    mv_value view;           /* MV_OBJECT: the library's view, one reference */
    mvpy_lease *lease;       /* the CPython buffer beneath it (a reference) */
    PyObject *lender;        /* a view made by m.__buffer__(): m, kept alive
                                as CPython's view.obj keeps it */
    PyObject *weakreflist;
} mvpy_view;

extern PyTypeObject *mvpy_ViewType;
/* The type mvref.memoryview and its versions' types. */
int mvpy_view_init_type(PyObject *module);
/* Make the type's attributes those of the version mvpy_config() models
   (at import, and after each mvref.set_python()). */
int mvpy_view_follow_version(void);
bool mvpy_is_view(PyObject *o);
/* The mvref view of a library view (taking the reference in *v): the one
   that exists, so that identity holds (m.__enter__() is m), or a new one. */
PyObject *mvpy_view_wrap(mv_value *v);

/* ---- iter.c ---------------------------------------------------------------- */

int mvpy_iter_init_types(PyObject *module);
PyObject *mvpy_iter_new(mvpy_view *v);

#endif /* MVREFPY_H */
