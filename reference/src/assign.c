/*
 * assign.c -- writing through a view: m[key] = value, and del m[key].
 *
 * A view never changes its size, so assignment replaces items in place:
 * one item packed from a Python value (m[i] = x), or, for a slice of a
 * one-dimensional view, as many items as the slice selects, copied from
 * another buffer of the same format and length (m[a:b] = other).
 * Deletion is always refused.
 *
 * The checks, in CPython's order (each decides which error comes first):
 *
 *   released?                 ValueError               (RELEASE-001)
 *   format one character?     NotImplementedError      (FORMAT-?)
 *   read-only?                TypeError                (READONLY-001)
 *   deleting?                 TypeError                (ASSIGN-004,
 *                                                        READONLY-002)
 *   then by key, as in index.c.
 *
 * Failing assignments change nothing: an item is packed only after its
 * value converted, and slice copies go through a temporary (layout.c), so
 * overlapping source and destination (m[1:] = m[:-1]) behave as if the
 * source had been copied first.
 */
#include "mvint.h"

/* ASSIGN-005: the source's format, ignoring '@', and itemsize must equal
   the destination's, and so must its shape. */
static bool same_structure(const mv_buffer *dst, const mv_buffer *src)
{
    const char *df = dst->format[0] == '@' ? dst->format + 1 : dst->format;
    const char *sf = src->format[0] == '@' ? src->format + 1 : src->format;

    if (strcmp(df, sf) != 0 || dst->itemsize != src->itemsize
        || dst->ndim != src->ndim)
        return false;
    for (int d = 0; d < dst->ndim; d++) {
        if (dst->shape[d] != src->shape[d])
            return false;
        if (dst->shape[d] == 0)
            break;
    }
    return true;
}

/* ASSIGN-005: m[a:b:c] = value for a one-dimensional view. */
static int assign_slice(mv_view *v, const mv_value *key, const mv_value *value,
                        mv_error *err)
{
    mv_buffer src, dst = v->view;
    mv_ssize shape, strides, suboffsets;
    int status = -1;

    if (mv_getbuffer(v->base.cfg, value, &src, MV_BUF_FULL_RO, err) < 0)
        return -1;   /* the value must lend memory: checked before the key */
    shape = dst.shape[0];
    strides = dst.strides[0];
    dst.shape = &shape;
    dst.strides = &strides;
    if (dst.suboffsets) {
        suboffsets = dst.suboffsets[0];
        dst.suboffsets = &suboffsets;
    }
    if (mv_slice_dimension(v->base.cfg, &dst, key, 0, err) < 0)
        goto done;
    dst.len = dst.shape[0] * dst.itemsize;
    if (!same_structure(&dst, &src)) {
        mv_raise(err, "ValueError", "memoryview assignment: lvalue and rvalue "
                 "have different structures");
        goto done;
    }
    status = mv_copy_items(&dst, &src, err);
done:
    mv_releasebuffer(&src);
    return status;
}

/* ASSIGN-001, EXPORT-001: m[key] = value writes the exporter's memory;
   value NULL means del m[key] (ASSIGN-004). */
int mv_view_setitem(mv_view *v, const mv_value *key, const mv_value *value,
                    mv_error *err)
{
    const mv_buffer *b = &v->view;
    const mv_config *cfg = v->base.cfg;
    unsigned char *ptr;
    mv_ssize index;
    char code;

    if (mv_view_check_released(v, err) < 0
        || mv_adjust_format(b->format, &code, err) < 0)
        return -1;
    if (b->readonly)                    /* READONLY-001, READONLY-002 */
        return mv_raise(err, "TypeError", "cannot modify read-only memory");
    if (value == NULL)
        return mv_raise(err, "TypeError", "cannot delete memory");
    if (b->ndim == 0) {
        if (key->kind == MV_ELLIPSIS
            || (key->kind == MV_TUPLE && key->as.seq.len == 0))
            return mv_pack_native(cfg, code, b->buf, value, err);
        return mv_raise(err, "TypeError", "invalid indexing of 0-dim memory");
    }
    if (mv_is_index(key)) {
        if (b->ndim > 1)
            return mv_raise(err, "NotImplementedError",
                            "sub-views are not implemented");
        if (mv_as_ssize(cfg, key, "IndexError", &index, err) < 0
            || mv_lookup_dimension(b, b->buf, 0, index, &ptr, err) < 0)
            return -1;
        return mv_pack_native(cfg, code, ptr, value, err);
    }
    if (key->kind == MV_SLICE && b->ndim == 1)
        return assign_slice(v, key, value, err);
    if (mv_is_multi_index(key)) {
        if (mv_tuple_address(v, key, &ptr, err) < 0)
            return -1;
        return mv_pack_native(cfg, code, ptr, value, err);
    }
    if (key->kind == MV_SLICE || mv_is_multi_slice(key))
        return mv_raise(err, "NotImplementedError", "memoryview slice "
                        "assignments are currently restricted to ndim = 1");
    return mv_raise(err, "TypeError", "memoryview: invalid slice key");
}
