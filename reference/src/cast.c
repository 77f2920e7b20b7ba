/*
 * cast.c -- chapter 12 of the spec: m.cast(format[, shape]), the same
 * memory read another way.
 *
 * A cast never copies (CAST-002).  It relabels a C-contiguous view: first
 * as a flat run of items of the new format (cast_to_1d, CAST-001), then,
 * when a shape is given, as an N-dimensional C-ordered block of that
 * shape (cast_to_nd, CAST-013).
 *
 *     m = memoryview(b'abcdefgh')          format 'B', shape [8]
 *     m.cast('i')                          format 'i', shape [2]
 *     m.cast('B', [2, 4])                  format 'B', shape [2, 4]
 *     m.cast('i', [2]).cast('B')           back to bytes: allowed
 *     m.cast('i').cast('h')                refused: two non-byte formats
 *
 * CPython checks a cast's arguments in a fixed order, and the order decides
 * which error a doubly-wrong cast reports.  The checks below follow it,
 * one rule each:
 *
 *   format is a str                      TypeError    (CAST-015)
 *   view not released                    ValueError   (CAST-014)
 *   view C-contiguous                    TypeError    (CAST-003)
 *   no zero in the shape (N-D or shape)  TypeError    (CAST-004)
 *   shape a list or tuple                TypeError    (CAST-005)
 *   at most 64 dimensions                ValueError   (CAST-006)
 *   1-D -> N-D or N-D -> 1-D             TypeError    (CAST-007)
 *   format ASCII                         UnicodeEncodeError (CAST-008)
 *   format native, one character         ValueError   (CAST-008)
 *   one side a byte format (b B c)       TypeError    (CAST-009, CAST-016)
 *   length a multiple of the itemsize    TypeError    (CAST-010)
 *   each shape element an int > 0 ...    TypeError, OverflowError,
 *                                        ValueError   (CAST-011)
 *   product(shape) * itemsize == len     TypeError    (CAST-012)
 *
 * In 3.9 the released check came first, and a non-str format was reported
 * by memoryview itself, after the released check.
 */
#include <stdio.h>

#include "mvint.h"
#include "chapters.h"
#include "formats.h"
#include "layout.h"
#include "refcount.h"
#include "value.h"
#include "view.h"

static bool zero_in_shape(const mv_buffer *b)
{
    for (int d = 0; d < b->ndim; d++)
        if (b->shape[d] == 0)
            return true;
    return false;
}

/* CAST-008: the format as C text, cut at an embedded NUL as CPython's C
   string is; *native is false when it is too long to be a native format
   ('@Zd' is the longest). A format that is not ASCII cannot be encoded to
   one. */
static int ascii_format(const mv_value *format, char out[4], bool *native,
                        mv_error *err)
{
    uint32_t cp;
    long at;

    /* a fast path: one byte of UTF-8 is one ASCII character, as most
       formats are (a NUL among them: the empty text, as strcpy makes it) */
    if (MV_FAST() && format->as.str.len == 1) {
        out[0] = format->as.str.data[0];
        out[1] = '\0';
        *native = true;
        return 0;
    }
    at = mv_str_non_ascii(format, &cp);
    if (at >= 0)
        return mv_raise(err, "CAST-008", "UnicodeEncodeError", "'ascii' codec can't "
                        "encode character '%s%0*lx' in position %ld: ordinal "
                        "not in range(128)",
                        cp <= 0xff ? "\\x" : cp <= 0xffff ? "\\u" : "\\U",
                        cp <= 0xff ? 2 : cp <= 0xffff ? 4 : 8,
                        (unsigned long)cp, at);
    *native = strlen(format->as.str.data) <= 3;
    if (*native)
        strcpy(out, format->as.str.data);
    return 0;
}

/* CAST-009: whether a format is 'b', 'B' or 'c', after an optional '@'. */
static bool is_byte_format(const char *format)
{
    const char *f = format[0] == '@' ? format + 1 : format;

    return MV_IS_BYTE_FORMAT(f[0]) && f[1] == '\0';
}

/* n / size, and n % size in *rest, for n >= 0 and a native item size,
   which is a power of two: a shift and a mask (two divisions were a
   tenth of m.cast('i')). */
static mv_ssize items_in(mv_ssize n, mv_ssize size, mv_ssize *rest)
{
    int shift = 0;

    assert(n >= 0 && size > 0 && (size & (size - 1)) == 0);
    while ((INT64_C(1) << shift) < size)
        shift++;
    *rest = n & (size - 1);
    return n >> shift;
}

/* CAST-001, CAST-008 to CAST-010: relabel v (a fresh copy of the view)
   as a flat run of items. */
static int cast_to_1d(mv_view *v, const mv_value *format, mv_error *err)
{
    const mv_config *cfg = v->base.cfg;
    mv_buffer *b = &v->view;
    char text[4] = "", dest = 0;
    mv_ssize itemsize = -1, nitems, rest;
    bool native = false;

    if (ascii_format(format, text, &native, err) < 0)
        return -1;
    if (native)
        itemsize = mv_native_itemsize(cfg, text, &dest);
    if (itemsize < 0)                                    /* CAST-008 */
        return mv_raise(err, "CAST-008", "ValueError", "memoryview: destination format "
                        "must be a native %sformat prefixed with an optional "
                        "'@'", cfg->behaviour.complex_formats
                        ? "" : "single character ");
    /* CAST-009, CAST-016: one side of the cast is a byte format */
    if (!is_byte_format(b->format) && !MV_IS_BYTE_FORMAT(dest))
        return mv_raise(err, "CAST-009", "TypeError", "memoryview: cannot cast between "
                        "two non-byte formats");
    nitems = items_in(b->len, itemsize, &rest);
    if (rest != 0)                                       /* CAST-010 */
        return mv_raise(err, "CAST-010", "TypeError",
                        "memoryview: length is not a multiple of itemsize");
    /* the format is kept as written, '@' and all: a static string */
    b->format = mv_native_format(dest, text[0] == '@');
    b->itemsize = itemsize;
    b->ndim = 1;
    v->shape[0] = nitems;
    v->strides[0] = itemsize;
    b->suboffsets = NULL;
    mv_view_init_flags(v);
    return 0;
}

