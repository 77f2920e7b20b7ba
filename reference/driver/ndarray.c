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
        if (mv_as_ssize(e->base.cfg, &index[d], "IndexError", &i, err) < 0)
            return -1;
        if (i < -len || i >= len)
            return numpy ? mv_raise(err, "IndexError", "index %lld is out of "
                                    "bounds for axis %zu with size %lld",
                                    (long long)i, d, (long long)len)
                         : mv_raise(err, "IndexError", "index out of bounds");
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
                   ? mv_raise(err, "ValueError",
                              "assignment destination is read-only")
                   : mv_raise(err, "TypeError", "ndarray is not writable");
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

/*
 * The library builds only ndarrays _testbuffer or numpy would build, and
 * only bounded ones (reference/src/ndarray.c, layout.c), so every other
 * setup is refused here, as `unsupported: setup failed: <why>`.  The
 * reasons are of three kinds, and each says which it is:
 *
 *   CPython raises    _testbuffer.ndarray (or numpy) raises an exception
 *                     for it: no memoryview is ever made of it.  The
 *                     checks come in _testbuffer's order, with its words.
 *   CPython overflows _testbuffer computes a size or a bound without
 *                     checking for overflow, and so "accepts" some huge
 *                     layouts by undefined behaviour (an offset of
 *                     2**63 - 1 passes its bounds check, and crashes it).
 *   the driver's limit  more memory than a case may take (CASE_BYTES):
 *                     its items, its size, the steps of a walk over it,
 *                     and how far its strides reach from its memory.
 *
 * Every sum and product is computed with the library's checked
 * arithmetic (mv_ckd_*, layout.c), so that no setup can overflow here.
 */

#define TESTBUFFER_RAISES "_testbuffer.ndarray raises "
#define OVERFLOWS " overflows Py_ssize_t, which _testbuffer.ndarray does not " \
                  "check (undefined behaviour)"

/* What _testbuffer parses as a Py_ssize_t ('n', and shape and strides
   with PyLong_AsSsize_t) must fit the modelled platform's. */
static bool fits_ssize(const mv_config *cfg, mv_ssize v)
{
    return v <= cfg->platform.ssize_max && v >= -cfg->platform.ssize_max - 1;
}

static bool arguments_fit(const mv_config *cfg, const mv_ndarray_spec *s)
{
    bool fit = fits_ssize(cfg, s->offset);

    for (int d = 0; d < s->ndim; d++)
        fit = fit && fits_ssize(cfg, s->shape[d])
              && (!s->has_strides || fits_ssize(cfg, s->strides[d]));
    return fit;
}

/* itemsize times the product of the dimensions, each counted as at least
   1: the bytes a walk over the layout steps through, and the largest its
   C or Fortran strides are; false if it overflows. */
static bool walk_size(const mv_ndarray_spec *s, mv_ssize itemsize,
                      mv_ssize *out)
{
    bool overflow = false;

    *out = itemsize;
    for (int d = 0; d < s->ndim && !overflow; d++)
        overflow = mv_ckd_mul(out, *out, s->shape[d] > 0 ? s->shape[d] : 1);
    return !overflow;
}

/* The steps of a walk over the layout (tolist(), ==): the items it comes
   to, and the rows of each dimension on the way -- the lists tolist()
   makes -- each dimension counted as at least 1, for a walk steps through
   the rows of a layout with no items too; false if it overflows. */
static bool walk_steps(const mv_ndarray_spec *s, mv_ssize *out)
{
    mv_ssize rows = 1;
    bool overflow = false;

    *out = 1;
    for (int d = 0; d < s->ndim && !overflow; d++)
        overflow = mv_ckd_mul(&rows, rows, s->shape[d] > 0 ? s->shape[d] : 1)
                   || mv_ckd_add(out, *out, rows);
    return !overflow;
}

/* The items' memory, memlen bytes, and where offset puts buf in it:
   _testbuffer's ndbuf_new. */
static bool memory_refused(const mv_config *cfg, mv_ssize count,
                           mv_ssize itemsize, mv_ssize offset, char *why,
                           size_t size)
{
    mv_ssize memlen;

    if (mv_ckd_mul(&memlen, count, itemsize))
        return refuse(why, size, "len(items) * itemsize%s", OVERFLOWS);
    if (memlen > (mv_ssize)CASE_BYTES)
        return refuse(why, size, "%lld bytes of items, beyond the driver's "
                      "limit of %zu a case", (long long)memlen, CASE_BYTES);
    if (offset % itemsize)
        return refuse(why, size, TESTBUFFER_RAISES "ValueError: offset must "
                      "be a multiple of itemsize");
    if (offset > cfg->platform.ssize_max - itemsize)
        return refuse(why, size, "offset + itemsize%s", OVERFLOWS);
    if (offset < 0 || offset + itemsize > memlen)
        return refuse(why, size, TESTBUFFER_RAISES "ValueError: offset out "
                      "of bounds");
    return false;
}

/* The layout, over memlen bytes: _testbuffer's init_structure and
   verify_structure, and then the driver's limits.  strides[] is the
   layout's, given or computed. */
