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
   (layout.c).  Fast: straight into the bytes object the host hands its
   program, when the host allocates (mv_text_new), and not zeroed first. */
int mv_buffer_tobytes(const mv_buffer *b, char order, mv_value *out,
                      mv_error *err)
{
    unsigned char *data;

    if (MV_FAST()) {
        if (mv_text_new(out, MV_BYTES, (size_t)b->len, &data, err) < 0)
            return -1;
        mv_to_contiguous(data, b, order);
        return 0;
    }
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
    if (mv_getbuffer(obj->as.object->cfg, obj, &b, MV_BUF_FULL_RO, "HEX-004",
                     err) < 0)
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
            return mv_raise(err, "TOBYTES-006", "TypeError", legacy
                            ? "argument 1 must be str or None, not %.50s"
                            : "tobytes() argument 'order' must be str or "
                              "None, not %.50s", mv_type_qualname(order));
        s = order->as.str.data;
        if (strlen(s) != order->as.str.len)
            return mv_raise(err, "TOBYTES-006", "ValueError", "embedded null character");
    }
    if (mv_view_check_released(v, err) < 0)   /* 3.9 checked before binding */
        return -1;
    if (s != NULL) {   /* TOBYTES-005 */
        if (strcmp(s, "F") == 0 || strcmp(s, "A") == 0)
            ord = s[0];
        else if (strcmp(s, "C") != 0)
            return mv_raise(err, "TOBYTES-005", "ValueError", "order must be 'C', 'F' or 'A'");
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
    return mv_raise(err, "HEX-004", "TypeError", "object of type '%.200s' has no len()",
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
        return mv_raise(err, "HEX-004", "ValueError", "sep must be length 1.");
    if (data == NULL)
        return mv_raise(err, "HEX-004", "TypeError", "sep must be str or bytes.");
    if (data[0] > 127)
        return mv_raise(err, "HEX-004", "ValueError", "sep must be ASCII.");
    *out = (char)data[0];
    return 0;
}

static const char hex_digits[] = "0123456789abcdef";

/* HEX-005: the size of a group of bytes between separators, |per_sep|,
   but no more than one group of len + 1 (from 3.15 per_sep is a Py_ssize_t,
   whose most negative value has no absolute value); 0 for none. */
static mv_ssize hex_group(mv_ssize len, mv_ssize per_sep)
{
    if (per_sep > len || per_sep < -len)
        return len + 1;
    return per_sep < 0 ? -per_sep : per_sep;
}

/* HEX-001: how long m.hex() is: two digits per byte, and a separator
   between every two groups of |per_sep| bytes (none when per_sep is 0). */
static mv_ssize hex_length(mv_ssize len, mv_ssize per_sep)
{
    mv_ssize group = hex_group(len, per_sep);

    return 2 * len + ((group && len) ? (len - 1) / group : 0);
}

/* HEX-001: two lowercase hex digits per byte; HEX-002, HEX-003: with a
   separator, one between every group of |per_sep| bytes, the groups
   counted from the right when per_sep > 0 and from the left when it is
   negative.  s has room for hex_length(len, per_sep) characters. */
static void hex_write(char *s, const unsigned char *bytes, mv_ssize len,
                      char sep, mv_ssize per_sep)
{
    mv_ssize group = hex_group(len, per_sep);
    mv_ssize n = 0;

    if (group == 0)   /* no separator anywhere */
        group = len + 1;
    for (mv_ssize i = 0; i < len; i++) {
        /* a separator goes before byte i when a group ends there,
           counting from the right (per_sep > 0) or from the left */
        mv_ssize counted = per_sep > 0 ? len - i : i;
        if (i > 0 && counted % group == 0)
            s[n++] = sep;
        s[n++] = hex_digits[bytes[i] >> 4];
        s[n++] = hex_digits[bytes[i] & 15];
    }
}

/* HEX-001, fast: the digits alone, when there is no separator. */
static void hex_plain(char *s, const unsigned char *bytes, mv_ssize len)
{
    for (mv_ssize i = 0; i < len; i++) {
        *s++ = hex_digits[bytes[i] >> 4];
        *s++ = hex_digits[bytes[i] & 15];
    }
}

/* HEX-001 to HEX-003, fast: the digits written straight into the str the
   host hands its program (mv_text_new), read from the view's memory where
   it is C-contiguous, with no copy of its bytes first. */
static int hex_fast(const mv_buffer *b, char sep, mv_ssize per_sep,
                    mv_value *result, mv_error *err)
{
    mv_value copy = mv_none();
    const unsigned char *bytes = b->buf;
    unsigned char *s;
    int status = 0;

    if (!mv_is_contiguous(b, 'C')) {
        if (mv_buffer_tobytes(b, 'C', &copy, err) < 0)
            return -1;
        bytes = copy.as.bytes.data;
    }
    if (mv_text_new(result, MV_STR, (size_t)hex_length(b->len, per_sep), &s,
                    err) < 0)
        status = -1;
    else if (per_sep == 0)
        hex_plain((char *)s, bytes, b->len);
    else
        hex_write((char *)s, bytes, b->len, sep, per_sep);
    mv_value_clear(&copy);
    return status;
}

/* The same, as the definition has it: the view's bytes copied out, the
   digits written, then made a str. */
static int hex_string(const mv_buffer *b, char sep, mv_ssize per_sep,
                      mv_value *out, mv_error *err)
{
    mv_value bytes;
    mv_ssize n = hex_length(b->len, per_sep);
    char *s;
    int status;

    if (mv_buffer_tobytes(b, 'C', &bytes, err) < 0)
        return -1;
    s = mv_alloc((size_t)(n + 1));
    if (s == NULL) {
        mv_value_clear(&bytes);
        return mv_no_memory(err);
    }
    hex_write(s, bytes.as.bytes.data, b->len, sep, per_sep);
    status = mv_str_new(out, s, (size_t)n, err);
    mv_free(s);
    mv_value_clear(&bytes);
    return status;
}

/* HEX-005: bytes_per_sep is a C int, from 3.15 a Py_ssize_t. */
static int bytes_per_sep(const mv_config *cfg, const mv_value *per_sep,
                         mv_ssize *out, mv_error *err)
{
    int i;

    if (cfg->behaviour.bytes_per_sep_ssize)
        return mv_arg_ssize(cfg, per_sep, out, "HEX-005", err);
    if (mv_arg_int(cfg, per_sep, &i, "HEX-005", err) < 0)
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
    if (MV_FAST())
        return hex_fast(&v->view, sepc, group, result, err);
    return hex_string(&v->view, sepc, group, result, err);
}
