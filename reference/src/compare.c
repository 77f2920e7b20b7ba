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
 * object makes == fall back to identity (COMPARE-005) -- unless it is an
 * object of the host's whose __eq__ (or __ne__) answers, reflected, with
 * whatever it returns (CONVERT-015) -- and so does a released view
 * (COMPARE-006, RELEASE-005).  Python asks the left
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
#include <stdio.h>

#include "mvint.h"
#include "abstract.h"
#include "chapters.h"
#include "convert.h"
#include "exporter.h"
#include "formats.h"
#include "layout.h"
#include "refcount.h"
#include "value.h"
#include "view.h"

/* ---- equality of plain values ------------------------------------------ */

/* COMPARE-002: two numbers, exactly, as Python compares them: two floats
   as floats, anything else by its exact decimal value -- an int's digits,
   an integral float's "%.0f" (exact: C prints every digit of an integral
   double), and a float with a fraction equals no int. */
static void numbers_equal(const mv_value *a, const mv_value *b, bool *out)
{
    char text[2][400];
    const mv_value *side[2] = { a, b };

    if (a->kind == MV_FLOAT && b->kind == MV_FLOAT) {
        *out = a->as.real == b->as.real;
        return;
    }
    for (int i = 0; i < 2; i++) {
        const mv_value *v = side[i];
        if (v->kind == MV_BOOL)
            snprintf(text[i], sizeof text[i], "%d", v->as.boolean);
        else if (v->kind == MV_INT)
            mv_int_text(&v->as.integer, text[i], sizeof text[i]);
        else if (isfinite(v->as.real) && v->as.real == floor(v->as.real))
            snprintf(text[i], sizeof text[i], "%.0f", v->as.real + 0.0);
        else
            snprintf(text[i], sizeof text[i], "not an integer");
    }
    *out = strcmp(text[0], text[1]) == 0;
}

/* An int or a bool that fits 64 bits, as sign and magnitude. */
static bool exact_int(const mv_value *v, bool *negative, uint64_t *magnitude)
{
    if (v->kind == MV_BOOL) {
        *negative = false;
        *magnitude = v->as.boolean;
        return true;
    }
    if (v->kind != MV_INT || v->as.integer.huge)
        return false;
    *negative = v->as.integer.negative;
    *magnitude = v->as.integer.magnitude;
    return true;
}

/* COMPARE-002, fast: two ints (or bools) by value, without printing them;
   false when either is of another kind, or huge. */
static bool ints_equal(const mv_value *a, const mv_value *b, bool *out)
{
    bool na, nb;
    uint64_t ma, mb;

    if (!exact_int(a, &na, &ma) || !exact_int(b, &nb, &mb))
        return false;
    *out = na == nb && ma == mb;
    return true;
}

static bool is_number(const mv_value *v)
{
    return v->kind == MV_BOOL || v->kind == MV_INT || v->kind == MV_FLOAT;
}

/* a == b when neither side has an __eq__ that answered: identity for
   objects, numbers across types, bytes, and the tuples the struct module
   gives; values of different kinds are unequal.  (The values compared
   here are a view's items, and what they are compared with.) */
static int plain_equal(const mv_value *a, const mv_value *b, bool *out,
                       mv_error *err)
{
    const unsigned char *da, *db;
    size_t la, lb;

    *out = false;
    if (mv_bytes_of(a, &da, &la) && mv_bytes_of(b, &db, &lb))
        *out = la == lb && memcmp(da, db, la) == 0;
    else if (a->kind == MV_OBJECT || b->kind == MV_OBJECT
             || a->kind == MV_HOST || b->kind == MV_HOST)
        *out = mv_same_object(a, b);
    else if (MV_FAST() && ints_equal(a, b, out))
        return 0;
    else if (is_number(a) && is_number(b))
        numbers_equal(a, b, out);
    else if (a->kind == MV_TUPLE && b->kind == MV_TUPLE
             && a->as.seq.len == b->as.seq.len) {
        *out = true;
        for (size_t i = 0; i < a->as.seq.len && *out; i++) {
            int status = plain_equal(&a->as.seq.items[i], &b->as.seq.items[i],
                                     out, err);
            if (NEVER(status < 0))   /* struct's items are numbers, bytes */
                return -1;
        }
    } else if (a->kind == b->kind && a->kind != MV_TUPLE) {
        return mv_unsupported(err, "== between %s values", mv_type_name(a));
    }
    return 0;
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
    mv_struct st;        /* code 0: the format, parsed once for all items */
} reader;

