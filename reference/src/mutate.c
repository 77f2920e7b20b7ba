/*
 * mutate.c -- changing an exporter directly: ba[0] = 104, ba.append(1),
 * a.pop(), and the rest of the bytearray and array methods the cases use.
 *
 * These are here because of one rule, EXPORT-003: memory that is lent out
 * must not move.  A change that keeps the size (ba[0] = 104, reverse())
 * is always allowed, and every view sees it at once, because views hold
 * no copy (EXPORT-002).  A change of size asks mv_exporter_can_resize()
 * first and fails with BufferError while any view is unreleased; a change
 * to the same size is no resize and is allowed (ba += b'').
 *
 * Each method converts and checks its arguments before it asks to resize,
 * as CPython does, so a bad argument is reported before a BufferError.
 * Only the methods and argument types the suite uses are modelled; anything
 * else is MV_UNSUPPORTED rather than a guess.
 */
#include <math.h>
#include <stdio.h>

#include "mvint.h"

/* ---- array items -------------------------------------------------------- */

static int array_type_error(const mv_config *cfg, char typecode,
                            const mv_value *v, mv_error *err)
{
    if (!cfg->behaviour.legacy_int_message)
        return mv_raise(err, "TypeError", "'%.200s' object cannot be "
                        "interpreted as an integer", mv_type_qualname(v));
    if (typecode == 'Q')
        return mv_raise(err, "TypeError", "array item must be integer");
    if (typecode == 'b' && v->kind == MV_FLOAT)
        return mv_raise(err, "TypeError", "integer argument expected, got float");
    if (typecode == 'b')
        return mv_raise(err, "TypeError", "an integer is required (got type "
                        "%.200s)", mv_type_qualname(v));
    return mv_unsupported(err, "3.9 array item type errors");
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
int mv_array_store(mv_exporter *e, unsigned char *ptr, const mv_value *item,
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

int mv_array_load(mv_exporter *e, const unsigned char *ptr, mv_value *out,
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

/* Bytes to add from an argument that lends a buffer. */
static int buffer_bytes(const mv_config *cfg, const mv_value *v,
                        mv_value *out, mv_error *err)
{
    mv_buffer b;
    int status;

    if (mv_getbuffer(cfg, v, &b, MV_BUF_FULL_RO, err) < 0)
        return -1;
    status = mv_buffer_tobytes(&b, out, err);
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

static int bytearray_extend(mv_exporter *e, const mv_value *arg, bool iadd,
                            mv_error *err)
{
    const mv_config *cfg = e->base.cfg;
    mv_value bytes;
    int status;

    if (arg->kind == MV_LIST && !iadd) {
        /* every item is converted before the one resize */
        if (mv_bytes_new(&bytes, NULL, 0, err) < 0)
            return -1;
        mv_free(bytes.as.bytes.data);
        bytes.as.bytes.data = mv_alloc(arg->as.seq.len);
        if (bytes.as.bytes.data == NULL) {
            bytes = mv_none();
            return mv_no_memory(err);
        }
        bytes.as.bytes.len = arg->as.seq.len;
        for (size_t i = 0; i < arg->as.seq.len; i++) {
            if (byte_value(cfg, &arg->as.seq.items[i],
                           &bytes.as.bytes.data[i], err) < 0) {
                mv_value_clear(&bytes);
                return -1;
            }
        }
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
    mv_ssize n = e->size, i;
    unsigned char c;
    int status;

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
        i = -1;
        if (nargs == 1 && index_arg(cfg, arg[0], &i, err) < 0)
            return -1;
        if (n == 0)
            return mv_raise(err, "IndexError", "pop from empty bytearray");
        if (i < 0)
            i += n;
        if (i < 0 || i >= n)
            return mv_raise(err, "IndexError", "pop index out of range");
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
        status = bytearray_extend(e, arg[0], m[0] == '_', err);
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
            if ((status = mv_array_store(e, tmp, &item, err)) == 0
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
        if (mv_array_store(e, tmp, &arg->as.seq.items[k], err) < 0
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
        if (mv_array_store(e, tmp, arg[0], err) < 0
            || resize_at(e, n, 1, err) < 0)
            return -1;
        memcpy(e->data + n * size, tmp, (size_t)size);
        return 0;
    }
    if (strcmp(m, "insert") == 0 && nargs == 2) {
        if (index_arg(cfg, arg[0], &i, err) < 0
            || mv_array_store(e, tmp, arg[1], err) < 0)
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
        i = -1;
        if (nargs == 1 && index_arg(cfg, arg[0], &i, err) < 0)
            return -1;
        if (n == 0)
            return mv_raise(err, "IndexError", "pop from empty array");
        if (i < 0)
            i += n;
        if (i < 0 || i >= n)
            return mv_raise(err, "IndexError", "pop index out of range");
        if (mv_array_load(e, e->data + i * size, &v, err) < 0)
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
            if (mv_array_load(e, e->data + i * size, &v, err) < 0)
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
    if (strcmp(m, "tolist") == 0 && nargs == 0)
        return mv_exporter_contents(e, result, err);
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
int mv_exporter_call(mv_exporter *e, const char *method, const mv_args *a,
                     mv_value *result, mv_error *err)
{
    const mv_value *arg[4];

    if (a->nkwargs > 0 || a->nargs > 4)
        return mv_unsupported(err, "keyword arguments to %s.%s",
                              mv_exporter_name(e), method);
    for (size_t i = 0; i < a->nargs; i++)
        arg[i] = &a->args[i];
    if (e->base.type == MV_TYPE_BYTEARRAY)
        return bytearray_call(e, method, arg, a->nargs, result, err);
    if (e->base.type == MV_TYPE_ARRAY)
        return array_call(e, method, arg, a->nargs, result, err);
    return mv_unsupported(err, "%s.%s", mv_exporter_name(e), method);
}

/* ---- items of an exporter ------------------------------------------------------ */

static const char *seq_name(const mv_exporter *e)
{
    return mv_exporter_name(e);
}

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
    mv_ssize i;

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

    if (mv_bytes_new(out, NULL, 0, err) < 0)
        return -1;
    mv_free(out->as.bytes.data);
    out->as.bytes.data = mv_alloc((size_t)(count * size));
    if (out->as.bytes.data == NULL) {
        *out = mv_none();
        return mv_no_memory(err);
    }
    out->as.bytes.len = (size_t)(count * size);
    for (mv_ssize k = 0; k < count; k++)
        memcpy(out->as.bytes.data + k * size,
               e->data + (start + k * step) * size, (size_t)size);
    return 0;
}

/* x[key] for bytes, bytearray and array. */
int mv_exporter_getitem(mv_exporter *e, const mv_value *key, mv_value *result,
                        mv_error *err)
{
    static const char *const range[] = {
        "index out of range", "bytearray index out of range",
        "array index out of range"
    };
    mv_ssize n, i, start, stop, step, len;
    mv_value bytes;
    int status;

    if (e->base.type > MV_TYPE_ARRAY)
        return mv_unsupported(err, "%s[...]", seq_name(e));
    n = nitems(e);
    if (mv_is_index(key)) {
        if (item_index(e, key, n, range[e->base.type], &i, err) < 0)
            return -1;
        if (e->base.type == MV_TYPE_ARRAY)
            return mv_array_load(e, e->data + i * e->itemsize, result, err);
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
        status = mv_array_from_bytes(e, &bytes, result, err);
    mv_value_clear(&bytes);
    return status;
}

/* The bytes a bytearray slice is assigned from. */
static int bytearray_source(const mv_config *cfg, const mv_value *value,
                            mv_value *out, mv_error *err)
{
    if (value->kind == MV_LIST || value->kind == MV_TUPLE) {
        if (mv_bytes_new(out, NULL, 0, err) < 0)
            return -1;
        mv_free(out->as.bytes.data);
        out->as.bytes.data = mv_alloc(value->as.seq.len);
        if (out->as.bytes.data == NULL) {
            *out = mv_none();
            return mv_no_memory(err);
        }
        out->as.bytes.len = value->as.seq.len;
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
    if (value == NULL)
        return delete_slice(e, start, step, len, err);
    if ((array ? array_source(e, value, &src, err)
               : bytearray_source(cfg, value, &src, err)) < 0)
        return -1;
    m = (mv_ssize)src.as.bytes.len / size;
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

/* n[i] = value for a one-dimensional ndarray or numpy array (EXPORT-002):
   the item is packed as the struct module packs it.  Other keys, and
   values the packing refuses, are not modelled. */
static int ndarray_setitem(mv_exporter *e, const mv_value *key,
                           const mv_value *value, mv_error *err)
{
    bool numpy = e->base.type == MV_TYPE_NUMPY;
    unsigned char tmp[64];
    mv_ssize i, n;

    if (e->readonly && value != NULL)
        return numpy ? mv_raise(err, "ValueError",
                                "assignment destination is read-only")
                     : mv_raise(err, "TypeError", "ndarray is not writable");
    if (value == NULL || e->ndim != 1 || !mv_is_index(key)
        || e->suboffsets != NULL || e->itemsize > (mv_ssize)sizeof tmp
        || (value->kind != MV_INT && value->kind != MV_FLOAT))
        return mv_unsupported(err, "this assignment to an ndarray");
    if (mv_as_ssize(e->base.cfg, key, "IndexError", &i, err) < 0)
        return -1;
    n = e->shape[0];
    if (i < -n || i >= n)
        return numpy ? mv_raise(err, "IndexError", "index %lld is out of "
                                "bounds for axis 0 with size %lld",
                                (long long)i, (long long)n)
                     : mv_raise(err, "IndexError", "index out of bounds");
    if (i < 0)
        i += n;
    if (mv_struct_pack(e->base.cfg, e->format, tmp, value, err) < 0)
        return -1;
    memcpy(e->data + e->offset + i * e->strides[0], tmp, (size_t)e->itemsize);
    return 0;
}

/* x[key] = value for bytearray and array, seen by every view (EXPORT-002);
   value NULL deletes, a resize (EXPORT-003). */
int mv_exporter_setitem(mv_exporter *e, const mv_value *key,
                        const mv_value *value, mv_error *err)
{
    const mv_config *cfg = e->base.cfg;
    bool array = e->base.type == MV_TYPE_ARRAY;
    const char *range = array ? "array assignment index out of range"
                              : "bytearray index out of range";
    unsigned char tmp[8];
    mv_ssize i;

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
        if (mv_array_store(e, tmp, value, err) < 0)
            return -1;
        memcpy(e->data + i * e->itemsize, tmp, (size_t)e->itemsize);
        return 0;
    }
    return byte_value(cfg, value, &e->data[i], err);
}

int mv_exporter_len(mv_exporter *e, mv_ssize *n, mv_error *err)
{
    if (e->base.type > MV_TYPE_ARRAY)
        return mv_unsupported(err, "len() of %s", mv_exporter_name(e));
    *n = nitems(e);
    return 0;
}
