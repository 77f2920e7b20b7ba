/*
 * refcount.h -- what every object of the library is (refcount.c): an
 * exporter, a view or an iterator, reference counted, and freed by its
 * own destructor when the last reference goes.
 */
#ifndef MV_REFCOUNT_H
#define MV_REFCOUNT_H

#include "mvint.h"

/* Frees an object whose last reference went: each kind brings its own, as
   a CPython type brings its tp_dealloc, so that the reference count, at
   the bottom of the library, calls nothing above it. */
typedef void (*mv_destructor)(mv_object *obj);

struct mv_object {
    mv_type type;
    long refcount;
    const mv_config *cfg;   /* the version and platform it lives in */
    mv_destructor dealloc;
    void *host;             /* the host's object standing for it, if any
                               (mv_host_object, external.c) */
};

/* A new object's header: one reference, the caller's. */
void mv_object_init(mv_object *obj, mv_type type, const mv_config *cfg,
                    mv_destructor dealloc);

/* type(obj).__name__, or the tp_name CPython's messages use (qualified:
   "array.array", "numpy.ndarray"). */
const char *mv_object_name(const mv_object *obj, bool qualified);

/* The object a value holds, as the kind asked for; NULL if it holds no
   object of that kind.  (view.h and exporter.h say what each is.) */
typedef struct mv_view mv_view;
typedef struct mv_exporter mv_exporter;
mv_view *mv_as_view(const mv_value *v);
mv_exporter *mv_as_exporter(const mv_value *v);

#endif /* MV_REFCOUNT_H */
