/*
 * exporters.c -- what the cases do to exporters themselves (exporters.h
 * says why it is the driver's and not the library's): the entry points of
 * driver.h, which find the exporter's kind (bytes.c, bytearray.c, array.c,
 * ndarray.c) and call it, and the helpers the one-dimensional exporters
 * share: resizing, indices, and slices of items.
 */
#include <stdarg.h>
#include <stdio.h>

#include "exporters.h"
#include "abstract.h"
#include "chapters.h"
#include "refcount.h"
#include "value.h"

/* ---- what the one-dimensional exporters share -------------------------------- */

mv_ssize nitems(const mv_exporter *e)
{
    return e->size / e->itemsize;
}

int resize_at(mv_exporter *e, mv_ssize i, mv_ssize n, mv_error *err)
{
    mv_ssize at = i * e->itemsize, by, size;   /* i: an index of e's */
    mv_ssize old = e->size;

    if (n == 0)
        return 0;
    if (mv_exporter_can_resize(e, err) < 0)
        return -1;
    /* a size beyond Py_ssize_t is CPython's MemoryError too */
    if (mv_ckd_mul(&by, n, e->itemsize) || mv_ckd_add(&size, old, by)
        || size > e->base.cfg->platform.ssize_max)
        return mv_no_memory(err);
    if (by < 0)
        memmove(e->data + at, e->data + at - by, (size_t)(old - at + by));
    if (mv_exporter_resize(e, size, err) < 0)
        return -1;
    if (by > 0) {
        memmove(e->data + at + by, e->data + at, (size_t)(old - at));
        memset(e->data + at, 0, (size_t)by);
    }
    return 0;
}

int resize_to(mv_exporter *e, mv_ssize count, mv_error *err)
{
    mv_ssize n = nitems(e);

    return count < n ? resize_at(e, count, count - n, err)
                     : resize_at(e, n, count - n, err);
}

/* The copies double what is filled each time: log2(k) calls, however
   large k is.  (A call per copy once ran 2**62 times over an empty
   bytearray, ba *= 2**62, as CPython 3.10 and older do too: a hang.) */
void repeat_in_place(mv_exporter *e, mv_ssize unit)
{
    mv_ssize filled = unit;

    if (unit == 0)
        return;
    while (filled < e->size) {
        mv_ssize n = filled < e->size - filled ? filled : e->size - filled;
        memcpy(e->data + filled, e->data, (size_t)n);
        filled += n;
    }
}

mv_ssize clamp_index(mv_ssize i, mv_ssize n)
{
    if (i < 0)
        i = i + n < 0 ? 0 : i + n;
    return i > n ? n : i;
}

int index_arg(const mv_config *cfg, const mv_value *v, mv_ssize *out,
              mv_error *err)
{
    return mv_as_ssize(cfg, v, "OverflowError", NULL, out, err);
}

int pop_index(const mv_config *cfg, const mv_value **arg, size_t nargs,
              mv_ssize n, const char *what, mv_ssize *out, mv_error *err)
{
    mv_ssize i = -1;

    if (nargs == 1 && index_arg(cfg, arg[0], &i, err) < 0)
        return -1;
    if (n == 0)
        return mv_raise(err, NULL, "IndexError", "pop from empty %s", what);
    if (i < 0)
        i += n;
    if (i < 0 || i >= n)
        return mv_raise(err, NULL, "IndexError", "pop index out of range");
    *out = i;
    return 0;
}

int buffer_bytes(const mv_config *cfg, const mv_value *v, mv_value *out,
                 mv_error *err)
{
    mv_buffer b;
    int status;

    if (mv_getbuffer(cfg, v, &b, MV_BUF_FULL_RO, NULL, err) < 0)
        return -1;
    status = mv_buffer_tobytes(&b, 'C', out, err);
    mv_releasebuffer(&b);
    return status;
}

int memory_bytes(mv_exporter *e, mv_value *result, mv_error *err)
{
    return mv_bytes_new(result, e->data, (size_t)e->size, err);
}

bool refuse(char *why, size_t size, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(why, size, fmt, ap);
    va_end(ap);
    return true;
}

/* ---- items and slices of items ------------------------------------------------- */

int bad_key(const mv_exporter *e, const mv_value *key, mv_error *err)
{
    if (e->base.type == MV_TYPE_ARRAY)
        return mv_raise(err, NULL, "TypeError", "array indices must be integers");
    return mv_raise(err, NULL, "TypeError", "%s indices must be integers or slices, "
                    "not %.200s", e->base.type == MV_TYPE_BYTES ? "byte"
                    : "bytearray", mv_type_qualname(key));
}

