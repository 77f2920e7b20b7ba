/*
 * tobytes.c -- chapter 11 of the spec: a view's items as bytes, bytes(m),
 * m.tobytes(order) and m.hex(sep, bytes_per_sep).
 *
 * All three copy the items into contiguous memory (layout.c), in C order
 * unless tobytes() is asked for another, and never unpack an item, so
 * they work under any format (TOBYTES-009):
 *
 *     m = memoryview(bytes(range(6))).cast('B', [2, 3])
 *     m.tobytes()      00 01 02 03 04 05      rows one after the other
 *     m.tobytes('F')   00 03 01 04 02 05      columns one after the other
 *     m.hex(':', 2)    '0001:0203:0405'       groups counted from the right
 *
 * Their arguments are converted when the call is made, before the view is
 * checked; their values are interpreted only after (TOBYTES-007,
 * HEX-006), except in 3.9, whose tobytes() checked the view first.
 */
#include "mvint.h"
#include "abstract.h"
#include "args.h"
#include "chapters.h"
#include "convert.h"
#include "exporter.h"
#include "layout.h"
#include "refcount.h"
#include "value.h"
#include "view.h"

/* TOBYTES-001, TOBYTES-008: a copy of b's items in order 'C', 'F' or 'A'
   (layout.c). */
int mv_buffer_tobytes(const mv_buffer *b, char order, mv_value *out,
                      mv_error *err)
{
    if (mv_bytes_zeroed(out, (size_t)b->len, err) < 0)
        return -1;
    mv_to_contiguous(out->as.bytes.data, b, order);
    return 0;
}

/* TOBYTES-001, TOBYTES-009: bytes(obj), for any object that exports a
   buffer; the object lends it for the time of the copy. */
int mv_bytes(const mv_value *obj, mv_value *result, mv_error *err)
{
    mv_buffer b;
    int status;

    if (NEVER(obj->kind != MV_OBJECT))
        return mv_unsupported(err, "bytes(%s)", mv_type_name(obj));
    if (mv_getbuffer(obj->as.object->cfg, obj, &b, MV_BUF_FULL_RO, err) < 0)
        return -1;
    status = mv_buffer_tobytes(&b, 'C', result, err);
    mv_releasebuffer(&b);
    return status;
}

/* m.tobytes(order): the items' bytes in C order (order 'C' or None,
   TOBYTES-002), Fortran order ('F', TOBYTES-003), or memory order when
   contiguous ('A', TOBYTES-004).  The argument's type is checked with the
   call (TOBYTES-006), its value after the view (TOBYTES-007). */
int mv_view_tobytes(mv_view *v, const mv_value *order, mv_value *result,
                    mv_error *err)
{
    bool legacy = v->base.cfg->behaviour.legacy_parse;
    const char *s = NULL;
    char ord = 'C';

    /* TOBYTES-006, CONVERT-013: a type test, which calls nothing */
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
    if (mv_view_check_released(v, err) < 0)   /* 3.9 checked before binding */
        return -1;
    if (s != NULL) {   /* TOBYTES-005 */
        if (strcmp(s, "F") == 0 || strcmp(s, "A") == 0)
            ord = s[0];
        else if (strcmp(s, "C") != 0)
            return mv_raise(err, "ValueError", "order must be 'C', 'F' or 'A'");
    }
    return mv_buffer_tobytes(&v->view, ord, result, err);
}

/* ---- hex ----------------------------------------------------------------- */

/* The length of a separator that is not a str or bytes, for HEX-004's
   first check: len(sep), or TypeError. */
static int other_length(const mv_value *sep, size_t *len, mv_error *err)
{
    mv_exporter *e = mv_as_exporter(sep);
    mv_view *v = mv_as_view(sep);
    mv_ssize n;

    if (sep->kind == MV_LIST || sep->kind == MV_TUPLE) {
        *len = sep->as.seq.len;
        return 0;
    }
    if (v != NULL) {
        if (mv_view_length(v, &n, err) < 0)   /* its len() may refuse */
            return -1;
        *len = (size_t)n;
        return 0;
    }
    if (e != NULL && e->base.type <= MV_TYPE_ARRAY) {
        *len = (size_t)(e->size / e->itemsize);
        return 0;
    }
    if (mv_is_host(sep)) {   /* CONVERT-014: its __len__, if any */
        if (mv_host_length(sep, &n, err) < 0)
            return -1;
        *len = (size_t)n;
        return 0;
    }
    if (sep->kind == MV_OBJECT)
        return mv_unsupported(err, "len() of %s", mv_type_name(sep));
    return mv_raise(err, "TypeError", "object of type '%.200s' has no len()",
                    mv_type_qualname(sep));
}

