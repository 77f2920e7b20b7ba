/*
 * slicing.c -- chapter 5 of the spec: m[start:stop:step], a new view of the
 * same memory.
 *
 * A slice copies nothing (SLICE-006): it is a new view on the same managed
 * buffer whose buf, shape[0] and strides[0] have moved, and which keeps
 * everything else of its parent (SLICE-013).  On an N-D view it selects
 * rows of the first dimension (SLICE-009).
 *
 *     m = memoryview(b'Hello World')          buf -> 'H', shape (11,), strides (1,)
 *     m[1:10:3]                               buf -> 'e', shape (3,),  strides (3,)
 *     m[::-1]                                 buf -> 'd', shape (11,), strides (-1,)
 *
 * The arithmetic is PySlice_Unpack and PySlice_AdjustIndices: the step is
 * read first (SLICE-014), then the start, then the stop, each by its
 * __index__ when it is an object of the host's (CONVERT-004); bounds beyond
 * Py_ssize_t are clamped (SLICE-005), then clamped again to the dimension
 * (SLICE-002, SLICE-003).  m[a:b] makes its new view before reading the
 * bounds, so an __index__ that releases m leaves the new view standing.
 */
#include "mvint.h"
#include "chapters.h"
#include "convert.h"
#include "layout.h"
#include "refcount.h"
#include "value.h"
#include "view.h"

/* SLICE-005: an int as a slice bound, clamped to Py_ssize_t. */
static mv_ssize clamped(const mv_config *cfg, const mv_value *n)
{
    int64_t i;
    mv_ssize max = cfg->platform.ssize_max;

    if (!mv_int_to_i64(n, &i))
        i = n->as.integer.negative ? INT64_MIN : INT64_MAX;
    return i > max ? max : i < -max - 1 ? -max - 1 : i;
}

/* SLICE-005, SLICE-007, CONVERT-004: an int, or what an object's
   __index__ makes, as a slice bound, with ints beyond Py_ssize_t clamped;
   anything else is a TypeError whose message says whether None would have
   done (it does in a slice, not in index()), until 3.15, which says it
   nowhere. */
int mv_clamped_index(const mv_config *cfg, const mv_value *v, bool none_ok,
                     mv_ssize *out, mv_error *err)
{
    mv_value n;

    if (MV_FAST() && mv_is_index(v)) {   /* an int: read where it is */
        *out = clamped(cfg, v);
        return 0;
    }
    if (!mv_index_check(v))
        return mv_raise(err, "SLICE-007", "TypeError", "slice indices must be integers or "
                        "%shave an __index__ method",
                        none_ok && !cfg->behaviour.slice_message_no_none
                        ? "None or " : "");
    if (mv_index(v, &n, err) < 0)
        return -1;
    *out = clamped(cfg, &n);
    mv_value_clear(&n);
    return 0;
}

/* A bound of a slice with no step, an int or None (its default, dflt),
   as mv_clamped_index reads an int; false for anything else. */
static bool plain_bound(const mv_config *cfg, const mv_value *part,
                        mv_ssize dflt, mv_ssize *out)
{
    if (part->kind == MV_NONE)
        *out = dflt;
    else if (part->kind == MV_INT)
        *out = clamped(cfg, part);
    return part->kind == MV_NONE || part->kind == MV_INT;
}

/* SLICE-004, SLICE-014: PySlice_Unpack.  The step is read first, so
   slice(x, y, 0) is a ValueError whatever x and y are. */
int mv_slice_unpack(const mv_config *cfg, const mv_value *slice,
                    mv_ssize *start, mv_ssize *stop, mv_ssize *step,
                    mv_error *err)
{
    const mv_value *s = slice->as.seq.items;
    mv_ssize max = cfg->platform.ssize_max;

    assert(slice->kind == MV_SLICE);
    *step = 1;
    /* a fast path: m[a:b], no step, a and b ints or None (most slices) */
    if (MV_FAST() && s[2].kind == MV_NONE && plain_bound(cfg, &s[0], 0, start)
        && plain_bound(cfg, &s[1], max, stop))
        return 0;
    if (s[2].kind != MV_NONE) {
        if (mv_clamped_index(cfg, &s[2], true, step, err) < 0)
            return -1;
        if (*step == 0)
            return mv_raise(err, "SLICE-004", "ValueError", "slice step cannot be zero");
        if (*step < -max)
            *step = -max;   /* so that -step cannot overflow */
    }
    if (s[0].kind == MV_NONE)
        *start = *step < 0 ? max : 0;
    else if (mv_clamped_index(cfg, &s[0], true, start, err) < 0)
        return -1;
    if (s[1].kind == MV_NONE)
        *stop = *step < 0 ? -max - 1 : max;
    else if (mv_clamped_index(cfg, &s[1], true, stop, err) < 0)
        return -1;
    return 0;
}

