/*
 * release.c -- chapter 9 of the spec: release() and the context manager.
 *
 * A view holds a share of its managed buffer's loan until it is released:
 * explicitly, by m.release() or by leaving a `with m:` block
 * (RELEASE-002, RELEASE-003), or implicitly, when its last reference goes
 * (EXPORT-009: CPython frees by reference counting, and so does this
 * library, view.c).  The last share given back returns the loan to the
 * exporter, which may then resize again (EXPORT-005).
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
#include "chapters.h"
#include "refcount.h"
#include "value.h"
#include "view.h"

/* RELEASE-002, RELEASE-008, EXPORT-005: give the view's share of the loan
   back.  Releasing twice is harmless; releasing a view that has lent its
   own memory is refused, and the view stays usable.  Views made from it
   hold shares of their own, and keep working (RELEASE-009). */
int mv_view_release(mv_view *v, mv_error *err)
{
    if (v->flags & MV_FLAG_RELEASED)
        return 0;
    if (v->exports > 0)
        return mv_raise(err, "RELEASE-008", "BufferError", "memoryview has %lld exported "
                        "buffer%s", (long long)v->exports,
                        v->exports == 1 ? "" : "s");
    mv_view_give_back(v);
    return 0;
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
