/*
 * ndarray.c -- N-dimensional exporters: _testbuffer.ndarray, the test
 * exporter CPython's own suite uses, and numpy.ndarray, modelled by the same
 * structure because a memoryview sees nothing of numpy but its buffer.
 *
 * An ndarray is a block of memory filled with its items in order, plus a
 * fixed layout (format, shape, strides, offset) that says where item
 * [i0, ..., ik] is.  The layout must stay inside the block: an ndarray whose
 * strides would reach outside it cannot be made.  Strides default to C
 * order, or Fortran order when asked.
 *
 * PIL-style arrays (ND_PIL) add one level of indirection to the first
 * dimension: the block is preceded by an array of pointers, one per index of
 * dimension 0, and suboffsets[0] says what to add to each pointer (see the
 * picture in layout.c).  The pointers are real addresses, so PIL arrays are
 * modelled only when the modelled pointer is as wide as the host's.
 */
#include <stdio.h>

#include "mvint.h"

/* The layout must address only the items' memory ([0, memlen)). */
static bool layout_fits(mv_ssize memlen, mv_ssize itemsize, mv_ssize offset,
                        int ndim, const mv_ssize *shape,
                        const mv_ssize *strides)
{
    mv_ssize lo = 0, hi = 0;

    if (ndim == 0)
        return offset >= 0 && offset + itemsize <= memlen;
    for (int d = 0; d < ndim; d++)
        if (strides[d] % itemsize)
            return false;
    for (int d = 0; d < ndim; d++)
        if (shape[d] == 0)
            return true;
    for (int d = 0; d < ndim; d++) {
        if (strides[d] <= 0)
            lo += (shape[d] - 1) * strides[d];
        else
            hi += (shape[d] - 1) * strides[d];
    }
    return lo + offset >= 0 && hi + offset + itemsize <= memlen;
}

/* EXPORT-?: turn dimension 0 into an indirect one, as _testbuffer's ND_PIL
   does: prepend a pointer per index, point each at its sub-array. */
static int make_pil(mv_exporter *e, mv_error *err)
{
    const mv_ssize ptrsize = (mv_ssize)sizeof(unsigned char *);
    mv_ssize addsize = (e->shape[0] * ptrsize + 7) / 8 * 8;
    mv_ssize lo = 0, sub0 = 0, start, step;
    unsigned char *data;

    if (e->base.cfg->platform.sizeof_ptr != ptrsize || e->ndim == 0)
        return mv_unsupported(err, "PIL arrays on this platform");
    data = mv_alloc_zeroed((size_t)(e->size + addsize), 1);
    e->suboffsets = mv_alloc((size_t)e->ndim * sizeof *e->suboffsets);
    if (data == NULL || e->suboffsets == NULL) {
        mv_free(data);
        return mv_no_memory(err);
    }
    memcpy(data + addsize, e->data, (size_t)e->size);
    mv_free(e->data);
    e->data = data;
    e->size += addsize;
    /* lo: the lowest item offset; sub0 undoes the part of it that the
       dimensions after the first contribute */
    for (int d = 0; d < e->ndim && e->shape[d] > 0; d++) {
        if (e->strides[d] <= 0) {
            mv_ssize x = (e->shape[d] - 1) * e->strides[d];
            lo += x;
            if (d >= 1)
                sub0 -= x;
        }
    }
    start = addsize + e->offset + lo;
    step = e->strides[0] < 0 ? -e->strides[0] : e->strides[0];
    for (mv_ssize i = 0; i < e->shape[0]; i++) {
        unsigned char *target = data + start + i * step;
        memcpy(data + i * ptrsize, &target, sizeof target);
    }
    e->suboffsets[0] = sub0;
    for (int d = 1; d < e->ndim; d++)
        e->suboffsets[d] = -1;
    e->offset = 0;
    if (e->strides[0] >= 0) {
        e->strides[0] = ptrsize;
    } else {
        e->strides[0] = -ptrsize;
        if (e->shape[0] > 0)
            e->offset = (e->shape[0] - 1) * ptrsize;   /* buf: last pointer */
    }
    return 0;
}

static int fill_items(mv_exporter *e, const mv_value *items, mv_ssize n,
                      mv_error *err)
{
    for (mv_ssize i = 0; i < n; i++) {
        const mv_value *item = e->ndim == 0 && items->kind != MV_LIST
                                   ? items : &items->as.seq.items[i];
        if (mv_struct_pack(e->base.cfg, e->format, e->data + i * e->itemsize,
                           item, err) < 0)
            return -1;
    }
    return 0;
}

/* Fortran strides were asked for, and are what the buffer shows.  numpy
   lends a buffer that is C-contiguous by its own test -- at most one
   dimension longer than 1, or no items at all -- with C strides even when
   it was made in Fortran order (EXPORT-?). */
static bool fortran_strides(mv_type type, const mv_ndarray_spec *spec)
{
    int longer = 0;

    if (!spec->fortran)
        return false;
    if (type != MV_TYPE_NUMPY)
        return true;
    for (int d = 0; d < spec->ndim; d++) {
        if (spec->shape[d] == 0)
            return false;
        longer += spec->shape[d] > 1;
    }
    return longer > 1;
}

