/*
 * layout.h -- the buffer: one loan of memory (PEP 3118's Py_buffer), where
 * its items lie, and how they are copied (layout.c, which draws it).
 */
#ifndef MV_LAYOUT_H
#define MV_LAYOUT_H

#include "mvint.h"

/* What the pointer slot of an indirect dimension holds (ATTR-006).
   layout.c draws both kinds and says why there are two. */
typedef enum mv_slots {
    MV_SLOTS_DISTANCE = 0,   /* the library's own memory (ndarray.c): the
                                distance from the slot to its row */
    MV_SLOTS_ADDRESS         /* a host's memory (external.c): the row's
                                address, as in CPython */
} mv_slots;

typedef struct mv_buffer {
    mv_object *obj;          /* the lender, holding one reference */
    unsigned char *buf;      /* address of item [0, 0, ..., 0] */
    mv_ssize len;            /* nitems * itemsize */
    mv_ssize itemsize;
    bool readonly;
    int ndim;
    const char *format;      /* struct syntax, owned by the lender; NULL:
                                not asked for, read as "B" */
    mv_ssize *shape;         /* ndim entries; NULL: not asked for */
    mv_ssize *strides;       /* ndim entries; NULL: C order */
    mv_ssize *suboffsets;    /* ndim entries, or NULL: no indirection */
    mv_slots slots;          /* what suboffsets' pointer slots hold */
} mv_buffer;

/* The requests a consumer may make (PyBUF_*); memoryview() asks FULL_RO. */
enum {
    MV_BUF_WRITABLE = 0x0001,
    MV_BUF_FORMAT = 0x0004,
    MV_BUF_ND = 0x0008,
    MV_BUF_STRIDES = 0x0010 | MV_BUF_ND,
    MV_BUF_C_CONTIGUOUS = 0x0020 | MV_BUF_STRIDES,
    MV_BUF_F_CONTIGUOUS = 0x0040 | MV_BUF_STRIDES,
    MV_BUF_ANY_CONTIGUOUS = 0x0080 | MV_BUF_STRIDES,
    MV_BUF_INDIRECT = 0x0100 | MV_BUF_STRIDES,
    MV_BUF_FULL_RO = MV_BUF_INDIRECT | MV_BUF_FORMAT
};

/* ptr is where item i of dimension dim of b lies (its start plus i
   strides): follow the pointer there when that dimension is indirect. */
unsigned char *mv_adjust_ptr(const mv_buffer *b, unsigned char *ptr, int dim);
/* Write the pointer slot an indirect dimension of the library's own memory
   reads (ndarray.c): MV_SLOTS_DISTANCE. */
void mv_store_pointer(unsigned char *slot, mv_ssize width,
                      const unsigned char *target);
bool mv_is_contiguous(const mv_buffer *b, char order);
void mv_strides_from_shape(int ndim, const mv_ssize *shape, mv_ssize itemsize,
                           char order, mv_ssize *strides);
mv_ssize mv_nitems(int ndim, const mv_ssize *shape);
/* The lowest and highest item offsets from buf; false if they overflow. */
bool mv_layout_extent(int ndim, const mv_ssize *shape, const mv_ssize *strides,
                      mv_ssize *lo, mv_ssize *hi);
/* Whether a layout's sizes and distances fit an mv_ssize (layout.c says
   which): what every layout the library holds keeps. */
bool mv_layout_bounded(int ndim, const mv_ssize *shape, const mv_ssize *strides,
                       mv_ssize itemsize, mv_ssize offset);
/* Copy the items of b, in order 'C', 'F' or 'A', to contiguous dst. */
void mv_to_contiguous(unsigned char *dst, const mv_buffer *b, char order);
/* Copy items between two buffers of the same shape and itemsize. */
int mv_copy_items(const mv_buffer *dst, const mv_buffer *src, mv_error *err);

#endif /* MV_LAYOUT_H */
