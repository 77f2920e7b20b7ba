/*
 * compare.c -- equality and hashing: m == x, m != x, hash(m).
 *
 * Two views are equal when they have the same shape and their items are
 * equal as Python values, item by item (COMPARE-?).  The formats need not
 * match: memoryview(array('i', [1])) == memoryview(array('q', [1])).  What
 * is compared is values, not bytes, so a NaN item makes a view unequal even
 * to itself (COMPARE-?), while -0.0 equals 0.0.
 *
 * The items are read in one of two ways, as in CPython:
 *
 *   both formats the same native code      read natively (format.c);
 *   otherwise                              read with the struct module
 *                                          (struct.c).  A format the struct
 *                                          module does not know makes the
 *                                          views unequal (COMPARE-?), even
 *                                          a view and itself.
 *
 * Any object that lends a buffer can be compared with a view; any other
 * object makes == fall back to identity (COMPARE-?).  A released view is
 * equal only to itself (COMPARE-?).
 *
 * Hashing (HASH-?) is allowed only for read-only views of byte formats
 * whose exporter is itself hashable, and equals hash(m.tobytes()): so a
 * view and the bytes it shows hash alike.  The hash is computed once and
 * kept, so it survives release().
 *
 * Hash *values* are not portable (str and bytes hashes are salted per
 * process), so the library answers the portable question, "does hash(a)
 * equal hash(b)?", by comparing what was hashed.  Numbers hash by the
 * documented rule: n mod 2**61 - 1, with -1 replaced by -2.
 */
#include <math.h>
#include <stdio.h>

#include "mvint.h"

/* ---- equality of plain values ------------------------------------------ */

static int sequences_equal(const mv_value *a, const mv_value *b, bool *out,
                           mv_error *err)
{
    *out = false;
    if (a->as.seq.len != b->as.seq.len)
        return 0;
    for (size_t i = 0; i < a->as.seq.len; i++) {
        if (mv_values_equal(&a->as.seq.items[i], &b->as.seq.items[i], out,
                            err) < 0)
            return -1;
        if (!*out)
            return 0;
    }
    *out = true;
    return 0;
}

/* int == float, exactly: a float equals an int only when it is integral
   and the same number. */
static int int_equals_float(const mv_value *i, double d, bool *out,
                            mv_error *err)
{
    int64_t s;
    uint64_t u;

    *out = false;
    if (isnan(d) || isinf(d) || d != floor(d))
        return 0;
    if (i->kind == MV_INT && i->as.integer.huge)
        return fabs(d) < 18446744073709551616.0 ? 0
               : mv_unsupported(err, "comparing a huge int with a float");
    if (d >= 0 && d < 18446744073709551616.0 && mv_int_to_u64(i, &u))
        *out = (double)u == d && (uint64_t)d == u;
    else if (d < 0 && d >= -9223372036854775808.0 && mv_int_to_i64(i, &s))
        *out = (int64_t)d == s;
    return 0;
}

static bool is_number(const mv_value *v)
{
    return v->kind == MV_BOOL || v->kind == MV_INT || v->kind == MV_FLOAT;
}

static int numbers_equal(const mv_value *a, const mv_value *b, bool *out,
                         mv_error *err)
{
    char ta[32], tb[32];
    int64_t ia, ib;

    if (a->kind == MV_FLOAT && b->kind == MV_FLOAT) {
        *out = a->as.real == b->as.real;
        return 0;
    }
    if (a->kind == MV_FLOAT)
        return int_equals_float(b, a->as.real, out, err);
    if (b->kind == MV_FLOAT)
        return int_equals_float(a, b->as.real, out, err);
    if (mv_int_to_i64(a, &ia) && mv_int_to_i64(b, &ib)) {
        *out = ia == ib;
        return 0;
    }
    /* at least one is beyond int64: compare signs and digits */
    if (a->kind == MV_BOOL || b->kind == MV_BOOL) {
        *out = false;
        return 0;
    }
    *out = strcmp(mv_int_text(&a->as.integer, ta, sizeof ta),
                  mv_int_text(&b->as.integer, tb, sizeof tb)) == 0;
    return 0;
}

