/*
 * layout.c -- a libFuzzer target: the library's arithmetic, formats and
 * layouts, from bytes.
 *
 * The input is read as a little program (a reader below hands out bytes,
 * integers -- often extremes, from a table -- and short strings):
 *
 *   1. two integers: mv_ckd_add, _sub and _mul (mvint.h) must give what
 *      exact 128-bit arithmetic gives, both the builtins and the portable
 *      fallback;
 *   2. a layout (itemsize, offset, shape, strides): mv_layout_extent and
 *      mv_layout_bounded (layout.c) must agree with the same sums done
 *      exactly, and a bounded shape's C and Fortran strides must be the
 *      exact ones;
 *   3. a struct format: parsed for a 64-bit and a 32-bit platform, and
 *      where struct knows it, an item of zero bytes must unpack and pack
 *      back to zero bytes;
 *   4. a bytearray of up to 1 KiB and a memoryview of it, then a series of
 *      operations chosen by the input -- cast(format, shape), slices with
 *      any start, stop and step, items by index and by tuple, tolist(),
 *      tobytes(), the layout attributes, release() -- each of which must
 *      answer a value or an exception, never more.
 *
 *     build/fuzz/layout-fuzzer -dict=reference/fuzz/layout.dict CORPUS
 */
#include <stdio.h>
#include <stdlib.h>

#include "mvint.h"
#include "formats.h"
#include "layout.h"

__extension__ typedef __int128 wide;   /* exact, for the oracles */

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    return 0;
}

/* ---- reading the input ------------------------------------------------------ */

typedef struct reader {
    const uint8_t *p;
    size_t n;
} reader;

static uint8_t byte(reader *r)
{
    if (r->n == 0)
        return 0;
    r->n--;
    return *r->p++;
}

/* An integer: most often one of the values layouts break on. */
static mv_ssize integer(reader *r)
{
    static const mv_ssize extremes[] = {
        0, 1, -1, 2, 3, 4, 7, 8, -8, 16, 255, 256, 65536,
        INT32_MAX, (mv_ssize)INT32_MAX + 1, INT32_MIN, (mv_ssize)1 << 32,
        (mv_ssize)1 << 62, -((mv_ssize)1 << 62), INT64_MAX, INT64_MIN,
        INT64_MAX - 7, (mv_ssize)2305843009213693953,
        (mv_ssize)4294967296, (mv_ssize)9223372036854775800,
    };
    const size_t nx = sizeof extremes / sizeof extremes[0];
    uint8_t tag = byte(r);
    uint64_t u = 0;

    if (tag < 2 * nx)
        return extremes[tag % nx];
    if (tag < 240)
        return (mv_ssize)tag - 2 * (mv_ssize)nx - 40;   /* small, either sign */
    for (int i = 0; i < 8; i++)
        u = u << 8 | byte(r);
    return (mv_ssize)u;
}

/* A str of at most max - 1 bytes, NUL-terminated, into buf: UTF-8, as a
   str's text must be (mvref.h).  An ASCII byte stands for itself; any
   other for one of a few characters beyond ASCII. */
static void string(reader *r, char *buf, size_t max)
{
    static const char *const beyond[] = { "\xc3\xa9", "\xe2\x82\xac",
                                          "\xf0\x9f\x98\x80" };
    size_t n = byte(r) % max, i = 0;

    for (size_t k = 0; k < n; k++) {
        uint8_t b = byte(r);
        const char *s = beyond[b % 3];
        if (b < 0x80 && i + 1 < max)
            buf[i++] = (char)b;
        else if (b >= 0x80 && i + strlen(s) < max)
            i += (size_t)snprintf(buf + i, max - i, "%s", s);
    }
    buf[i] = '\0';
}

#define CHECK(cond) do { if (!(cond)) { \
    fprintf(stderr, "layout-fuzzer: %s:%d: %s\n", __FILE__, __LINE__, #cond); \
    abort(); } } while (0)

/* ---- 1. checked arithmetic --------------------------------------------------- */

static bool fits(wide x)
{
    return x >= INT64_MIN && x <= INT64_MAX;
}

