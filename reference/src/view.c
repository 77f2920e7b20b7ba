/*
 * view.c -- views, and the managed buffer every view stands on: how a view
 * is made, how it gives its loan back, and how it lends its own memory.
 *
 * memoryview(x) asks x for one buffer (a loan of its memory, exporter.c)
 * and wraps it in a *managed buffer*.  The view made from it, and every
 * view later derived from that view -- slices, casts, toreadonly(),
 * memoryview(view) -- share that managed buffer, each with its own shape,
 * strides, suboffsets and format:
 *
 *     bytearray ◀── loan ── managed buffer ◀─┬─ m         = memoryview(ba)
 *     (exports 1)           (exports 3)       ├─ m[::2]
 *                                             └─ m.cast('c')
 *
 * So the exporter sees one loan however many views there are (CONSTRUCT-007,
 * EXPORT-008), and gets it back when the last of them is released
 * (EXPORT-005).  Two calls memoryview(x) make two managed buffers and two
 * loans (EXPORT-010).
 *
 * Two counts, two lifetimes.  managed.exports counts views not yet
 * released: it decides when the loan ends.  managed.refcount counts views
 * that still point at the struct, released or not: it decides when its
 * memory is freed.  The managed buffer keeps its reference to the
 * exporter until it is freed, so a released view never holds a dangling
 * pointer; released views refuse every operation anyway (RELEASE-001),
 * and the check that refuses them is here, for every chapter to ask first.
 * A view is released by release() (release.c) or, in CPython's way, when
 * its last reference goes (EXPORT-009).
 *
 * Making a view reads no item and checks no format (CONSTRUCT-010): the
 * view copies the description the lender gave, dimension limit aside
 * (CONSTRUCT-009), and nothing else (CONSTRUCT-006).
 *
 * A view is a lender too: a consumer can ask it for a buffer, with flags
 * that say how much of the layout it can take (OBJECT-005 to OBJECT-008):
 * memoryview(m) does not (it shares m's managed buffer), but m2[:] = m,
 * ba == m, bytes(m), m.__buffer__(flags) (object.c) and a host do.  What
 * it lends is its own view of the memory, counted in view.exports, and
 * while any such loan is out the view cannot be released (RELEASE-008).
 */
#include "mvint.h"
#include "exporter.h"
#include "layout.h"
#include "refcount.h"
#include "value.h"
#include "view.h"

/* ---- managed buffers ------------------------------------------------------ */

/* Give a loan back to its lender; the loan's reference stays with the
   caller (PyBuffer_Release drops it after). */
void mv_loan_return(mv_object *lender)
{
    if (lender->type == MV_TYPE_MEMORYVIEW)
        mv_view_releasebuffer((mv_view *)lender);
    else
        mv_exporter_releasebuffer((mv_exporter *)lender);
}

/* EXPORT-005: give the loan back to its lender, once. */
static void managed_release(mv_managed *mb)
{
    if (mb->released)
        return;
    mb->released = true;
    mv_loan_return(mb->master.obj);
}

static void managed_decref(mv_managed *mb)
{
    if (--mb->refcount > 0)
        return;
    managed_release(mb);
    mv_object_decref(mb->master.obj);
    mv_free(mb);
}

/* ---- released views ----------------------------------------------------------- */

/* RELEASE-001, RELEASE-006: every operation on a released view fails so,
   before any other check.  (Its managed buffer cannot have given its loan
   back before it: the view counts in its exports until released.) */
int mv_view_check_released(const mv_view *v, mv_error *err)
{
    assert(!v->mbuf->released || (v->flags & MV_FLAG_RELEASED));
    if (v->flags & MV_FLAG_RELEASED)
        return mv_raise(err, "RELEASE-001", "ValueError",
                        "operation forbidden on released memoryview object");
    return 0;
}

/* EXPORT-005: the view's share of the loan goes back; the last share
   returns the loan to its lender, unless an operation pins it. */
void mv_view_give_back(mv_view *v)
{
    assert(!(v->flags & MV_FLAG_RELEASED));
    v->flags |= MV_FLAG_RELEASED;
    if (--v->mbuf->exports == 0 && v->mbuf->pins == 0)
        managed_release(v->mbuf);
}

/* CONVERT-009 (3.10+): the check CPython makes again after a conversion,
   since gh-92888: the object's code may have released the view, and its
   exporter may then have moved the memory. */
int mv_view_check_again(const mv_view *v, mv_error *err)
{
    if (!v->base.cfg->behaviour.recheck_released)
        return 0;
    return mv_view_check_released(v, err);
}

