/*
 * tolist.c -- chapter 10 of the spec: m.tolist(), the items as nested
 * lists of Python values.
 *
 * tolist() unpacks every item (formats.c) and nests the results one list
 * per dimension, in logical, row-major order, whatever the memory layout
 * (TOLIST-001, TOLIST-004).  The walk comes in CPython's pair:
 * tolist_base() lists one dimension of items, tolist_rec() recurses over
 * the dimensions before it.
 *
 *     shape (2, 3), strides (1, 2)       memory  0 1 2 3 4 5
 *     tolist_rec, row 0: buf + 0         -> tolist_base: 0 2 4
 *     tolist_rec, row 1: buf + 1         -> tolist_base: 1 3 5
 *     result                             [[0, 2, 4], [1, 3, 5]]
 *
 * A 0-dim view has no list around its item (TOLIST-002), and a dimension
 * of length 0 stops the nesting there (TOLIST-003).  The format is checked
 * before anything is built (TOLIST-006), so even an empty view of a format
 * memoryview cannot parse refuses.
 */
#include "mvint.h"
#include "chapters.h"
#include "formats.h"
#include "layout.h"
#include "value.h"
#include "view.h"

/* The last dimension of b, from ptr, as a list of unpacked items. */
static int tolist_base(const mv_config *cfg, char code, const mv_buffer *b,
                       unsigned char *ptr, int dim, mv_value *out,
                       mv_error *err)
{
    if (mv_seq_new(out, MV_LIST, (size_t)b->shape[dim], err) < 0)
        return -1;
    for (mv_ssize i = 0; i < b->shape[dim]; i++) {
        unsigned char *p = mv_adjust_ptr(b, ptr + i * b->strides[dim], dim);
        if (mv_unpack_native(cfg, code, p, &out->as.seq.items[i], err) < 0) {
            mv_value_clear(out);
            return -1;
        }
    }
    return 0;
}

/* Dimensions dim and after of b, from ptr, as nested lists.  TOLIST-004:
   every step follows the strides, and a pointer where the dimension is
   indirect (mv_adjust_ptr). */
static int tolist_rec(const mv_config *cfg, char code, const mv_buffer *b,
                      unsigned char *ptr, int dim, mv_value *out,
                      mv_error *err)
{
    if (dim == b->ndim - 1)
        return tolist_base(cfg, code, b, ptr, dim, out, err);
    /* TOLIST-003: a dimension of length 0 is an empty list, and nothing
       below it is nested */
    if (mv_seq_new(out, MV_LIST, (size_t)b->shape[dim], err) < 0)
        return -1;
    for (mv_ssize i = 0; i < b->shape[dim]; i++) {
        unsigned char *p = mv_adjust_ptr(b, ptr + i * b->strides[dim], dim);
        if (tolist_rec(cfg, code, b, p, dim + 1, &out->as.seq.items[i],
                       err) < 0) {
            mv_value_clear(out);
            return -1;
        }
    }
    return 0;
}

/* TOLIST-001 to TOLIST-006: nested lists of the items; a 0-dim view gives
   its one item. */
int mv_view_tolist(mv_view *v, mv_value *result, mv_error *err)
{
    const mv_buffer *b = &v->view;
    char code;

    if (mv_view_check_released(v, err) < 0
        || mv_adjust_format(v->base.cfg, b->format, &code, err) < 0)
        return -1;
    if (b->ndim == 0)                                    /* TOLIST-002 */
        return mv_unpack_native(v->base.cfg, code, b->buf, result, err);
    return tolist_rec(v->base.cfg, code, b, b->buf, 0, result, err);
}
