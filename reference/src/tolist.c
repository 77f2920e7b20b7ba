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
 *
 * A host that makes lists of its own (mvref: Python lists) would have to
 * walk the tree of values again to convert it, and the library a third
 * time to free it.  So the fast path streams instead: the same walk hands
 * the host's sink (mvref.h, section 9) each list as it begins and ends and
 * each item as it is unpacked, and no tree is made.
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

/* ---- streamed to a host (mvref.h, section 9) -------------------------- */

/* tolist_rec's walk, fast: each list and item handed to the sink as it is
   made (TOLIST-001, TOLIST-003, TOLIST-004). */
static int stream_rec(const mv_config *cfg, char code, const mv_buffer *b,
                      unsigned char *ptr, int dim, const mv_list_sink *sink,
                      mv_error *err)
{
    mv_value item;

    if (sink->begin(sink->ctx, (size_t)b->shape[dim], err) < 0)
        return -1;
    for (mv_ssize i = 0; i < b->shape[dim]; i++) {
        unsigned char *p = mv_adjust_ptr(b, ptr + i * b->strides[dim], dim);
        if (dim < b->ndim - 1) {
            if (stream_rec(cfg, code, b, p, dim + 1, sink, err) < 0)
                return -1;
        } else if (mv_unpack_native(cfg, code, p, &item, err) < 0
                   || sink->item(sink->ctx, &item, err) < 0) {
            return -1;
        }
    }
    return sink->end(sink->ctx, err);
}

/* A result made whole, handed to the sink as if streamed: each item moved
   out of the tree into the host's hands. */
static int replay(mv_value *v, const mv_list_sink *sink, mv_error *err)
{
    mv_value item;

    if (v->kind != MV_LIST) {
        item = *v;
        *v = mv_none();
        return sink->item(sink->ctx, &item, err);
    }
    if (sink->begin(sink->ctx, v->as.seq.len, err) < 0)
        return -1;
    for (size_t i = 0; i < v->as.seq.len; i++)
        if (replay(&v->as.seq.items[i], sink, err) < 0)
            return -1;
    return sink->end(sink->ctx, err);
}

/* TOLIST-001 to TOLIST-006: m.tolist() handed to a host's sink.  With the
   fast paths off, the result is made whole first (mv_view_tolist), and
   handed over after. */
int mv_view_tolist_to(mv_view *v, const mv_list_sink *sink, mv_error *err)
{
    const mv_buffer *b = &v->view;
    mv_value tree, item;
    char code;

    if (!MV_FAST()) {
        int status;

        if (mv_view_tolist(v, &tree, err) < 0)
            return -1;
        status = replay(&tree, sink, err);
        mv_value_clear(&tree);
        return status;
    }
    if (mv_view_check_released(v, err) < 0
        || mv_adjust_format(v->base.cfg, b->format, &code, err) < 0)
        return -1;
    if (b->ndim == 0)                                    /* TOLIST-002 */
        return mv_unpack_native(v->base.cfg, code, b->buf, &item, err) < 0
               ? -1 : sink->item(sink->ctx, &item, err);
    return stream_rec(v->base.cfg, code, b, b->buf, 0, sink, err);
}
