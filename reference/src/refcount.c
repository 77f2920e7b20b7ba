/*
 * refcount.c -- the objects of the library: what kind each is, what its
 * type is called, and how long it lives.
 *
 * Three kinds of object exist: exporters (exporter.c), views (view.c) and
 * the iterators of views (sequence.c).  A value holds one by reference
 * (value.c), and the last reference gone frees the object at once, as
 * CPython's reference counting does: a view freed is a view released
 * (EXPORT-009), which a Python program can see.
 *
 * Each object brings its own destructor, set when it is made, so that the
 * count here -- the bottom of the library -- calls nothing above it: the
 * destructor of a view gives its share of the loan back (view.c), which
 * may free the exporter, whose destructor is another.
 */
#include "mvint.h"
#include "refcount.h"

void mv_object_init(mv_object *obj, mv_type type, const mv_config *cfg,
                    mv_destructor dealloc)
{
    obj->type = type;
    obj->refcount = 1;
    obj->cfg = cfg;
    obj->dealloc = dealloc;
    obj->host = NULL;
}

mv_type mv_object_type(const mv_object *obj)
{
    return obj->type;
}

void mv_object_incref(mv_object *obj)
{
    assert(obj->refcount > 0);
    obj->refcount++;
}

/* The last reference frees the object, and a view's share of its loan
   with it (EXPORT-009). */
void mv_object_decref(mv_object *obj)
{
    assert(obj->refcount > 0);
    if (--obj->refcount > 0)
        return;
    obj->dealloc(obj);
}

/* The names of the objects' types: the iterator's changed with its kind
   (SEQ-005); the exporters' qualified names are what CPython's messages
   quote (CONSTRUCT-002, HASH-004). */
const char *mv_object_name(const mv_object *obj, bool qualified)
{
    static const char *const exporters[][2] = {
        { "bytes", "bytes" }, { "bytearray", "bytearray" },
        { "array", "array.array" }, { "ndarray", "ndarray" },
        { "ndarray", "numpy.ndarray" }
    };

    if (obj->type == MV_TYPE_MEMORYVIEW)
        return "memoryview";
    if (obj->type == MV_TYPE_ITERATOR)
        return obj->cfg->behaviour.iter_protocol ? "memory_iterator"
                                                 : "iterator";
    return exporters[obj->type][qualified];
}

mv_view *mv_as_view(const mv_value *v)
{
    if (v->kind != MV_OBJECT || v->as.object->type != MV_TYPE_MEMORYVIEW)
        return NULL;
    return (mv_view *)v->as.object;
}

mv_exporter *mv_as_exporter(const mv_value *v)
{
    if (v->kind != MV_OBJECT || v->as.object->type >= MV_TYPE_MEMORYVIEW)
        return NULL;
    return (mv_exporter *)v->as.object;
}