/* CONVERT-009 (3.9): CPython writes, or reads, where the view pointed
   before the conversion, released or not: into memory the exporter may
   since have freed, were it not lent still.  The library keeps the loan
   while such an operation runs (pinned), so that the memory stays where
   it was: the exporter cannot resize meanwhile (BufferError, where CPython
   would be undefined), and the write lands as CPython's does when the
   exporter left its memory alone.  From 3.10 a pin does nothing: the check
   again refuses the released view before its memory is used. */
void mv_view_pin(mv_view *v)
{
    if (!v->base.cfg->behaviour.recheck_released)
        v->mbuf->pins++;
}

void mv_view_unpin(mv_view *v)
{
    mv_managed *mb = v->mbuf;

    if (v->base.cfg->behaviour.recheck_released)
        return;
    assert(mb->pins > 0);
    if (--mb->pins == 0 && mb->exports == 0)
        managed_release(mb);
}

/* The bytes of a view with room for `room` dimensions. */
static size_t view_bytes(int room)
{
    return sizeof(mv_view) + 3 * (size_t)room * sizeof(mv_ssize);
}

/* EXPORT-009: a view freed is a view released.
   Assumes no loan of v is outstanding: each holds a reference to v. */
static void view_destructor(mv_object *obj)
{
    mv_view *v = (mv_view *)obj;

    assert(v->exports == 0);
    if (!(v->flags & MV_FLAG_RELEASED))
        mv_view_give_back(v);
    managed_decref(v->mbuf);
    mv_value_clear(&v->hash_key);
    mv_free_sized(v, view_bytes(v->room));
}

/* ---- making views ----------------------------------------------------------- */

/* ATTR-008, ATTR-009, ATTR-012: contiguity flags, computed once per
   layout.  One-dimensional views use a simpler test than
   PyBuffer_IsContiguous: the stride must equal the itemsize unless there
   is exactly one item, so an empty view with a step (m[0:0:2]) is not
   contiguous. */
#ifndef NDEBUG
/* layout.c's invariant, checked on every view the library lays out (made,
   sliced, cast: each ends in mv_view_init_flags) over memory of its own
   exporters: the layout is bounded (mv_layout_bounded), with buf as far
   into the exporter's memory as it is, and each item in bounds lies in
   that memory.  So the library's layout arithmetic cannot overflow on any
   view of a layout the driver accepts (the driver refuses every exporter
   that is not bounded, reference/driver/ndarray.c), and the fuzz targets
   and the sanitized builds, which keep asserts, check it on every view
   they make.  A host's memory (external.c) is the host's to lay out. */
static bool view_in_bounds(const mv_view *v)
{
    const mv_buffer *b = &v->view;
    const mv_object *lender = v->mbuf->master.obj;
    const mv_exporter *e;
    mv_ssize offset, lo, hi;

    if (lender == NULL || lender->type < MV_TYPE_BYTES
        || lender->type > MV_TYPE_NUMPY)
        return true;
    e = (const mv_exporter *)lender;
    if (e->host.kind != MV_NONE || e->data == NULL || b->buf == NULL)
        return true;
    offset = (mv_ssize)((const unsigned char *)b->buf - e->data);
    if (b->itemsize <= 0)
        return false;
    if (mv_nitems(b->ndim, b->shape) == 0) {
        /* No item to lie anywhere.  A slice of a view with no items moves
           buf as CPython's does, even past the memory (m[::-1] of an
           ndarray of shape [4, 0] starts at its fourth, empty row:
           SLICE-001), and nothing is read there; only the addresses of
           its rows must not overflow. */
        mv_ssize sum;
        return mv_layout_extent(b->ndim, b->shape, b->strides, &lo, &hi)
               && !mv_ckd_add(&sum, offset, lo) && !mv_ckd_add(&sum, offset, hi);
    }
    if (offset < 0 || offset > e->size
        || !mv_layout_bounded(b->ndim, b->shape, b->strides, b->itemsize,
                              offset))
        return false;
    if (b->suboffsets != NULL)
        return true;   /* its items lie in rows elsewhere */
    (void)mv_layout_extent(b->ndim, b->shape, b->strides, &lo, &hi);
    return offset + lo >= 0 && offset + hi + b->itemsize <= e->size;
}
#endif

