/*
 * convert.c -- a view's items as other Python objects: tolist(), tobytes(),
 * hex(), list(m) (iteration) and bytes(m).
 *
 * tolist() unpacks every item, walking the dimensions with a pair of
 * functions in the style of CPython: tolist_base() does one dimension,
 * tolist_rec() recurses over the others.  The byte-level conversions copy
 * the items into contiguous memory first (layout.c), in C order unless
 * asked otherwise, and work under any format, since they never unpack.
 */
#include <stdio.h>

#include "mvint.h"

/* ---- tolist ------------------------------------------------------------- */

static int tolist_base(mv_view *v, char code, unsigned char *ptr,
                       const mv_ssize *shape, const mv_ssize *strides,
                       const mv_ssize *suboffsets, mv_value *out,
                       mv_error *err)
{
    mv_value item;

    if (mv_seq_new(out, MV_LIST, (size_t)shape[0], err) < 0)
        return -1;
    for (mv_ssize i = 0; i < shape[0]; i++) {
        unsigned char *p = mv_adjust_ptr(ptr + i * strides[0], suboffsets, 0);
        if (mv_unpack_native(v->base.cfg, code, p, &item, err) < 0) {
            mv_value_clear(out);
            return -1;
        }
        out->as.seq.items[i] = item;
    }
    return 0;
}

static int tolist_rec(mv_view *v, char code, unsigned char *ptr, int ndim,
                      const mv_ssize *shape, const mv_ssize *strides,
                      const mv_ssize *suboffsets, mv_value *out,
                      mv_error *err)
{
    if (ndim == 1)
        return tolist_base(v, code, ptr, shape, strides, suboffsets, out, err);
    if (mv_seq_new(out, MV_LIST, (size_t)shape[0], err) < 0)
        return -1;
    for (mv_ssize i = 0; i < shape[0]; i++) {
        unsigned char *p = mv_adjust_ptr(ptr + i * strides[0], suboffsets, 0);
        if (tolist_rec(v, code, p, ndim - 1, shape + 1, strides + 1,
                       suboffsets ? suboffsets + 1 : NULL,
                       &out->as.seq.items[i], err) < 0) {
            mv_value_clear(out);
            return -1;
        }
    }
    return 0;
}

/* TOLIST-001: nested lists of the items; a 0-dim view gives its one item. */
int mv_view_tolist(mv_view *v, mv_value *result, mv_error *err)
{
    const mv_buffer *b = &v->view;
    char code;

    if (mv_view_check_released(v, err) < 0
        || mv_adjust_format(b->format, &code, err) < 0)
        return -1;
    if (b->ndim == 0)
        return mv_unpack_native(v->base.cfg, code, b->buf, result, err);
    return tolist_rec(v, code, b->buf, b->ndim, b->shape, b->strides,
                      b->suboffsets, result, err);
}

/* ITER-?: list(m).  Since 3.10 a view has its own iterator, which checks
   the dimensions and the format first; list() then asks len(m), which
   refuses a released view.  Before, iteration went through len(m) and
   then m[0], m[1], ..., which check the format before the dimensions. */
int mv_view_iterate(mv_view *v, mv_value *result, mv_error *err)
{
    const mv_buffer *b = &v->view;
    bool iterator = v->base.cfg->behaviour.iter_protocol;
    char code;

    if (!iterator && (mv_view_check_released(v, err) < 0
                      || mv_adjust_format(b->format, &code, err) < 0))
        return -1;
    if (b->ndim == 0)
        return mv_raise(err, "TypeError", "invalid indexing of 0-dim memory");
    if (b->ndim > 1)
        return mv_raise(err, "NotImplementedError",
                        "multi-dimensional sub-views are not implemented");
    if (iterator && (mv_adjust_format(b->format, &code, err) < 0
                     || mv_view_check_released(v, err) < 0))
        return -1;
    return tolist_base(v, code, b->buf, b->shape, b->strides, b->suboffsets,
                       result, err);
}

/* ---- bytes -------------------------------------------------------------- */

static int contiguous_copy(const mv_buffer *b, char order, mv_value *out,
                           mv_error *err)
{
    *out = mv_none();
    out->kind = MV_BYTES;
    out->as.bytes.len = (size_t)b->len;
    out->as.bytes.data = mv_alloc((size_t)b->len);
    if (out->as.bytes.data == NULL) {
        *out = mv_none();
        return mv_no_memory(err);
    }
    mv_to_contiguous(out->as.bytes.data, b, order);
    return 0;
}

int mv_buffer_tobytes(const mv_buffer *b, mv_value *out, mv_error *err)
{
    return contiguous_copy(b, 'C', out, err);
}

/* TOBYTES-?: m.tobytes(order): the items' bytes in C order (order 'C' or
   None), Fortran order ('F'), or memory order when contiguous ('A').
   The argument is converted before the released check, except in 3.9. */
