/*
 * objects.c -- what the cases do to objects other than views: the
 * exporters' own methods and items (ba.append(1), a.pop(), ba[0] = 104,
 * numpy's n[0, 1]), and what they hold now (the protocol's `contents`).
 *
 * None of this is memoryview's behaviour, so none of it is the library's:
 * the library models exporters only as far as a view sees them (lending,
 * counting loans, refusing to resize while lent: reference/src/export.c),
 * and this file builds each method on top of that, the way bytearray and
 * array do in CPython.  It reaches into the library's internal header for
 * the exporter's memory, as SQLite's test harness reaches into
 * sqliteInt.h.
 *
 * One rule shapes everything here, EXPORT-003: memory that is lent out
 * must not move.  A change that keeps the size (ba[0] = 104, reverse())
 * is always allowed, and every view sees it at once, because views hold
 * no copy (EXPORT-002).  A change of size asks mv_exporter_can_resize()
 * first and fails with BufferError while any view is unreleased; a change
 * to the same size is no resize and is allowed (ba += b'') -- except
 * where array counts it as one anyway (EXPORT-011).  Each method converts
 * and checks its arguments before it asks to resize, as CPython does, so
 * a bad argument is reported before a BufferError (EXPORT-006).
 *
 * Only the methods, keys and argument types the suite uses are modelled;
 * anything else is MV_UNSUPPORTED rather than a guess.
 */
#include <math.h>
#include <stdio.h>

#include "driver.h"
#include "mvint.h"
#include "abstract.h"
#include "chapters.h"
#include "exporter.h"
#include "formats.h"
#include "layout.h"
#include "refcount.h"
#include "value.h"

static int exporter_contents(mv_exporter *e, mv_value *result, mv_error *err);

/* ---- array items -------------------------------------------------------- */

/* A value an integer typecode refuses.  3.9 converted b h i l q with
   PyArg_Parse, whose messages were its own; I and L went through
   __index__, Q checked for an int itself. */
static int array_type_error(const mv_config *cfg, char typecode,
                            const mv_value *v, mv_error *err)
{
    bool parsed = strchr("bBhHilq", typecode) != NULL;

    if (cfg->behaviour.legacy_int_message && typecode == 'Q')
        return mv_raise(err, "TypeError", "array item must be integer");
    if (cfg->behaviour.legacy_int_message && parsed && v->kind == MV_FLOAT)
        return mv_raise(err, "TypeError", "integer argument expected, got float");
    if (cfg->behaviour.legacy_int_message && parsed)
        return mv_raise(err, "TypeError", "an integer is required (got type "
                        "%.200s)", mv_type_qualname(v));
    return mv_raise(err, "TypeError", "'%.200s' object cannot be interpreted "
                    "as an integer", mv_type_qualname(v));
}

/* The range messages of array's integer setters, by typecode. */
static int array_range_error(const mv_config *cfg, char typecode,
                             bool negative, mv_error *err)
{
    static const struct { char code; const char *name; } names[] = {
        { 'b', "signed char" }, { 'B', "unsigned byte integer" },
        { 'h', "signed short integer" }, { 'H', "unsigned short" },
        { 'i', "signed integer" },
    };

    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (names[i].code == typecode)
            return mv_raise(err, "OverflowError", "%s is %s", names[i].name,
                            negative ? "less than minimum"
                                     : "greater than maximum");
    switch (typecode) {
    case 'I':
        return mv_raise(err, "OverflowError", negative
                        ? "can't convert negative value to unsigned int"
                        : "unsigned int is greater than maximum");
    case 'l':
        if (cfg->platform.sizeof_long != 8)
            return mv_unsupported(err, "array 'l' on a 32-bit platform");
        return mv_raise(err, "OverflowError",
                        "Python int too large to convert to C long");
    case 'L':
        if (cfg->platform.sizeof_long != 8)
            return mv_unsupported(err, "array 'L' on a 32-bit platform");
        return mv_raise(err, "OverflowError", negative
                        ? "can't convert negative value to unsigned int"
                        : "Python int too large to convert to C unsigned long");
    case 'q':
        return mv_raise(err, "OverflowError", "int too big to convert");
    default:
        assert(typecode == 'Q');
        return mv_raise(err, "OverflowError", negative
                        ? "can't convert negative int to unsigned"
                        : "int too big to convert");
    }
}

/* Store one item as array's own __setitem__ would; nothing is written on
   error.  Its checks and messages are array's, not memoryview's. */
static int array_store(mv_exporter *e, unsigned char *ptr, const mv_value *item,
                   mv_error *err)
{
    const mv_config *cfg = e->base.cfg;
    char code = e->typecode;
    mv_error ignored;
    double d;

    switch (code) {
    case 'f': case 'd':
        if (item->kind != MV_FLOAT && !mv_is_index(item))
            return mv_raise(err, "TypeError", "must be real number, not %.50s",
                            mv_type_qualname(item));
        if (mv_as_double(item, &d, err) < 0)
            return -1;
        return mv_pack_native(cfg, code, ptr, item, &ignored);
    case 'u': case 'w':
        return mv_unsupported(err, "array of characters");
    default:
        if (!mv_is_index(item))
            return array_type_error(cfg, code, item, err);
        if (mv_pack_native(cfg, code, ptr, item, &ignored) < 0)
            return array_range_error(cfg, code, item->kind == MV_INT
                                     && item->as.integer.negative, err);
        return 0;
    }
}

static int array_load(mv_exporter *e, const unsigned char *ptr, mv_value *out,
                  mv_error *err)
{
    if (e->typecode == 'u' || e->typecode == 'w')
        return mv_unsupported(err, "array of characters");
    return mv_unpack_native(e->base.cfg, e->typecode, ptr, out, err);
}

/* ---- shared ----------------------------------------------------------------- */

