/*
 * exporter.c -- the objects that own memory and lend it: bytes, bytearray,
 * array.array (here), _testbuffer.ndarray and numpy.ndarray (ndarray.c).
 *
 * All of them sit behind one interface, the buffer protocol's:
 *
 *   mv_exporter_getbuffer()      lend the memory, described as an mv_buffer,
 *                                and count the loan (exports += 1);
 *   mv_exporter_releasebuffer()  take it back (exports -= 1);
 *   mv_exporter_can_resize()     the question every operation that would
 *                                move or resize the memory asks first: while
 *                                any loan is outstanding, the answer is a
 *                                BufferError (EXPORT-003), because a view
 *                                would be left pointing at freed memory.
 *
 * An exporter is reference counted like every object.  Lending does not
 * take a reference by itself; the mv_buffer's `obj` does.
 *
 * bytes, bytearray and array are one-dimensional runs of items whose length
 * can change between loans, so their buffer layout is computed afresh on
 * each request.  ndarrays keep a fixed layout, built once.
 */
#include <stdio.h>
#include <stdlib.h>

#include "mvint.h"

/* ---- typecodes of array.array ----------------------------------------- */

/* EXPORT-?: an array lends its memory under a one-character format equal
   to its typecode, except 'u' (wchar_t), which is lent as 'w' (UCS-4). */
static mv_ssize array_itemsize(const mv_config *cfg, char typecode)
{
    switch (typecode) {
    case 'b': case 'B': return 1;
    case 'h': case 'H': return 2;
    case 'i': case 'I': case 'f': case 'u': return 4;
    case 'w': return cfg->behaviour.minor >= 13 ? 4 : -1;
    case 'q': case 'Q': case 'd': return 8;
    case 'l': case 'L': return cfg->platform.sizeof_long;
    default: return -1;
    }
}

static const char *array_format(char typecode)
{
    static const char *const codes = "bBhHiIlLqQfdw";
    static const char *const formats[] = {
        "b", "B", "h", "H", "i", "I", "l", "L", "q", "Q", "f", "d", "w"
    };
    const char *p = typecode == 'u' ? strchr(codes, 'w')
                                    : strchr(codes, typecode);
    assert(p != NULL);
    return formats[p - codes];
}

/* ---- creation and destruction --------------------------------------- */

static mv_exporter *exporter_new(const mv_config *cfg, mv_type type,
                                 mv_ssize size, int ndim, mv_error *err)
{
    mv_exporter *e = mv_alloc_zeroed(1, sizeof *e);

    if (e == NULL) {
        mv_no_memory(err);
        return NULL;
    }
    e->base.type = type;
    e->base.refcount = 1;
    e->base.cfg = cfg;
    e->size = size;
    e->ndim = ndim;
    e->data = mv_alloc_zeroed((size_t)size, 1);
    e->shape = mv_alloc_zeroed((size_t)ndim, sizeof *e->shape);
    e->strides = mv_alloc_zeroed((size_t)ndim, sizeof *e->strides);
    if (e->data == NULL || e->shape == NULL || e->strides == NULL) {
        mv_exporter_dealloc(e);
        mv_no_memory(err);
        return NULL;
    }
    return e;
}

void mv_exporter_dealloc(mv_exporter *e)
{
    assert(e->exports == 0);   /* a loan holds a reference */
    mv_free(e->data);
    mv_free(e->format);
    mv_free(e->shape);
    mv_free(e->strides);
    mv_free(e->suboffsets);
    mv_free(e);
}

static int finish(mv_exporter *e, const char *format, mv_ssize itemsize,
                  bool readonly, mv_value *out, mv_error *err)
{
    e->format = mv_strdup(format);
    if (e->format == NULL) {
        mv_exporter_dealloc(e);
        return mv_no_memory(err);
    }
    e->itemsize = itemsize;
    e->readonly = readonly;
    *out = mv_none();
    out->kind = MV_OBJECT;
    out->as.object = &e->base;   /* the creation reference */
    return 0;
}

static int bytes_like(const mv_config *cfg, mv_type type,
                      const unsigned char *data, size_t len, mv_value *out,
                      mv_error *err)
{
    mv_exporter *e = exporter_new(cfg, type, (mv_ssize)len, 1, err);

    if (e == NULL)
        return -1;
    if (len > 0)
        memcpy(e->data, data, len);
    return finish(e, "B", 1, type == MV_TYPE_BYTES, out, err);
}

int mv_bytes_object(const mv_config *cfg, const unsigned char *data,
                    size_t len, mv_value *out, mv_error *err)
{
    return bytes_like(cfg, MV_TYPE_BYTES, data, len, out, err);
}

int mv_bytearray_object(const mv_config *cfg, const unsigned char *data,
                        size_t len, mv_value *out, mv_error *err)
{
    return bytes_like(cfg, MV_TYPE_BYTEARRAY, data, len, out, err);
}

int mv_array_object(const mv_config *cfg, const char *typecode,
                    const mv_value *items, mv_value *out, mv_error *err)
{
    mv_ssize itemsize;
    mv_exporter *e;
    size_t i, n;

    if (strlen(typecode) != 1
        || (itemsize = array_itemsize(cfg, typecode[0])) < 0)
        return mv_unsupported(err, "array typecode '%s'", typecode);
    if (items->kind == MV_STR && (typecode[0] == 'u' || typecode[0] == 'w'))
        return mv_unsupported(err, "array from a str");
    if (items->kind != MV_LIST)
        return mv_unsupported(err, "array items must be a list");
    n = items->as.seq.len;
    e = exporter_new(cfg, MV_TYPE_ARRAY, (mv_ssize)n * itemsize, 1, err);
    if (e == NULL)
        return -1;
    e->typecode = typecode[0];
    e->itemsize = itemsize;
    for (i = 0; i < n; i++) {
        if (mv_array_store(e, e->data + (mv_ssize)i * itemsize,
                           &items->as.seq.items[i], err) < 0) {
            mv_exporter_dealloc(e);
            return -1;
        }
    }
    return finish(e, array_format(typecode[0]), itemsize, false, out, err);
}

