/*
 * ndarray.c -- a _testbuffer.ndarray or a numpy array, as the cases use
 * it: one item read or written by its index (a numpy item is a numpy
 * scalar, known here only by its type's name), and its items as nested
 * lists.  The library models both with one structure
 * (reference/src/ndarray.c), and so does this file; which of them a case
 * may build is what _testbuffer and numpy accept.
 */
#include "exporters.h"
#include "chapters.h"
#include "formats.h"
#include "layout.h"
#include "refcount.h"
#include "value.h"

/* The address of n[i] (one dimension) or, for numpy, n[i0, ..., ik] (all
   of them); NULL with *supported false for keys not modelled. */
static int ndarray_address(mv_exporter *e, const mv_value *key,
                           unsigned char **out, bool *supported, mv_error *err)
{
    bool numpy = e->base.type == MV_TYPE_NUMPY;
    const mv_value *index = key;
    size_t n = 1;
    unsigned char *ptr = e->data + e->offset;

    *supported = true;
    if (key->kind == MV_TUPLE && numpy && mv_is_multi_index(key)) {
        index = key->as.seq.items;
        n = key->as.seq.len;
    }
    if ((mv_ssize)n != e->ndim || e->suboffsets != NULL
        || !mv_is_index(index)) {
        *supported = false;
        return 0;
    }
    for (size_t d = 0; d < n; d++) {
        mv_ssize i, len = e->shape[d];
        if (mv_as_ssize(e->base.cfg, &index[d], "IndexError", NULL, &i, err) < 0)
            return -1;
        if (i < -len || i >= len)
            return numpy ? mv_raise(err, NULL, "IndexError", "index %lld is out of "
                                    "bounds for axis %zu with size %lld",
                                    (long long)i, d, (long long)len)
                         : mv_raise(err, NULL, "IndexError", "index out of bounds");
        ptr += (i < 0 ? i + len : i) * e->strides[d];
    }
    *out = ptr;
    return 0;
}

/* n[i0, ..., ik] for a numpy array: a numpy scalar, which the reference
   knows only by its type's name. */
static int ndarray_getitem(mv_exporter *e, const mv_value *key,
                           mv_value *result, mv_error *err)
{
    static const char codes[] = "?bBhHiIlLqQefd";
    static const char *const names[] = {
        "bool_", "int8", "uint8", "int16", "uint16", "int32", "uint32",
        "int64", "uint64", "longlong", "ulonglong", "float16", "float32",
        "float64"
    };
    const char *f = e->format[0] == '>' || e->format[0] == '<' ? e->format + 1
                                                               : e->format;
    const char *c = f[0] && !f[1] ? strchr(codes, f[0]) : NULL;
    unsigned char *ptr;
    bool supported;

    if (e->base.type != MV_TYPE_NUMPY || c == NULL)
        return mv_unsupported(err, "%s[...]", mv_object_name(&e->base, false));
    if (ndarray_address(e, key, &ptr, &supported, err) < 0)
        return -1;
    if (!supported)
        return mv_unsupported(err, "this numpy index");
    (void)ptr;   /* the address was wanted for its bounds check only */
    if (mv_str_new(result, names[c - codes], strlen(names[c - codes]), err) < 0)
        return -1;
    result->kind = MV_OPAQUE;
    return 0;
}

/* n[key] = value for an ndarray or a numpy array (EXPORT-002): one item,
   packed as the struct module packs it.  Other keys, and values the
   packing refuses, are not modelled. */
static int ndarray_setitem(mv_exporter *e, const mv_value *key,
                           const mv_value *value, mv_error *err)
{
    unsigned char tmp[64], *ptr = NULL;
    bool supported;

    if (e->readonly && value != NULL)
        return e->base.type == MV_TYPE_NUMPY
                   ? mv_raise(err, NULL, "ValueError",
                              "assignment destination is read-only")
                   : mv_raise(err, NULL, "TypeError", "ndarray is not writable");
    if (value == NULL || e->itemsize > (mv_ssize)sizeof tmp
        || (value->kind != MV_INT && value->kind != MV_FLOAT))
        return mv_unsupported(err, "this assignment to an ndarray");
    if (ndarray_address(e, key, &ptr, &supported, err) < 0)
        return -1;
    if (!supported)
        return mv_unsupported(err, "this assignment to an ndarray");
    if (mv_struct_pack(e->base.cfg, e->format, tmp, value, err) < 0)
        return -1;
    memcpy(ptr, tmp, (size_t)e->itemsize);
    return 0;
}