static mv_ssize nitems(const mv_exporter *e)
{
    return e->size / e->itemsize;
}

/* Insert n zeroed items at index i, or remove them when n < 0, after
   asking whether the memory may move (EXPORT-003, EXPORT-004). */
static int resize_at(mv_exporter *e, mv_ssize i, mv_ssize n, mv_error *err)
{
    mv_ssize at = i * e->itemsize, by = n * e->itemsize;
    mv_ssize old = e->size;

    if (n == 0)
        return 0;
    if (mv_exporter_can_resize(e, err) < 0)
        return -1;
    if (by < 0)
        memmove(e->data + at, e->data + at - by, (size_t)(old - at + by));
    if (mv_exporter_resize(e, old + by, err) < 0)
        return -1;
    if (by > 0) {
        memmove(e->data + at + by, e->data + at, (size_t)(old - at));
        memset(e->data + at, 0, (size_t)by);
    }
    return 0;
}

/* Grow or shrink to `count` items at the end. */
static int resize_to(mv_exporter *e, mv_ssize count, mv_error *err)
{
    mv_ssize n = nitems(e);

    return count < n ? resize_at(e, count, count - n, err)
                     : resize_at(e, n, count - n, err);
}

/* A byte for a bytearray: an int in range(256). */
static int byte_value(const mv_config *cfg, const mv_value *v,
                      unsigned char *out, mv_error *err)
{
    int64_t i;

    (void)cfg;
    if (!mv_is_index(v))
        return mv_raise(err, "TypeError", "'%.200s' object cannot be "
                        "interpreted as an integer", mv_type_qualname(v));
    if (!mv_int_to_i64(v, &i) || i < 0 || i > 255)
        return mv_raise(err, "ValueError", "byte must be in range(0, 256)");
    *out = (unsigned char)i;
    return 0;
}

/* A normalised index for insert(): clamped, never an error. */
static mv_ssize clamp_index(mv_ssize i, mv_ssize n)
{
    if (i < 0)
        i = i + n < 0 ? 0 : i + n;
    return i > n ? n : i;
}

static int index_arg(const mv_config *cfg, const mv_value *v, mv_ssize *out,
                     mv_error *err)
{
    return mv_as_ssize(cfg, v, "OverflowError", out, err);
}

/* The index pop() removes from a sequence of n items: the argument, if
   any, else the last; `what` names the sequence in the empty error. */
static int pop_index(const mv_config *cfg, const mv_value **arg,
                     size_t nargs, mv_ssize n, const char *what,
                     mv_ssize *out, mv_error *err)
{
    mv_ssize i = -1;

    if (nargs == 1 && index_arg(cfg, arg[0], &i, err) < 0)
        return -1;
    if (n == 0)
        return mv_raise(err, "IndexError", "pop from empty %s", what);
    if (i < 0)
        i += n;
    if (i < 0 || i >= n)
        return mv_raise(err, "IndexError", "pop index out of range");
    *out = i;
    return 0;
}

/* Bytes to add from an argument that lends a buffer. */
static int buffer_bytes(const mv_config *cfg, const mv_value *v,
                        mv_value *out, mv_error *err)
{
    mv_buffer b;
    int status;

    if (mv_getbuffer(cfg, v, &b, MV_BUF_FULL_RO, err) < 0)
        return -1;
    status = mv_buffer_tobytes(&b, 'C', out, err);
    mv_releasebuffer(&b);
    return status;
}

/* ---- bytearray --------------------------------------------------------------- */

static int bytearray_insert_bytes(mv_exporter *e, mv_ssize at,
                                  const mv_value *bytes, mv_error *err)
{
    mv_ssize n = (mv_ssize)bytes->as.bytes.len;

    if (resize_at(e, at, n, err) < 0)
        return -1;
    if (n > 0)
        memcpy(e->data + at, bytes->as.bytes.data, (size_t)n);
    return 0;
}

static int bytearray_source(const mv_config *cfg, const mv_value *value,
                            mv_value *out, mv_error *err);

static int bytearray_extend(mv_exporter *e, const mv_value *arg, bool iadd,
                            mv_error *err)
{
    const mv_config *cfg = e->base.cfg;
    mv_value bytes;
    int status;

    if (arg->kind == MV_LIST && !iadd) {
        /* every item is converted before the one resize */
        if (bytearray_source(cfg, arg, &bytes, err) < 0)
            return -1;
        status = bytearray_insert_bytes(e, e->size, &bytes, err);
        mv_value_clear(&bytes);
        return status;
    }
    if (arg->kind != MV_BYTES && arg->kind != MV_OBJECT) {
        if (iadd)
            return mv_raise(err, "TypeError", "can't concat %.100s to "
                            "bytearray", mv_type_qualname(arg));
        return mv_unsupported(err, "bytearray.extend(%s)", mv_type_name(arg));
    }
    if (buffer_bytes(cfg, arg, &bytes, err) < 0)
        return -1;
    status = bytearray_insert_bytes(e, e->size, &bytes, err);
    mv_value_clear(&bytes);
    return status;
}

