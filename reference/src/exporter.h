/*
 * exporter.h -- the objects that own memory and lend it (exporter.c).
 */
#ifndef MV_EXPORTER_H
#define MV_EXPORTER_H

#include "mvint.h"
#include "layout.h"
#include "refcount.h"
#include "value.h"

struct mv_exporter {
    mv_object base;          /* type: BYTES .. NUMPY */
    unsigned char *data;     /* owned: the whole allocation */
    mv_ssize size;           /* bytes in data */
    mv_ssize capacity;       /* bytes data has room for (>= size): what
                                a resize may grow into without a copy */
    mv_ssize exports;        /* buffers lent and not yet given back */
    /* What a buffer request is answered with.  bytes, bytearray and
       array are one-dimensional: their shape and strides are derived
       from size on each request, because they can change size between
       requests. */
    char typecode;           /* array: its typecode */
    char *format;            /* owned */
    mv_ssize itemsize;
    bool readonly;
    int ndim;
    mv_ssize *shape, *strides, *suboffsets;   /* owned, ndim entries */
    mv_slots slots;          /* with suboffsets: what its pointer slots hold */
    mv_ssize offset;         /* ndarray: buf = data + offset */
    mv_value host;           /* external: the host's object (MV_HOST,
                                borrowed, gone when detached), which
                                answers what the model does not; else
                                MV_NONE */
};

/* The object header of an exporter being made, with the exporters'
   destructor: for an exporter not made by mv_exporter_new (external.c). */
void mv_exporter_init(mv_exporter *e, const mv_config *cfg, mv_type type);
/* A new exporter of `size` zeroed bytes, with room for ndim dimensions;
   the caller fills in the layout.  NULL (and *err set) on failure. */
mv_exporter *mv_exporter_new(const mv_config *cfg, mv_type type,
                             mv_ssize size, int ndim, mv_error *err);
/* A new one-dimensional exporter of `size` zeroed bytes: items of
   itemsize bytes, in a row, under format. */
int mv_exporter_1d(const mv_config *cfg, mv_type type, const char *format,
                   mv_ssize itemsize, mv_ssize size, mv_exporter **out,
                   mv_error *err);
/* e as a value, taking e's reference (inline: see mvref.h's constructors) */
static inline mv_value mv_exporter_value(mv_exporter *e)
{
    return mv_object_owned(&e->base);
}
int mv_exporter_getbuffer(mv_exporter *e, mv_buffer *b, int flags,
                          mv_error *err);
void mv_exporter_releasebuffer(mv_exporter *e);
void mv_exporter_dealloc(mv_exporter *e);
/* Resize after mv_exporter_can_resize() (export.c) said yes, or while the
   exporter is being made; new bytes are zero. */
int mv_exporter_resize(mv_exporter *e, mv_ssize size, mv_error *err);

#endif /* MV_EXPORTER_H */