/* HEX-004: the one separator character, from a str or bytes of length 1;
   its length first, then its type, then that it is ASCII. */
static int hex_separator(const mv_value *sep, char *out, mv_error *err)
{
    const unsigned char *data = NULL;
    bool text = sep->kind == MV_STR;
    size_t len;

    if (text) {
        len = mv_str_code_points(sep, NULL, 0);
        data = (const unsigned char *)sep->as.str.data;
    } else if (!mv_bytes_of(sep, &data, &len)
               && other_length(sep, &len, err) < 0) {
        return -1;
    }
    if (len != 1)
        return mv_raise(err, "ValueError", "sep must be length 1.");
    if (data == NULL)
        return mv_raise(err, "TypeError", "sep must be str or bytes.");
    if (data[0] > 127)
        return mv_raise(err, "ValueError", "sep must be ASCII.");
    *out = (char)data[0];
    return 0;
}

/* HEX-001: two lowercase hex digits per byte; HEX-002, HEX-003: with a
   separator, one between every group of |per_sep| bytes, the groups
   counted from the right when per_sep > 0 and from the left when it is
   negative. */
static int hex_string(const unsigned char *bytes, mv_ssize len, char sep,
                      mv_ssize per_sep, mv_value *out, mv_error *err)
{
    static const char digits[] = "0123456789abcdef";
    /* |per_sep|, but no more than one group: -per_sep may not exist */
    mv_ssize group = per_sep > len || per_sep < -len ? len + 1
                     : per_sep < 0 ? -per_sep : per_sep;
    mv_ssize nseps = (group && len) ? (len - 1) / group : 0;
    mv_ssize n = 0;
    char *s;
    int status;

    if (group == 0)   /* no separator anywhere: nseps is 0 */
        group = len + 1;
    s = mv_alloc((size_t)(2 * len + nseps + 1));
    if (s == NULL)
        return mv_no_memory(err);
    for (mv_ssize i = 0; i < len; i++) {
        /* a separator goes before byte i when a group ends there,
           counting from the right (per_sep > 0) or from the left */
        mv_ssize counted = per_sep > 0 ? len - i : i;
        if (i > 0 && counted % group == 0)
            s[n++] = sep;
        s[n++] = digits[bytes[i] >> 4];
        s[n++] = digits[bytes[i] & 15];
    }
    status = mv_str_new(out, s, (size_t)n, err);
    mv_free(s);
    return status;
}

/* HEX-005: bytes_per_sep is a C int, from 3.15 a Py_ssize_t. */
static int bytes_per_sep(const mv_config *cfg, const mv_value *per_sep,
                         mv_ssize *out, mv_error *err)
{
    int i;

    if (cfg->behaviour.bytes_per_sep_ssize)
        return mv_arg_ssize(cfg, per_sep, out, err);
    if (mv_arg_int(cfg, per_sep, &i, err) < 0)
        return -1;
    *out = i;
    return 0;
}

/* m.hex(sep, bytes_per_sep): bytes_per_sep is converted with the call
   (HEX-005), the separator examined after the view (HEX-006). */
int mv_view_hex(mv_view *v, const mv_value *sep, const mv_value *per_sep,
                mv_value *result, mv_error *err)
{
    mv_ssize group = 1;
    char sepc = 0;
    mv_value bytes;
    int status;

    if (per_sep != NULL && bytes_per_sep(v->base.cfg, per_sep, &group, err) < 0)
        return -1;
    if (mv_view_check_released(v, err) < 0)
        return -1;
    /* CONVERT-014: from 3.15 the view is lent while the separator is read, so
       that code it runs (its __len__) cannot release the view */
    if (v->base.cfg->behaviour.hex_exports)
        v->exports++;
    status = sep != NULL ? hex_separator(sep, &sepc, err) : 0;
    if (v->base.cfg->behaviour.hex_exports)
        v->exports--;
    if (status < 0)
        return -1;
    if (sep == NULL)
        group = 0;
    if (mv_buffer_tobytes(&v->view, 'C', &bytes, err) < 0)
        return -1;
    status = hex_string(bytes.as.bytes.data, (mv_ssize)bytes.as.bytes.len,
                        sepc, group, result, err);
    mv_value_clear(&bytes);
    return status;
}