static void arithmetic(reader *r)
{
    mv_ssize a = integer(r), b = integer(r), x, y;
    const wide exact[3] = { (wide)a + b, (wide)a - b, (wide)a * b };
    const char ops[3] = { '+', '-', '*' };

    for (int k = 0; k < 3; k++) {
        bool over = k == 0 ? mv_ckd_add(&x, a, b)
                    : k == 1 ? mv_ckd_sub(&x, a, b) : mv_ckd_mul(&x, a, b);
        bool portable = mv_ckd_portable(ops[k], &y, a, b);
        CHECK(over == !fits(exact[k]) && portable == over);
        CHECK(x == y && (over || x == (mv_ssize)exact[k]));
    }
}

/* ---- 2. layouts ------------------------------------------------------------------ */

#define NDIM 6

static void layouts(reader *r)
{
    mv_ssize shape[NDIM], strides[NDIM], computed[NDIM], lo, hi;
    mv_ssize itemsize = integer(r), offset = integer(r);
    int ndim = byte(r) % (NDIM + 1);
    wide xlo = 0, xhi = 0, len = itemsize, steps = itemsize;
    bool exact_ok = true, sizes_ok = itemsize > 0 && offset >= 0;

    for (int d = 0; d < ndim; d++) {
        shape[d] = integer(r);
        strides[d] = integer(r);
    }
    /* the same sums, exactly, stopping where the library's would overflow */
    for (int d = 0; d < ndim && exact_ok; d++) {
        wide reach = (wide)(shape[d] > 0 ? shape[d] - 1 : 0) * strides[d];
        exact_ok = fits(reach);
        if (reach < 0)
            xlo += reach;
        else
            xhi += reach;
        exact_ok = exact_ok && fits(xlo) && fits(xhi);
    }
    CHECK(mv_layout_extent(ndim, shape, strides, &lo, &hi) == exact_ok);
    CHECK(!exact_ok || (lo == (mv_ssize)xlo && hi == (mv_ssize)xhi));
    for (int d = 0; d < ndim && sizes_ok; d++) {
        sizes_ok = shape[d] >= 0;
        len *= shape[d];
        steps *= shape[d] > 0 ? shape[d] : 1;
        sizes_ok = sizes_ok && fits(len) && fits(steps);
    }
    sizes_ok = sizes_ok && exact_ok && fits((wide)offset + xhi + itemsize);
    CHECK(mv_layout_bounded(ndim, shape, strides, itemsize, offset)
          == sizes_ok);
    if (!sizes_ok)
        return;
    CHECK(mv_nitems(ndim, shape) * itemsize == (mv_ssize)len);
    for (int order = 0; order < 2; order++) {
        wide step = itemsize;
        mv_strides_from_shape(ndim, shape, itemsize, order ? 'F' : 'C',
                              computed);
        for (int i = 0; i < ndim; i++) {
            int d = order ? i : ndim - 1 - i;
            CHECK(computed[d] == (mv_ssize)step);
            step *= shape[d];
        }
    }
}

/* ---- 3. struct formats ----------------------------------------------------------- */

static void formats(reader *r, const mv_config *cfgs)
{
    char format[48];
    mv_error err;

    string(r, format, sizeof format);
    for (int k = 0; k < 2; k++) {
        const mv_config *cfg = &cfgs[k];
        unsigned char zeros[4096] = { 0 }, packed[4096];
        mv_ssize itemsize;
        mv_value item;
        char code;

        (void)mv_native_itemsize(cfg, format, &code);
        if (!mv_struct_known(cfg, format))
            continue;
        itemsize = mv_struct_calcsize(cfg, format, &err);
        CHECK(itemsize >= 0);
        if (itemsize > (mv_ssize)sizeof zeros)
            continue;
        if (mv_struct_unpack(cfg, format, zeros, &item, &err) < 0)
            continue;   /* too many values to hold: MemoryError */
        memset(packed, 0xAA, sizeof packed);
        if (mv_struct_pack(cfg, format, packed, &item, &err) == 0)
            CHECK(memcmp(packed, zeros, (size_t)itemsize) == 0);
        mv_value_clear(&item);
    }
}

/* ---- 4. views ---------------------------------------------------------------------- */

/* Call m.method(args...) and keep a view it returns as the new m. */
static void call(mv_value *m, const char *method, const mv_value *args,
                 size_t nargs)
{
    mv_args a = { args, nargs, NULL, 0 };
    mv_value result;
    mv_error err;

    if (mv_call(m, method, &a, &result, &err) < 0)
        return;
    if (result.kind == MV_OBJECT
        && mv_object_type(result.as.object) == MV_TYPE_MEMORYVIEW) {
        mv_value_clear(m);
        *m = result;
    } else {
        mv_value_clear(&result);
    }
}