static int bytearray_call(mv_exporter *e, const char *m,
                          const mv_value **arg, size_t nargs, mv_value *result,
                          mv_error *err)
{
    const mv_config *cfg = e->base.cfg;
    mv_ssize n = e->size, i = 0;
    unsigned char c = 0;

    *result = mv_none();
    if (strcmp(m, "append") == 0 && nargs == 1) {
        if (byte_value(cfg, arg[0], &c, err) < 0
            || resize_at(e, n, 1, err) < 0)
            return -1;
        e->data[n] = c;
        return 0;
    }
    if (strcmp(m, "insert") == 0 && nargs == 2) {
        if (index_arg(cfg, arg[0], &i, err) < 0
            || byte_value(cfg, arg[1], &c, err) < 0)
            return -1;
        i = clamp_index(i, n);
        if (resize_at(e, i, 1, err) < 0)
            return -1;
        e->data[i] = c;
        return 0;
    }
    if (strcmp(m, "pop") == 0 && nargs <= 1) {
        if (pop_index(cfg, arg, nargs, n, "bytearray", &i, err) < 0)
            return -1;
        c = e->data[i];
        if (resize_at(e, i, -1, err) < 0)
            return -1;
        *result = mv_int_from_i64(c);
        return 0;
    }
    if (strcmp(m, "remove") == 0 && nargs == 1) {
        if (byte_value(cfg, arg[0], &c, err) < 0)
            return -1;
        for (i = 0; i < n && e->data[i] != c; i++)
            ;
        if (i == n)
            return mv_raise(err, "ValueError", "value not found in bytearray");
        return resize_at(e, i, -1, err);
    }
    if (strcmp(m, "clear") == 0 && nargs == 0)
        return resize_at(e, 0, -n, err);
    if (strcmp(m, "reverse") == 0 && nargs == 0) {
        for (i = 0; i < n / 2; i++) {
            c = e->data[i];
            e->data[i] = e->data[n - 1 - i];
            e->data[n - 1 - i] = c;
        }
        return 0;
    }
    if ((strcmp(m, "extend") == 0 || strcmp(m, "__iadd__") == 0) && nargs == 1) {
        int status = bytearray_extend(e, arg[0], m[0] == '_', err);
        if (status == 0 && m[0] == '_')
            *result = mv_object_value(&e->base);   /* x += y returns x */
        return status;
    }
    if (strcmp(m, "__imul__") == 0 && nargs == 1) {
        if (index_arg(cfg, arg[0], &i, err) < 0)
            return -1;
        if (i < 0)
            i = 0;
        if (i > 1 && n > cfg->platform.ssize_max / i)
            return mv_no_memory(err);
        if (resize_to(e, n * i, err) < 0)
            return -1;
        for (mv_ssize k = 1; k < i; k++)
            memcpy(e->data + k * n, e->data, (size_t)n);
        *result = mv_object_value(&e->base);
        return 0;
    }
    return mv_unsupported(err, "bytearray.%s with %zu arguments", m, nargs);
}

/* ---- array -------------------------------------------------------------------- */

/* a.extend(iterable), or a += other (iadd: only an array will do). */
static int array_extend(mv_exporter *e, const mv_value *arg, bool iadd,
                        mv_error *err)
{
    const mv_exporter *src = mv_as_exporter(arg);
    mv_ssize size = e->itemsize, n = nitems(e);
    unsigned char tmp[8];
    mv_value items;
    int status = 0;

    if (src != NULL && src->base.type == MV_TYPE_ARRAY) {
        if (src->typecode != e->typecode)
            return mv_raise(err, "TypeError",
                            "can only extend with array of same kind");
        /* one resize for all, from a copy: a += a doubles a */
        if (mv_bytes_new(&items, src->data, (size_t)src->size, err) < 0)
            return -1;
        status = resize_at(e, n, (mv_ssize)items.as.bytes.len / size, err);
        if (status == 0 && items.as.bytes.len > 0)
            memcpy(e->data + n * size, items.as.bytes.data, items.as.bytes.len);
        mv_value_clear(&items);
        return status;
    }
    if (iadd)
        return mv_raise(err, "TypeError", "can only extend array with array "
                        "(not \"%.200s\")", mv_type_qualname(arg));
    if (arg->kind == MV_BYTES) {   /* iterating bytes gives ints */
        for (size_t k = 0; k < arg->as.bytes.len && status == 0; k++) {
            mv_value item = mv_int_from_i64(arg->as.bytes.data[k]);
            if ((status = array_store(e, tmp, &item, err)) == 0
                && (status = resize_at(e, nitems(e), 1, err)) == 0)
                memcpy(e->data + (nitems(e) - 1) * size, tmp, (size_t)size);
        }
        return status;
    }
    if (arg->kind != MV_LIST && arg->kind != MV_TUPLE) {
        if (arg->kind == MV_OBJECT || arg->kind == MV_STR)
            return mv_unsupported(err, "array.extend(%s)", mv_type_name(arg));
        return mv_raise(err, "TypeError", "'%.200s' object is not iterable",
                        mv_type_qualname(arg));
    }
    /* item by item: each converted, then the array grows by one */
    for (size_t k = 0; k < arg->as.seq.len; k++) {
        if (array_store(e, tmp, &arg->as.seq.items[k], err) < 0
            || resize_at(e, nitems(e), 1, err) < 0)
            return -1;
        memcpy(e->data + (nitems(e) - 1) * size, tmp, (size_t)size);
    }
    return 0;
}

