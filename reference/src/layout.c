/*
 * layout.c -- where the items of a buffer are: shape, strides, suboffsets.
 *
 * A buffer names memory by `buf`, the address of item [0, ..., 0], not by
 * its lowest address: with negative strides the items lie *before* buf.
 * Item [i0, i1, ..., ik] of an ndim = k+1 buffer without suboffsets is at
 *
 *     buf + i0*strides[0] + i1*strides[1] + ... + ik*strides[k]
 *
 * For shape [2, 3], itemsize 1, strides [3, 1] (C order) and [1, 2]
 * (Fortran order) the same six bytes are read differently:
 *
 *     memory:  a b c d e f            C:  [[a b c]      F:  [[a c e]
 *              ^buf                         [d e f]]          [b d f]]
 *
 * Slicing never copies: m[::-1] of `a b c` keeps the memory and sets
 * buf to `c`, shape [3], strides [-1].
 *
 * Suboffsets (PIL style) add indirection.  Where suboffsets[d] >= 0, the
 * address reached after applying strides[d] holds a *pointer*; follow it and
 * add suboffsets[d] to get the start of the next dimension:
 *
 *     buf ──▶ ┌──────┬──────┐   strides[0] = sizeof(char *)
 *             │ ptr0 │ ptr1 │   suboffsets[0] = 0
 *             └──┬───┴──┬───┘
 *                │      └─────────▶ ┌───┬───┬───┐ row 1
 *                └─▶ ┌───┬───┬───┐  └───┴───┴───┘
 *                    └───┴───┴───┘ row 0          strides[1] = itemsize
 *                                                 suboffsets[1] = -1
 *
 * Contiguity (ATTR-?): a buffer is C-contiguous when its items are packed
 * in row-major order with no gaps, Fortran-contiguous when packed in
 * column-major order; dimensions of length 1 may have any stride, and a
 * buffer with no items is both.  A buffer with suboffsets is neither.
 */
#include "mvint.h"

/* Follow the pointer at ptr when dimension dim is indirect. */
unsigned char *mv_adjust_ptr(unsigned char *ptr, const mv_ssize *suboffsets,
                             int dim)
{
    unsigned char *target;

    if (suboffsets == NULL || suboffsets[dim] < 0)
        return ptr;
    memcpy(&target, ptr, sizeof target);
    return target + suboffsets[dim];
}

static bool is_c_contiguous(const mv_buffer *b)
{
    mv_ssize expected = b->itemsize;
    int d;

    if (b->len == 0 || b->strides == NULL)
        return true;
    for (d = b->ndim - 1; d >= 0; d--) {
        if (b->shape[d] > 1 && b->strides[d] != expected)
            return false;
        expected *= b->shape[d];
    }
    return true;
}

static bool is_f_contiguous(const mv_buffer *b)
{
    mv_ssize expected = b->itemsize;
    int d;

    if (b->len == 0 || b->strides == NULL)
        return true;
    for (d = 0; d < b->ndim; d++) {
        if (b->shape[d] > 1 && b->strides[d] != expected)
            return false;
        expected *= b->shape[d];
    }
    return true;
}

/* PyBuffer_IsContiguous: order 'C', 'F', or 'A' for either. */
bool mv_is_contiguous(const mv_buffer *b, char order)
{
    if (b->suboffsets != NULL)
        return false;
    if (order == 'C')
        return is_c_contiguous(b);
    if (order == 'F')
        return is_f_contiguous(b);
    assert(order == 'A');
    return is_c_contiguous(b) || is_f_contiguous(b);
}

/* The strides of a contiguous buffer of this shape, in order 'C' or 'F'. */
void mv_strides_from_shape(int ndim, const mv_ssize *shape, mv_ssize itemsize,
                           char order, mv_ssize *strides)
{
    mv_ssize step = itemsize;
    int i;

    for (i = 0; i < ndim; i++) {
        int d = order == 'C' ? ndim - 1 - i : i;
        strides[d] = step;
        step *= shape[d];
    }
}

/* INDEX-002, INDEX-003: the address of index along dimension dim, starting at ptr;
   negative indices count from the end. */
int mv_lookup_dimension(const mv_buffer *b, unsigned char *ptr, int dim,
                        mv_ssize index, unsigned char **out, mv_error *err)
{
    mv_ssize nitems = b->shape[dim];

    if (index < 0)
        index += nitems;
    if (index < 0 || index >= nitems)
        return mv_raise(err, "IndexError",
                        "index out of bounds on dimension %d", dim + 1);
    *out = mv_adjust_ptr(ptr + b->strides[dim] * index, b->suboffsets, dim);
    return 0;
}

/* Copy every item of an n-dimensional block between two layouts; the
   walk is the same whichever side is contiguous.  dst and src must not
   overlap (callers copy through a temporary when they might). */
static void copy_rec(int ndim, const mv_ssize *shape, mv_ssize itemsize,
                     unsigned char *dst, const mv_ssize *dstrides,
                     const mv_ssize *dsub,
                     unsigned char *src, const mv_ssize *sstrides,
                     const mv_ssize *ssub)
{
    mv_ssize i;

    if (ndim == 0) {
        memcpy(dst, src, (size_t)itemsize);
        return;
    }
    for (i = 0; i < shape[0]; i++) {
        unsigned char *d = mv_adjust_ptr(dst + i * dstrides[0], dsub, 0);
        unsigned char *s = mv_adjust_ptr(src + i * sstrides[0], ssub, 0);
        copy_rec(ndim - 1, shape + 1, itemsize, d, dstrides + 1,
                 dsub ? dsub + 1 : NULL, s, sstrides + 1,
                 ssub ? ssub + 1 : NULL);
    }
}

/* TOBYTES-001: the items of b packed into dst in order 'C' or 'F'.
   'A' means: the memory as it lies when b is contiguous either way,
   else C order (PyBuffer_ToContiguous). */
void mv_to_contiguous(unsigned char *dst, const mv_buffer *b, char order)
{
    mv_ssize dstrides[MV_MAX_NDIM];

    if (mv_is_contiguous(b, order)) {
        if (b->len > 0)
            memcpy(dst, b->buf, (size_t)b->len);
        return;
    }
    mv_strides_from_shape(b->ndim, b->shape, b->itemsize,
                          order == 'F' ? 'F' : 'C', dstrides);
    copy_rec(b->ndim, b->shape, b->itemsize, dst, dstrides, NULL,
             b->buf, b->strides, b->suboffsets);
}

/* ASSIGN-?: copy src's items to dst's places; shapes and itemsizes agree.
   The copy goes through a temporary, so overlapping views of one memory
   (m[1:] = m[:-1]) get the items as they were before the copy began. */
int mv_copy_items(const mv_buffer *dst, const mv_buffer *src, mv_error *err)
{
    mv_ssize cstrides[MV_MAX_NDIM];
    unsigned char *tmp;

    assert(dst->ndim == src->ndim && dst->itemsize == src->itemsize);
    tmp = mv_alloc((size_t)src->len);
    if (tmp == NULL)
        return mv_no_memory(err);
    mv_to_contiguous(tmp, src, 'C');
    mv_strides_from_shape(dst->ndim, dst->shape, dst->itemsize, 'C', cstrides);
    copy_rec(dst->ndim, dst->shape, dst->itemsize, dst->buf, dst->strides,
             dst->suboffsets, tmp, cstrides, NULL);
    mv_free(tmp);
    return 0;
}
