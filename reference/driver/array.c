/*
 * array.c -- an array.array, as the cases use it: its items and slices,
 * read and written under its typecode, and its methods, with array's own
 * checks and messages (which are not memoryview's: 3.9's differ again).
 * An array counts more as resizing than a bytearray does (EXPORT-011).
 */
#include "exporters.h"
#include "chapters.h"
#include "formats.h"
#include "refcount.h"
#include "value.h"

/* A value an integer typecode refuses.  3.9 converted b h i l q with
   PyArg_Parse, whose messages were its own; I and L went through
   __index__, Q checked for an int itself. */
static int array_type_error(const mv_config *cfg, char typecode,
                            const mv_value *v, mv_error *err)
{
    bool parsed = strchr("bBhHilq", typecode) != NULL;

    if (cfg->behaviour.legacy_int_message && typecode == 'Q')
        return mv_raise(err, NULL, "TypeError", "array item must be integer");
    if (cfg->behaviour.legacy_int_message && parsed && v->kind == MV_FLOAT)
        return mv_raise(err, NULL, "TypeError", "integer argument expected, got float");
    if (cfg->behaviour.legacy_int_message && parsed)
        return mv_raise(err, NULL, "TypeError", "an integer is required (got type "
                        "%.200s)", mv_type_qualname(v));
    return mv_raise(err, NULL, "TypeError", "'%.200s' object cannot be interpreted "
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
            return mv_raise(err, NULL, "OverflowError", "%s is %s", names[i].name,
                            negative ? "less than minimum"
                                     : "greater than maximum");
    switch (typecode) {
    case 'I':
        return mv_raise(err, NULL, "OverflowError", negative
                        ? "can't convert negative value to unsigned int"
                        : "unsigned int is greater than maximum");
    case 'l':
        if (cfg->platform.sizeof_long != 8)
            return mv_unsupported(err, "array 'l' on a 32-bit platform");
        return mv_raise(err, NULL, "OverflowError",
                        "Python int too large to convert to C long");
    case 'L':
        if (cfg->platform.sizeof_long != 8)
            return mv_unsupported(err, "array 'L' on a 32-bit platform");
        return mv_raise(err, NULL, "OverflowError", negative
                        ? "can't convert negative value to unsigned int"
                        : "Python int too large to convert to C unsigned long");
    case 'q':
        return mv_raise(err, NULL, "OverflowError", "int too big to convert");
    default:
        assert(typecode == 'Q');
        return mv_raise(err, NULL, "OverflowError", negative
                        ? "can't convert negative int to unsigned"
                        : "int too big to convert");
    }
}

/* Store one item as array's own __setitem__ would, for an array of this
   typecode; nothing is written on error.  Its checks and messages are
   array's, not memoryview's. */
static int store_item(const mv_config *cfg, char code, unsigned char *ptr,
                      const mv_value *item, mv_error *err)
{
    mv_error ignored;
    double d;

    switch (code) {
    case 'f': case 'd':
        if (item->kind != MV_FLOAT && !mv_is_index(item))
            return mv_raise(err, NULL, "TypeError", "must be real number, not %.50s",
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

static int array_store(mv_exporter *e, unsigned char *ptr, const mv_value *item,
                       mv_error *err)
{
    return store_item(e->base.cfg, e->typecode, ptr, item, err);
}

static int array_load(mv_exporter *e, const unsigned char *ptr, mv_value *out,
                      mv_error *err)
{
    if (e->typecode == 'u' || e->typecode == 'w')
        return mv_unsupported(err, "array of characters");
    return mv_unpack_native(e->base.cfg, e->typecode, ptr, out, err);
}

/* a.tolist() */
static int array_contents(mv_exporter *e, mv_value *result, mv_error *err)
{
    mv_value item;
    mv_ssize n;

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
            return mv_raise(err, NULL, "TypeError",
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
        return mv_raise(err, NULL, "TypeError", "can only extend array with array "
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
        return mv_raise(err, NULL, "TypeError", "'%.200s' object is not iterable",
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
        return mv_raise(err, NULL, "ValueError", "array.remove(x): x not in array");
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
            return mv_raise(err, NULL, "ValueError",
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
        return array_contents(e, result, err);
    if (strcmp(m, "tobytes") == 0 && nargs == 0)
        return memory_bytes(e, result, err);
    if (strcmp(m, "__imul__") == 0 && nargs == 1) {
        if (index_arg(cfg, arg[0], &i, err) < 0)
            return -1;
        if (i < 0)
            i = 0;
        /* as CPython: more items, or bytes, than Py_ssize_t holds */
        if (i > 1 && e->size > cfg->platform.ssize_max / i)
            return mv_no_memory(err);
        if (n > 0 && resize_to(e, n * i, err) < 0)
            return -1;
        repeat_in_place(e, n * size);
        *result = mv_object_value(&e->base);
        return 0;
    }
    return mv_unsupported(err, "array.%s with %zu arguments", m, nargs);
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

/* a[i] is an item, a[a:b:c] a new array. */
static int array_getitem(mv_exporter *e, const mv_value *key, mv_value *result,
                         mv_error *err)
{
    mv_ssize i = 0;
    mv_value bytes;
    bool slice;
    int status;

    if (select_items(e, key, "array index out of range", &i, &bytes, &slice,
                     err) < 0)
        return -1;
    if (!slice)
        return array_load(e, e->data + i * e->itemsize, result, err);
    status = array_from_bytes(e, &bytes, result, err);
    mv_value_clear(&bytes);
    return status;
}

/* The bytes an array slice is assigned from: an array of its typecode. */
static int array_source(const mv_exporter *e, const mv_value *value,
                        mv_value *out, mv_error *err)
{
    const mv_exporter *src = mv_as_exporter(value);

    if (src == NULL || src->base.type != MV_TYPE_ARRAY)
        return mv_raise(err, NULL, "TypeError", "can only assign array (not "
                        "\"%.200s\") to array slice", mv_type_qualname(value));
    if (src->typecode != e->typecode)
        return mv_raise(err, NULL, "TypeError",
                        "bad argument type for built-in operation");
    return mv_bytes_new(out, src->data, (size_t)src->size, err);
}

/* a[key] = value, seen by every view (EXPORT-002); value NULL deletes, a
   resize (EXPORT-004). */
static int array_setitem(mv_exporter *e, const mv_value *key,
                         const mv_value *value, mv_error *err)
{
    unsigned char tmp[8];
    mv_ssize i = 0;

    if (key->kind == MV_SLICE)
        return assign_slice_items(e, key, value, array_source, true, err);
    if (!mv_is_index(key))
        return bad_key(e, key, err);
    if (item_index(e, key, nitems(e), "array assignment index out of range",
                   &i, err) < 0)
        return -1;
    if (value == NULL)
        return resize_at(e, i, -1, err);
    if (array_store(e, tmp, value, err) < 0)
        return -1;
    memcpy(e->data + i * e->itemsize, tmp, (size_t)e->itemsize);
    return 0;
}

const exporter_kind array_kind = {
    array_call, array_getitem, array_setitem, array_contents
};

/* Whether array.array would refuse this typecode and these items, or
   the driver does (they would take more than a case may); if so, why.
   The library builds only what array accepted (reference/src/array.c).
   CONSTRUCT-004: 'w' exists from Python 3.13 on; 'u' and 'w' take a str,
   the others a list, each item of which array converts as it stores it,
   with its own exceptions. */
bool array_refused(const mv_config *cfg, const char *typecode,
                   const mv_value *items, char *why, size_t size)
{
    unsigned char tmp[8];
    mv_error err;
    bool characters;
    size_t n;

    if (typecode[0] == '\0' || typecode[1] != '\0'
        || strchr("uwbBhHiIlLqQfd", typecode[0]) == NULL)
        return refuse(why, size, "a typecode array does not know");
    if (typecode[0] == 'w' && !cfg->behaviour.array_w_and_clear)
        return refuse(why, size, "typecode 'w', which array has from "
                      "Python 3.13 on");
    characters = typecode[0] == 'u' || typecode[0] == 'w';
    if (items->kind != (characters ? MV_STR : MV_LIST))
        return refuse(why, size, characters ? "items that are not a str"
                      : "items that are not a list");
    n = characters ? mv_str_code_points(items, NULL, 0) : items->as.seq.len;
    if (n > CASE_BYTES / 8)
        return refuse(why, size, "%zu items, beyond the driver's limit of "
                      "%zu bytes a case", n, CASE_BYTES);
    for (size_t i = 0; !characters && i < n; i++)
        if (store_item(cfg, typecode[0], tmp, &items->as.seq.items[i],
                       &err) < 0)
            return err.failure == MV_RAISED
                   ? refuse(why, size, "array.array raises %s: %s", err.type,
                            err.message)
                   : refuse(why, size, "%s", err.message);
    return false;
}
