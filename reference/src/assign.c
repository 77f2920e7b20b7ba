/*
 * assign.c -- chapter 6 of the spec: writing through a view,
 * m[key] = value, and refusing del m[key].
 *
 * A view never changes its size, so assignment replaces items in place:
 * one item packed from a Python value (m[i] = x, formats.c), or, for a
 * slice of a one-dimensional view, as many items as the slice selects,
 * copied from another buffer of the same format and shape
 * (m[a:b] = other).  Deletion is always refused (ASSIGN-004).
 *
 *     ba = bytearray(b'abcdef');  m = memoryview(ba)
 *     m[1:] = m[:-1]            source  a b c d e     (read before the write)
 *                               target    ↓ ↓ ↓ ↓ ↓
 *                               ba  =   a a b c d e   (as memmove would)
 *
 * The checks, in the order of ASSIGN-015 (each decides which error comes
 * first):
 *
 *   released?                       ValueError           RELEASE-006
 *   format one character?           NotImplementedError  FORMAT-019
 *   read-only?                      TypeError            READONLY-001
 *   deleting?                       TypeError            ASSIGN-004
 *   0-dim view: only () and ...     TypeError            ASSIGN-008
 *   an int: N-D refused, converted, bounds, then packed  ASSIGN-007, 001
 *   a slice of a 1-D view: source, slice, structures     ASSIGN-010..012
 *   a tuple of ints: length, each index, then packed     ASSIGN-006
 *   a slice of an N-D view, a tuple of slices            ASSIGN-009
 *   anything else                   TypeError            INDEX-006
 *
 * Failing assignments change nothing (ASSIGN-016): an item is packed only
 * after its value converted (FORMAT-017), and a slice is copied through a
 * temporary (layout.c), so overlapping source and destination behave as
 * if the source had been copied first (ASSIGN-014).
 *
 * A key's __index__ and a value's __index__, __float__, __bool__ or
 * __len__ are the Python program's own code, run in the middle of the
 * assignment (chapter 17).  Such code may release the view: from 3.10 the
 * view is checked again after the conversions, before its memory is
 * written (CONVERT-009).
 */
#include "mvint.h"
#include "abstract.h"
#include "chapters.h"
#include "formats.h"
#include "layout.h"
#include "refcount.h"
#include "value.h"
#include "view.h"

/* ASSIGN-011, ASSIGN-012: the source's format, ignoring one '@' on either
   side, and its itemsize must be the destination's, and so must its
   shape, up to a first dimension of length 0. */
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

/* CONVERT-009, CONVERT-010: write value at ptr: converted (which may run
   the value's own code), the view checked again (3.10+), then stored;
   unless no code ran (int_key: the key was an int, and so is the value,
   a fast path), which could have released v. */
static int write_item(mv_view *v, char code, unsigned char *ptr,
                      const mv_value *value, bool int_key, mv_error *err)
{
    mv_item item;

    if (mv_convert_item(v->base.cfg, code, value, &item, err) < 0)
        return -1;
    if (!(int_key && mv_is_index(value)) && mv_view_check_again(v, err) < 0)
        return -1;
    return mv_store_item(v->base.cfg, &item, ptr, err);
}

/* ASSIGN-005, ASSIGN-010 to ASSIGN-014: m[a:b:c] = value for a
   one-dimensional view.  The value must lend memory: that is checked
   before the slice is read, whose bounds may run code (CONVERT-004) that
   releases the view, which is then checked again (CONVERT-009). */
static int assign_slice(mv_view *v, const mv_value *key, const mv_value *value,
                        mv_error *err)
{
    mv_buffer src, dst = v->view;
    mv_ssize shape = dst.shape[0], strides = dst.strides[0];
    int status = -1;

    if (mv_getbuffer(v->base.cfg, value, &src, MV_BUF_FULL_RO, "ASSIGN-010",
                     err) < 0)
        return -1;
    dst.shape = &shape;
    dst.strides = &strides;
    if (mv_slice_first_dimension(v->base.cfg, &dst, key, err) < 0
        || mv_view_check_again(v, err) < 0)
        goto done;
    dst.len = dst.shape[0] * dst.itemsize;
    if (!same_structure(&dst, &src)) {
        mv_raise(err, "ASSIGN-005", "ValueError", "memoryview assignment: lvalue and rvalue "
                 "have different structures");
        goto done;
    }
    status = mv_copy_items(&dst, &src, err);
done:
    mv_releasebuffer(&src);
    return status;
}

