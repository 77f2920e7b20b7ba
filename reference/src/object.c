/*
 * object.c -- chapter 15 of the spec: the view as an object: pickling and
 * copying, and its own buffer as Python code asks for it (PEP 688's
 * __buffer__ and __release_buffer__).
 *
 * A view is an exporter too (view.c lends its memory, OBJECT-005 to
 * OBJECT-008).  m.__buffer__(flags) asks for such a loan and wraps it in a
 * new view, whose lender is m, not m's exporter; m counts the loan, and
 * cannot be released while it is out (RELEASE-008):
 *
 *     m = memoryview(b'abc')
 *     b = m.__buffer__(0)      b.obj is m; m.exports == 1
 *     m.release()              BufferError: memoryview has 1 exported buffer
 *     m.__release_buffer__(b)  b is released; m.exports == 0
 *
 * These are methods of the view: the method table (methods.c) binds their
 * arguments and calls them.
 */
#include "mvint.h"
#include "chapters.h"
#include "convert.h"
#include "layout.h"
#include "refcount.h"
#include "value.h"
#include "view.h"

/* ---- pickling and copying -------------------------------------------------- */

/* OBJECT-001: pickle.dumps(m, protocol) refuses every view.  Protocols 0
   and 1 reduce through copyreg, whose message quotes the type; from 3.11
   memoryview refuses protocols 2 and up itself. */
int mv_pickle(const mv_value *obj, int protocol, mv_value *result,
              mv_error *err)
{
    mv_view *v = mv_as_view(obj);

    (void)result;
    if (NEVER(v == NULL))
        return mv_unsupported(err, "pickling %s", mv_type_name(obj));
    if (v->base.cfg->behaviour.own_reduce && (protocol < 0 || protocol >= 2))
        return mv_raise(err, "TypeError", "cannot pickle memoryview objects");
    return mv_raise(err, "TypeError", "cannot pickle 'memoryview' object");
}

/* OBJECT-002: copy.copy(m) and copy.deepcopy(m) reduce as protocol 4
   pickling does, and so refuse as it does. */
int mv_copy(const mv_value *obj, bool deep, mv_value *result, mv_error *err)
{
    (void)deep;
    return mv_pickle(obj, 4, result, err);
}

/* a is b, for objects of this library (views, exporters, iterators);
   what plain values are identical to is not modelled. */
int mv_is(const mv_value *a, const mv_value *b, mv_value *result,
          mv_error *err)
{
    if ((a->kind != MV_OBJECT && a->kind != MV_HOST)
        || (b->kind != MV_OBJECT && b->kind != MV_HOST))
        return mv_unsupported(err, "identity of plain values");
    *result = mv_bool(mv_same_object(a, b));
    return 0;
}

/* ---- the view's own buffer, from Python ---------------------------------- */

/* OBJECT-004, OBJECT-009, CONVERT-012: m.__buffer__(flags) (3.12+): a new
   view on a buffer lent by m itself.  The flags are converted (by their
   __index__, if need be) before m is looked at, and become a C int, whose
   bits a negative int keeps. */
int mv_view_dunder_buffer(mv_view *v, const mv_value *arg, mv_value *result,
                          mv_error *err)
{
    mv_ssize flags;
    mv_buffer b;
    mv_view *out;

    if (mv_index_ssize(v->base.cfg, arg, "OverflowError", &flags, err) < 0)
        return -1;
    if (flags > INT32_MAX)
        return mv_raise(err, "OverflowError", "buffer flags too large");
    if (mv_view_getbuffer(v, &b, (int)flags, err) < 0
        || mv_view_from_buffer(&b, &out, err) < 0)
        return -1;
    *result = mv_view_value(out);
    return 0;
}

/* OBJECT-010: m.__release_buffer__(view): release a view whose buffer m
   lent. */
int mv_view_dunder_release_buffer(mv_view *v, const mv_value *arg,
                                  mv_value *result, mv_error *err)
{
    mv_view *view = mv_as_view(arg);

    *result = mv_none();
    if (view == NULL)
        return mv_raise(err, "TypeError", "expected a memoryview object");
    if (view->view.obj != &v->base)
        return mv_raise(err, "ValueError",
                        "memoryview's buffer is not this object");
    if (view->flags & MV_FLAG_RELEASED)
        return mv_raise(err, "ValueError",
                        "memoryview's buffer has already been released");
    return mv_view_release(view, err);
}
