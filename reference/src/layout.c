/*
 * layout.c -- where the items of a buffer are (shape, strides,
 * suboffsets), whether they are packed, and how they are copied between
 * layouts: the arithmetic under chapter 2 of the spec, whose attributes
 * (attributes.c) report it, and under every walk over items.
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
 * Slicing never copies: m[::-1] of `a b c` keeps the memory and sets buf
 * to `c`, shape [3], strides [-1].
 *
 * Suboffsets (PIL style, ATTR-006) add indirection.  Where suboffsets[d]
 * >= 0, the address reached after applying strides[d] holds a *pointer*;
 * follow it and add suboffsets[d] to get the start of the next dimension:
 *
 *     buf ──▶ ┌──────┬──────┐   strides[0] = the pointer size
 *             │ ptr0 │ ptr1 │   suboffsets[0] = 0
 *             └──┬───┴──┬───┘
 *                │      └─────────▶ ┌───┬───┬───┐ row 1
 *                └─▶ ┌───┬───┬───┐  └───┴───┴───┘
 *                    └───┴───┴───┘ row 0          strides[1] = itemsize
 *                                                 suboffsets[1] = -1
 *
 * What a pointer slot holds depends on whose memory it is (mv_slots):
 *
 *   MV_SLOTS_DISTANCE  memory the library made (ndarray.c's PIL arrays).
 *                      No Python program can read a slot (every reader
 *                      follows it), so what it holds is the library's
 *                      choice.  A slot is as wide as the modelled
 *                      platform's pointer, which strides[d] shows, but one
 *                      build models 32-bit and 64-bit CPythons alike, so it
 *                      cannot hold an address of this machine.  It holds
 *                      the distance from the slot to its row, as a 32-bit
 *                      integer in its first four bytes (the rest of a wider
 *                      slot is zero): a row is always within the same
 *                      allocation as its pointer.
 *   MV_SLOTS_ADDRESS   memory a host lent (external.c): the host wrote the
 *                      slots, and they hold what CPython's do, the row's
 *                      address.  A host's memory is always this machine's,
 *                      so a slot is a pointer of this build.
 *
 * Every walk over items (indexing, tolist, tobytes, comparison, copying)
 * follows slots through mv_adjust_ptr, the one place that knows both.
 *
 * Contiguity (ATTR-008 to ATTR-013): a buffer is C-contiguous when its
 * items are packed in row-major order with no gaps, Fortran-contiguous
 * when packed in column-major order; dimensions of length 1 may have any
 * stride, and a buffer with no items is both.  A buffer with suboffsets is
 * neither.
 */
#include "mvint.h"
#include "layout.h"

/* ---- pointers of indirect dimensions -------------------------------------- */

void mv_store_pointer(unsigned char *slot, mv_ssize width,
                      const unsigned char *target)
{
    int32_t distance = (int32_t)(target - slot);

    memset(slot, 0, (size_t)width);
    memcpy(slot, &distance, sizeof distance);
}

/* The row a pointer slot points at, read as the slot's owner wrote it.
   memcpy: a slot of a host's need not be aligned for a pointer. */
static unsigned char *slot_target(unsigned char *slot, mv_slots slots)
{
    unsigned char *address;
    int32_t distance;

    if (slots == MV_SLOTS_ADDRESS) {
        memcpy(&address, slot, sizeof address);
        return address;
    }
    assert(slots == MV_SLOTS_DISTANCE);
    memcpy(&distance, slot, sizeof distance);
    return slot + distance;
}

/* ATTR-006, INDEX-018, TOLIST-004: where suboffsets[dim] >= 0, ptr holds
   a pointer; the next dimension starts suboffsets[dim] bytes after where
   it points (CPython's ADJUST_PTR). */
unsigned char *mv_adjust_ptr(const mv_buffer *b, unsigned char *ptr, int dim)
{
    assert(dim >= 0 && dim < b->ndim);
    if (b->suboffsets == NULL || b->suboffsets[dim] < 0)
        return ptr;
    return slot_target(ptr, b->slots) + b->suboffsets[dim];
}

/* ---- shapes and strides ----------------------------------------------------- */

/* product(shape).  Assumes a bounded layout (below), whose product fits. */
mv_ssize mv_nitems(int ndim, const mv_ssize *shape)
{
    mv_ssize n = 1;
    bool overflow = false;

    for (int d = 0; d < ndim; d++)
        overflow |= mv_ckd_mul(&n, n, shape[d]);
    assert(!overflow);
    (void)overflow;
    return n;
}