/* CAST-011: one element of the new shape, and the running product. */
static int shape_element(const mv_config *cfg, const mv_value *x,
                         mv_ssize *len, mv_ssize *out, mv_error *err)
{
    int64_t n;
    mv_ssize product;

    if (x->kind != MV_INT && x->kind != MV_BOOL)
        return mv_raise(err, "CAST-011", "TypeError",
                        "memoryview.cast(): elements of shape must be integers");
    if (!mv_int_to_i64(x, &n) || n > cfg->platform.ssize_max
        || n < -cfg->platform.ssize_max - 1)
        return mv_raise(err, "CAST-011", "OverflowError",
                        "Python int too large to convert to C ssize_t");
    if (n <= 0)
        return mv_raise(err, "CAST-011", "ValueError", "memoryview.cast(): elements of "
                        "shape must be integers > 0");
    /* n and *len are positive: the product says it, with no division
       (an idiv per dimension was a fifth of m.cast('B', shape=[4, 256])) */
    if (mv_ckd_mul(&product, *len, n) || product > cfg->platform.ssize_max)
        return mv_raise(err, "CAST-011", "ValueError",
                        "memoryview.cast(): product(shape) > SSIZE_MAX");
    *len = product;
    *out = n;
    return 0;
}

/* CAST-012, CAST-013: relabel the flat view as a C-ordered block of the
   given shape. */
static int cast_to_nd(mv_view *v, const mv_value *shape, mv_error *err)
{
    mv_buffer *b = &v->view;
    int ndim = (int)shape->as.seq.len;
    mv_ssize len = b->itemsize;

    for (int d = 0; d < ndim; d++)
        if (shape_element(v->base.cfg, &shape->as.seq.items[d], &len,
                          &v->shape[d], err) < 0)
            return -1;
    b->ndim = ndim;
    mv_strides_from_shape(ndim, v->shape, b->itemsize, 'C', v->strides);
    if (b->len != len)
        return mv_raise(err, "CAST-012", "TypeError", "memoryview: product(shape) * "
                        "itemsize != buffer size");
    mv_view_init_flags(v);
    return 0;
}

/* CAST-001 to CAST-016: m.cast(format, shape), its checks in order. */
int mv_view_cast(mv_view *v, const mv_value *format, const mv_value *shape,
                 mv_value *result, mv_error *err)
{
    bool legacy = v->base.cfg->behaviour.legacy_parse;
    const mv_buffer *b = &v->view;
    mv_view *c;

    /* CAST-015, CONVERT-013: a type test, which calls nothing */
    if (format->kind != MV_STR)
        return mv_raise(err, "CAST-015", "TypeError", legacy
                        ? "memoryview: format argument must be a string"
                        : "cast() argument 'format' must be str, not %.50s",
                        format->kind == MV_NONE ? "None"   /* clinic's way */
                                                : mv_type_qualname(format));
    if (mv_view_check_released(v, err) < 0)   /* CAST-014; 3.9 checked it
                                                 before binding */
        return -1;
    if (!(v->flags & MV_FLAG_C))                         /* CAST-003 */
        return mv_raise(err, "CAST-003", "TypeError",
                        "memoryview: casts are restricted to C-contiguous views");
    if ((shape != NULL || b->ndim != 1) && zero_in_shape(b))   /* CAST-004 */
        return mv_raise(err, "CAST-004", "TypeError", "memoryview: cannot cast view with "
                        "zeros in shape or strides");
    if (shape != NULL) {
        if (shape->kind != MV_LIST && shape->kind != MV_TUPLE) /* CAST-005 */
            return mv_raise(err, "CAST-005", "TypeError",
                            "shape must be a list or a tuple");
        testcase(shape->as.seq.len == MV_MAX_NDIM);
        if (shape->as.seq.len > MV_MAX_NDIM)             /* CAST-006 */
            return mv_raise(err, "CAST-006", "ValueError", "memoryview: number of "
                            "dimensions must not exceed %d", MV_MAX_NDIM);
        if (b->ndim != 1 && shape->as.seq.len != 1)      /* CAST-007 */
            return mv_raise(err, "CAST-007", "TypeError",
                            "memoryview: cast must be 1D -> ND or ND -> 1D");
    }
    /* CAST-002: the same memory; room for the dimensions of the shape */
    if (mv_view_derive(v, shape != NULL ? (int)shape->as.seq.len : 1, &c,
                       err) < 0)
        return -1;
    if (cast_to_1d(c, format, err) < 0
        || (shape != NULL && cast_to_nd(c, shape, err) < 0)) {
        mv_object_decref(&c->base);
        return -1;
    }
    *result = mv_view_value(c);
    return 0;
}
