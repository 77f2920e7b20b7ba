/*
 * bytearray.c -- a bytearray, as the cases use it: its items and slices,
 * read and written, and the methods that change its length, each of which
 * converts its arguments before it asks to resize (EXPORT-006).
 */
#include "exporters.h"
#include "abstract.h"
#include "refcount.h"
#include "value.h"

/* A byte for a bytearray: an int in range(256). */
static int byte_value(const mv_value *v, unsigned char *out, mv_error *err)
{
    int64_t i;

    if (!mv_is_index(v))
        return mv_raise(err, NULL, "TypeError", "'%.200s' object cannot be "
                        "interpreted as an integer", mv_type_qualname(v));
    if (!mv_int_to_i64(v, &i) || i < 0 || i > 255)
        return mv_raise(err, NULL, "ValueError", "byte must be in range(0, 256)");
    *out = (unsigned char)i;
    return 0;
}

/* The bytes a bytearray slice is assigned from, or extended with. */
static int bytearray_source(const mv_exporter *e, const mv_value *value,
                            mv_value *out, mv_error *err)
{
    if (value->kind == MV_LIST || value->kind == MV_TUPLE) {
        if (mv_bytes_zeroed(out, value->as.seq.len, err) < 0)
            return -1;
        for (size_t i = 0; i < value->as.seq.len; i++)
            if (byte_value(&value->as.seq.items[i], &out->as.bytes.data[i],
                           err) < 0) {
                mv_value_clear(out);
                return -1;
            }
        return 0;
    }
    if (value->kind != MV_BYTES && value->kind != MV_OBJECT)
        return mv_raise(err, NULL, "TypeError", "can assign only bytes, buffers, or "
                        "iterables of ints in range(0, 256)");
    return buffer_bytes(e->base.cfg, value, out, err);
}

static int insert_bytes(mv_exporter *e, mv_ssize at, const mv_value *bytes,
                        mv_error *err)
{
    mv_ssize n = (mv_ssize)bytes->as.bytes.len;

    if (resize_at(e, at, n, err) < 0)
        return -1;
    if (n > 0)
        memcpy(e->data + at, bytes->as.bytes.data, (size_t)n);
    return 0;
}

/* ba.extend(x), or ba += x (iadd) */
static int bytearray_extend(mv_exporter *e, const mv_value *arg, bool iadd,
                            mv_error *err)
{
    mv_value bytes;
    int status;

    if (arg->kind == MV_LIST && !iadd) {
        /* every item is converted before the one resize */
        if (bytearray_source(e, arg, &bytes, err) < 0)
            return -1;
        status = insert_bytes(e, e->size, &bytes, err);
        mv_value_clear(&bytes);
        return status;
    }
    if (arg->kind != MV_BYTES && arg->kind != MV_OBJECT) {
        if (iadd)
            return mv_raise(err, NULL, "TypeError", "can't concat %.100s to "
                            "bytearray", mv_type_qualname(arg));
        return mv_unsupported(err, "bytearray.extend(%s)", mv_type_name(arg));
    }
    if (buffer_bytes(e->base.cfg, arg, &bytes, err) < 0)
        return -1;
    status = insert_bytes(e, e->size, &bytes, err);
    mv_value_clear(&bytes);
    return status;
}

/* EXPORT-006: each method checks its arguments, then resizes (which
   refuses while the memory is lent: EXPORT-003) only when it must. */
static int bytearray_call(mv_exporter *e, const char *m,
                          const mv_value **arg, size_t nargs, mv_value *result,
                          mv_error *err)
{
    const mv_config *cfg = e->base.cfg;
    mv_ssize n = e->size, i = 0;
    unsigned char c = 0;

    *result = mv_none();
    if (strcmp(m, "append") == 0 && nargs == 1) {
        if (byte_value(arg[0], &c, err) < 0          /* EXPORT-006 */
            || resize_at(e, n, 1, err) < 0)
            return -1;
        e->data[n] = c;
        return 0;
    }
    if (strcmp(m, "insert") == 0 && nargs == 2) {
        if (index_arg(cfg, arg[0], &i, err) < 0
            || byte_value(arg[1], &c, err) < 0)
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
        if (byte_value(arg[0], &c, err) < 0)
            return -1;
        for (i = 0; i < n && e->data[i] != c; i++)
            ;
        if (i == n)
            return mv_raise(err, NULL, "ValueError", "value not found in bytearray");
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
        repeat_in_place(e, n);
        *result = mv_object_value(&e->base);
        return 0;
    }
    return mv_unsupported(err, "bytearray.%s with %zu arguments", m, nargs);
}

/* ba[i] is an int, ba[a:b:c] a new bytearray. */
static int bytearray_getitem(mv_exporter *e, const mv_value *key,
                             mv_value *result, mv_error *err)
{
    mv_ssize i = 0;
    mv_value bytes;
    bool slice;
    int status;

    if (select_items(e, key, "bytearray index out of range", &i, &bytes,
                     &slice, err) < 0)
        return -1;
    if (!slice) {
        *result = mv_int_from_i64(e->data[i]);
        return 0;
    }
    status = mv_bytearray_object(e->base.cfg, bytes.as.bytes.data,
                                 bytes.as.bytes.len, result, err);
    mv_value_clear(&bytes);
    return status;
}

/* ba[key] = value, seen by every view (EXPORT-002); value NULL deletes, a
   resize (EXPORT-003). */
static int bytearray_setitem(mv_exporter *e, const mv_value *key,
                             const mv_value *value, mv_error *err)
{
    unsigned char tmp[8];
    mv_ssize i = 0;

    if (key->kind == MV_SLICE)
        return assign_slice_items(e, key, value, bytearray_source, false, err);
    if (!mv_is_index(key))
        return bad_key(e, key, err);
    /* since 3.10 a bytearray converts the value before the index */
    if (value != NULL && e->base.cfg->behaviour.bytearray_value_first
        && byte_value(value, tmp, err) < 0)
        return -1;
    if (item_index(e, key, nitems(e), "bytearray index out of range", &i,
                   err) < 0)
        return -1;
    if (value == NULL)
        return resize_at(e, i, -1, err);
    return byte_value(value, &e->data[i], err);
}

const exporter_kind bytearray_kind = {
    bytearray_call, bytearray_getitem, bytearray_setitem, memory_bytes
};
