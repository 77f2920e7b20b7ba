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

/* One dimension of items, unpacked. */
static int tolist_base(const mv_config *cfg, char code, unsigned char *ptr,
                       mv_ssize shape, mv_ssize stride,
                       const mv_ssize *suboffsets, mv_value *out,
                       mv_error *err)
{
    if (mv_seq_new(out, MV_LIST, (size_t)shape, err) < 0)
        return -1;
    for (mv_ssize i = 0; i < shape; i++) {
        unsigned char *p = mv_adjust_ptr(ptr + i * stride, suboffsets, 0);
        if (mv_unpack_native(cfg, code, p, &out->as.seq.items[i], err) < 0) {
            mv_value_clear(out);
            return -1;
        }
    }
    return 0;
}

/* ndim dimensions of items, as nested lists. */
static int tolist_rec(const mv_config *cfg, char code, unsigned char *ptr,
                      int ndim, const mv_ssize *shape,
                      const mv_ssize *strides, const mv_ssize *suboffsets,
                      mv_value *out, mv_error *err)
{
    if (ndim == 1)
        return tolist_base(cfg, code, ptr, shape[0], strides[0], suboffsets,
                           out, err);
    if (mv_seq_new(out, MV_LIST, (size_t)shape[0], err) < 0)
        return -1;
    for (mv_ssize i = 0; i < shape[0]; i++) {
        unsigned char *p = mv_adjust_ptr(ptr + i * strides[0], suboffsets, 0);
        if (tolist_rec(cfg, code, p, ndim - 1, shape + 1, strides + 1,
                       suboffsets ? suboffsets + 1 : NULL,
                       &out->as.seq.items[i], err) < 0) {
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
        || mv_adjust_format(b->format, &code, err) < 0)
        return -1;
    if (b->ndim == 0)
        return mv_unpack_native(v->base.cfg, code, b->buf, result, err);
    return tolist_rec(v->base.cfg, code, b->buf, b->ndim, b->shape,
                      b->strides, b->suboffsets, result, err);
}