/* ASSIGN-008: the keys of a 0-dim view. */
static int scalar_setitem(mv_view *v, char code, const mv_value *key,
                          const mv_value *value, mv_error *err)
{
    if (key->kind == MV_ELLIPSIS
        || (key->kind == MV_TUPLE && key->as.seq.len == 0))
        return write_item(v, code, v->view.buf, value, false, err);
    return mv_raise(err, "ASSIGN-008", "TypeError", "invalid indexing of 0-dim memory");
}

/* ASSIGN-015, steps 6 to 10: the key of a view of one or more
   dimensions: converted (CONVERT-011) and looked up before the value is
   converted. */
static int view_setitem(mv_view *v, char code, const mv_value *key,
                        const mv_value *value, mv_error *err)
{
    const mv_buffer *b = &v->view;
    const mv_config *cfg = v->base.cfg;
    unsigned char *ptr;
    mv_ssize index;

    if (MV_FAST() && key->kind == MV_INT && b->ndim == 1) {
        /* a fast path: an int key, read where it is (no __index__ to
           ask), in the generic path's order */
        if (mv_as_ssize(cfg, key, "IndexError", "INDEX-005", &index, err) < 0
            || mv_lookup_dimension(b, b->buf, 0, index, &ptr, err) < 0)
            return -1;
        return write_item(v, code, ptr, value, true, err);
    }
    if (mv_has_index(key)) {
        if (b->ndim > 1)   /* ASSIGN-007: before the key is converted */
            return mv_raise(err, "ASSIGN-007", "NotImplementedError",
                            "sub-views are not implemented");
        if (mv_key_index(cfg, key, &index, err) < 0
            || mv_lookup_dimension(b, b->buf, 0, index, &ptr, err) < 0)
            return -1;
        return write_item(v, code, ptr, value, false, err);
    }
    if (key->kind == MV_SLICE && b->ndim == 1)
        return assign_slice(v, key, value, err);
    if (mv_is_multi_index(key)) {   /* ASSIGN-006 */
        if (mv_tuple_address(v, key, &ptr, err) < 0)
            return -1;
        return write_item(v, code, ptr, value, false, err);
    }
    if (key->kind == MV_SLICE || mv_is_multi_slice(key))   /* ASSIGN-009 */
        return mv_raise(err, "ASSIGN-009", "NotImplementedError", "memoryview slice "
                        "assignments are currently restricted to ndim = 1");
    return mv_raise(err, "INDEX-013", "TypeError", "memoryview: invalid slice key");
}

/* ASSIGN-001, ASSIGN-015, EXPORT-001: m[key] = value writes the exporter's
   memory; value NULL means del m[key] (ASSIGN-004, READONLY-002).  The
   view is pinned while keys and the value convert (CONVERT-009). */
static int setitem(const mv_value *obj, const mv_value *key,
                   const mv_value *value, mv_error *err)
{
    mv_view *v = mv_as_view(obj);
    char code;
    int status;

    if (NEVER(v == NULL))
        return mv_unsupported(err, "%s[...] = ...", mv_type_name(obj));
    if (mv_view_check_released(v, err) < 0
        || mv_adjust_format(v->base.cfg, v->view.format, &code, err) < 0
        || mv_check_writable(v, err) < 0)
        return -1;
    if (value == NULL)
        return mv_raise(err, "ASSIGN-004", "TypeError", "cannot delete memory");
    mv_view_pin(v);
    if (v->view.ndim == 0)
        status = scalar_setitem(v, code, key, value, err);
    else
        status = view_setitem(v, code, key, value, err);
    mv_view_unpin(v);
    return status;
}

/* obj[key] = value */
int mv_setitem(const mv_value *obj, const mv_value *key,
               const mv_value *value, mv_error *err)
{
    assert(value != NULL);
    return setitem(obj, key, value, err);
}

/* del obj[key] */
int mv_delitem(const mv_value *obj, const mv_value *key, mv_error *err)
{
    return setitem(obj, key, NULL, err);
}