int mv_ndarray_build(const mv_config *cfg, mv_type type,
                     const mv_ndarray_spec *spec, mv_value *out,
                     mv_error *err)
{
    mv_ssize itemsize, nitems;
    mv_exporter *e;

    itemsize = mv_struct_calcsize(cfg, spec->format, err);
    if (itemsize < 0)
        return -1;
    if (itemsize == 0 || spec->ndim > 2 * MV_MAX_NDIM || spec->ndim < 0)
        return mv_unsupported(err, "ndarray format or ndim");
    nitems = spec->ndim == 0 && spec->items->kind != MV_LIST
                 ? 1 : (mv_ssize)spec->items->as.seq.len;
    if (spec->items->kind != MV_LIST && spec->ndim != 0)
        return mv_unsupported(err, "ndarray items must be a list");
    if (nitems == 0 || spec->offset < 0 || spec->offset % itemsize
        || spec->offset + itemsize > nitems * itemsize
        || (spec->has_strides && spec->fortran))
        return mv_unsupported(err, "ndarray items, offset or strides");
    e = mv_alloc_zeroed(1, sizeof *e);
    if (e == NULL)
        return mv_no_memory(err);
    e->base.type = type;
    e->base.refcount = 1;
    e->base.cfg = cfg;
    e->ndim = spec->ndim;
    e->size = nitems * itemsize;
    e->itemsize = itemsize;
    e->offset = spec->offset;
    e->readonly = spec->readonly;
    e->data = mv_alloc_zeroed((size_t)e->size, 1);
    e->format = mv_strdup(spec->format);
    e->shape = mv_alloc((size_t)(spec->ndim + 1) * sizeof *e->shape);
    e->strides = mv_alloc((size_t)(spec->ndim + 1) * sizeof *e->strides);
    *out = mv_none();
    out->kind = MV_OBJECT;
    out->as.object = &e->base;
    if (e->data == NULL || e->format == NULL || e->shape == NULL
        || e->strides == NULL) {
        mv_value_clear(out);
        return mv_no_memory(err);
    }
    for (int d = 0; d < spec->ndim; d++) {
        if (spec->shape[d] < 0) {
            mv_value_clear(out);
            return mv_unsupported(err, "negative shape");
        }
        e->shape[d] = spec->shape[d];
    }
    if (spec->has_strides)
        memcpy(e->strides, spec->strides, (size_t)spec->ndim * sizeof *e->strides);
    else
        mv_strides_from_shape(e->ndim, e->shape, itemsize,
                              fortran_strides(type, spec) ? 'F' : 'C',
                              e->strides);
    if (!layout_fits(e->size, itemsize, e->offset, e->ndim, e->shape,
                     e->strides)) {
        mv_value_clear(out);
        return mv_unsupported(err, "ndarray: invalid combination of buffer, "
                              "shape and strides");
    }
    if (fill_items(e, spec->items, nitems, err) < 0
        || (spec->pil && make_pil(e, err) < 0)) {
        mv_value_clear(out);
        return -1;
    }
    return 0;
}

int mv_ndarray_object(const mv_config *cfg, const mv_ndarray_spec *spec,
                      mv_value *out, mv_error *err)
{
    return mv_ndarray_build(cfg, MV_TYPE_NDARRAY, spec, out, err);
}

/* numpy dtypes by name, as their buffers name them on this platform. */
int mv_numpy_object(const mv_config *cfg, const char *dtype,
                    const mv_ndarray_spec *spec, mv_value *out,
                    mv_error *err)
{
    static const struct { const char *dtype; const char *format; } types[] = {
        { "bool", "?" }, { "int8", "b" }, { "uint8", "B" },
        { "int16", "h" }, { "uint16", "H" }, { "int32", "i" },
        { "uint32", "I" }, { "int64", "l" }, { "uint64", "L" },
        { "float16", "e" }, { "float32", "f" }, { "float64", "d" },
        { "longlong", "q" }, { "ulonglong", "Q" },
    };
    mv_ndarray_spec s = *spec;
    mv_ssize n = 1;

    if (cfg->platform.word_size != 64)
        return mv_unsupported(err, "numpy on a %d-bit platform",
                              cfg->platform.word_size);
    s.format = NULL;
    for (size_t i = 0; i < sizeof types / sizeof types[0]; i++)
        if (strcmp(types[i].dtype, dtype) == 0)
            s.format = types[i].format;
    if (s.format == NULL)
        return mv_unsupported(err, "numpy dtype '%s'", dtype);
    for (int d = 0; d < s.ndim; d++)
        n *= s.shape[d];
    if (spec->items->kind != MV_LIST || (mv_ssize)spec->items->as.seq.len != n
        || n == 0 || s.pil || s.has_strides || s.offset != 0)
        return mv_unsupported(err, "numpy array of this shape");
    return mv_ndarray_build(cfg, MV_TYPE_NUMPY, &s, out, err);
}

/* ---- tolist ---------------------------------------------------------- */

static int tolist_rec(mv_exporter *e, unsigned char *ptr, int dim,
                      mv_value *out, mv_error *err)
{
    mv_value item;

    if (dim == e->ndim)
        return mv_struct_unpack(e->base.cfg, e->format, ptr, out, err);
    if (mv_seq_new(out, MV_LIST, 0, err) < 0)
        return -1;
    for (mv_ssize i = 0; i < e->shape[dim]; i++) {
        unsigned char *p = mv_adjust_ptr(ptr + i * e->strides[dim],
                                         e->suboffsets, dim);
        if (tolist_rec(e, p, dim + 1, &item, err) < 0
            || mv_list_append(out, &item, err) < 0) {
            mv_value_clear(out);
            return -1;
        }
    }
    return 0;
}

/* ndarray.tolist(): the items, nested by dimension. */
int mv_ndarray_tolist(mv_exporter *e, mv_value *result, mv_error *err)
{
    return tolist_rec(e, e->data + e->offset, 0, result, err);
}