/* The exporter's layout as a buffer to walk with mv_adjust_ptr: a
   description only, no loan (nothing is counted). */
static mv_buffer layout_of(mv_exporter *e)
{
    mv_buffer b;

    memset(&b, 0, sizeof b);
    b.buf = e->data + e->offset;
    b.itemsize = e->itemsize;
    b.ndim = e->ndim;
    b.format = e->format;
    b.shape = e->shape;
    b.strides = e->strides;
    b.suboffsets = e->suboffsets;
    b.slots = e->slots;
    return b;
}

static int tolist_rec(mv_exporter *e, const mv_buffer *b, unsigned char *ptr,
                      int dim, mv_value *out, mv_error *err)
{
    mv_value item;

    if (dim == b->ndim)
        return mv_struct_unpack(e->base.cfg, e->format, ptr, out, err);
    if (mv_seq_new(out, MV_LIST, 0, err) < 0)
        return -1;
    for (mv_ssize i = 0; i < b->shape[dim]; i++) {
        unsigned char *p = mv_adjust_ptr(b, ptr + i * b->strides[dim], dim);
        if (tolist_rec(e, b, p, dim + 1, &item, err) < 0
            || mv_list_append(out, &item, err) < 0) {
            mv_value_clear(out);
            return -1;
        }
    }
    return 0;
}

/* n.tolist(): the items, nested by dimension. */
static int ndarray_contents(mv_exporter *e, mv_value *result, mv_error *err)
{
    mv_buffer layout = layout_of(e);

    if (!mv_struct_known(e->base.cfg, e->format))   /* complex, str */
        return mv_unsupported(err, "the items of a numpy array of "
                              "format %s", e->format);
    return tolist_rec(e, &layout, layout.buf, 0, result, err);
}

const exporter_kind ndarray_kind = {
    NULL, ndarray_getitem, ndarray_setitem, ndarray_contents
};

/* ---- what _testbuffer and numpy accept ------------------------------------- */

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

/* Why _testbuffer.ndarray or numpy would refuse s, or NULL: the library
   builds only what they accept (reference/src/ndarray.c). */
const char *ndarray_refused(const mv_config *cfg, const mv_ndarray_spec *s,
                            bool numpy)
{
    mv_error err;
    mv_ssize n = 1, count, itemsize;

    if (s->ndim > MV_MAX_EXPORTER_NDIM)
        return "more than 128 dimensions";
    for (int d = 0; d < s->ndim; d++) {
        if (s->shape[d] < 0)
            return "a negative shape";
        n *= s->shape[d];
    }
    if (s->items->kind != MV_LIST && (s->ndim != 0 || numpy))
        return "items that are not a list";
    count = s->items->kind == MV_LIST ? (mv_ssize)s->items->as.seq.len : 1;
    if (numpy)
        return cfg->platform.word_size != 64 ? "numpy on 32 bits"
               : s->pil || s->has_strides || s->offset != 0 ? "numpy flags"
               : count != n ? "items that do not fill the shape" : NULL;
    if (s->pil && s->ndim == 0)
        return "ND_PIL with no dimension";
    if (count == 0 || (s->has_strides && s->fortran))
        return "no items, or strides with ND_FORTRAN";
    if (!mv_struct_known(cfg, s->format))
        return "a format struct refuses";
    itemsize = mv_struct_calcsize(cfg, s->format, &err);
    if (itemsize <= 0)
        return "a format struct refuses";
    if (s->offset < 0 || s->offset % itemsize)
        return "an offset that is not a multiple of the itemsize";
    if (!s->has_strides) {
        mv_ssize strides[MV_MAX_EXPORTER_NDIM];
        mv_strides_from_shape(s->ndim, s->shape, itemsize,
                              s->fortran ? 'F' : 'C', strides);
        return layout_fits(count * itemsize, itemsize, s->offset, s->ndim,
                           s->shape, strides) ? NULL
               : "shape and offset beyond the items";
    }
    return layout_fits(count * itemsize, itemsize, s->offset, s->ndim,
                       s->shape, s->strides) ? NULL
           : "strides beyond the items";
}