static int read_item(const reader *r, const unsigned char *ptr, mv_value *out,
                     mv_error *err)
{
    if (r->code)
        return mv_unpack_native(r->cfg, r->code, ptr, out, err);
    return mv_struct_unpack_parsed(r->cfg, &r->st, ptr, out, err);
}

/* COMPARE-001, COMPARE-002, COMPARE-003: one pair of items, compared as
   Python values. */
static int items_equal(const reader *rv, const unsigned char *pv,
                       const reader *rw, const unsigned char *pw, bool *out,
                       mv_error *err)
{
    mv_value x, y;
    int status;

    if (MV_IS_COMPLEX_CODE(rv->code)) {  /* no value for a complex: its parts */
        assert(rv->code == rw->code);
        *out = mv_complex_equal(rv->code, pv, pw);
        return 0;
    }
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
        unsigned char *a = mv_adjust_ptr(v, pv + i * v->strides[dim], dim);
        unsigned char *b = mv_adjust_ptr(w, pw + i * w->strides[dim], dim);
        if (compare_rec(rv, v, a, rw, w, b, dim + 1, out, err) < 0)
            return -1;
    }
    return 0;
}

/* ---- equal items, sooner (fast paths: mvint.h's MV_FAST) ---------------- */

/* Whether two items of this native code are equal exactly when their bytes
   are: the integers (each value has one representation), 'c' (a bytes of
   one byte) and 'P' (an address).  Not the floats (COMPARE-003: NaN is
   unequal to itself, -0.0 equal to 0.0), nor '?', whose bytes 1 and 2
   are both True. */
static bool equal_as_bytes(char code)
{
    return code != '\0' && strchr("bBhHiIlLqQnNcP", code) != NULL;
}

/* COMPARE-003: n doubles, one every `as` and `bs` bytes from a and b, as C
   compares them, which is as Python does (NaN unequal, -0.0 == 0.0).  A
   loop of its own, so that no item asks which format it is. */
static bool doubles_equal(mv_ssize n, const unsigned char *a, mv_ssize as,
                          const unsigned char *b, mv_ssize bs)
{
    double x, y;

    for (mv_ssize i = 0; i < n; i++) {   /* no pointer past the last item */
        memcpy(&x, a + i * as, sizeof x);
        memcpy(&y, b + i * bs, sizeof y);
        if (x != y)
            return false;
    }
    return true;
}

/* The same for floats ('f'), each widened to a double as Python does. */
static bool floats_equal(mv_ssize n, const unsigned char *a, mv_ssize as,
                         const unsigned char *b, mv_ssize bs)
{
    float x, y;

    for (mv_ssize i = 0; i < n; i++) {   /* no pointer past the last item */
        memcpy(&x, a + i * as, sizeof x);
        memcpy(&y, b + i * bs, sizeof y);
        if ((double)x != (double)y)
            return false;
    }
    return true;
}

/* COMPARE-001 to COMPARE-003: one row (the last dimension) of n items of
   one native code, one every `as` and `bs` bytes from a and b, compared
   without making a value of any item: doubles and floats as C compares
   them (above); the others by their bytes, with one memcmp where both
   rows are packed. */
static bool rows_equal(char code, mv_ssize size, mv_ssize n,
                       const unsigned char *a, mv_ssize as,
                       const unsigned char *b, mv_ssize bs)
{
    if (code == 'd')
        return doubles_equal(n, a, as, b, bs);
    if (code == 'f')
        return floats_equal(n, a, as, b, bs);
    assert(equal_as_bytes(code));
    if (as == size && bs == size)
        return memcmp(a, b, (size_t)(n * size)) == 0;
    for (mv_ssize i = 0; i < n; i++)
        if (memcmp(a + i * as, b + i * bs, (size_t)size) != 0)
            return false;
    return true;
}

/* compare_rec's walk, a row at a time, for two views of one native code
   that rows_equal() reads, whose items are `size` bytes (the code's size:
   a view lent without its format reads "B" items of a larger itemsize).
   Assumes the last dimension of both holds no pointers. */