/* The bytes a value holds, if it is bytes (a literal or a bytes object). */
static bool bytes_of(const mv_value *v, const unsigned char **data,
                     size_t *len)
{
    const mv_exporter *e = mv_as_exporter(v);

    if (v->kind == MV_BYTES) {
        *data = v->as.bytes.data;
        *len = v->as.bytes.len;
        return true;
    }
    if (e != NULL && e->base.type == MV_TYPE_BYTES) {
        *data = e->data;
        *len = (size_t)e->size;
        return true;
    }
    return false;
}

/* COMPARE-?: bytearray == x compares raw bytes with any object that lends
   a C-contiguous buffer; *not_impl when x lends none. */
static int bytearray_equal(const mv_config *cfg, mv_exporter *ba,
                           const mv_value *x, bool *out, bool *not_impl,
                           mv_error *err)
{
    mv_buffer b;
    mv_view *v = mv_as_view(x);

    *not_impl = false;
    if (v != NULL && (mv_view_check_released(v, err) < 0
                      || !(v->flags & MV_FLAG_C))) {
        *not_impl = true;   /* PyBUF_SIMPLE refused */
        return 0;
    }
    if (x->kind != MV_BYTES && mv_as_exporter(x) == NULL && v == NULL) {
        *not_impl = true;
        return 0;
    }
    if (mv_getbuffer(cfg, x, &b, MV_BUF_FULL_RO, err) < 0)
        return -1;
    if (!mv_is_contiguous(&b, 'C')) {
        mv_releasebuffer(&b);
        *not_impl = true;
        return 0;
    }
    *out = b.len == ba->size && (b.len == 0
                                 || memcmp(b.buf, ba->data, (size_t)b.len) == 0);
    mv_releasebuffer(&b);
    return 0;
}

static int arrays_equal(mv_exporter *a, mv_exporter *b, bool *out,
                        mv_error *err)
{
    mv_value la, lb;
    int status;

    if (mv_exporter_contents(a, &la, err) < 0)
        return -1;
    if (mv_exporter_contents(b, &lb, err) < 0) {
        mv_value_clear(&la);
        return -1;
    }
    status = sequences_equal(&la, &lb, out, err);
    mv_value_clear(&la);
    mv_value_clear(&lb);
    return status;
}

/* COMPARE-?: a == b for any two values, by Python's rules: a.__eq__(b),
   then b.__eq__(a), then identity. */
int mv_values_equal(const mv_value *a, const mv_value *b, bool *out,
                    mv_error *err)
{
    const unsigned char *da, *db;
    size_t la, lb;
    mv_exporter *ea = mv_as_exporter(a), *eb = mv_as_exporter(b);
    bool not_impl = true;
    int eq;

    *out = false;
    if (mv_as_view(a) != NULL) {
        eq = mv_view_richcompare(mv_as_view(a), b, &not_impl, err);
        if (eq < 0)
            return -1;
        if (!not_impl) {
            *out = eq;
            return 0;
        }
    }
    if (ea != NULL && ea->base.type == MV_TYPE_BYTEARRAY) {
        if (bytearray_equal(a->as.object->cfg, ea, b, out, &not_impl, err) < 0)
            return -1;
        if (!not_impl)
            return 0;
    }
    if ((ea && ea->base.type == MV_TYPE_NUMPY)
        || (eb && eb->base.type == MV_TYPE_NUMPY && mv_as_view(b) == NULL))
        return mv_unsupported(err, "== with a numpy array");
    if (mv_as_view(b) != NULL) {
        eq = mv_view_richcompare(mv_as_view(b), a, &not_impl, err);
        if (eq < 0)
            return -1;
        if (!not_impl) {
            *out = eq;
            return 0;
        }
    }
    if (eb != NULL && eb->base.type == MV_TYPE_BYTEARRAY) {
        if (bytearray_equal(b->as.object->cfg, eb, a, out, &not_impl, err) < 0)
            return -1;
        if (!not_impl)
            return 0;
    }
    if (bytes_of(a, &da, &la) && bytes_of(b, &db, &lb)) {
        *out = la == lb && (la == 0 || memcmp(da, db, la) == 0);
        return 0;
    }
    if (ea && eb && ea->base.type == MV_TYPE_ARRAY
        && eb->base.type == MV_TYPE_ARRAY)
        return arrays_equal(ea, eb, out, err);
    if (a->kind == MV_OBJECT || b->kind == MV_OBJECT) {
        *out = mv_same_object(a, b);   /* no __eq__ took it: identity */
        return 0;
    }
    if (is_number(a) && is_number(b))
        return numbers_equal(a, b, out, err);
    if (a->kind != b->kind)
        return 0;
    switch (a->kind) {
    case MV_NONE: case MV_ELLIPSIS:
        *out = true;
        return 0;
    case MV_STR:
        *out = a->as.str.len == b->as.str.len
               && memcmp(a->as.str.data, b->as.str.data, a->as.str.len) == 0;
        return 0;
    case MV_LIST: case MV_TUPLE: case MV_SLICE:
        return sequences_equal(a, b, out, err);
    default:
        return mv_unsupported(err, "== between %s values", mv_type_name(a));
    }
}