static int array_call(mv_exporter *e, const char *m, const mv_value **arg,
                      size_t nargs, mv_value *result, mv_error *err)
{
    const mv_config *cfg = e->base.cfg;
    mv_ssize n = nitems(e), i, size = e->itemsize;
    unsigned char tmp[8];
    mv_value v;
    bool eq;

    *result = mv_none();
    if (strcmp(m, "append") == 0 && nargs == 1) {
        if (array_store(e, tmp, arg[0], err) < 0
            || resize_at(e, n, 1, err) < 0)
            return -1;
        memcpy(e->data + n * size, tmp, (size_t)size);
        return 0;
    }
    if (strcmp(m, "insert") == 0 && nargs == 2) {
        if (index_arg(cfg, arg[0], &i, err) < 0
            || array_store(e, tmp, arg[1], err) < 0)
            return -1;
        i = clamp_index(i, n);
        if (resize_at(e, i, 1, err) < 0)
            return -1;
        memcpy(e->data + i * size, tmp, (size_t)size);
        return 0;
    }
    if ((strcmp(m, "extend") == 0 || strcmp(m, "__iadd__") == 0)
        && nargs == 1) {
        if (array_extend(e, arg[0], m[0] == '_', err) < 0)
            return -1;
        if (m[0] == '_')
            *result = mv_object_value(&e->base);   /* x += y returns x */
        return 0;
    }
    if (strcmp(m, "pop") == 0 && nargs <= 1) {
        if (pop_index(cfg, arg, nargs, n, "array", &i, err) < 0)
            return -1;
        if (array_load(e, e->data + i * size, &v, err) < 0)
            return -1;
        if (resize_at(e, i, -1, err) < 0) {
            mv_value_clear(&v);
            return -1;
        }
        *result = v;
        return 0;
    }
    if (strcmp(m, "remove") == 0 && nargs == 1) {
        for (i = 0; i < n; i++) {
            if (array_load(e, e->data + i * size, &v, err) < 0)
                return -1;
            if (mv_values_equal(&v, arg[0], &eq, err) < 0) {
                mv_value_clear(&v);
                return -1;
            }
            mv_value_clear(&v);
            if (eq)
                return resize_at(e, i, -1, err);
        }
        return mv_raise(err, "ValueError", "array.remove(x): x not in array");
    }
    if (strcmp(m, "reverse") == 0 && nargs == 0) {
        for (i = 0; i < n / 2; i++) {
            memcpy(tmp, e->data + i * size, (size_t)size);
            memcpy(e->data + i * size, e->data + (n - 1 - i) * size,
                   (size_t)size);
            memcpy(e->data + (n - 1 - i) * size, tmp, (size_t)size);
        }
        return 0;
    }
    if (strcmp(m, "byteswap") == 0 && nargs == 0) {
        for (i = 0; i < n; i++)
            for (mv_ssize k = 0; k < size / 2; k++) {
                unsigned char *p = e->data + i * size;
                unsigned char c = p[k];
                p[k] = p[size - 1 - k];
                p[size - 1 - k] = c;
            }
        return 0;
    }
    if (strcmp(m, "frombytes") == 0 && nargs == 1) {
        if (buffer_bytes(cfg, arg[0], &v, err) < 0)
            return -1;
        if ((mv_ssize)v.as.bytes.len % size) {
            mv_value_clear(&v);
            return mv_raise(err, "ValueError",
                            "bytes length not a multiple of item size");
        }
        if (resize_at(e, n, (mv_ssize)v.as.bytes.len / size, err) < 0) {
            mv_value_clear(&v);
            return -1;
        }
        if (v.as.bytes.len)
            memcpy(e->data + n * size, v.as.bytes.data, v.as.bytes.len);
        mv_value_clear(&v);
        return 0;
    }
    if (strcmp(m, "clear") == 0 && nargs == 0)   /* 3.13+: see has_method */
        return resize_to(e, 0, err);
    if (strcmp(m, "tolist") == 0 && nargs == 0)
        return exporter_contents(e, result, err);
    if (strcmp(m, "tobytes") == 0 && nargs == 0)
        return mv_bytes_new(result, e->data, (size_t)e->size, err);
    if (strcmp(m, "__imul__") == 0 && nargs == 1) {
        if (index_arg(cfg, arg[0], &i, err) < 0)
            return -1;
        if (i < 0)
            i = 0;
        if (n > 0 && resize_to(e, n * i, err) < 0)
            return -1;
        for (mv_ssize k = 1; k < i; k++)
            memcpy(e->data + k * n * size, e->data, (size_t)(n * size));
        *result = mv_object_value(&e->base);
        return 0;
    }
    return mv_unsupported(err, "array.%s with %zu arguments", m, nargs);
}

/* The methods of bytearray and array, called with positional arguments. */
static int methods_call(mv_exporter *e, const char *method, const mv_args *a,
                     mv_value *result, mv_error *err)
{
    const mv_value *arg[4];

    if (a->nkwargs > 0 || a->nargs > 4)
        return mv_unsupported(err, "keyword arguments to %s.%s",
                              mv_object_name(&e->base, false), method);
    for (size_t i = 0; i < a->nargs; i++)
        arg[i] = &a->args[i];
    if (e->base.type == MV_TYPE_BYTEARRAY)
        return bytearray_call(e, method, arg, a->nargs, result, err);
    if (e->base.type == MV_TYPE_ARRAY)
        return array_call(e, method, arg, a->nargs, result, err);
    return mv_unsupported(err, "%s.%s", mv_object_name(&e->base, false), method);
}

/* A new array of e's typecode holding the items in bytes. */
static int array_from_bytes(const mv_exporter *e, const mv_value *bytes,
                            mv_value *out, mv_error *err)
{
    mv_exporter *a = mv_exporter_new(e->base.cfg, MV_TYPE_ARRAY,
                                     (mv_ssize)bytes->as.bytes.len, 1, err);

    if (a == NULL)
        return -1;
    a->typecode = e->typecode;
    a->itemsize = e->itemsize;
    a->format = mv_strdup(e->format);
    if (a->format == NULL) {
        mv_exporter_dealloc(a);
        return mv_no_memory(err);
    }
    if (bytes->as.bytes.len > 0)
        memcpy(a->data, bytes->as.bytes.data, bytes->as.bytes.len);
    *out = mv_exporter_value(a);
    return 0;
}

/* ---- items of an exporter ------------------------------------------------------ */

static int bad_key(const mv_exporter *e, const mv_value *key, mv_error *err)
{
    if (e->base.type == MV_TYPE_ARRAY)
        return mv_raise(err, "TypeError", "array indices must be integers");
    return mv_raise(err, "TypeError", "%s indices must be integers or slices, "
                    "not %.200s", e->base.type == MV_TYPE_BYTES ? "byte"
                    : "bytearray", mv_type_qualname(key));
}