/* SLICE-002, SLICE-003: one bound clamped to a sequence of `length`
   items: from the end when negative, then to the first or last place the
   direction of the step can start from. */
static mv_ssize adjusted(mv_ssize bound, mv_ssize length, mv_ssize step)
{
    if (bound < 0) {
        bound += length;
        if (bound < 0)
            bound = step < 0 ? -1 : 0;
    } else if (bound >= length) {
        bound = step < 0 ? length - 1 : length;
    }
    return bound;
}

/* SLICE-002, SLICE-003: clamp start and stop to a sequence of `length`
   items, and return how many items the slice selects. */
mv_ssize mv_slice_adjust(mv_ssize length, mv_ssize *start, mv_ssize *stop,
                         mv_ssize step)
{
    *start = adjusted(*start, length, step);
    *stop = adjusted(*stop, length, step);
    if (step == 1)   /* m[a:b]: no division (its idiv was a tenth of m[1:-1]) */
        return *start < *stop ? *stop - *start : 0;
    if (step < 0)
        return *stop < *start ? (*start - *stop - 1) / -step + 1 : 0;
    return *start < *stop ? (*stop - *start - 1) / step + 1 : 0;
}

/* SLICE-005, SLICE-008: stride * step, wrapped to the platform's
   Py_ssize_t.  A huge step (m[::2**70]) selects one item, and CPython's
   multiplication overflows; the wrapped stride shows in m.strides, so it
   is reproduced here, in unsigned arithmetic where wrapping is defined. */
static mv_ssize wrapping_multiply(const mv_config *cfg, mv_ssize a, mv_ssize b)
{
    uint64_t product = (uint64_t)a * (uint64_t)b;

    if (cfg->platform.sizeof_ssize == 4)
        return (int32_t)(uint32_t)product;   /* the low 32 bits, signed */
    return (int64_t)product;                 /* two's complement, as gcc and
                                                clang define the conversion */
}

/* SLICE-006, SLICE-008, SLICE-012: narrow the first dimension of b to
   the slice.  buf moves to the first item selected, even under
   suboffsets: the first dimension's pointers are where buf points.  An
   empty slice selects no item, and its buf, never read, stays where it
   was: start may then be one past either end, where the distance could
   be one a wrapped stride (SLICE-008) makes too large to add. */
int mv_slice_first_dimension(const mv_config *cfg, mv_buffer *b,
                             const mv_value *slice, mv_error *err)
{
    mv_ssize start = 0, stop = 0, step = 1;

    if (mv_slice_unpack(cfg, slice, &start, &stop, &step, err) < 0)
        return -1;
    b->shape[0] = mv_slice_adjust(b->shape[0], &start, &stop, step);
    testcase(b->shape[0] == 0);      /* an empty slice */
    if (b->shape[0] > 0)             /* start: an item, within reach */
        b->buf += b->strides[0] * start;
    b->strides[0] = wrapping_multiply(cfg, b->strides[0], step);
    return 0;
}

/* SLICE-001, SLICE-009, SLICE-013, ATTR-014: m[a:b:c], a new view with
   its own layout and the rest of its parent's description. */
int mv_view_slice(mv_view *v, const mv_value *key, mv_value *result,
                  mv_error *err)
{
    mv_view *s;

    if (mv_view_derive(v, 0, &s, err) < 0)
        return -1;
    if (mv_slice_first_dimension(v->base.cfg, &s->view, key, err) < 0) {
        mv_object_decref(&s->base);
        return -1;
    }
    s->view.len = s->view.itemsize * mv_nitems(s->view.ndim, s->view.shape);
    mv_view_init_flags(s);
    *result = mv_view_value(s);
    return 0;
}