/* ---- views ------------------------------------------------------------------ */

static bool same_shape(const mv_buffer *a, const mv_buffer *b)
{
    if (a->ndim != b->ndim)
        return false;
    for (int d = 0; d < a->ndim; d++) {
        if (a->shape[d] != b->shape[d])
            return false;
        if (a->shape[d] == 0)
            break;
    }
    return true;
}

/* How items of one side are read: natively, or with the struct module. */
typedef struct reader {
    const mv_config *cfg;
    char code;           /* native code, or 0 for the struct module */
    const char *format;
} reader;

static int read_item(const reader *r, const unsigned char *ptr, mv_value *out,
                     mv_error *err)
{
    if (r->code)
        return mv_unpack_native(r->cfg, r->code, ptr, out, err);
    return mv_struct_unpack(r->cfg, r->format, ptr, out, err);
}

static int items_equal(const reader *rv, const unsigned char *pv,
                       const reader *rw, const unsigned char *pw, bool *out,
                       mv_error *err)
{
    mv_value x, y;
    int status;

    if (read_item(rv, pv, &x, err) < 0)
        return -1;
    if (read_item(rw, pw, &y, err) < 0) {
        mv_value_clear(&x);
        return -1;
    }
    status = mv_values_equal(&x, &y, out, err);
    mv_value_clear(&x);
    mv_value_clear(&y);
    return status;
}

/* Compare the items of two same-shaped blocks, dimension by dimension. */
static int compare_rec(const reader *rv, const mv_buffer *v, unsigned char *pv,
                       const reader *rw, const mv_buffer *w, unsigned char *pw,
                       int dim, bool *out, mv_error *err)
{
    if (dim == v->ndim)
        return items_equal(rv, pv, rw, pw, out, err);
    *out = true;
    for (mv_ssize i = 0; i < v->shape[dim] && *out; i++) {
        unsigned char *a = mv_adjust_ptr(pv + i * v->strides[dim],
                                         v->suboffsets, dim);
        unsigned char *b = mv_adjust_ptr(pw + i * w->strides[dim],
                                         w->suboffsets, dim);
        if (compare_rec(rv, v, a, rw, w, b, dim + 1, out, err) < 0)
            return -1;
    }
    return 0;
}

/* COMPARE-?: v == w for a view v.  Returns 1 or 0, or -1 on error;
   *not_implemented when w lends no buffer. */
