/*
 * index.c -- reading through a view: m[i], m[i, j], m[a:b:c], m[()], m[...].
 *
 * The key decides what m[key] means, and the checks come in this order,
 * which is CPython's and decides which error a bad key meets first:
 *
 *   released view?                       ValueError (RELEASE-001)
 *   0-dim view: () reads the item, ... is the view itself, anything
 *               else is a TypeError      (INDEX-?)
 *   an int (or bool)                     one item; 1-D only   (INDEX-001)
 *   a slice                              a new view           (SLICE-001)
 *   a tuple of ints                      one item of an N-D view (INDEX-007)
 *   a tuple of slices                    NotImplementedError  (SLICE-?)
 *   anything else                        TypeError            (INDEX-006)
 *
 * Slices never copy memory: a slice is a view of the same managed buffer
 * whose buf, shape and strides have been moved (see layout.c).
 */
#include "mvint.h"

/* ---- slices ---------------------------------------------------------------- */

/* SLICE-005, SLICE-007: one bound of a slice, with ints beyond Py_ssize_t
   clamped. */
static int slice_index(const mv_config *cfg, const mv_value *v, mv_ssize *out,
                       mv_error *err)
{
    int64_t i;
    mv_ssize max = cfg->platform.ssize_max;

    if (!mv_is_index(v))
        return mv_raise(err, "TypeError", "slice indices must be integers or "
                        "None or have an __index__ method");
    if (!mv_int_to_i64(v, &i))
        i = v->as.integer.negative ? INT64_MIN : INT64_MAX;
    *out = i > max ? max : i < -max - 1 ? -max - 1 : i;
    return 0;
}

/* SLICE-004: PySlice_Unpack.  The step is read first, so slice(x, y, 0)
   is a ValueError whatever x and y are. */
int mv_slice_unpack(const mv_config *cfg, const mv_value *slice,
                    mv_ssize *start, mv_ssize *stop, mv_ssize *step,
                    mv_error *err)
{
    const mv_value *s = slice->as.seq.items;
    mv_ssize max = cfg->platform.ssize_max;

    assert(slice->kind == MV_SLICE);
    if (s[2].kind == MV_NONE)
        *step = 1;
    else {
        if (slice_index(cfg, &s[2], step, err) < 0)
            return -1;
        if (*step == 0)
            return mv_raise(err, "ValueError", "slice step cannot be zero");
        if (*step < -max)
            *step = -max;   /* so that -step cannot overflow */
    }
    if (s[0].kind == MV_NONE)
        *start = *step < 0 ? max : 0;
    else if (slice_index(cfg, &s[0], start, err) < 0)
        return -1;
    if (s[1].kind == MV_NONE)
        *stop = *step < 0 ? -max - 1 : max;
    else if (slice_index(cfg, &s[1], stop, err) < 0)
        return -1;
    return 0;
}

/* SLICE-002, SLICE-003: clamp start and stop to a sequence of `length` items, and
   return how many items the slice selects. */
mv_ssize mv_slice_adjust(mv_ssize length, mv_ssize *start, mv_ssize *stop,
                         mv_ssize step)
{
    mv_ssize *bound[2] = { start, stop };

    for (int i = 0; i < 2; i++) {
        mv_ssize *b = bound[i];
        if (*b < 0) {
            *b += length;
            if (*b < 0)
                *b = step < 0 ? -1 : 0;
        } else if (*b >= length) {
            *b = step < 0 ? length - 1 : length;
        }
    }
    if (step < 0)
        return *stop < *start ? (*start - *stop - 1) / -step + 1 : 0;
    return *start < *stop ? (*stop - *start - 1) / step + 1 : 0;
}

/* SLICE-008: stride * step, wrapped to the platform's Py_ssize_t.  A huge
   step (m[::2**70]) selects one item, and CPython's multiplication
   overflows; the wrapped stride shows in m.strides, so it is reproduced
   here, in unsigned arithmetic where wrapping is defined. */
static mv_ssize wrapping_multiply(const mv_config *cfg, mv_ssize a, mv_ssize b)
{
    uint64_t product = (uint64_t)a * (uint64_t)b;

    if (cfg->platform.sizeof_ssize == 4)
        return (int32_t)(uint32_t)product;   /* the low 32 bits, signed */
    return (int64_t)product;                 /* two's complement, as gcc and
                                                clang define the conversion */
}

/* SLICE-006, SLICE-008: narrow dimension dim of b to the slice.  Under suboffsets the
   start moves the last indirect dimension before dim instead of buf,
   because buf is where the pointers are, not the items. */