static bool layout_refused(const mv_ndarray_spec *s, const mv_ssize *strides,
                           mv_ssize itemsize, mv_ssize memlen, char *why,
                           size_t size)
{
    mv_ssize lo, hi, end;
    bool empty = false;

    for (int d = 0; d < s->ndim; d++) {
        if (strides[d] % itemsize)
            return refuse(why, size, TESTBUFFER_RAISES "ValueError: strides "
                          "must be a multiple of itemsize");
        empty = empty || s->shape[d] == 0;
    }
    if (!mv_layout_extent(s->ndim, s->shape, strides, &lo, &hi)
        || mv_ckd_add(&end, hi, s->offset) || mv_ckd_add(&end, end, itemsize))
        return empty ? refuse(why, size, "strides whose reach overflows "
                              "Py_ssize_t: _testbuffer.ndarray accepts them "
                              "for a layout with no items, and a walk over it "
                              "(tolist(), ==) overflows in CPython too")
                     : refuse(why, size, "the reach of the strides%s",
                              OVERFLOWS);
    if (!empty && (lo + s->offset < 0 || end > memlen))
        return refuse(why, size, TESTBUFFER_RAISES "ValueError: invalid "
                      "combination of buffer, shape and strides");
    /* a layout with no items may reach anywhere in _testbuffer: here no
       farther than the limit from its memory */
    if (lo < -(mv_ssize)CASE_BYTES || end > memlen + (mv_ssize)CASE_BYTES)
        return refuse(why, size, "strides reaching farther from the items "
                      "than the driver's limit of %zu bytes a case",
                      CASE_BYTES);
    return false;
}

/* A _testbuffer.ndarray: its checks, in its order (init_ndbuf). */
static bool testbuffer_refused(const mv_config *cfg, const mv_ndarray_spec *s,
                               char *why, size_t size)
{
    mv_ssize strides[MV_MAX_EXPORTER_NDIM];
    mv_ssize count, itemsize, walk;
    mv_error err;

    if (!arguments_fit(cfg, s))
        return refuse(why, size, TESTBUFFER_RAISES "OverflowError: Python "
                      "int too large to convert to C ssize_t");
    if (s->has_strides && s->fortran)
        return refuse(why, size, TESTBUFFER_RAISES "TypeError: ND_FORTRAN "
                      "cannot be used together with strides");
    if (!mv_struct_known(cfg, s->format))
        return refuse(why, size, "a format struct refuses (struct.error), "
                      "or the reference does not model");
    itemsize = mv_struct_calcsize(cfg, s->format, &err);
    if (itemsize == 0)
        return refuse(why, size, TESTBUFFER_RAISES "ValueError: itemsize "
                      "must not be zero");
    if (s->items->kind != MV_LIST && s->ndim != 0)
        return refuse(why, size, TESTBUFFER_RAISES "TypeError: items that "
                      "are not a list");
    count = s->items->kind == MV_LIST ? (mv_ssize)s->items->as.seq.len : 1;
    if (count == 0)
        return refuse(why, size, TESTBUFFER_RAISES "ValueError: initializer "
                      "list or tuple must not be empty");
    if (memory_refused(cfg, count, itemsize, s->offset, why, size))
        return true;
    if (s->pil && s->ndim == 0)
        return refuse(why, size, TESTBUFFER_RAISES "TypeError: ndim = 0 "
                      "cannot be used in conjunction with ND_PIL");
    for (int d = 0; d < s->ndim; d++)
        if (s->shape[d] < 0)
            return refuse(why, size, TESTBUFFER_RAISES "ValueError: elements "
                          "of shape must be integers >= 0");
    if (!walk_size(s, itemsize, &walk))
        return refuse(why, size, "itemsize * product(shape)%s", OVERFLOWS);
    if (walk > (mv_ssize)CASE_BYTES)
        return refuse(why, size, "a shape of %lld bytes with itemsize %lld, "
                      "beyond the driver's limit of %zu a case",
                      (long long)walk, (long long)itemsize, CASE_BYTES);
    if (!walk_steps(s, &walk) || walk > CASE_STEPS)
        return refuse(why, size, "a shape a walk takes more than %lld steps "
                      "over, the driver's limit a case", (long long)CASE_STEPS);
    if (s->has_strides)
        memcpy(strides, s->strides, (size_t)s->ndim * sizeof *strides);
    else   /* within the walk's size: no product overflows */
        mv_strides_from_shape(s->ndim, s->shape, itemsize,
                              s->fortran ? 'F' : 'C', strides);
    return layout_refused(s, strides, itemsize, count * itemsize, why, size)
           || (!mv_layout_bounded(s->ndim, s->shape, strides, itemsize,
                                  s->offset)
               && refuse(why, size, "a layout the library cannot describe"));
}

/* numpy.array(items, dtype).reshape(shape, order): only what the library
   models of it (reference/src/ndarray.c), on 64-bit Linux. */
static bool numpy_refused(const mv_config *cfg, const mv_ndarray_spec *s,
                          char *why, size_t size)
{
    mv_ssize count, n = 1, walk;

    if (cfg->platform.word_size != 64)
        return refuse(why, size, "numpy on 32 bits");
    if (s->pil || s->has_strides || s->offset != 0)
        return refuse(why, size, "numpy flags");
    if (s->items->kind != MV_LIST)
        return refuse(why, size, "items that are not a list");
    count = (mv_ssize)s->items->as.seq.len;
    for (int d = 0; d < s->ndim; d++)
        if (s->shape[d] < 0)
            return refuse(why, size, "numpy raises ValueError: a negative "
                          "dimension");
    if (!walk_steps(s, &walk) || walk > CASE_STEPS)
        return refuse(why, size, "a shape a walk takes more than %lld steps "
                      "over, the driver's limit a case", (long long)CASE_STEPS);
    for (int d = 0; d < s->ndim; d++)
        n *= s->shape[d];   /* at most the walk's size */
    if (n != count)
        return refuse(why, size, "items that do not fill the shape (numpy "
                      "raises ValueError)");
    return false;
}

bool ndarray_refused(const mv_config *cfg, const mv_ndarray_spec *s,
                     bool numpy, char *why, size_t size)
{
    assert(s->ndim >= 0 && s->ndim <= MV_MAX_EXPORTER_NDIM);
    return numpy ? numpy_refused(cfg, s, why, size)
                 : testbuffer_refused(cfg, s, why, size);
}