/* The strides of a contiguous buffer of this shape, in order 'C' or 'F'.
   Assumes itemsize times the product of the dimensions, each counted as
   at least 1, fits: as for every shape of a bounded layout, and of a cast
   (CAST-011, which has no dimension of length 0). */
void mv_strides_from_shape(int ndim, const mv_ssize *shape, mv_ssize itemsize,
                           char order, mv_ssize *strides)
{
    mv_ssize step = itemsize;
    bool overflow = false;

    for (int i = 0; i < ndim; i++) {
        int d = order == 'C' ? ndim - 1 - i : i;
        strides[d] = step;
        overflow |= mv_ckd_mul(&step, step, shape[d]);
    }
    assert(!overflow);
    (void)overflow;
}

/* ---- how large a layout may be ---------------------------------------------- */

/* The lowest and the highest offset from buf at which an item of the
   layout starts: lo <= 0 <= hi, the sum of (shape[d] - 1) * strides[d]
   over the dimensions where that is negative, and where it is positive.
   A dimension of length 0 counts here as one of length 1: the layout has
   no items, but a walk over it (tolist(), ==) still steps through the
   dimensions before the empty one.  False when a sum does not fit. */
bool mv_layout_extent(int ndim, const mv_ssize *shape, const mv_ssize *strides,
                      mv_ssize *lo, mv_ssize *hi)
{
    bool overflow = false;

    *lo = *hi = 0;
    for (int d = 0; d < ndim && !overflow; d++) {
        mv_ssize reach;
        overflow = mv_ckd_mul(&reach, shape[d] > 0 ? shape[d] - 1 : 0,
                              strides[d])
                   || mv_ckd_add(reach < 0 ? lo : hi, reach < 0 ? *lo : *hi,
                                 reach);
    }
    return !overflow;
}

/* The invariant all layout arithmetic rests on.  A layout is bounded when
   these fit an mv_ssize: product(shape) * itemsize (its len), itemsize
   times the product of its dimensions each counted as at least 1 (the
   steps of a walk over it, and its strides in C or Fortran order), and
   offset plus the lowest and the highest item offset
   (mv_layout_extent).  Then no address the library computes for an item
   in bounds overflows: i * strides[d] is within its dimension's reach.
   Every exporter the library builds is bounded (ndarray.c asserts it;
   its caller, the driver, refuses layouts that are not, and tighter ones
   besides), and every view derived from one is: a slice only shrinks a
   dimension's reach, and moves buf only to an item it selects
   (slicing.c) -- or, in a view with no items, where CPython moves it,
   possibly past the memory, from where nothing is read -- and a cast lays out product(shape) * itemsize == len
   anew (CAST-012). */
bool mv_layout_bounded(int ndim, const mv_ssize *shape, const mv_ssize *strides,
                       mv_ssize itemsize, mv_ssize offset)
{
    mv_ssize len = itemsize, steps = itemsize, lo, hi, sum;
    bool overflow = itemsize <= 0 || offset < 0
                    || !mv_layout_extent(ndim, shape, strides, &lo, &hi);

    for (int d = 0; d < ndim && !overflow; d++)
        overflow = shape[d] < 0 || mv_ckd_mul(&len, len, shape[d])
                   || mv_ckd_mul(&steps, steps, shape[d] > 0 ? shape[d] : 1);
    return !overflow && !mv_ckd_add(&sum, offset, hi)
           && !mv_ckd_add(&sum, sum, itemsize);
}

/* ATTR-010 (first = ndim - 1, step -1) and ATTR-011 (first = 0, step 1):
   walking the dimensions from the fastest-varying one, every dimension
   longer than 1 has the stride of a packed block. */
static bool packed(const mv_buffer *b, int first, int step)
{
    mv_ssize expected = b->itemsize;

    if (b->len == 0)
        return true;
    for (int i = 0, d = first; i < b->ndim; i++, d += step) {
        if (b->shape[d] > 1 && b->strides[d] != expected)
            return false;
        expected *= b->shape[d];
    }
    return true;
}

/* PyBuffer_IsContiguous: order 'C', 'F', or 'A' for either (ATTR-012: a
   buffer with suboffsets is neither). */
bool mv_is_contiguous(const mv_buffer *b, char order)
{
    if (b->suboffsets != NULL)
        return false;
    if (order == 'C')
        return packed(b, b->ndim - 1, -1);
    if (order == 'F')
        return packed(b, 0, 1);
    assert(order == 'A');
    return packed(b, b->ndim - 1, -1) || packed(b, 0, 1);
}

/* ---- copying items ---------------------------------------------------------- */