/* An int key as an index into n items; IndexError with `message`. */
static int item_index(const mv_exporter *e, const mv_value *key, mv_ssize n,
                      const char *message, mv_ssize *out, mv_error *err)
{
    mv_ssize i = 0;

    if (mv_as_ssize(e->base.cfg, key, "IndexError", &i, err) < 0)
        return -1;
    if (i < 0)
        i += n;
    if (i < 0 || i >= n)
        return mv_raise(err, "IndexError", "%s", message);
    *out = i;
    return 0;
}

/* The bytes of `count` items from start, every step-th. */
static int gather(const mv_exporter *e, mv_ssize start, mv_ssize step,
                  mv_ssize count, mv_value *out, mv_error *err)
{
    mv_ssize size = e->itemsize;

    if (mv_bytes_zeroed(out, (size_t)(count * size), err) < 0)
        return -1;
    for (mv_ssize k = 0; k < count; k++)
        memcpy(out->as.bytes.data + k * size,
               e->data + (start + k * step) * size, (size_t)size);
    return 0;
}

static int ndarray_address(mv_exporter *e, const mv_value *key,
                           unsigned char **out, bool *supported, mv_error *err);

/* n[i0, ..., ik] for a numpy array: a numpy scalar, which the reference
   knows only by its type's name. */
static int ndarray_getitem(mv_exporter *e, const mv_value *key,
                           mv_value *result, mv_error *err)
{
    static const char codes[] = "?bBhHiIlLqQefd";
    static const char *const names[] = {
        "bool_", "int8", "uint8", "int16", "uint16", "int32", "uint32",
        "int64", "uint64", "longlong", "ulonglong", "float16", "float32",
        "float64"
    };
    const char *f = e->format[0] == '>' || e->format[0] == '<' ? e->format + 1
                                                               : e->format;
    const char *c = f[0] && !f[1] ? strchr(codes, f[0]) : NULL;
    unsigned char *ptr;
    bool supported;

    if (e->base.type != MV_TYPE_NUMPY || c == NULL)
        return mv_unsupported(err, "%s[...]", mv_object_name(&e->base, false));
    if (ndarray_address(e, key, &ptr, &supported, err) < 0)
        return -1;
    if (!supported)
        return mv_unsupported(err, "this numpy index");
    (void)ptr;   /* the address was wanted for its bounds check only */
    if (mv_str_new(result, names[c - codes], strlen(names[c - codes]), err) < 0)
        return -1;
    result->kind = MV_OPAQUE;
    return 0;
}

/* x[key] for bytes, bytearray and array. */
static int items_get(mv_exporter *e, const mv_value *key, mv_value *result,
                        mv_error *err)
{
    static const char *const range[] = {
        "index out of range", "bytearray index out of range",
        "array index out of range"
    };
    mv_ssize n, i = 0, start = 0, stop = 0, step = 1, len;
    mv_value bytes;
    int status;

    if (e->base.type > MV_TYPE_ARRAY)
        return ndarray_getitem(e, key, result, err);
    n = nitems(e);
    if (mv_is_index(key)) {
        if (item_index(e, key, n, range[e->base.type], &i, err) < 0)
            return -1;
        if (e->base.type == MV_TYPE_ARRAY)
            return array_load(e, e->data + i * e->itemsize, result, err);
        *result = mv_int_from_i64(e->data[i]);
        return 0;
    }
    if (key->kind != MV_SLICE)
        return bad_key(e, key, err);
    if (mv_slice_unpack(e->base.cfg, key, &start, &stop, &step, err) < 0)
        return -1;
    len = mv_slice_adjust(n, &start, &stop, step);
    if (gather(e, start, step, len, &bytes, err) < 0)
        return -1;
    if (e->base.type == MV_TYPE_BYTES) {
        *result = bytes;   /* a new bytes object is a bytes value */
        return 0;
    }
    if (e->base.type == MV_TYPE_BYTEARRAY)
        status = mv_bytearray_object(e->base.cfg, bytes.as.bytes.data,
                                     bytes.as.bytes.len, result, err);
    else
        status = array_from_bytes(e, &bytes, result, err);
    mv_value_clear(&bytes);
    return status;
}

/* The bytes a bytearray slice is assigned from. */
static int bytearray_source(const mv_config *cfg, const mv_value *value,
                            mv_value *out, mv_error *err)
{
    if (value->kind == MV_LIST || value->kind == MV_TUPLE) {
        if (mv_bytes_zeroed(out, value->as.seq.len, err) < 0)
            return -1;
        for (size_t i = 0; i < value->as.seq.len; i++)
            if (byte_value(cfg, &value->as.seq.items[i],
                           &out->as.bytes.data[i], err) < 0) {
                mv_value_clear(out);
                return -1;
            }
        return 0;
    }
    if (value->kind != MV_BYTES && value->kind != MV_OBJECT)
        return mv_raise(err, "TypeError", "can assign only bytes, buffers, or "
                        "iterables of ints in range(0, 256)");
    return buffer_bytes(cfg, value, out, err);
}

/* The bytes an array slice is assigned from: an array of its typecode. */
static int array_source(const mv_exporter *e, const mv_value *value,
                        mv_value *out, mv_error *err)
{
    const mv_exporter *src = mv_as_exporter(value);

    if (src == NULL || src->base.type != MV_TYPE_ARRAY)
        return mv_raise(err, "TypeError", "can only assign array (not "
                        "\"%.200s\") to array slice", mv_type_qualname(value));
    if (src->typecode != e->typecode)
        return mv_raise(err, "TypeError",
                        "bad argument type for built-in operation");
    return mv_bytes_new(out, src->data, (size_t)src->size, err);
}

