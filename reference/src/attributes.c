/*
 * attributes.c -- chapter 2 of the spec: what a view says about itself,
 * m.obj, m.format, m.itemsize, m.ndim, m.shape, m.strides, m.suboffsets,
 * m.nbytes, m.readonly, and its contiguity.
 *
 * Every attribute reports the view's own description, which slicing and
 * casting recompute (ATTR-014): the shape, strides and suboffsets of the
 * view, not of the exporter.  What they mean, and how contiguity follows
 * from them, layout.c draws:
 *
 *     m = memoryview(bytes(range(12))).cast('B', [3, 4])[::2]
 *     m.shape    (2, 4)          m.strides  (8, 1)
 *     m.nbytes   8               m.c_contiguous  False (rows 0 and 2)
 *
 * The contiguity flags are computed once per layout (view.c) and read
 * here.  Every attribute refuses a released view (RELEASE-004).
 */
#include "mvint.h"
#include "layout.h"
#include "refcount.h"
#include "value.h"
#include "view.h"

/* ATTR-004, ATTR-005, ATTR-006: a tuple of ndim ints, or () when the
   buffer has none of them. */
static int ssize_tuple(const mv_ssize *items, int n, mv_value *out,
                       mv_error *err)
{
    if (mv_seq_new(out, MV_TUPLE, items ? (size_t)n : 0, err) < 0)
        return -1;
    for (int i = 0; items && i < n; i++)
        out->as.seq.items[i] = mv_int_from_i64(items[i]);
    return 0;
}

/* The attributes of a view (ATTR-001 to ATTR-013, each below); all refuse
   a released view (RELEASE-004). */
static int view_getattr(mv_view *v, const char *name, mv_value *result,
                        mv_error *err)
{
    const mv_buffer *b = &v->view;

    if (mv_view_check_released(v, err) < 0)
        return -1;
    if (strcmp(name, "obj") == 0)                        /* ATTR-001 */
        *result = mv_object_value(b->obj);
    else if (strcmp(name, "nbytes") == 0)                /* ATTR-007 */
        *result = mv_int_from_i64(b->len);
    else if (strcmp(name, "readonly") == 0)              /* READONLY-003 */
        *result = mv_bool(b->readonly);
    else if (strcmp(name, "itemsize") == 0)              /* ATTR-003 */
        *result = mv_int_from_i64(b->itemsize);
    else if (strcmp(name, "format") == 0)                /* ATTR-002 */
        return mv_str_new(result, b->format, strlen(b->format), err);
    else if (strcmp(name, "ndim") == 0)                  /* ATTR-004 */
        *result = mv_int_from_i64(b->ndim);
    else if (strcmp(name, "shape") == 0)                 /* ATTR-004 */
        return ssize_tuple(b->shape, b->ndim, result, err);
    else if (strcmp(name, "strides") == 0)               /* ATTR-005 */
        return ssize_tuple(b->strides, b->ndim, result, err);
    else if (strcmp(name, "suboffsets") == 0)            /* ATTR-006 */
        return ssize_tuple(b->suboffsets, b->ndim, result, err);
    else if (strcmp(name, "c_contiguous") == 0)          /* ATTR-010 */
        *result = mv_bool(v->flags & MV_FLAG_C);
    else if (strcmp(name, "f_contiguous") == 0)          /* ATTR-011 */
        *result = mv_bool(v->flags & MV_FLAG_F);
    else if (strcmp(name, "contiguous") == 0)   /* ATTR-013 */
        *result = mv_bool(v->flags & (MV_FLAG_C | MV_FLAG_F));
    else
        return mv_raise(err, NULL, "AttributeError", "'memoryview' object has no "
                        "attribute '%.400s'", name);
    return 0;
}

/* obj.name */
int mv_getattr(const mv_value *obj, const char *name, mv_value *result,
               mv_error *err)
{
    mv_view *v = mv_as_view(obj);

    if (NEVER(v == NULL))
        return mv_unsupported(err, "%s.%s", mv_type_name(obj), name);
    return view_getattr(v, name, result, err);
}