static bool compare_fast_rec(char code, mv_ssize size, const mv_buffer *v,
                             unsigned char *pv, const mv_buffer *w,
                             unsigned char *pw, int dim)
{
    int last = v->ndim - 1;

    if (dim == last)
        return rows_equal(code, size, v->shape[dim], pv, v->strides[dim], pw,
                          w->strides[dim]);
    for (mv_ssize i = 0; i < v->shape[dim]; i++)
        if (!compare_fast_rec(code, size, v,
                              mv_adjust_ptr(v, pv + i * v->strides[dim], dim),
                              w,
                              mv_adjust_ptr(w, pw + i * w->strides[dim], dim),
                              dim + 1))
            return false;
    return true;
}

/* Whether the fast walk applies: one native code it reads, some
   dimensions, and no pointers in the last one on either side. */
static bool compare_fast(char code, const mv_buffer *v, const mv_buffer *w)
{
    int last = v->ndim - 1;

    return MV_FAST() && (equal_as_bytes(code) || code == 'd' || code == 'f')
           && last >= 0
           && (v->suboffsets == NULL || v->suboffsets[last] < 0)
           && (w->suboffsets == NULL || w->suboffsets[last] < 0);
}

/* COMPARE-001, COMPARE-004, COMPARE-007: v == w for a view v and a
   buffer w. */
