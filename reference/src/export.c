/*
 * export.c -- chapter 8 of the spec: the objects that own memory, how they
 * lend it, and why they refuse to resize while it is lent.
 *
 * bytes, bytearray and array.array are made here; _testbuffer.ndarray and
 * numpy arrays, which have a layout of their own, in ndarray.c.  All of
 * them sit behind the buffer protocol's one interface:
 *
 *   mv_exporter_getbuffer()      lend the memory, described as an
 *                                mv_buffer, and count the loan;
 *   mv_exporter_releasebuffer()  take a loan back;
 *   mv_exporter_can_resize()     the question every operation that would
 *                                move or resize the memory asks first:
 *                                while any loan is outstanding the answer
 *                                is a BufferError (EXPORT-003, EXPORT-004),
 *                                because a view would be left pointing at
 *                                freed memory.
 *
 * Writes need no interface at all: a view writes the exporter's memory
 * itself, and a write to the exporter is seen by every view, because no
 * view holds a copy (EXPORT-001, EXPORT-002, EXPORT-007).
 *
 * What the exporters do with their own methods -- bytearray.append(),
 * array.pop(), and which of them count as resizing (EXPORT-006,
 * EXPORT-011) -- is theirs, not memoryview's: a caller models those (the
 * driver does, in reference/driver/objects.c) on top of the two calls
 * above.
 *
 * An exporter is reference counted like every object; a loan takes a
 * reference of its own (the mv_buffer's obj), so an exporter is never
 * freed while lent (an assert in mv_exporter_dealloc says so).
 */
#include "mvint.h"

mv_exporter *mv_as_exporter(const mv_value *v)
{
    if (v->kind != MV_OBJECT || v->as.object->type >= MV_TYPE_MEMORYVIEW)
        return NULL;
    return (mv_exporter *)v->as.object;
}

mv_value mv_exporter_value(mv_exporter *e)
{
    return mv_object_owned(&e->base);
}

mv_exporter *mv_exporter_new(const mv_config *cfg, mv_type type,
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
    /* room for one more dimension than asked: a 0-dim exporter too gets
       arrays that are not NULL */
    e->shape = mv_alloc_zeroed((size_t)ndim + 1, sizeof *e->shape);
    e->strides = mv_alloc_zeroed((size_t)ndim + 1, sizeof *e->strides);
    if (e->data == NULL || e->shape == NULL || e->strides == NULL) {
        mv_exporter_dealloc(e);
        mv_no_memory(err);
        return NULL;
    }
    return e;
}

/* Assumes no loan is outstanding: each holds a reference. */
void mv_exporter_dealloc(mv_exporter *e)
{
    assert(e->exports == 0);
    mv_free(e->data);
    mv_free(e->format);
    mv_free(e->shape);
    mv_free(e->strides);
    mv_free(e->suboffsets);
    mv_free(e);
}

/* The one-dimensional exporters: items of itemsize bytes, in a row. */
static int one_dimensional(const mv_config *cfg, mv_type type,
                           const char *format, mv_ssize itemsize,
                           mv_ssize size, mv_exporter **out, mv_error *err)
{
    mv_exporter *e = mv_exporter_new(cfg, type, size, 1, err);

    if (e == NULL)
        return -1;
    e->format = mv_strdup(format);
    if (e->format == NULL) {
        mv_exporter_dealloc(e);
        return mv_no_memory(err);
    }
    e->itemsize = itemsize;
    e->readonly = type == MV_TYPE_BYTES;   /* READONLY-003 */
    *out = e;
    return 0;
}

static int bytes_like(const mv_config *cfg, mv_type type,
                      const unsigned char *data, size_t len, mv_value *out,
                      mv_error *err)
{
    mv_exporter *e = NULL;

    if (one_dimensional(cfg, type, "B", 1, (mv_ssize)len, &e, err) < 0)
        return -1;
    if (len > 0)
        memcpy(e->data, data, len);
    *out = mv_exporter_value(e);
    return 0;
}

/* ATTR-002: bytes and bytearray lend unsigned bytes, 'B'. */
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

/* CONSTRUCT-004: an array lends its items under a one-character format
   equal to its typecode, except the character types 'u' (wchar_t) and
   'w' (3.13+), lent as 'w' (UCS-4): 4 bytes on both recorded platforms. */
static const char *array_format(const mv_config *cfg, char typecode)
{
    if (typecode == 'u' || (typecode == 'w'
                            && cfg->behaviour.array_w_and_clear))
        return "w";
    if (strchr("bBhHiIlLqQfd", typecode) != NULL)
        return mv_native_format(typecode, false);
    return NULL;
}

/* The items of a character array: a str's code points, as UCS-4 in the
   platform's byte order (a block from malloc is aligned for them). */