/* del x[start:stop:step]: close the gaps, then shrink (EXPORT-003). */
static int delete_slice(mv_exporter *e, mv_ssize start, mv_ssize step,
                        mv_ssize len, mv_error *err)
{
    mv_ssize n = nitems(e), size = e->itemsize, kept = 0;

    if (len == 0)
        return 0;
    if (mv_exporter_can_resize(e, err) < 0)
        return -1;
    if (step < 0) {   /* the same items, walked forwards */
        start += (len - 1) * step;
        step = -step;
    }
    for (mv_ssize i = 0; i < n; i++) {
        bool selected = i >= start && (i - start) % step == 0
                        && (i - start) / step < len;
        if (!selected)
            memmove(e->data + kept++ * size, e->data + i * size, (size_t)size);
    }
    return mv_exporter_resize(e, kept * size, err);
}

/* x[slice] = value, or del x[slice] when value is NULL. */
static int assign_slice_items(mv_exporter *e, const mv_value *key,
                              const mv_value *value, mv_error *err)
{
    const mv_config *cfg = e->base.cfg;
    bool array = e->base.type == MV_TYPE_ARRAY;
    mv_ssize n = nitems(e), size = e->itemsize, start, stop, step, len, m;
    mv_value src;
    int status;

    if (mv_slice_unpack(cfg, key, &start, &stop, &step, err) < 0)
        return -1;
    len = mv_slice_adjust(n, &start, &stop, step);
    if (value == NULL && !array)
        return delete_slice(e, start, step, len, err);
    if (value != NULL && (array ? array_source(e, value, &src, err)
                                : bytearray_source(cfg, value, &src, err)) < 0)
        return -1;
    m = value ? (mv_ssize)src.as.bytes.len / size : 0;
    /* EXPORT-004: an array refuses, while lent, any slice assignment that
       deletes or changes its size, even an empty deletion */
    if (array && (m == 0 || m != len) && mv_exporter_can_resize(e, err) < 0) {
        if (value != NULL)
            mv_value_clear(&src);
        return -1;
    }
    if (value == NULL)
        return delete_slice(e, start, step, len, err);
    if (step == 1) {
        if (stop < start)
            stop = start;
        status = resize_at(e, start, m - len, err);
        if (status == 0 && m > 0)
            memcpy(e->data + start * size, src.as.bytes.data,
                   src.as.bytes.len);
    } else if (m != len) {
        status = mv_raise(err, "ValueError", "attempt to assign %s of size "
                          "%lld to extended slice of size %lld",
                          array ? "array" : "bytes", (long long)m,
                          (long long)len);
    } else {
        for (mv_ssize k = 0; k < len; k++)
            memcpy(e->data + (start + k * step) * size,
                   src.as.bytes.data + k * size, (size_t)size);
        status = 0;
    }
    mv_value_clear(&src);
    return status;
}

/* The address of n[i] (one dimension) or, for numpy, n[i0, ..., ik] (all
   of them); NULL with *supported false for keys not modelled. */
static int ndarray_address(mv_exporter *e, const mv_value *key,
                           unsigned char **out, bool *supported, mv_error *err)
{
    bool numpy = e->base.type == MV_TYPE_NUMPY;
    const mv_value *index = key;
    size_t n = 1;
    unsigned char *ptr = e->data + e->offset;

    *supported = true;
    if (key->kind == MV_TUPLE && numpy && mv_is_multi_index(key)) {
        index = key->as.seq.items;
        n = key->as.seq.len;
    }
    if ((mv_ssize)n != e->ndim || e->suboffsets != NULL
        || !mv_is_index(index)) {
        *supported = false;
        return 0;
    }
    for (size_t d = 0; d < n; d++) {
        mv_ssize i, len = e->shape[d];
        if (mv_as_ssize(e->base.cfg, &index[d], "IndexError", &i, err) < 0)
            return -1;
        if (i < -len || i >= len)
            return numpy ? mv_raise(err, "IndexError", "index %lld is out of "
                                    "bounds for axis %zu with size %lld",
                                    (long long)i, d, (long long)len)
                         : mv_raise(err, "IndexError", "index out of bounds");
        ptr += (i < 0 ? i + len : i) * e->strides[d];
    }
    *out = ptr;
    return 0;
}

/* n[key] = value for an ndarray or a numpy array (EXPORT-002): one item,
   packed as the struct module packs it.  Other keys, and values the
   packing refuses, are not modelled. */
static int ndarray_setitem(mv_exporter *e, const mv_value *key,
                           const mv_value *value, mv_error *err)
{
    unsigned char tmp[64], *ptr = NULL;
    bool supported;

    if (e->readonly && value != NULL)
        return e->base.type == MV_TYPE_NUMPY
                   ? mv_raise(err, "ValueError",
                              "assignment destination is read-only")
                   : mv_raise(err, "TypeError", "ndarray is not writable");
    if (value == NULL || e->itemsize > (mv_ssize)sizeof tmp
        || (value->kind != MV_INT && value->kind != MV_FLOAT))
        return mv_unsupported(err, "this assignment to an ndarray");
    if (ndarray_address(e, key, &ptr, &supported, err) < 0)
        return -1;
    if (!supported)
        return mv_unsupported(err, "this assignment to an ndarray");
    if (mv_struct_pack(e->base.cfg, e->format, tmp, value, err) < 0)
        return -1;
    memcpy(ptr, tmp, (size_t)e->itemsize);
    return 0;
}

/* x[key] = value for bytearray and array, seen by every view (EXPORT-002);
   value NULL deletes, a resize (EXPORT-003). */
