/*
 * compare.c -- chapter 13 of the spec: m == x, m != x, the orderings, and
 * hash(m).
 *
 * Two views are equal when they have the same shape and their items are
 * equal as Python values, item by item in logical order (COMPARE-001).
 * The formats need not match (COMPARE-002): memoryview(array('i', [1]))
 * == memoryview(array('q', [1])).  What is compared is values, not bytes,
 * so a NaN item makes a view unequal even to itself (COMPARE-003), while
 * -0.0 equals 0.0.  The items are read in one of two ways, as in CPython:
 *
 *     both formats the same native code     read natively (formats.c)
 *     otherwise                             read with the struct module
 *                                           (struct.c, COMPARE-007); a
 *                                           format struct does not know
 *                                           makes the views unequal
 *
 *     v: '<i' [1, 2]    w: 'i' [1, 2]    ->  struct: (1, 2) == (1, 2): equal
 *     v: 'd' [nan]      v                ->  native: nan != nan: unequal
 *
 * Any object that lends a buffer can be compared with a view; any other
 * object makes == fall back to identity (COMPARE-005), and so does a
 * released view (COMPARE-006, RELEASE-005).  Python asks the left
 * operand first and the right one reflected after, so `ba == m` with a
 * bytearray on the left compares raw bytes: bytearray's own __eq__, which
 * answers for any C-contiguous buffer.  Views have no order.
 *
 * Hashing (HASH-001 to HASH-005) is allowed only for read-only views of
 * byte formats whose exporter is itself hashable, and equals
 * hash(m.tobytes()): a view and the bytes it shows hash alike.  The hash is
 * computed once and kept, so it survives release().  Hash *values* are
 * not portable (bytes hashes are salted per process), so the library
 * answers the portable question, "does hash(a) equal hash(b)?", by
 * comparing what was hashed.
 */
#include <math.h>

#include "mvint.h"

/* ---- equality of plain values ------------------------------------------ */

static int sequences_equal(const mv_value *a, const mv_value *b, bool *out,
                           mv_error *err)
{
    *out = a->as.seq.len == b->as.seq.len;
    for (size_t i = 0; *out && i < a->as.seq.len; i++)
        if (mv_values_equal(&a->as.seq.items[i], &b->as.seq.items[i], out,
                            err) < 0)
            return -1;
    return 0;
}

/* int == float, exactly: a float equals an int only when it is integral
   and the same number.  A huge int is beyond every float this compares
   with: items are at most 64 bits wide. */
static void int_equals_float(const mv_value *i, double d, bool *out)
{
    int64_t s;
    uint64_t u;

    *out = false;
    if (isnan(d) || isinf(d) || d != floor(d))
        return;
    if (d >= 0 && d < 18446744073709551616.0 && mv_int_to_u64(i, &u))
        *out = (double)u == d && (uint64_t)d == u;
    else if (d < 0 && d >= -9223372036854775808.0 && mv_int_to_i64(i, &s))
        *out = (int64_t)d == s;
}

static bool is_number(const mv_value *v)
{
    return v->kind == MV_BOOL || v->kind == MV_INT || v->kind == MV_FLOAT;
}

/* COMPARE-002: numbers of any two kinds compare by value. */
static void numbers_equal(const mv_value *a, const mv_value *b, bool *out)
{
    char ta[32], tb[32];
    int64_t ia, ib;

    if (a->kind == MV_FLOAT && b->kind == MV_FLOAT)
        *out = a->as.real == b->as.real;
    else if (a->kind == MV_FLOAT)
        int_equals_float(b, a->as.real, out);
    else if (b->kind == MV_FLOAT)
        int_equals_float(a, b->as.real, out);
    else if (mv_int_to_i64(a, &ia) && mv_int_to_i64(b, &ib))
        *out = ia == ib;
    else if (a->kind == MV_BOOL || b->kind == MV_BOOL)
        *out = false;   /* the other is beyond int64 */
    else   /* at least one beyond int64: compare signs and digits */
        *out = strcmp(mv_int_text(&a->as.integer, ta, sizeof ta),
                      mv_int_text(&b->as.integer, tb, sizeof tb)) == 0;
}

/* a == b when neither side has an __eq__ that answered: numbers across
   types, then values of the same kind, then identity. */