/* Copy every item of an n-dimensional block between two layouts of the
   same shape and itemsize, from dimension dim on, where dptr and sptr are
   that dimension's starts in dst and src; each side follows its own
   strides, suboffsets and slots, so the walk is the same whichever is
   contiguous.  The memory of the two must not overlap (callers copy
   through a temporary when it might). */
static void copy_rec(const mv_buffer *dst, unsigned char *dptr,
                     const mv_buffer *src, unsigned char *sptr, int dim)
{
    if (dim == dst->ndim) {
        memcpy(dptr, sptr, (size_t)dst->itemsize);
        return;
    }
    for (mv_ssize i = 0; i < dst->shape[dim]; i++)
        copy_rec(dst, mv_adjust_ptr(dst, dptr + i * dst->strides[dim], dim),
                 src, mv_adjust_ptr(src, sptr + i * src->strides[dim], dim),
                 dim + 1);
}

/* ---- copying items, sooner (fast paths: mvint.h's MV_FAST) ------------ */

/* Whether dimension dim of b steps over items, not over pointer slots. */
static bool direct(const mv_buffer *b, int dim)
{
    return b->suboffsets == NULL || b->suboffsets[dim] < 0;
}

/* n items, one every `sstep` bytes from sptr, to one every `dstep` bytes
   from dptr, each of `size` bytes.  Inlined where size is a constant, so
   that each memcpy is a single move.  Each address is the start's plus
   i steps, as the generic walk makes it: a pointer stepped past the last
   item would overflow where a stride is huge (and C forbids even making
   it). */
static inline void copy_strided(unsigned char *dptr, mv_ssize dstep,
                                const unsigned char *sptr, mv_ssize sstep,
                                mv_ssize n, size_t size)
{
    for (mv_ssize i = 0; i < n; i++)
        memcpy(dptr + i * dstep, sptr + i * sstep, size);
}

/* Whether an item of this size moves in one instruction. */
static bool word_sized(mv_ssize itemsize)
{
    return itemsize == 1 || itemsize == 2 || itemsize == 4 || itemsize == 8;
}

/* TOBYTES-001, ASSIGN-005: one row of a block (its last dimension), when
   it holds no pointers: a single memcpy where both sides are packed, else
   a loop over items whose size is a constant, so that no item costs a
   call of memcpy.  Assumes items are word-sized (copy_items sees to it). */
static void copy_row(unsigned char *dptr, mv_ssize dstep,
                     const unsigned char *sptr, mv_ssize sstep, mv_ssize n,
                     mv_ssize itemsize)
{
    if (dstep == itemsize && sstep == itemsize) {
        memcpy(dptr, sptr, (size_t)(n * itemsize));
        return;
    }
    switch (itemsize) {
    case 1: copy_strided(dptr, dstep, sptr, sstep, n, 1); break;
    case 2: copy_strided(dptr, dstep, sptr, sstep, n, 2); break;
    case 4: copy_strided(dptr, dstep, sptr, sstep, n, 4); break;
    default:
        assert(itemsize == 8);
        copy_strided(dptr, dstep, sptr, sstep, n, 8);
    }
}

/* |stride|, in unsigned arithmetic: a wrapped stride may be INT64_MIN. */
static uint64_t span(mv_ssize stride)
{
    return stride < 0 ? 0 - (uint64_t)stride : (uint64_t)stride;
}

/* Whether the last two dimensions of a block, from dim, run in opposite
   orders in the two layouts (one side's rows are the other's columns, as
   in tobytes('F') of a C array), with no pointers in them. */
static bool transposing(const mv_buffer *dst, const mv_buffer *src, int dim)
{
    if (dst->shape[dim] < 2 || dst->shape[dim + 1] < 2 || !direct(dst, dim)
        || !direct(src, dim))
        return false;
    return (span(dst->strides[dim + 1]) < span(dst->strides[dim]))
           != (span(src->strides[dim + 1]) < span(src->strides[dim]));
}

/* TOBYTES-003: the last two dimensions of a transposing copy.  Row by
   row, one side would move across memory at every item, and use one item
   of each cache line it loads; so the copy goes by tiles, square, each
   side TILE bytes of items (8 items at least), whose lines on both sides
   stay in the cache until the tile is done (cache blocking).  Within a
   tile, the inner loop writes along dst's packed dimension: stores that
   stride are the dearer. */
enum { TILE = 64 };