static int buffers_equal(mv_view *v, const mv_buffer *w, bool *out,
                         mv_error *err)
{
    const mv_config *cfg = v->base.cfg;
    reader rv = { .cfg = cfg }, rw = { .cfg = cfg };
    mv_ssize size;
    char cv = 0, cw = 0;

    *out = false;
    if (!same_shape(&v->view, w))
        return 0;
    if ((size = mv_native_itemsize(cfg, v->view.format, &cv)) >= 0
        && mv_native_itemsize(cfg, w->format, &cw) >= 0 && cv == cw) {
        rv.code = cv;
        rw.code = cw;
        if (compare_fast(cv, &v->view, w)) {
            *out = compare_fast_rec(cv, size, &v->view, v->view.buf, w,
                                    w->buf, 0);
            return 0;
        }
    } else if (MV_IS_COMPLEX_CODE(cv) || MV_IS_COMPLEX_CODE(cw)) {
        return mv_unsupported(err, "== between a complex format and another");
    } else if (!mv_struct_parse(cfg, v->view.format, &rv.st)
               || !mv_struct_parse(cfg, w->format, &rw.st)) {
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
    /* COMPARE-006, RELEASE-005: identity alone */
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
    if (mv_getbuffer(v->base.cfg, w, &wb, MV_BUF_FULL_RO, "COMPARE-001", err) < 0)
        return -1;
    status = buffers_equal(v, &wb, out, err);
    mv_releasebuffer(&wb);
    return status;
}

/* What a bytearray's comparisons see of x: its bytes, when x lends a
   simple buffer (PyBUF_SIMPLE: C-contiguous, and for a view, one not
   released); *ok is false when it lends none, and the bytearray's method
   then returns NotImplemented. */
static int simple_bytes(const mv_config *cfg, const mv_value *x,
                        mv_value *out, bool *ok, mv_error *err)
{
    mv_view *v = mv_as_view(x);
    mv_error ignored;
    mv_buffer b;
    int status = 0;

    *ok = false;
    if ((v == NULL && x->kind != MV_BYTES && mv_as_exporter(x) == NULL)
        || (v != NULL && (mv_view_check_released(v, &ignored) < 0
                          || !(v->flags & MV_FLAG_C))))
        return 0;
    if (mv_getbuffer(cfg, x, &b, MV_BUF_FULL_RO, "COMPARE-001", err) < 0)
        return -1;
    *ok = mv_is_contiguous(&b, 'C');
    if (*ok)
        status = mv_buffer_tobytes(&b, 'C', out, err);
    mv_releasebuffer(&b);
    return status;
}

/* bytearray.__eq__(x): raw bytes against any object that lends a simple
   buffer; *not_implemented when x lends none. */
static int bytearray_equal(mv_exporter *ba, const mv_value *x, bool *out,
                           bool *not_implemented, mv_error *err)
{
    mv_value bytes;
    bool ok;

    if (simple_bytes(ba->base.cfg, x, &bytes, &ok, err) < 0)
        return -1;
    *not_implemented = !ok;
    if (ok) {
        *out = bytes.as.bytes.len == (size_t)ba->size
               && memcmp(bytes.as.bytes.data, ba->data, (size_t)ba->size) == 0;
        mv_value_clear(&bytes);
    }
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

/* One side's answer to a == b (ne: a != b), or *not_implemented: a bool
   from the library's objects, whatever its __eq__ returned from a host's
   object (CONVERT-015), in *out. */
static int side_compare(const mv_value *a, const mv_value *b, bool ne,
                        mv_value *out, bool *not_implemented, mv_error *err)
{
    mv_exporter *e = mv_as_exporter(a);
    bool eq;

    /* a host's object, or a numpy array of the host's: its own __eq__ */
    if (a->kind == MV_HOST
        || (e != NULL && e->base.type == MV_TYPE_NUMPY && mv_is_host(a)))
        return mv_host_compare(a, b, ne ? MV_NE : MV_EQ, out,
                               not_implemented, err);
    if (side_equal(a, b, &eq, not_implemented, err) < 0)
        return -1;
    if (!*not_implemented)
        *out = mv_bool(eq != ne);
    return 0;
}

/* a == b (ne: a != b) for any two values, by Python's rules: a's answer,
   then b's reflected, then what plain values do. */
static int richcompare(const mv_value *a, const mv_value *b, bool ne,
                       mv_value *out, mv_error *err)
{
    bool not_implemented, eq;

    *out = mv_none();
    if (side_compare(a, b, ne, out, &not_implemented, err) < 0)
        return -1;
    if (!not_implemented)
        return 0;
    if (side_compare(b, a, ne, out, &not_implemented, err) < 0)
        return -1;
    if (!not_implemented)
        return 0;
    if (plain_equal(a, b, &eq, err) < 0)
        return -1;
    *out = mv_bool(eq != ne);
    return 0;
}

/* a == b as a truth value (PyObject_RichCompareBool), as `in`, count()
   and index() compare items (SEQ-009, SEQ-010, CONVERT-016). */
int mv_values_equal(const mv_value *a, const mv_value *b, bool *out,
                    mv_error *err)
{
    mv_value result;
    int status;

    if (richcompare(a, b, false, &result, err) < 0)
        return -1;
    status = mv_truthy(&result, out, err);
    mv_value_clear(&result);
    return status;
}

/* COMPARE-001, CONVERT-015: a == b, the answer as it came. */
int mv_eq(const mv_value *a, const mv_value *b, mv_value *result,
          mv_error *err)
{
    return richcompare(a, b, false, result, err);
}

/* COMPARE-001: != is the negation of == for views; a host's object answers
   by its own __ne__ (CONVERT-015). */
int mv_ne(const mv_value *a, const mv_value *b, mv_value *result,
          mv_error *err)
{
    return richcompare(a, b, true, result, err);
}

/* Whether a < b (op "<"), a <= b, a > b or a >= b holds, given how their
   bytes compare (-1, 0, 1, as memcmp and then by length). */
static bool ordered(const char *op, const unsigned char *a, size_t la,
                    const unsigned char *b, size_t lb)
{
    int c = memcmp(a, b, la < lb ? la : lb);

    if (c == 0)
        c = la < lb ? -1 : la > lb;
    return op[0] == '<' ? (op[1] ? c <= 0 : c < 0) : (op[1] ? c >= 0 : c > 0);
}

/* COMPARE-005: a < b, a <= b, a > b, a >= b (op "<", "<=", ">", ">="),
   with an object of this library on one side at least.  memoryview has no
   order; of the other objects here only a bytearray answers (comparing
   raw bytes with any simple buffer), asked first when it is a and
   reflected when it is b.  A numpy array would compare elementwise, which
   is not modelled; otherwise the answer is a TypeError. */
int mv_order(const mv_value *a, const char *op, const mv_value *b,
             mv_value *result, mv_error *err)
{
    static const char *const reflected[] = { ">", ">=", "<", "<=" };
    const mv_value *side[2] = { a, b };
    const char *ops[2] = {
        op, reflected[(op[0] == '<' ? 0 : 2) + (op[1] != '\0')]
    };
    mv_value bytes;
    bool ok;

    if (a->kind != MV_OBJECT && b->kind != MV_OBJECT)
        return mv_unsupported(err, "ordering of plain values");
    for (int i = 0; i < 2; i++) {
        mv_exporter *e = mv_as_exporter(side[i]);
        if (e != NULL && e->base.type == MV_TYPE_NUMPY)
            return mv_unsupported(err, "numpy's ordering");
        if (e == NULL || e->base.type != MV_TYPE_BYTEARRAY)
            continue;
        if (simple_bytes(e->base.cfg, side[1 - i], &bytes, &ok, err) < 0)
            return -1;
        if (!ok)
            continue;
        *result = mv_bool(ordered(ops[i], e->data, (size_t)e->size,
                                  bytes.as.bytes.data, bytes.as.bytes.len));
        mv_value_clear(&bytes);
        return 0;
    }
    return mv_raise(err, "COMPARE-005", "TypeError", "'%s' not supported between instances "
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
        return e->readonly ? 0 : mv_raise(err, "HASH-004", "ValueError", "cannot hash "
                                          "writable ndarray object");
    return mv_raise(err, "HASH-004", "TypeError", "unhashable type: '%s'",
                    mv_type_qualname(obj));
}

/* HASH-001 to HASH-004: whether v may be hashed, checked in CPython's
   order. */
static int hashable(mv_view *v, mv_error *err)
{
    const mv_buffer *b = &v->view;
    mv_value obj;
    char code;
    int status;

    if (mv_view_check_released(v, err) < 0)
        return -1;
    if (!b->readonly)                                   /* HASH-002 */
        return mv_raise(err, "HASH-002", "ValueError",
                        "cannot hash writable memoryview object");
    if (mv_native_itemsize(v->base.cfg, b->format, &code) < 0
        || !MV_IS_BYTE_FORMAT(code))                    /* HASH-003 */
        return mv_raise(err, "HASH-003", "ValueError", "memoryview: hashing is "
                        "restricted to formats 'B', 'b' or 'c'");
    obj = mv_object_value(b->obj);                      /* HASH-004 */
    status = exporter_hashable(&obj, err);
    mv_value_clear(&obj);
    return status;
}

/* HASH-005, RELEASE-007: the bytes hash(m) hashes, computed on first use
   and kept, so that a released view still has its hash. */
static int view_hash_key(mv_view *v, const mv_value **key, mv_error *err)
{
    if (!v->hashed) {
        if (hashable(v, err) < 0
            || mv_buffer_tobytes(&v->view, 'C', &v->hash_key, err) < 0)
            return -1;
        v->hashed = true;
    }
    *key = &v->hash_key;
    return 0;
}

/* HASH-001, fast: the host hashes the view's memory where it lies, when
   it is C-contiguous; else a copy made for the purpose, and not kept. */
static int hash_in_place(mv_view *v, mv_hash_fn hash, void *ctx, int64_t *out,
                         mv_error *err)
{
    mv_value copy;
    int status;

    if (hashable(v, err) < 0)
        return -1;
    if (v->flags & MV_FLAG_C)
        return hash(ctx, v->view.buf, (size_t)v->view.len, out, err);
    if (mv_buffer_tobytes(&v->view, 'C', &copy, err) < 0)
        return -1;
    status = hash(ctx, copy.as.bytes.data, copy.as.bytes.len, out, err);
    mv_value_clear(&copy);
    return status;
}

/* HASH-001, HASH-005, RELEASE-007: hash(m) for a host, the host's hash of
   the bytes view_hash_key() keeps; the value is computed on first use and
   kept, as the key is, so that a second hash(m) asks nothing, and a
   released view still has its hash. */
int mv_view_host_hash(mv_view *v, mv_hash_fn hash, void *ctx, int64_t *out,
                      mv_error *err)
{
    const mv_value *key;

    if (!v->host_hashed) {
        if (MV_FAST()) {
            if (hash_in_place(v, hash, ctx, &v->host_hash, err) < 0)
                return -1;
        } else if (view_hash_key(v, &key, err) < 0
                   || hash(ctx, key->as.bytes.data, key->as.bytes.len,
                           &v->host_hash, err) < 0) {
            return -1;
        }
        v->host_hashed = true;
    }
    *out = v->host_hash;
    return 0;
}

/* HASH-001: hash(obj) == hash(like): two bytes-like contents hash alike
   exactly when they are the same bytes. */
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