static int items_set(mv_exporter *e, const mv_value *key,
                        const mv_value *value, mv_error *err)
{
    const mv_config *cfg = e->base.cfg;
    bool array = e->base.type == MV_TYPE_ARRAY;
    const char *range = array ? "array assignment index out of range"
                              : "bytearray index out of range";
    unsigned char tmp[8];
    mv_ssize i = 0;

    if (e->base.type == MV_TYPE_BYTES)   /* "doesn't" for sequence indices */
        return mv_raise(err, "TypeError", value
                        ? "'bytes' object does not support item assignment"
                        : mv_is_index(key)
                        ? "'bytes' object doesn't support item deletion"
                        : "'bytes' object does not support item deletion");
    if (e->base.type > MV_TYPE_ARRAY)
        return ndarray_setitem(e, key, value, err);
    if (key->kind == MV_SLICE)
        return assign_slice_items(e, key, value, err);
    if (!mv_is_index(key))
        return bad_key(e, key, err);
    /* since 3.10 a bytearray converts the value before the index */
    if (value != NULL && !array && cfg->behaviour.bytearray_value_first
        && byte_value(cfg, value, tmp, err) < 0)
        return -1;
    if (item_index(e, key, nitems(e), range, &i, err) < 0)
        return -1;
    if (value == NULL)
        return resize_at(e, i, -1, err);
    if (array) {
        if (array_store(e, tmp, value, err) < 0)
            return -1;
        memcpy(e->data + i * e->itemsize, tmp, (size_t)e->itemsize);
        return 0;
    }
    return byte_value(cfg, value, &e->data[i], err);
}

/* ---- what an exporter holds --------------------------------------------------- */

/* The exporter's layout as a buffer to walk with mv_adjust_ptr: a
   description only, no loan (nothing is counted). */
static mv_buffer layout_of(mv_exporter *e)
{
    mv_buffer b;

    memset(&b, 0, sizeof b);
    b.buf = e->data + e->offset;
    b.itemsize = e->itemsize;
    b.ndim = e->ndim;
    b.format = e->format;
    b.shape = e->shape;
    b.strides = e->strides;
    b.suboffsets = e->suboffsets;
    b.slots = e->slots;
    return b;
}

static int tolist_rec(mv_exporter *e, const mv_buffer *b, unsigned char *ptr,
                      int dim, mv_value *out, mv_error *err)
{
    mv_value item;

    if (dim == b->ndim)
        return mv_struct_unpack(e->base.cfg, e->format, ptr, out, err);
    if (mv_seq_new(out, MV_LIST, 0, err) < 0)
        return -1;
    for (mv_ssize i = 0; i < b->shape[dim]; i++) {
        unsigned char *p = mv_adjust_ptr(b, ptr + i * b->strides[dim], dim);
        if (tolist_rec(e, b, p, dim + 1, &item, err) < 0
            || mv_list_append(out, &item, err) < 0) {
            mv_value_clear(out);
            return -1;
        }
    }
    return 0;
}

/* bytes(obj) for bytes and bytearray; obj.tolist() for the others: the
   items, nested by dimension for an ndarray. */
static int exporter_contents(mv_exporter *e, mv_value *result, mv_error *err)
{
    mv_value item;
    mv_ssize n;

    if (e->base.type == MV_TYPE_BYTES || e->base.type == MV_TYPE_BYTEARRAY)
        return mv_bytes_new(result, e->data, (size_t)e->size, err);
    if (e->base.type != MV_TYPE_ARRAY) {
        mv_buffer layout = layout_of(e);

        if (!mv_struct_known(e->base.cfg, e->format))   /* complex, str */
            return mv_unsupported(err, "the items of a numpy array of "
                                  "format %s", e->format);
        return tolist_rec(e, &layout, layout.buf, 0, result, err);
    }
    if (mv_seq_new(result, MV_LIST, 0, err) < 0)
        return -1;
    n = nitems(e);
    for (mv_ssize i = 0; i < n; i++) {
        if (array_load(e, e->data + i * e->itemsize, &item, err) < 0
            || mv_list_append(result, &item, err) < 0) {
            mv_value_clear(result);
            return -1;
        }
    }
    return 0;
}

/* ---- the entry points ---------------------------------------------------------- */

/* The methods spec/protocol.md names, and which exporters have them: a
   call of one an exporter lacks is an AttributeError, an outcome like any
   other.  Bit 0x100 marks those added in 3.12 (__buffer__ and
   __release_buffer__), 0x200 array.clear (3.13). */
static bool has_method(const mv_exporter *e, const char *name)
{
    static const struct { const char *name; unsigned types; } table[] = {
        /* types: 1 bytes, 2 bytearray, 4 array, 8 ndarray, 16 numpy */
        { "hex", 1 | 2 }, { "count", 1 | 2 | 4 }, { "index", 1 | 2 | 4 },
        { "tolist", 4 | 8 | 16 }, { "tobytes", 4 | 8 | 16 },
        { "append", 2 | 4 }, { "extend", 2 | 4 }, { "pop", 2 | 4 | 8 },
        { "clear", 2 | 0x200 }, { "insert", 2 | 4 }, { "remove", 2 | 4 },
        { "reverse", 2 | 4 }, { "__iadd__", 2 | 4 | 16 },
        { "__imul__", 2 | 4 | 16 }, { "byteswap", 4 | 16 },
        { "frombytes", 4 }, { "__buffer__", 0x100 | 1 | 2 | 4 | 8 },
        { "__release_buffer__", 0x100 | 2 | 4 | 8 },
    };
    const mv_behaviour *b = &e->base.cfg->behaviour;
    unsigned type = 1u << e->base.type;   /* bytes .. numpy: 1 .. 16 */

    for (size_t i = 0; i < sizeof table / sizeof table[0]; i++) {
        unsigned t = table[i].types;
        if (strcmp(table[i].name, name) != 0)
            continue;
        if ((t & 0x100) && !b->has_buffer_methods)
            return false;
        if ((t & 0x200) && type == 4)   /* array.clear(), from 3.13 */
            return b->array_w_and_clear;
        return (t & type) != 0;
    }
    return false;
}