/* A new array of e's typecode holding the items in bytes. */
int mv_array_from_bytes(const mv_exporter *e, const mv_value *bytes,
                        mv_value *out, mv_error *err)
{
    mv_exporter *a = exporter_new(e->base.cfg, MV_TYPE_ARRAY,
                                  (mv_ssize)bytes->as.bytes.len, 1, err);

    if (a == NULL)
        return -1;
    if (bytes->as.bytes.len > 0)
        memcpy(a->data, bytes->as.bytes.data, bytes->as.bytes.len);
    a->typecode = e->typecode;
    return finish(a, e->format, e->itemsize, false, out, err);
}

/* ---- the buffer interface --------------------------------------------- */

mv_exporter *mv_as_exporter(const mv_value *v)
{
    if (v->kind != MV_OBJECT || v->as.object->type == MV_TYPE_MEMORYVIEW)
        return NULL;
    return (mv_exporter *)v->as.object;
}

/* EXPORT-?: lend the memory.  memoryview() asks for everything
   (MV_BUF_FULL_RO), which every exporter here can give, so flags only
   matter for a request to write. */
int mv_exporter_getbuffer(mv_exporter *e, mv_buffer *b, int flags,
                          mv_error *err)
{
    if ((flags & MV_BUF_WRITABLE) && e->readonly) {
        if (e->base.type == MV_TYPE_NDARRAY)
            return mv_raise(err, "BufferError", "ndarray is not writable");
        return mv_raise(err, "BufferError", "Object is not writable.");
    }
    if (e->base.type <= MV_TYPE_ARRAY) {
        /* one dimension, as long as the contents are now */
        e->shape[0] = e->size / e->itemsize;
        e->strides[0] = e->itemsize;
    }
    b->obj = &e->base;
    mv_object_incref(&e->base);
    b->buf = e->data + e->offset;
    b->itemsize = e->itemsize;
    b->readonly = e->readonly;
    b->ndim = e->ndim;
    b->format = e->format;
    b->shape = e->ndim ? e->shape : NULL;
    b->strides = e->ndim ? e->strides : NULL;
    b->suboffsets = e->suboffsets;
    b->len = e->itemsize;
    for (int d = 0; d < e->ndim; d++)
        b->len *= e->shape[d];
    e->exports++;
    return 0;
}

void mv_exporter_releasebuffer(mv_exporter *e)
{
    assert(e->exports > 0);
    e->exports--;
}

/* EXPORT-003 (bytearray), EXPORT-004 (array): no resizing while memory
   is lent. */
int mv_exporter_can_resize(const mv_exporter *e, mv_error *err)
{
    if (e->exports == 0)
        return 0;
    if (e->base.type == MV_TYPE_ARRAY)
        return mv_raise(err, "BufferError",
                        "cannot resize an array that is exporting buffers");
    return mv_raise(err, "BufferError",
                    "Existing exports of data: object cannot be re-sized");
}

/* Change the size of a bytearray's or an array's memory, keeping the
   first bytes.  Only after mv_exporter_can_resize() said yes. */
int mv_exporter_resize(mv_exporter *e, mv_ssize size, mv_error *err)
{
    unsigned char *data;

    assert(e->exports == 0 || size == e->size);
    if (size <= e->size) {   /* shrinking keeps the block: it cannot fail */
        e->size = size;
        return 0;
    }
    data = mv_realloc(e->data, (size_t)size);
    if (data == NULL)
        return mv_no_memory(err);
    memset(data + e->size, 0, (size_t)(size - e->size));
    e->data = data;
    e->size = size;
    return 0;
}

/* ---- what the exporter holds, and what it is called ------------------- */

/* bytes(obj) for bytes and bytearray; obj.tolist() for the others. */
int mv_exporter_contents(mv_exporter *e, mv_value *result, mv_error *err)
{
    mv_value item;
    mv_ssize i, n;

    if (e->base.type == MV_TYPE_BYTES || e->base.type == MV_TYPE_BYTEARRAY)
        return mv_bytes_new(result, e->data, (size_t)e->size, err);
    if (e->base.type != MV_TYPE_ARRAY)
        return mv_ndarray_tolist(e, result, err);
    if (mv_seq_new(result, MV_LIST, 0, err) < 0)
        return -1;
    n = e->size / e->itemsize;
    for (i = 0; i < n; i++) {
        if (mv_array_load(e, e->data + i * e->itemsize, &item, err) < 0
            || mv_list_append(result, &item, err) < 0) {
            mv_value_clear(result);
            return -1;
        }
    }
    return 0;
}

const char *mv_exporter_name(const mv_exporter *e)
{
    static const char *const names[] = {
        "bytes", "bytearray", "array", "ndarray", "ndarray"
    };
    return names[e->base.type];
}

const char *mv_exporter_qualname(const mv_exporter *e)
{
    static const char *const names[] = {
        "bytes", "bytearray", "array.array", "ndarray", "numpy.ndarray"
    };
    return names[e->base.type];
}
