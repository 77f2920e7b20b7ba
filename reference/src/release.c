/*
 * release.c -- chapter 9 of the spec: release(), the context manager, and
 * how objects end.
 *
 * A view holds a share of its managed buffer's loan until it is released:
 * explicitly, by m.release() or by leaving a `with m:` block
 * (RELEASE-002, RELEASE-003), or implicitly, when its last reference goes
 * (EXPORT-009: CPython frees by reference counting, and so does this
 * library).  The last share given back returns the loan to the exporter,
 * which may then resize again (EXPORT-005).
 *
 *     m = memoryview(ba); s = m[1:]     managed buffer: exports 2, loan held
 *     m.release()                       exports 1: ba still locked; s works
 *     s.release()                       exports 0: the loan goes back to ba
 *
 * A released view keeps its struct (other names may still refer to it),
 * but it is an empty shell: every operation but release(), __exit__() and
 * identity refuses it first thing (RELEASE-001, RELEASE-004, RELEASE-006).
 * A view that has itself lent its memory (RELEASE-008: m.__buffer__(), a
 * bytes(m) in progress) cannot be released until those loans come back.
 */
#include "mvint.h"

/* ---- objects ---------------------------------------------------------- */

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
    if (obj->type == MV_TYPE_MEMORYVIEW)
        mv_view_dealloc((mv_view *)obj);
    else if (obj->type == MV_TYPE_ITERATOR)
        mv_iterator_dealloc(obj);
    else
        mv_exporter_dealloc((mv_exporter *)obj);
}

/* ---- managed buffers ---------------------------------------------------- */

/* EXPORT-005: give the loan back to its lender, once. */
static void managed_release(mv_managed *mb)
{
    if (mb->released)
        return;
    mb->released = true;
    if (mb->master.obj->type == MV_TYPE_MEMORYVIEW)
        mv_view_releasebuffer((mv_view *)mb->master.obj);
    else
        mv_exporter_releasebuffer((mv_exporter *)mb->master.obj);
}

void mv_managed_decref(mv_managed *mb)
{
    if (--mb->refcount > 0)
        return;
    managed_release(mb);
    mv_object_decref(mb->master.obj);
    mv_free(mb);
}

/* ---- views ------------------------------------------------------------------- */

/* RELEASE-001, RELEASE-006: every operation on a released view fails so,
   before any other check.  A view is released when released itself, or
   when its managed buffer gave the loan back (m.__release_buffer__(v) on
   the view v was lent from, OBJECT-010). */
int mv_view_check_released(const mv_view *v, mv_error *err)
{
    if ((v->flags & MV_FLAG_RELEASED) || v->mbuf->released)
        return mv_raise(err, "ValueError",
                        "operation forbidden on released memoryview object");
    return 0;
}

/* RELEASE-002, RELEASE-008, EXPORT-005: give the view's share of the loan
   back.  Releasing twice is harmless; releasing a view that has lent its
   own memory is refused, and the view stays usable. */
int mv_view_release(mv_view *v, mv_error *err)
{
    if (v->flags & MV_FLAG_RELEASED)
        return 0;
    if (v->exports > 0)
        return mv_raise(err, "BufferError", "memoryview has %lld exported "
                        "buffer%s", (long long)v->exports,
                        v->exports == 1 ? "" : "s");
    v->flags |= MV_FLAG_RELEASED;
    if (--v->mbuf->exports == 0)
        managed_release(v->mbuf);
    return 0;
}

/* EXPORT-009: a view freed is a view released.
   Assumes no loan of v is outstanding: each holds a reference to v. */
void mv_view_dealloc(mv_view *v)
{
    assert(v->exports == 0);
    if (!(v->flags & MV_FLAG_RELEASED)) {
        v->flags |= MV_FLAG_RELEASED;
        if (--v->mbuf->exports == 0)
            managed_release(v->mbuf);
    }
    mv_managed_decref(v->mbuf);
    mv_value_clear(&v->hash_key);
    mv_free(v);
}

/* RELEASE-003, OBJECT-003: `with m as x:` binds the view itself, if it is
   not released. */
int mv_view_enter(mv_view *v, mv_value *result, mv_error *err)
{
    if (mv_view_check_released(v, err) < 0)
        return -1;
    *result = mv_object_value(&v->base);
    return 0;
}

/* RELEASE-003: leaving the block releases the view, whatever the
   arguments; None, so an exception in the block is never suppressed. */
int mv_view_exit(mv_view *v, mv_value *result, mv_error *err)
{
    *result = mv_none();
    return mv_view_release(v, err);
}
