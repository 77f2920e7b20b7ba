/*
 * exporter.c -- the objects that own memory, and how they lend it.
 *
 * bytes and bytearray are made here, because memoryview(b'...') of a
 * bytes literal needs one (abstract.c); array.array in array.c, and
 * _testbuffer.ndarray and numpy arrays, which have a layout of their own,
 * in ndarray.c.  All of them sit behind the buffer protocol's one
 * interface:
 *
 *   mv_exporter_getbuffer()      lend the memory, described as an
 *                                mv_buffer, and count the loan;
 *   mv_exporter_releasebuffer()  take a loan back;
 *   mv_exporter_can_resize()     the question every operation that would
 *                                move or resize the memory asks first
 *                                (export.c, chapter 8: no, while any loan
 *                                is outstanding).
 *
 * Writes need no interface at all: a view writes the exporter's memory
 * itself, and a write to the exporter is seen by every view, because no
 * view holds a copy (EXPORT-001, EXPORT-002, EXPORT-007).
 *
 * What the exporters do with their own methods -- bytearray.append(),
 * array.pop(), and which of them count as resizing (EXPORT-006,
 * EXPORT-011) -- is theirs, not memoryview's: a caller models those (the
 * driver does, in reference/driver/) on top of the calls above.
 *
 * An exporter is reference counted like every object; a loan takes a
 * reference of its own (the mv_buffer's obj), so an exporter is never
 * freed while lent (an assert in mv_exporter_dealloc says so).
 */
#include "mvint.h"
#include "exporter.h"
#include "layout.h"
#include "refcount.h"
#include "value.h"

static void exporter_destructor(mv_object *obj)
{
    mv_exporter_dealloc((mv_exporter *)obj);
}

void mv_exporter_init(mv_exporter *e, const mv_config *cfg, mv_type type)
{
    assert(type < MV_TYPE_MEMORYVIEW);
    mv_object_init(&e->base, type, cfg, exporter_destructor);
}

mv_exporter *mv_exporter_new(const mv_config *cfg, mv_type type,
                             mv_ssize size, int ndim, mv_error *err)
{
    mv_exporter *e = mv_alloc_zeroed(1, sizeof *e);

    if (e == NULL) {
        mv_no_memory(err);
        return NULL;
    }
    mv_exporter_init(e, cfg, type);
    e->size = e->capacity = size;
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
int mv_exporter_1d(const mv_config *cfg, mv_type type, const char *format,
                   mv_ssize itemsize, mv_ssize size, mv_exporter **out,
                   mv_error *err)
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

    if (mv_exporter_1d(cfg, type, "B", 1, (mv_ssize)len, &e, err) < 0)
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
    b->buf = e->data + e->offset;   /* EXPORT-001, EXPORT-002, EXPORT-007:
                                       the memory itself, never a copy */
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

/* The room a block of capacity bytes that must hold size bytes grows to:
   twice what it had, when that is more than size and the budget has it
   (else less: mv_alloc_room), so that an exporter grown one item at a
   time (array.extend(list) converts and appends item by item; append in
   a loop) is copied O(log n) times, not once per item -- each copy a
   whole new block under ASan, whose quarantine then held gigabytes.  A
   case is refused for room it did not ask for only within an eighth of
   the limit, and how much an exporter has in reserve is not observable
   from Python. */
static mv_ssize room_for(const mv_exporter *e, mv_ssize size)
{
    mv_ssize twice;
    bool overflow = mv_ckd_mul(&twice, e->capacity, 2);

    if (NEVER(overflow) || twice <= size)   /* (capacity is held) */
        return size;
    return (mv_ssize)mv_alloc_room(e->data, (size_t)size, (size_t)twice);
}

/* Change the size of the memory, keeping its first bytes; new bytes are
   zero.  Only after mv_exporter_can_resize() said yes, or while the
   exporter is being made.  On failure nothing changed. */
int mv_exporter_resize(mv_exporter *e, mv_ssize size, mv_error *err)
{
    assert(e->exports == 0 && e->size <= e->capacity);
    if (size > e->capacity) {   /* else shrinking, or growing into room */
        mv_ssize room = room_for(e, size);
        unsigned char *data = mv_realloc(e->data, (size_t)room);
        if (data == NULL)
            return mv_no_memory(err);
        e->data = data;
        e->capacity = room;
    }
    if (size > e->size)   /* a shrink may have left old bytes there */
        memset(e->data + e->size, 0, (size_t)(size - e->size));
    e->size = size;
    return 0;
}