static int fill_characters(mv_exporter *e, const mv_value *items,
                           mv_error *err)
{
    size_t n = mv_str_code_points(items, NULL, 0);

    if (mv_exporter_resize(e, (mv_ssize)n * 4, err) < 0)
        return -1;
    mv_str_code_points(items, (uint32_t *)(void *)e->data, n);
    return 0;
}

/* The items of a numeric array, each packed as its typecode's C type:
   items array accepted when the case was recorded (ndarray.c says why). */
static int fill_numbers(mv_exporter *e, const mv_value *items, mv_error *err)
{
    mv_ssize n = (mv_ssize)items->as.seq.len;
    char code = e->format[0];
    int status = mv_exporter_resize(e, n * e->itemsize, err);

    for (mv_ssize i = 0; i < n && status == 0; i++)
        status = mv_pack_native(e->base.cfg, code, e->data + i * e->itemsize,
                                &items->as.seq.items[i], err);
    if (NEVER(status < 0 && strcmp(err->type, "MemoryError") != 0))
        return mv_unsupported(err, "array('%c') items", code);
    return status;
}

/* array.array(typecode, items).  The typecode and the kind of items are
   ones array accepted when the case was recorded (ndarray.c says why). */
int mv_array_object(const mv_config *cfg, const char *typecode,
                    const mv_value *items, mv_value *out, mv_error *err)
{
    const char *format = array_format(cfg, typecode[0]);
    bool characters = format != NULL && format[0] == 'w';
    mv_exporter *e = NULL;
    char code;
    int status;

    if (NEVER(format == NULL || typecode[1] != '\0'
              || items->kind != (characters ? MV_STR : MV_LIST)))
        return mv_unsupported(err, "array('%s') from %s", typecode,
                              mv_type_name(items));
    if (one_dimensional(cfg, MV_TYPE_ARRAY, format,
                        characters ? 4 : mv_native_itemsize(cfg, format, &code),
                        0, &e, err) < 0)
        return -1;
    e->typecode = typecode[0];
    status = characters ? fill_characters(e, items, err)
                        : fill_numbers(e, items, err);
    if (status < 0) {
        mv_exporter_dealloc(e);
        return -1;
    }
    *out = mv_exporter_value(e);
    return 0;
}

/* ---- the buffer interface --------------------------------------------- */

/* CONSTRUCT-001, CONSTRUCT-004, READONLY-003: lend the memory, described
   as a buffer.  The library asks for everything, read-only
   (MV_BUF_FULL_RO), which every exporter here can give: whether the memory
   may be written is the buffer's readonly flag.  So lending never fails. */
int mv_exporter_getbuffer(mv_exporter *e, mv_buffer *b, int flags,
                          mv_error *err)
{
    assert(flags == MV_BUF_FULL_RO);
    (void)flags;
    (void)err;
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
    b->shape = e->shape;
    b->strides = e->strides;
    b->suboffsets = e->suboffsets;
    b->slots = e->slots;
    b->len = e->itemsize * mv_nitems(e->ndim, e->shape);
    e->exports++;
    return 0;
}

void mv_exporter_releasebuffer(mv_exporter *e)
{
    assert(e->exports > 0);
    e->exports--;
}

/* EXPORT-003 (bytearray), EXPORT-004 (array): no resizing while memory
   is lent, each in its own words. */
int mv_exporter_can_resize(const mv_exporter *e, mv_error *err)
{
    assert(e->base.type == MV_TYPE_BYTEARRAY || e->base.type == MV_TYPE_ARRAY);
    if (e->exports == 0)
        return 0;
    if (e->base.type == MV_TYPE_ARRAY)
        return mv_raise(err, "BufferError",
                        "cannot resize an array that is exporting buffers");
    return mv_raise(err, "BufferError",
                    "Existing exports of data: object cannot be re-sized");
}

/* Change the size of the memory, keeping its first bytes; new bytes are
   zero.  Only after mv_exporter_can_resize() said yes, or while the
   exporter is being made.  On failure nothing changed. */
int mv_exporter_resize(mv_exporter *e, mv_ssize size, mv_error *err)
{
    unsigned char *data;

    assert(e->exports == 0);
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

/* ---- names -------------------------------------------------------------- */

/* type(x).__name__, or the tp_name CPython's messages use (qualified:
   CONSTRUCT-002, HASH-004). */
const char *mv_exporter_name(const mv_exporter *e, bool qualified)
{
    static const char *const names[][2] = {
        { "bytes", "bytes" }, { "bytearray", "bytearray" },
        { "array", "array.array" }, { "ndarray", "ndarray" },
        { "ndarray", "numpy.ndarray" }
    };
    return names[e->base.type][qualified];
}