int mv_view_richcompare(mv_view *v, const mv_value *w, bool *not_implemented,
                        mv_error *err)
{
    const mv_config *cfg = v->base.cfg;
    mv_view *wv = mv_as_view(w);
    mv_buffer wb;
    reader rv = { cfg, 0, v->view.format }, rw = { cfg, 0, NULL };
    char cv, cw;
    bool equal = false;
    int status = 0;

    *not_implemented = false;
    if (mv_view_check_released(v, err) < 0
        || (wv != NULL && mv_view_check_released(wv, err) < 0))
        return w->kind == MV_OBJECT && w->as.object == &v->base;
    if (w->kind != MV_BYTES && mv_as_exporter(w) == NULL && wv == NULL) {
        *not_implemented = true;
        return 0;
    }
    if (wv != NULL)
        wb = wv->view;
    else if (mv_getbuffer(cfg, w, &wb, MV_BUF_FULL_RO, err) < 0)
        return -1;
    rw.format = wb.format;
    if (!same_shape(&v->view, &wb))
        goto done;
    if (mv_native_itemsize(cfg, v->view.format, &cv) >= 0
        && mv_native_itemsize(cfg, wb.format, &cw) >= 0 && cv == cw) {
        rv.code = cv;
        rw.code = cw;
    } else if (!mv_struct_known(cfg, v->view.format)
               || !mv_struct_known(cfg, wb.format)) {
        goto done;   /* a format the struct module refuses: unequal */
    }
    status = compare_rec(&rv, &v->view, v->view.buf, &rw, &wb, wb.buf, 0,
                         &equal, err);
done:
    if (wv == NULL)
        mv_releasebuffer(&wb);
    return status < 0 ? -1 : equal;
}

/* ---- hashing ----------------------------------------------------------------- */

/* HASH-?: the bytes hash(m) hashes, computed on first use and kept. */
int mv_view_hash_key(mv_view *v, const mv_value **key, mv_error *err)
{
    const mv_buffer *b = &v->view;
    mv_value obj, ignored;
    char code;

    if (!v->hashed) {
        if (mv_view_check_released(v, err) < 0)
            return -1;
        if (!b->readonly)
            return mv_raise(err, "ValueError",
                            "cannot hash writable memoryview object");
        if (mv_native_itemsize(v->base.cfg, b->format, &code) < 0
            || !MV_IS_BYTE_FORMAT(code))
            return mv_raise(err, "ValueError", "memoryview: hashing is "
                            "restricted to formats 'B', 'b' or 'c'");
        obj = mv_object_value(b->obj);   /* the exporter must be hashable */
        if (mv_hash_equal(&obj, &obj, &ignored, err) < 0) {
            mv_value_clear(&obj);
            return -1;
        }
        mv_value_clear(&obj);
        if (mv_buffer_tobytes(b, &v->hash_key, err) < 0)
            return -1;
        v->hashed = true;
    }
    *key = &v->hash_key;
    return 0;
}

/* What a hash is computed from, reduced to what decides equality. */
typedef struct hash_of {
    enum { HASH_NUMBER, HASH_BYTES } kind;
    uint64_t number;                 /* the hash value, for numbers */
    const unsigned char *bytes;      /* for bytes-like content */
    size_t len;
    mv_value owned;                  /* bytes made for the purpose */
} hash_of;

#define HASH_MODULUS ((UINT64_C(1) << 61) - 1)

/* (a * b) mod 2**61 - 1, for a, b < 2**61 - 1 */
static uint64_t mul_mod(uint64_t a, uint64_t b)
{
    uint64_t r = 0;
    a %= HASH_MODULUS;
    while (b) {   /* shift-and-add: no 128-bit arithmetic in C11 */
        if (b & 1)
            r = (r + a) % HASH_MODULUS;
        a = (a << 1) % HASH_MODULUS;
        b >>= 1;
    }
    return r;
}

/* The documented hash of a non-negative integer magnitude given in decimal. */
static uint64_t hash_decimal(const char *digits)
{
    uint64_t r = 0;
    for (; *digits; digits++)
        r = (mul_mod(r, 10) + (uint64_t)(*digits - '0')) % HASH_MODULUS;
    return r;
}

static uint64_t signed_hash(bool negative, uint64_t h)
{
    int64_t s = negative ? -(int64_t)h : (int64_t)h;
    if (s == -1)
        s = -2;
    return (uint64_t)s;
}

/* HASH-?: hash(x) for a finite float: x = m * 2**e with integer m, and
   2**61 = 1 modulo 2**61 - 1, so 2**e is 2**(e mod 61). */
