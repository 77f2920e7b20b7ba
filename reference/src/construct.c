/*
 * construct.c -- chapter 1 of the spec: memoryview(x).
 *
 * memoryview(x) takes one argument (CONSTRUCT-003) and makes a view of
 * whatever x lends: an exporter's memory (exporter.c, array.c, ndarray.c)
 * or, for a view, the loan that view already holds.
 *
 *     memoryview(ba)       a new loan from ba, a new managed buffer, a view
 *     memoryview(m)        a new view on m's managed buffer: no new loan
 *     memoryview(1)        TypeError: memoryview: a bytes-like object is
 *                          required, not 'int'
 *
 * What a view and its managed buffer are, and how the loan is shared and
 * given back, view.c draws.  Making a view reads no item and checks no
 * format: the view copies the description the lender gave (view.c).
 */
#include "mvint.h"
#include "abstract.h"
#include "args.h"
#include "refcount.h"
#include "view.h"

/* CONSTRUCT-001, CONSTRUCT-002, CONSTRUCT-007, CONSTRUCT-008: the view of
   any object. */
static int view_of(const mv_config *cfg, const mv_value *obj, mv_value *out,
                   mv_error *err)
{
    mv_view *base = mv_as_view(obj), *v;
    mv_buffer b;

    if (base != NULL) {   /* a view of a view shares its managed buffer */
        if (mv_view_check_released(base, err) < 0          /* CONSTRUCT-008 */
            || mv_view_derive(base, &v, err) < 0)
            return -1;
        *out = mv_view_value(v);
        return 0;
    }
    /* CONSTRUCT-002, CONVERT-013: an object that lends nothing is named by
       its tp_name ('decimal.Decimal'), and asked nothing */
    if (obj->kind != MV_BYTES && mv_as_exporter(obj) == NULL)
        return mv_raise(err, "TypeError", "memoryview: a bytes-like object "
                        "is required, not '%.200s'", mv_type_qualname(obj));
    /* EXPORT-010: a loan of its own, and a managed buffer of its own */
    if (mv_getbuffer(cfg, obj, &b, MV_BUF_FULL_RO, err) < 0
        || mv_view_from_buffer(&b, &v, err) < 0)
        return -1;
    *out = mv_view_value(v);
    return 0;
}

/* CONSTRUCT-003: memoryview(object) */
int mv_memoryview(const mv_config *cfg, const mv_args *a, mv_value *result,
                  mv_error *err)
{
    static const mv_signature sig = {
        "memoryview", "memoryview", MV_SIG_CLINIC, 1, 1, { "object" }
    };
    const mv_value *bound[1] = { NULL };

    if (mv_parse_args(cfg, &sig, a, bound, err) < 0)
        return -1;
    return view_of(cfg, bound[0], result, err);
}