/* A key: an int, a slice of three ints or Nones, or a tuple of ints. */
static int key_of(reader *r, mv_value *key, mv_error *err)
{
    uint8_t kind = byte(r) % 3, n = kind == 1 ? 3 : byte(r) % 4;

    if (kind == 0) {
        *key = mv_int_from_i64(integer(r));
        return 0;
    }
    if (mv_seq_new(key, kind == 1 ? MV_SLICE : MV_TUPLE, n, err) < 0)
        return -1;
    for (size_t i = 0; i < n; i++)
        key->as.seq.items[i] = kind == 1 && byte(r) < 64 ? mv_none()
                               : mv_int_from_i64(integer(r));
    return 0;
}

static void operation(reader *r, mv_value *m)
{
    static const char *const attrs[] = {
        "shape", "strides", "nbytes", "c_contiguous", "f_contiguous",
        "suboffsets", "itemsize", "format", "ndim",
    };
    mv_value v, w;
    mv_error err;
    uint8_t op = byte(r) % 8;

    if (op == 0 || op == 1) {   /* m.cast(format[, shape]) */
        mv_value args[2];
        char text[8];
        uint8_t ndim = op == 1 ? byte(r) % 5 : 0;
        string(r, text, sizeof text);
        if (mv_str_new(&args[0], text, strlen(text), &err) < 0)
            return;
        args[1] = mv_none();
        if (op == 1 && mv_seq_new(&args[1], MV_LIST, ndim, &err) == 0)
            for (uint8_t d = 0; d < ndim; d++)
                args[1].as.seq.items[d] = mv_int_from_i64(integer(r));
        call(m, "cast", args, op == 1 && args[1].kind == MV_LIST ? 2 : 1);
        mv_value_clear(&args[0]);
        mv_value_clear(&args[1]);
    } else if (op == 2 || op == 3) {   /* m[key], keeping a view */
        if (key_of(r, &v, &err) < 0)
            return;
        if (mv_getitem(m, &v, &w, &err) == 0) {
            if (w.kind == MV_OBJECT) {
                mv_value_clear(m);
                *m = w;
            } else {
                mv_value_clear(&w);
            }
        }
        mv_value_clear(&v);
    } else if (op == 4) {
        call(m, byte(r) & 1 ? "tolist" : "tobytes", NULL, 0);
    } else if (op == 5) {
        if (mv_getattr(m, attrs[byte(r) % 9], &v, &err) == 0)
            mv_value_clear(&v);
    } else if (op == 6) {   /* m[key] = m[key] */
        if (key_of(r, &v, &err) < 0)
            return;
        if (mv_getitem(m, &v, &w, &err) == 0) {
            (void)mv_setitem(m, &v, &w, &err);
            mv_value_clear(&w);
        }
        mv_value_clear(&v);
    } else if (byte(r) < 16) {
        call(m, "release", NULL, 0);
    } else {   /* m == m, and its hash */
        if (mv_eq(m, m, &v, &err) == 0)
            mv_value_clear(&v);
        if (mv_hash_equal(m, m, &v, &err) == 0)
            mv_value_clear(&v);
    }
}

static void views(reader *r, const mv_config *cfg)
{
    unsigned char data[1024];
    size_t n = (size_t)byte(r) * 4 + byte(r) % 4;
    mv_value x, m;
    mv_error err;

    for (size_t i = 0; i < n; i++)
        data[i] = (unsigned char)i;
    if (mv_bytearray_object(cfg, data, n, &x, &err) < 0)
        return;
    mv_args a = { &x, 1, NULL, 0 };
    if (mv_memoryview(cfg, &a, &m, &err) == 0) {
        for (int k = 0; k < 12 && r->n > 0; k++)
            operation(r, &m);
        mv_value_clear(&m);
    }
    mv_value_clear(&x);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static mv_config cfgs[2];
    static bool ready;
    mv_error err;
    reader r = { data, size };

    if (!ready) {
        if (mv_config_init(&cfgs[0], "3.12", 64, &err) < 0
            || mv_config_init(&cfgs[1], "3.14", 32, &err) < 0)
            abort();
        ready = true;
    }
    arithmetic(&r);
    layouts(&r);
    formats(&r, cfgs);
    views(&r, &cfgs[byte(&r) & 1]);
    CHECK(mv_alloc_live() == 0);
    return 0;
}