int mv_slice_dimension(const mv_config *cfg, mv_buffer *b,
                           const mv_value *slice, int dim, mv_error *err)
{
    mv_ssize start, stop, step, n;
    int d;

    if (mv_slice_unpack(cfg, slice, &start, &stop, &step, err) < 0)
        return -1;
    n = mv_slice_adjust(b->shape[dim], &start, &stop, step);
    for (d = dim - 1; b->suboffsets != NULL && d >= 0; d--)
        if (b->suboffsets[d] >= 0)
            break;
    if (b->suboffsets == NULL || d < 0)
        b->buf += b->strides[dim] * start;
    else
        b->suboffsets[d] += b->strides[dim] * start;
    b->shape[dim] = n;
    b->strides[dim] = wrapping_multiply(cfg, b->strides[dim], step);
    return 0;
}

static int view_slice(mv_view *v, const mv_value *key, mv_value *result,
                      mv_error *err)
{
    mv_view *s;

    if (mv_view_derive(v, &s, err) < 0)
        return -1;
    if (mv_slice_dimension(v->base.cfg, &s->view, key, 0, err) < 0) {
        mv_object_decref(&s->base);
        return -1;
    }
    s->view.len = s->view.itemsize;
    for (int d = 0; d < s->view.ndim; d++)
        s->view.len *= s->view.shape[d];
    mv_view_init_flags(s);
    *result = mv_none();
    result->kind = MV_OBJECT;
    result->as.object = &s->base;
    return 0;
}

/* ---- items ------------------------------------------------------------------- */

bool mv_is_multi_index(const mv_value *key)
{
    if (key->kind != MV_TUPLE)
        return false;
    for (size_t i = 0; i < key->as.seq.len; i++)
        if (!mv_is_index(&key->as.seq.items[i]))
            return false;
    return true;
}

bool mv_is_multi_slice(const mv_value *key)
{
    if (key->kind != MV_TUPLE)
        return false;
    for (size_t i = 0; i < key->as.seq.len; i++)
        if (key->as.seq.items[i].kind != MV_SLICE)
            return false;
    return true;
}

/* INDEX-007, INDEX-008, INDEX-009: the address of m[i0, ..., ik].  A tuple with fewer ints than
   dimensions would select a sub-view, which memoryview does not do. */
int mv_tuple_address(mv_view *v, const mv_value *key, unsigned char **out,
                     mv_error *err)
{
    const mv_buffer *b = &v->view;
    size_t n = key->as.seq.len;
    unsigned char *ptr = b->buf;
    mv_ssize index;

    assert(mv_is_multi_index(key));
    if ((mv_ssize)n < b->ndim)
        return mv_raise(err, "NotImplementedError",
                        "sub-views are not implemented");
    if ((mv_ssize)n > b->ndim)
        return mv_raise(err, "TypeError", "cannot index %d-dimension view "
                        "with %zu-element tuple", b->ndim, n);
    for (size_t d = 0; d < n; d++) {
        if (mv_as_ssize(v->base.cfg, &key->as.seq.items[d], "IndexError",
                        &index, err) < 0
            || mv_lookup_dimension(b, ptr, (int)d, index, &ptr, err) < 0)
            return -1;
    }
    *out = ptr;
    return 0;
}

/* INDEX-001, INDEX-004, INDEX-005, INDEX-006, SLICE-001: m[key]. */
int mv_view_getitem(mv_view *v, const mv_value *key, mv_value *result,
                    mv_error *err)
{
    const mv_buffer *b = &v->view;
    unsigned char *ptr;
    mv_ssize index;
    char code;

    if (mv_view_check_released(v, err) < 0)
        return -1;
    if (b->ndim == 0) {
        if (key->kind == MV_TUPLE && key->as.seq.len == 0) {
            if (mv_adjust_format(b->format, &code, err) < 0)
                return -1;
            return mv_unpack_native(v->base.cfg, code, b->buf, result, err);
        }
        if (key->kind == MV_ELLIPSIS) {
            *result = mv_object_value(&v->base);
            return 0;
        }
        return mv_raise(err, "TypeError", "invalid indexing of 0-dim memory");
    }
    if (mv_is_index(key)) {
        /* the key is converted first, then the format is checked */
        if (mv_as_ssize(v->base.cfg, key, "IndexError", &index, err) < 0
            || mv_adjust_format(b->format, &code, err) < 0)
            return -1;
        if (b->ndim > 1)
            return mv_raise(err, "NotImplementedError",
                            "multi-dimensional sub-views are not implemented");
        if (mv_lookup_dimension(b, b->buf, 0, index, &ptr, err) < 0)
            return -1;
        return mv_unpack_native(v->base.cfg, code, ptr, result, err);
    }
    if (key->kind == MV_SLICE)
        return view_slice(v, key, result, err);
    if (mv_is_multi_index(key)) {
        if (mv_adjust_format(b->format, &code, err) < 0
            || mv_tuple_address(v, key, &ptr, err) < 0)
            return -1;
        return mv_unpack_native(v->base.cfg, code, ptr, result, err);
    }
    if (mv_is_multi_slice(key))
        return mv_raise(err, "NotImplementedError",
                        "multi-dimensional slicing is not implemented");
    return mv_raise(err, "TypeError", "memoryview: invalid slice key");
}