static void copy_tiles(const mv_buffer *dst, unsigned char *dptr,
                       const mv_buffer *src, const unsigned char *sptr,
                       int dim)
{
    /* i: the inner dimension of the pair (dst's packed), o: the other */
    bool first = span(dst->strides[dim]) < span(dst->strides[dim + 1]);
    int i = first ? dim : dim + 1;
    int o = first ? dim + 1 : dim;
    mv_ssize no = dst->shape[o], ni = dst->shape[i];
    mv_ssize tile = dst->itemsize < TILE / 8 ? TILE / dst->itemsize : 8;

    for (mv_ssize o0 = 0; o0 < no; o0 += tile)
        for (mv_ssize i0 = 0; i0 < ni; i0 += tile)
            for (mv_ssize k = o0; k < no && k < o0 + tile; k++)
                copy_row(dptr + k * dst->strides[o] + i0 * dst->strides[i],
                         dst->strides[i],
                         sptr + k * src->strides[o] + i0 * src->strides[i],
                         src->strides[i], ni - i0 < tile ? ni - i0 : tile,
                         dst->itemsize);
}

/* copy_rec's walk, by rows and tiles.
   Assumes the last dimension of both sides holds no pointers. */
static void copy_fast_rec(const mv_buffer *dst, unsigned char *dptr,
                          const mv_buffer *src, unsigned char *sptr, int dim)
{
    int last = dst->ndim - 1;

    if (dim == last - 1 && transposing(dst, src, dim)) {
        copy_tiles(dst, dptr, src, sptr, dim);
        return;
    }
    if (dim == last) {
        copy_row(dptr, dst->strides[dim], sptr, src->strides[dim],
                 dst->shape[dim], dst->itemsize);
        return;
    }
    for (mv_ssize i = 0; i < dst->shape[dim]; i++)
        copy_fast_rec(dst,
                      mv_adjust_ptr(dst, dptr + i * dst->strides[dim], dim),
                      src,
                      mv_adjust_ptr(src, sptr + i * src->strides[dim], dim),
                      dim + 1);
}

/* Every item of src to its place in dst (copy_rec), by the fast walk when
   its items are word-sized (others, '3s', go item by item) and neither
   side has pointers in its last dimension. */
static void copy_items(const mv_buffer *dst, unsigned char *dptr,
                       const mv_buffer *src, unsigned char *sptr)
{
    int last = dst->ndim - 1;

    if (MV_FAST() && last >= 0 && word_sized(dst->itemsize)
        && direct(dst, last) && direct(src, last))
        copy_fast_rec(dst, dptr, src, sptr, 0);
    else
        copy_rec(dst, dptr, src, sptr, 0);
}

/* The layout of b's items packed in order 'C' or 'F' into mem, whose
   strides go into the caller's array `strides` (ndim entries). */
static mv_buffer packed_layout(const mv_buffer *b, unsigned char *mem,
                               char order, mv_ssize *strides)
{
    mv_buffer layout = *b;

    mv_strides_from_shape(b->ndim, b->shape, b->itemsize, order, strides);
    layout.buf = mem;
    layout.strides = strides;
    layout.suboffsets = NULL;
    return layout;
}

/* TOBYTES-002, TOBYTES-003, TOBYTES-004: the items of b packed into dst
   in order 'C' or 'F'; 'A' means the memory as it lies when b is
   contiguous either way, else C order (PyBuffer_ToContiguous). */
void mv_to_contiguous(unsigned char *dst, const mv_buffer *b, char order)
{
    mv_ssize dstrides[MV_MAX_EXPORTER_NDIM];
    mv_buffer dst_layout;

    if (mv_is_contiguous(b, order)) {
        if (b->len > 0)
            memcpy(dst, b->buf, (size_t)b->len);
        return;
    }
    dst_layout = packed_layout(b, dst, order == 'F' ? 'F' : 'C', dstrides);
    copy_items(&dst_layout, dst, b, b->buf);
}

/* ASSIGN-005, ASSIGN-013, ASSIGN-014: copy src's items to dst's places;
   shapes and itemsizes agree.  The copy goes through a temporary, so
   overlapping views of one memory (m[1:] = m[:-1]) get the items as they
   were before the copy began.  On failure nothing was written
   (ASSIGN-016). */
int mv_copy_items(const mv_buffer *dst, const mv_buffer *src, mv_error *err)
{
    mv_ssize cstrides[MV_MAX_EXPORTER_NDIM];
    mv_buffer tmp_layout;
    unsigned char *tmp;

    assert(dst->ndim == src->ndim && dst->itemsize == src->itemsize);
    tmp = mv_alloc((size_t)src->len);
    if (tmp == NULL)
        return mv_no_memory(err);
    mv_to_contiguous(tmp, src, 'C');
    tmp_layout = packed_layout(dst, tmp, 'C', cstrides);
    copy_items(dst, dst->buf, &tmp_layout, tmp);
    mv_free(tmp);
    return 0;
}