static uint64_t hash_double(double d)
{
    int e;
    double m = frexp(fabs(d), &e);      /* |d| = m * 2**e, 0.5 <= m < 1 */
    uint64_t mant = (uint64_t)ldexp(m, 53);
    int shift = ((e - 53) % 61 + 61) % 61;

    return signed_hash(d < 0, mul_mod(mant, UINT64_C(1) << shift));
}

/* HASH-?: a _testbuffer.ndarray hashes like bytes of its items, and only
   when read-only. */
static int ndarray_hash(mv_exporter *e, hash_of *h, mv_error *err)
{
    mv_buffer b;
    int status;

    if (!e->readonly)
        return mv_raise(err, "ValueError",
                        "cannot hash writable ndarray object");
    if (mv_exporter_getbuffer(e, &b, MV_BUF_FULL_RO, err) < 0)
        return -1;
    status = mv_buffer_tobytes(&b, &h->owned, err);
    mv_releasebuffer(&b);
    if (status < 0)
        return -1;
    h->kind = HASH_BYTES;
    h->bytes = h->owned.as.bytes.data;
    h->len = h->owned.as.bytes.len;
    if (h->len == 0) {
        h->kind = HASH_NUMBER;
        h->number = 0;
    }
    return 0;
}

static int describe_hash(const mv_value *v, hash_of *h, mv_error *err)
{
    const mv_value *key;
    mv_view *view = mv_as_view(v);
    mv_exporter *e = mv_as_exporter(v);

    memset(h, 0, sizeof *h);
    h->kind = HASH_NUMBER;
    switch (v->kind) {
    case MV_BOOL:
        h->number = v->as.boolean;
        return 0;
    case MV_INT:
        h->number = signed_hash(v->as.integer.negative, v->as.integer.huge
                                ? hash_decimal(v->as.integer.digits)
                                : v->as.integer.magnitude % HASH_MODULUS);
        return 0;
    case MV_FLOAT:
        if (isnan(v->as.real))
            return mv_unsupported(err, "hash of a NaN");
        if (isinf(v->as.real))
            h->number = signed_hash(v->as.real < 0, 314159);
        else
            h->number = hash_double(v->as.real);
        return 0;
    case MV_BYTES:
        h->kind = HASH_BYTES;
        h->bytes = v->as.bytes.data;
        h->len = v->as.bytes.len;
        break;
    case MV_LIST:
        return mv_raise(err, "TypeError", "unhashable type: 'list'");
    case MV_OBJECT:
        if (view != NULL) {
            if (mv_view_hash_key(view, &key, err) < 0)
                return -1;
            return describe_hash(key, h, err);
        }
        if (e->base.type == MV_TYPE_BYTES) {
            h->kind = HASH_BYTES;
            h->bytes = e->data;
            h->len = (size_t)e->size;
            break;
        }
        if (e->base.type == MV_TYPE_NDARRAY)
            return ndarray_hash(e, h, err);
        return mv_raise(err, "TypeError", "unhashable type: '%s'",
                        mv_exporter_qualname(e));
    default:
        return mv_unsupported(err, "hash of %s", mv_type_name(v));
    }
    if (h->len == 0) {   /* the hash of empty bytes is 0 */
        h->kind = HASH_NUMBER;
        h->number = 0;
    }
    return 0;
}

/* HASH-?: hash(obj) == hash(like). */
int mv_hash_equal(const mv_value *obj, const mv_value *like, mv_value *result,
                  mv_error *err)
{
    hash_of a, b;
    int status = -1;

    memset(&b, 0, sizeof b);
    if (describe_hash(obj, &a, err) < 0 || describe_hash(like, &b, err) < 0)
        goto done;
    if (a.kind != b.kind)
        *result = mv_bool(false);   /* a salted hash meets a number: 2**-64 */
    else if (a.kind == HASH_NUMBER)
        *result = mv_bool(a.number == b.number);
    else
        *result = mv_bool(a.len == b.len
                          && memcmp(a.bytes, b.bytes, a.len) == 0);
    status = 0;
done:
    mv_value_clear(&a.owned);
    mv_value_clear(&b.owned);
    return status;
}