int exporter_call(const mv_value *obj, const char *method, const mv_args *a,
                  mv_value *result, mv_error *err)
{
    mv_exporter *e = mv_as_exporter(obj);

    if (e == NULL)
        return mv_unsupported(err, "%s.%s()", mv_type_name(obj), method);
    if (!has_method(e, method))
        return mv_raise(err, "AttributeError", "'%.50s' object has no "
                        "attribute '%.400s'", mv_type_qualname(obj), method);
    return methods_call(e, method, a, result, err);
}

int exporter_getitem(const mv_value *obj, const mv_value *key,
                     mv_value *result, mv_error *err)
{
    mv_exporter *e = mv_as_exporter(obj);

    if (e == NULL)
        return mv_unsupported(err, "%s[...]", mv_type_name(obj));
    return items_get(e, key, result, err);
}

int exporter_setitem(const mv_value *obj, const mv_value *key,
                     const mv_value *value, mv_error *err)
{
    mv_exporter *e = mv_as_exporter(obj);

    if (e == NULL)
        return mv_unsupported(err, "%s[...] = ...", mv_type_name(obj));
    return items_set(e, key, value, err);
}

int object_contents(const mv_value *obj, mv_value *result, mv_error *err)
{
    mv_exporter *e = mv_as_exporter(obj);

    if (obj->kind == MV_BYTES)
        return mv_value_copy(result, obj, err);
    if (e == NULL)
        return mv_unsupported(err, "the contents of %s", mv_type_name(obj));
    return exporter_contents(e, result, err);
}

/* ---- what _testbuffer and numpy accept ------------------------------------- */

/* The layout must address only the items' memory ([0, memlen)). */
static bool layout_fits(mv_ssize memlen, mv_ssize itemsize, mv_ssize offset,
                        int ndim, const mv_ssize *shape,
                        const mv_ssize *strides)
{
    mv_ssize lo = 0, hi = 0;

    if (ndim == 0)
        return offset >= 0 && offset + itemsize <= memlen;
    for (int d = 0; d < ndim; d++)
        if (strides[d] % itemsize)
            return false;
    for (int d = 0; d < ndim; d++)
        if (shape[d] == 0)
            return true;
    for (int d = 0; d < ndim; d++) {
        if (strides[d] <= 0)
            lo += (shape[d] - 1) * strides[d];
        else
            hi += (shape[d] - 1) * strides[d];
    }
    return lo + offset >= 0 && hi + offset + itemsize <= memlen;
}

/* Why _testbuffer.ndarray or numpy would refuse s, or NULL: the library
   builds only what they accept (reference/src/ndarray.c). */
const char *ndarray_refused(const mv_config *cfg, const mv_ndarray_spec *s,
                            bool numpy)
{
    mv_error err;
    mv_ssize n = 1, count, itemsize;

    if (s->ndim > MV_MAX_EXPORTER_NDIM)
        return "more than 128 dimensions";
    for (int d = 0; d < s->ndim; d++) {
        if (s->shape[d] < 0)
            return "a negative shape";
        n *= s->shape[d];
    }
    if (s->items->kind != MV_LIST && (s->ndim != 0 || numpy))
        return "items that are not a list";
    count = s->items->kind == MV_LIST ? (mv_ssize)s->items->as.seq.len : 1;
    if (numpy)
        return cfg->platform.word_size != 64 ? "numpy on 32 bits"
               : s->pil || s->has_strides || s->offset != 0 ? "numpy flags"
               : count != n ? "items that do not fill the shape" : NULL;
    if (s->pil && s->ndim == 0)
        return "ND_PIL with no dimension";
    if (count == 0 || (s->has_strides && s->fortran))
        return "no items, or strides with ND_FORTRAN";
    if (!mv_struct_known(cfg, s->format))
        return "a format struct refuses";
    itemsize = mv_struct_calcsize(cfg, s->format, &err);
    if (itemsize <= 0)
        return "a format struct refuses";
    if (s->offset < 0 || s->offset % itemsize)
        return "an offset that is not a multiple of the itemsize";
    if (!s->has_strides) {
        mv_ssize strides[MV_MAX_EXPORTER_NDIM];
        mv_strides_from_shape(s->ndim, s->shape, itemsize,
                              s->fortran ? 'F' : 'C', strides);
        return layout_fits(count * itemsize, itemsize, s->offset, s->ndim,
                           s->shape, strides) ? NULL
               : "shape and offset beyond the items";
    }
    return layout_fits(count * itemsize, itemsize, s->offset, s->ndim,
                       s->shape, s->strides) ? NULL
           : "strides beyond the items";
}

/* Why array.array would refuse this typecode and these items, or NULL:
   the library builds only what array accepted (reference/src/export.c).
   CONSTRUCT-004: 'w' exists from Python 3.13 on; 'u' and 'w' take a str,
   the others a list.  An item out of its typecode's range is left to the
   library's own invariant: no recorded case holds one. */
const char *array_refused(const mv_config *cfg, const char *typecode,
                          const mv_value *items)
{
    bool characters;

    if (typecode[0] == '\0' || typecode[1] != '\0'
        || strchr("uwbBhHiIlLqQfd", typecode[0]) == NULL)
        return "a typecode array does not know";
    if (typecode[0] == 'w' && !cfg->behaviour.array_w_and_clear)
        return "typecode 'w', which array has from Python 3.13 on";
    characters = typecode[0] == 'u' || typecode[0] == 'w';
    if (items->kind != (characters ? MV_STR : MV_LIST))
        return characters ? "items that are not a str" : "items that are not a list";
    return NULL;
}