static int plain_equal(const mv_value *a, const mv_value *b, bool *out,
                       mv_error *err)
{
    *out = false;
    if (a->kind == MV_OBJECT || b->kind == MV_OBJECT) {
        *out = mv_same_object(a, b);
        return 0;
    }
    if (is_number(a) && is_number(b)) {
        numbers_equal(a, b, out);
        return 0;
    }
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

/* COMPARE-004: the same number of dimensions and the same lengths, up to
   the first dimension of length 0. */
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

/* COMPARE-001 to COMPARE-003: one pair of items, as Python values. */
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

/* COMPARE-001 to COMPARE-007: v == w for a view v and a buffer w. */
static int buffers_equal(mv_view *v, const mv_buffer *w, bool *out,
                         mv_error *err)
{
    const mv_config *cfg = v->base.cfg;
    reader rv = { cfg, 0, v->view.format }, rw = { cfg, 0, w->format };
    char cv, cw;

    *out = false;
    if (!same_shape(&v->view, w))
        return 0;
    if (mv_native_itemsize(cfg, v->view.format, &cv) >= 0
        && mv_native_itemsize(cfg, w->format, &cw) >= 0 && cv == cw) {
        rv.code = cv;
        rw.code = cw;
    } else if (!mv_struct_known(cfg, v->view.format)
               || !mv_struct_known(cfg, w->format)) {
        return 0;   /* a format the struct module refuses: unequal */
    }
    return compare_rec(&rv, &v->view, v->view.buf, &rw, w, w->buf, 0, out,
                       err);
}

/* memoryview.__eq__(w): *not_implemented when w lends no buffer.  A
   released view on either side equals only itself (COMPARE-006). */
static int view_equal(mv_view *v, const mv_value *w, bool *out,
                      bool *not_implemented, mv_error *err)
{
    mv_view *wv = mv_as_view(w);
    mv_buffer wb;
    mv_error ignored;
    int status;

    *not_implemented = false;
    if (mv_view_check_released(v, &ignored) < 0
        || (wv != NULL && mv_view_check_released(wv, &ignored) < 0)) {
        *out = w->kind == MV_OBJECT && w->as.object == &v->base;
        return 0;
    }
    if (wv != NULL)
        return buffers_equal(v, &wv->view, out, err);
    if (w->kind != MV_BYTES && mv_as_exporter(w) == NULL) {
        *not_implemented = true;   /* COMPARE-005 */
        return 0;
    }
    if (mv_getbuffer(v->base.cfg, w, &wb, MV_BUF_FULL_RO, err) < 0)
        return -1;
    status = buffers_equal(v, &wb, out, err);
    mv_releasebuffer(&wb);
    return status;
}

/* bytearray.__eq__(x): raw bytes against any object that lends a
   C-contiguous buffer; *not_implemented when x lends none. */
static int bytearray_equal(mv_exporter *ba, const mv_value *x, bool *out,
                           bool *not_implemented, mv_error *err)
{
    mv_view *v = mv_as_view(x);
    mv_error ignored;
    mv_buffer b;

    *not_implemented = x->kind != MV_BYTES && mv_as_exporter(x) == NULL
                       && (v == NULL || mv_view_check_released(v, &ignored) < 0
                           || !(v->flags & MV_FLAG_C));
    if (*not_implemented)
        return 0;
    if (mv_getbuffer(ba->base.cfg, x, &b, MV_BUF_FULL_RO, err) < 0)
        return -1;
    *not_implemented = !mv_is_contiguous(&b, 'C');
    *out = b.len == ba->size && memcmp(b.buf, ba->data, (size_t)b.len) == 0;
    mv_releasebuffer(&b);
    return 0;
}

/* One side's __eq__, if it has one that answers. */
static int side_equal(const mv_value *a, const mv_value *b, bool *out,
                      bool *not_implemented, mv_error *err)
{
    mv_view *v = mv_as_view(a);
    mv_exporter *e = mv_as_exporter(a);

    *not_implemented = true;
    if (v != NULL)
        return view_equal(v, b, out, not_implemented, err);
    if (e != NULL && e->base.type == MV_TYPE_BYTEARRAY)
        return bytearray_equal(e, b, out, not_implemented, err);
    if (e != NULL && e->base.type == MV_TYPE_NUMPY)
        return mv_unsupported(err, "numpy's ==");   /* elementwise */
    return 0;
}

/* a == b for any two values, by Python's rules: a.__eq__(b), then
   b.__eq__(a), then what plain values do. */
int mv_values_equal(const mv_value *a, const mv_value *b, bool *out,
                    mv_error *err)
{
    const unsigned char *da, *db;
    size_t la, lb;
    bool not_implemented;

    if (side_equal(a, b, out, &not_implemented, err) < 0)
        return -1;
    if (!not_implemented)
        return 0;
    if (side_equal(b, a, out, &not_implemented, err) < 0)
        return -1;
    if (!not_implemented)
        return 0;
    if (mv_bytes_of(a, &da, &la) && mv_bytes_of(b, &db, &lb)) {
        *out = la == lb && (la == 0 || memcmp(da, db, la) == 0);
        return 0;
    }
    return plain_equal(a, b, out, err);
}

int mv_eq(const mv_value *a, const mv_value *b, mv_value *result,
          mv_error *err)
{
    bool eq;

    if (mv_values_equal(a, b, &eq, err) < 0)
        return -1;
    *result = mv_bool(eq);
    return 0;
}

/* COMPARE-001: != is the negation of ==. */
int mv_ne(const mv_value *a, const mv_value *b, mv_value *result,
          mv_error *err)
{
    bool eq;

    if (mv_values_equal(a, b, &eq, err) < 0)
        return -1;
    *result = mv_bool(!eq);
    return 0;
}

/* COMPARE-005: a < b, a <= b, a > b, a >= b (op "<", "<=", ">", ">=")
   with a view on one side.  memoryview has no order; of the other
   objects here only a bytearray (raw bytes) and a numpy array
   (elementwise) would answer, which this library does not model. */
int mv_order(const mv_value *a, const char *op, const mv_value *b,
             mv_value *result, mv_error *err)
{
    const mv_value *side[2] = { a, b };

    (void)result;
    if (NEVER(mv_as_view(a) == NULL && mv_as_view(b) == NULL))
        return mv_unsupported(err, "ordering without a memoryview");
    for (int i = 0; i < 2; i++) {
        mv_exporter *e = mv_as_exporter(side[i]);
        if (e != NULL && (e->base.type == MV_TYPE_BYTEARRAY
                          || e->base.type == MV_TYPE_NUMPY))
            return mv_unsupported(err, "%s's ordering", mv_type_name(side[i]));
    }
    return mv_raise(err, "TypeError", "'%s' not supported between instances "
                    "of '%.100s' and '%.100s'", op, mv_type_qualname(a),
                    mv_type_qualname(b));
}

/* ---- hashing ----------------------------------------------------------------- */

static int view_hash_key(mv_view *v, const mv_value **key, mv_error *err);

/* HASH-004: hash(exporter) must succeed too.  bytes hashes; bytearray,
   array and numpy arrays are unhashable; a _testbuffer.ndarray hashes when
   read-only; a view (the exporter of a view's __buffer__) as hash(m)
   says. */
static int exporter_hashable(const mv_value *obj, mv_error *err)
{
    mv_view *v = mv_as_view(obj);
    mv_exporter *e = mv_as_exporter(obj);
    const mv_value *ignored;

    if (v != NULL)
        return view_hash_key(v, &ignored, err);
    if (e->base.type == MV_TYPE_BYTES)
        return 0;
    if (e->base.type == MV_TYPE_NDARRAY)
        return e->readonly ? 0 : mv_raise(err, "ValueError", "cannot hash "
                                          "writable ndarray object");
    return mv_raise(err, "TypeError", "unhashable type: '%s'",
                    mv_exporter_qualname(e));
}

/* HASH-001 to HASH-005, RELEASE-007: the bytes hash(m) hashes, computed on
   first use and kept; the checks in CPython's order. */
static int view_hash_key(mv_view *v, const mv_value **key, mv_error *err)
{
    const mv_buffer *b = &v->view;
    mv_value obj;
    char code;
    int status;

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
        obj = mv_object_value(b->obj);
        status = exporter_hashable(&obj, err);
        mv_value_clear(&obj);
        if (status < 0 || mv_buffer_tobytes(b, 'C', &v->hash_key, err) < 0)
            return -1;
        v->hashed = true;
    }
    *key = &v->hash_key;
    return 0;
}

/* hash(obj) == hash(like): two bytes-like contents hash alike exactly when
   they are the same bytes. */
int mv_hash_equal(const mv_value *obj, const mv_value *like, mv_value *result,
                  mv_error *err)
{
    mv_view *v = mv_as_view(obj), *lv = mv_as_view(like);
    const mv_value *key;
    const unsigned char *data;
    size_t len;

    if (NEVER(v == NULL))
        return mv_unsupported(err, "hash() of %s", mv_type_name(obj));
    if (view_hash_key(v, &key, err) < 0)
        return -1;
    if (lv != NULL && view_hash_key(lv, &like, err) < 0)
        return -1;
    if (!mv_bytes_of(like, &data, &len))
        return mv_unsupported(err, "hash() of %s", mv_type_name(like));
    *result = mv_bool(len == key->as.bytes.len
                      && memcmp(data, key->as.bytes.data, len) == 0);
    return 0;
}