void mv_view_init_flags(mv_view *v)
{
    const mv_buffer *b = &v->view;
    unsigned flags = v->flags & MV_FLAG_RELEASED;

    assert(view_in_bounds(v));

    if (b->suboffsets != NULL)
        flags |= MV_FLAG_PIL;
    else if (b->ndim == 0)
        flags |= MV_FLAG_C | MV_FLAG_F;
    else if (b->ndim == 1) {
        if (b->shape[0] == 1 || b->strides[0] == b->itemsize)
            flags |= MV_FLAG_C | MV_FLAG_F;
    } else {
        if (mv_is_contiguous(b, 'C'))
            flags |= MV_FLAG_C;
        if (mv_is_contiguous(b, 'F'))
            flags |= MV_FLAG_F;
    }
    v->flags = flags;
}

/* CONSTRUCT-006: copy src's layout into v's own arrays.  A buffer lent on
   a narrow request may lack parts (OBJECT-006, OBJECT-007): no format
   means unsigned bytes, no shape one dimension of len / itemsize items, no
   strides C order.  The itemsize is kept, so a view of 'i' items lent
   without its format reads as 'B' with itemsize 4, as in CPython. */
static void init_layout(mv_view *v, const mv_buffer *src)
{
    if (src->format == NULL)
        v->view.format = "B";
    for (int d = 0; d < src->ndim; d++) {
        v->shape[d] = src->shape ? src->shape[d] : src->len / src->itemsize;
        if (src->suboffsets)
            v->suboffsets[d] = src->suboffsets[d];
    }
    if (src->strides != NULL)
        memcpy(v->strides, src->strides, (size_t)src->ndim * sizeof *v->strides);
    else
        mv_strides_from_shape(src->ndim, v->shape, src->itemsize, 'C',
                              v->strides);
    v->view.len = src->itemsize * mv_nitems(src->ndim, v->shape);
}

/* A new view registered with mb, laid out as src says, with room for
   `room` dimensions (src's at least, and one: a cast of a 0-dim view has
   one).  Its arrays are sized so, not for MV_MAX_NDIM: a view of one
   dimension is a small block, which the heap is quick to give.  Its
   contiguity flags are those of `like`, a view of the same layout, or
   (like NULL) computed.
   Assumes mb holds its loan (a released managed buffer makes no views). */
static int view_new(mv_managed *mb, const mv_buffer *src, int room,
                    const mv_view *like, mv_view **out, mv_error *err)
{
    mv_view *v;

    assert(!mb->released && room <= MV_MAX_NDIM);
    testcase(src->ndim == MV_MAX_NDIM);   /* the most a view may have */
    if (src->ndim > MV_MAX_NDIM)   /* CONSTRUCT-009, TOLIST-008 */
        return mv_raise(err, "CONSTRUCT-009", "ValueError", "memoryview: number of dimensions "
                        "must not exceed %d", MV_MAX_NDIM);
    room = room > src->ndim ? room : src->ndim > 1 ? src->ndim : 1;
    v = mv_alloc(view_bytes(room));
    if (v == NULL)
        return mv_no_memory(err);
    /* every field is set below; the arrays up to ndim (init_layout) */
    v->room = room;
    v->shape = v->layout;
    v->strides = v->layout + room;
    v->suboffsets = v->layout + 2 * room;
    mv_object_init(&v->base, MV_TYPE_MEMORYVIEW, mb->master.obj->cfg,
                   view_destructor);
    v->mbuf = mb;
    mb->refcount++;
    mb->exports++;                  /* EXPORT-008: one share of the loan */
    v->view = *src;                 /* READONLY-005, CONSTRUCT-010,
                                       FORMAT-020: the description as it
                                       is, format unread */
    v->view.obj = mb->master.obj;   /* not a counted reference: mb holds it */
    v->view.shape = v->shape;
    v->view.strides = v->strides;
    v->view.suboffsets = src->suboffsets ? v->suboffsets : NULL;
    init_layout(v, src);
    v->exports = 0;
    v->hashed = v->host_hashed = false;
    v->hash_key = mv_none();
    v->host_hash = 0;
    v->flags = 0;
    if (like != NULL)
        v->flags = like->flags;
    else
        mv_view_init_flags(v);
    *out = v;
    return 0;
}

/* CONSTRUCT-007, ATTR-014: a new view on base's managed buffer, with
   base's layout; the caller changes what it derives. */
int mv_view_derive(mv_view *base, int room, mv_view **out, mv_error *err)
{
    assert(!(base->flags & MV_FLAG_RELEASED));
    return view_new(base->mbuf, &base->view, room, base, out, err);
}

/* A new managed buffer and its first view, for a buffer just lent.  The
   managed buffer takes over the loan (b's reference to its lender), and
   gives it back at once if no view can be made of it. */