int item_index(const mv_exporter *e, const mv_value *key, mv_ssize n,
               const char *message, mv_ssize *out, mv_error *err)
{
    mv_ssize i = 0;

    if (mv_as_ssize(e->base.cfg, key, "IndexError", NULL, &i, err) < 0)
        return -1;
    if (i < 0)
        i += n;
    if (i < 0 || i >= n)
        return mv_raise(err, NULL, "IndexError", "%s", message);
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

int select_items(mv_exporter *e, const mv_value *key, const char *range,
                 mv_ssize *index, mv_value *bytes, bool *slice,
                 mv_error *err)
{
    mv_ssize n = nitems(e), start = 0, stop = 0, step = 1, len;

    *slice = false;
    if (mv_is_index(key))
        return item_index(e, key, n, range, index, err);
    if (key->kind != MV_SLICE)
        return bad_key(e, key, err);
    if (mv_slice_unpack(e->base.cfg, key, &start, &stop, &step, err) < 0)
        return -1;
    len = mv_slice_adjust(n, &start, &stop, step);
    if (gather(e, start, step, len, bytes, err) < 0)
        return -1;
    *slice = true;
    return 0;
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

/* del ba[start:stop:step] of a bytearray (EXPORT-006): an extended slice
   (a step other than 1) asks to resize before anything else, even when it
   selects no item; a contiguous range only when it has items. */
static int delete_bytearray_slice(mv_exporter *e, mv_ssize start, mv_ssize step,
                                  mv_ssize len, mv_error *err)
{
    if (step != 1 && mv_exporter_can_resize(e, err) < 0)
        return -1;
    return delete_slice(e, start, step, len, err);
}

int assign_slice_items(mv_exporter *e, const mv_value *key,
                       const mv_value *value, slice_source source, bool array,
                       mv_error *err)
{
    const mv_config *cfg = e->base.cfg;
    mv_ssize n = nitems(e), size = e->itemsize, start, stop, step, len, m;
    mv_value src;
    int status;

    if (mv_slice_unpack(cfg, key, &start, &stop, &step, err) < 0)
        return -1;
    len = mv_slice_adjust(n, &start, &stop, step);
    if (value == NULL && !array)
        return delete_bytearray_slice(e, start, step, len, err);
    if (value != NULL && source(e, value, &src, err) < 0)
        return -1;
    m = value ? (mv_ssize)src.as.bytes.len / size : 0;
    /* EXPORT-006: a bytearray deletes an extended slice assigned nothing
       (ba[::2] = b'' is del ba[::2]) */
    if (!array && step != 1 && m == 0) {
        mv_value_clear(&src);
        return delete_bytearray_slice(e, start, step, len, err);
    }
    /* EXPORT-004, EXPORT-011: an array refuses, while lent, any slice
       assignment that deletes or changes its size, even an empty
       deletion */
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
        status = mv_raise(err, NULL, "ValueError", "attempt to assign %s of size "
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

/* ---- the entry points ---------------------------------------------------------- */

static const exporter_kind *kind_of(const mv_exporter *e)
{
    static const exporter_kind *const kinds[] = {
        &bytes_kind, &bytearray_kind, &array_kind, &ndarray_kind,
        &ndarray_kind
    };
    return kinds[e->base.type];
}

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

/* The methods of bytearray and array, called with positional arguments. */
int exporter_call(const mv_value *obj, const char *method, const mv_args *a,
                  mv_value *result, mv_error *err)
{
    mv_exporter *e = mv_as_exporter(obj);
    const mv_value *arg[4];

    if (e == NULL)
        return mv_unsupported(err, "%s.%s()", mv_type_name(obj), method);
    if (!has_method(e, method))
        return mv_raise(err, NULL, "AttributeError", "'%.50s' object has no "
                        "attribute '%.400s'", mv_type_qualname(obj), method);
    if (a->nkwargs > 0 || a->nargs > 4)
        return mv_unsupported(err, "keyword arguments to %s.%s",
                              mv_object_name(&e->base, false), method);
    for (size_t i = 0; i < a->nargs; i++)
        arg[i] = &a->args[i];
    if (kind_of(e)->call == NULL)
        return mv_unsupported(err, "%s.%s", mv_object_name(&e->base, false),
                              method);
    return kind_of(e)->call(e, method, arg, a->nargs, result, err);
}

int exporter_getitem(const mv_value *obj, const mv_value *key,
                     mv_value *result, mv_error *err)
{
    mv_exporter *e = mv_as_exporter(obj);

    if (e == NULL)
        return mv_unsupported(err, "%s[...]", mv_type_name(obj));
    return kind_of(e)->getitem(e, key, result, err);
}

int exporter_setitem(const mv_value *obj, const mv_value *key,
                     const mv_value *value, mv_error *err)
{
    mv_exporter *e = mv_as_exporter(obj);

    if (e == NULL)
        return mv_unsupported(err, "%s[...] = ...", mv_type_name(obj));
    return kind_of(e)->setitem(e, key, value, err);
}

int object_contents(const mv_value *obj, mv_value *result, mv_error *err)
{
    mv_exporter *e = mv_as_exporter(obj);

    if (obj->kind == MV_BYTES)
        return mv_value_copy(result, obj, err);
    if (e == NULL)
        return mv_unsupported(err, "the contents of %s", mv_type_name(obj));
    return kind_of(e)->contents(e, result, err);
}