int mv_view_tobytes(mv_view *v, const mv_value *order, mv_value *result,
                    mv_error *err)
{
    bool legacy = v->base.cfg->behaviour.legacy_parse;
    const char *s = NULL;
    char ord = 'C';

    if (legacy && mv_view_check_released(v, err) < 0)
        return -1;
    if (order != NULL && order->kind != MV_NONE) {
        if (order->kind != MV_STR)
            return mv_raise(err, "TypeError", legacy
                            ? "argument 1 must be str or None, not %.50s"
                            : "tobytes() argument 'order' must be str or "
                              "None, not %.50s", mv_type_qualname(order));
        s = order->as.str.data;
        if (strlen(s) != order->as.str.len)
            return mv_raise(err, "ValueError", "embedded null character");
    }
    if (!legacy && mv_view_check_released(v, err) < 0)
        return -1;
    if (s != NULL) {
        if (strcmp(s, "F") == 0 || strcmp(s, "A") == 0)
            ord = s[0];
        else if (strcmp(s, "C") != 0)
            return mv_raise(err, "ValueError", "order must be 'C', 'F' or 'A'");
    }
    return contiguous_copy(&v->view, ord, result, err);
}

/* ---- hex ----------------------------------------------------------------- */

/* HEX-?: the one separator character, from a str or bytes of length 1. */
static int hex_separator(const mv_value *sep, char *out, mv_error *err)
{
    size_t len;
    unsigned char c;

    if (sep->kind == MV_STR) {
        /* length in code points: count the bytes that start one */
        len = 0;
        for (size_t i = 0; i < sep->as.str.len; i++)
            len += ((unsigned char)sep->as.str.data[i] & 0xC0) != 0x80;
        c = len ? (unsigned char)sep->as.str.data[0] : 0;
    } else if (sep->kind == MV_BYTES) {
        len = sep->as.bytes.len;
        c = len ? sep->as.bytes.data[0] : 0;
    } else if (sep->kind == MV_LIST || sep->kind == MV_TUPLE) {
        len = sep->as.seq.len;
        c = 0;
    } else if (sep->kind == MV_OBJECT) {
        return mv_unsupported(err, "hex() separator of type %s",
                              mv_type_name(sep));
    } else {
        return mv_raise(err, "TypeError", "object of type '%.200s' has no "
                        "len()", mv_type_qualname(sep));
    }
    if (len != 1)
        return mv_raise(err, "ValueError", "sep must be length 1.");
    if (sep->kind != MV_STR && sep->kind != MV_BYTES)
        return mv_raise(err, "TypeError", "sep must be str or bytes.");
    if (c > 127)
        return mv_raise(err, "ValueError", "sep must be ASCII.");
    *out = (char)c;
    return 0;
}

/* HEX-?: two lowercase hex digits per byte, in C order; with a separator,
   one between every group of |per_sep| bytes, the groups counted from the
   right when per_sep > 0 and from the left when it is negative. */
static int hex_string(const unsigned char *bytes, mv_ssize len, char sep,
                      int per_sep, mv_value *out, mv_error *err)
{
    static const char digits[] = "0123456789abcdef";
    mv_ssize group = per_sep < 0 ? -(mv_ssize)per_sep : per_sep;
    mv_ssize nseps = (group && len) ? (len - 1) / group : 0;
    mv_ssize n = 0;
    char *s;
    int status;

    s = mv_alloc((size_t)(2 * len + nseps + 1));
    if (s == NULL)
        return mv_no_memory(err);
    for (mv_ssize i = 0; i < len; i++) {
        /* a separator goes before byte i when a group ends there */
        mv_ssize from_end = len - i;
        if (i > 0 && nseps > 0
            && (per_sep > 0 ? from_end % group == 0 : i % group == 0))
            s[n++] = sep;
        s[n++] = digits[bytes[i] >> 4];
        s[n++] = digits[bytes[i] & 15];
    }
    status = mv_str_new(out, s, (size_t)n, err);
    mv_free(s);
    return status;
}

int mv_view_hex(mv_view *v, const mv_value *sep, const mv_value *per_sep,
                mv_value *result, mv_error *err)
{
    int group = 1;
    char sepc = 0;
    mv_value bytes;
    int status;

    if (per_sep != NULL && mv_arg_int(v->base.cfg, per_sep, &group, err) < 0)
        return -1;
    if (mv_view_check_released(v, err) < 0)
        return -1;
    if (sep != NULL && hex_separator(sep, &sepc, err) < 0)
        return -1;
    if (sep == NULL)
        group = 0;
    if (contiguous_copy(&v->view, 'C', &bytes, err) < 0)
        return -1;
    status = hex_string(bytes.as.bytes.data, (mv_ssize)bytes.as.bytes.len,
                        sepc, group, result, err);
    mv_value_clear(&bytes);
    return status;
}