int mv_view_from_buffer(const mv_buffer *b, mv_view **out, mv_error *err)
{
    mv_managed *mb = mv_alloc_zeroed(1, sizeof *mb);
    int status;

    if (mb == NULL) {
        mv_loan_return(b->obj);
        mv_object_decref(b->obj);
        return mv_no_memory(err);
    }
    mb->master = *b;
    mb->refcount = 1;              /* ours, until the view takes one */
    status = view_new(mb, &mb->master, 0, NULL, out, err);
    managed_decref(mb);
    return status;
}

/* ---- length ------------------------------------------------------------------ */

/* SEQ-001, SEQ-002, SEQ-011: len(m) is the length of the first dimension.
   A 0-dim view had length 1 until 3.12, which made it an error.  (Here
   rather than in sequence.c: bool() of any object asks it, abstract.c.) */
int mv_view_length(const mv_view *v, mv_ssize *out, mv_error *err)
{
    if (mv_view_check_released(v, err) < 0)
        return -1;
    if (v->view.ndim == 0) {
        if (v->base.cfg->behaviour.zero_dim_len_raises)   /* SEQ-002 */
            return mv_raise(err, "SEQ-002", "TypeError", "0-dim memory has no length");
        *out = 1;
        return 0;
    }
    *out = v->view.shape[0];                             /* SEQ-001 */
    return 0;
}

/* ---- the view as a lender -------------------------------------------------- */

/* OBJECT-005 to OBJECT-008: a view lends its memory as it sees it, as much
   of it as the consumer asks for (flags: the MV_BUF_* requests), and
   refuses requests its layout cannot meet.  The checks, in CPython's
   order: */
static int narrow_request(const mv_view *v, mv_buffer *b, int flags,
                          mv_error *err)
{
    unsigned vf = v->flags;

    if ((flags & MV_BUF_WRITABLE) && v->view.readonly)   /* OBJECT-005 */
        return mv_raise(err, "OBJECT-005", "BufferError",
                        "memoryview: underlying buffer is not writable");
    if (!(flags & MV_BUF_FORMAT))                        /* OBJECT-006 */
        b->format = NULL;   /* read as unsigned bytes; itemsize unchanged */
    if ((flags & MV_BUF_C_CONTIGUOUS) == MV_BUF_C_CONTIGUOUS
        && !(vf & MV_FLAG_C))
        return mv_raise(err, "OBJECT-008", "BufferError",
                        "memoryview: underlying buffer is not C-contiguous");
    if ((flags & MV_BUF_F_CONTIGUOUS) == MV_BUF_F_CONTIGUOUS
        && !(vf & MV_FLAG_F))
        return mv_raise(err, "OBJECT-008", "BufferError", "memoryview: underlying buffer "
                        "is not Fortran contiguous");
    if ((flags & MV_BUF_ANY_CONTIGUOUS) == MV_BUF_ANY_CONTIGUOUS
        && !(vf & (MV_FLAG_C | MV_FLAG_F)))
        return mv_raise(err, "OBJECT-008", "BufferError",
                        "memoryview: underlying buffer is not contiguous");
    if ((flags & MV_BUF_INDIRECT) != MV_BUF_INDIRECT && (vf & MV_FLAG_PIL))
        return mv_raise(err, "OBJECT-008", "BufferError",
                        "memoryview: underlying buffer requires suboffsets");
    if ((flags & MV_BUF_STRIDES) != MV_BUF_STRIDES) {    /* OBJECT-007 */
        if (!(vf & MV_FLAG_C))
            return mv_raise(err, "OBJECT-007", "BufferError",
                            "memoryview: underlying buffer is not C-contiguous");
        b->strides = NULL;
    }
    if ((flags & MV_BUF_ND) != MV_BUF_ND) {
        if (b->format != NULL)
            return mv_raise(err, "OBJECT-006", "BufferError", "memoryview: cannot cast to "
                            "unsigned bytes if the format flag is present");
        b->ndim = 1;
        b->shape = NULL;
    }
    return 0;
}

/* RELEASE-008: lend v's memory, counting the loan in v. */
int mv_view_getbuffer(mv_view *v, mv_buffer *b, int flags, mv_error *err)
{
    if (mv_view_check_released(v, err) < 0)
        return -1;
    *b = v->view;
    if (narrow_request(v, b, flags, err) < 0)
        return -1;
    b->obj = &v->base;
    mv_object_incref(&v->base);
    v->exports++;
    return 0;
}

void mv_view_releasebuffer(mv_view *v)
{
    assert(v->exports > 0);
    v->exports--;
}
