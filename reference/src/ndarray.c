/*
 * ndarray.c -- N-dimensional exporters (chapter 1): _testbuffer.ndarray,
 * the test exporter CPython's own suite uses, and numpy.ndarray, modelled
 * by the same structure because a memoryview sees nothing of numpy but its
 * buffer.
 *
 * An ndarray is a block of memory filled with its items in order, plus a
 * fixed layout (format, shape, strides, offset) that says where item
 * [i0, ..., ik] is (CONSTRUCT-006).  Strides default to C order, or
 * Fortran order when asked (ND_FORTRAN, order='F').
 *
 * PIL-style arrays (ND_PIL) add one level of indirection to the first
 * dimension (ATTR-006): the block is preceded by an array of pointers, one
 * per index of dimension 0, and suboffsets[0] says what to add to each
 * pointer; layout.c draws it and says what a pointer slot holds.
 *
 * Setup is data a CPython has accepted: a case whose setup CPython
 * refuses is never recorded (spec/protocol.md, section 8).  So the spec
 * given here describes a layout that _testbuffer or numpy accepts, and
 * that is bounded (layout.c): the caller (reference/driver/ndarray.c)
 * refuses every other, and asserted here.  An item that cannot be packed
 * is no Python outcome either: _testbuffer raises for it, and numpy
 * converts it in ways not modelled; the ndarray is not made
 * (MV_UNSUPPORTED), for the caller to report.
 */
#include <stdio.h>
#include <stdlib.h>

#include "mvint.h"
#include "exporter.h"
#include "formats.h"
#include "layout.h"
#include "value.h"

/* ATTR-006: turn dimension 0 into an indirect one, as _testbuffer's ND_PIL
   does (init_suboffsets): prepend a pointer per index, aligned to 8
   bytes, point each at its sub-array, and move what the dimensions after
   the first add below the start into suboffsets[0]. */
static int make_pil(mv_exporter *e, mv_error *err)
{
    const mv_ssize ptrsize = e->base.cfg->platform.sizeof_ptr;
    const mv_ssize addsize = (e->shape[0] * ptrsize + 7) / 8 * 8;
    mv_ssize lo = 0, sub0 = 0, start, step;
    unsigned char *data;

    assert(e->ndim > 0);
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
    e->capacity = e->size;
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
    e->slots = MV_SLOTS_DISTANCE;   /* memory of the library's (layout.c) */
    for (mv_ssize i = 0; i < e->shape[0]; i++)
        mv_store_pointer(data + i * ptrsize, ptrsize, data + start + i * step);
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

/* How one item is written into an array under construction. */
typedef int (*item_packer)(const mv_config *cfg, const char *format,
                           unsigned char *ptr, const mv_value *item,
                           mv_error *err);

/* Pack the items in order; -1 for an item that cannot be (see above). */
static int fill_items(mv_exporter *e, const mv_value *items, mv_ssize n,
                      item_packer pack, mv_error *err)
{
    mv_struct st;   /* struct.pack_into's format, parsed once for all */
    bool parsed = pack == mv_struct_pack;
    int status = 0;

    if (parsed) {
        bool known = mv_struct_parse(e->base.cfg, e->format, &st);
        if (NEVER(!known))   /* _testbuffer refused it: no exporter */
            return mv_unsupported(err, "ndarray format '%s'", e->format);
    }

    for (mv_ssize i = 0; i < n && status == 0; i++) {
        unsigned char *ptr = e->data + i * e->itemsize;
        const mv_value *item = items->kind == MV_LIST ? &items->as.seq.items[i]
                                                      : items;
        status = parsed ? mv_struct_pack_parsed(e->base.cfg, &st, e->format,
                                                ptr, item, err)
                        : pack(e->base.cfg, e->format, ptr, item, err);
    }
    return status;
}

/* CONSTRUCT-005: the strides a numpy array lends.  numpy lends a buffer
   that is C-contiguous by its own test -- at most one dimension longer
   than 1, or no items at all -- with C strides, even when it was made in
   Fortran order. */
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

/* Build an ndarray (or numpy array) of items of itemsize bytes, each
   written by pack.  The items fill the memory in order; the layout then
   picks from it (CONSTRUCT-006). */
static int build(const mv_config *cfg, mv_type type,
                 const mv_ndarray_spec *spec, mv_ssize itemsize,
                 item_packer pack, mv_value *out, mv_error *err)
{
    mv_ssize nitems = spec->items->kind == MV_LIST
                          ? (mv_ssize)spec->items->as.seq.len : 1;
    mv_exporter *e;
    int status;

    assert(spec->ndim >= 0 && spec->ndim <= MV_MAX_EXPORTER_NDIM);
    assert(itemsize > 0 && spec->offset >= 0);
    assert(nitems <= INT64_MAX / itemsize);   /* the caller bounds it */
    e = mv_exporter_new(cfg, type, nitems * itemsize, spec->ndim, err);
    if (e == NULL)
        return -1;
    *out = mv_exporter_value(e);   /* cleared on failure: frees e */
    e->itemsize = itemsize;
    e->offset = spec->offset;
    e->readonly = spec->readonly;
    e->format = mv_strdup(spec->format);
    if (e->format == NULL) {
        mv_value_clear(out);
        return mv_no_memory(err);
    }
    memcpy(e->shape, spec->shape, (size_t)spec->ndim * sizeof *e->shape);
    if (spec->has_strides)
        memcpy(e->strides, spec->strides,
               (size_t)spec->ndim * sizeof *e->strides);
    else
        mv_strides_from_shape(e->ndim, e->shape, itemsize,
                              fortran_strides(type, spec) ? 'F' : 'C',
                              e->strides);
    /* the invariant every walk over its views rests on (layout.c) */
    assert(mv_layout_bounded(e->ndim, e->shape, e->strides, itemsize,
                             e->offset));
    status = fill_items(e, spec->items, nitems, pack, err);
    if (status < 0 || (spec->pil && make_pil(e, err) < 0)) {
        mv_value_clear(out);
        return -1;
    }
    return 0;
}

/* _testbuffer.ndarray(items, shape=..., strides=..., offset=...,
   format=..., flags=...): items packed as struct.pack_into does. */
int mv_ndarray_object(const mv_config *cfg, const mv_ndarray_spec *spec,
                      mv_value *out, mv_error *err)
{
    mv_ssize itemsize = mv_struct_calcsize(cfg, spec->format, err);

    if (NEVER(itemsize <= 0))   /* a format _testbuffer refuses */
        return mv_unsupported(err, "ndarray format '%s'", spec->format);
    return build(cfg, MV_TYPE_NDARRAY, spec, itemsize, mv_struct_pack, out,
                 err);
}

/* ---- numpy dtypes ----------------------------------------------------------- */

/* complex64/128 ('Zf', 'Zd'): a real part from an int or float, and a zero
   imaginary part. */
static int pack_complex(const mv_config *cfg, const char *format,
                        unsigned char *ptr, const mv_value *item,
                        mv_error *err)
{
    const char part[2] = { format[1], '\0' };
    const mv_ssize size = format[1] == 'f' ? 4 : 8;
    const mv_value zero = mv_float(0.0);

    mv_struct_pack(cfg, part, ptr + size, &zero, err);   /* cannot fail */
    return mv_struct_pack(cfg, part, ptr, item, err);
}

/* U<n> ('<n>w'): the code points of a str, as UCS-4, padded with zeros. */
static int pack_unicode(const mv_config *cfg, const char *format,
                        unsigned char *ptr, const mv_value *item,
                        mv_error *err)
{
    size_t width = (size_t)strtol(format, NULL, 10);

    (void)cfg;
    if (item->kind != MV_STR || mv_str_code_points(item, NULL, 0) > width)
        return mv_unsupported(err, "a numpy U%zu item that is not a str "
                              "of at most %zu characters", width, width);
    mv_str_code_points(item, (uint32_t *)(void *)ptr, width);
    return 0;
}

/* longdouble ('g'): the x86-64 long double, 80 bits in 16 bytes; the six
   bytes of padding are zero.  struct has no code for it, so memoryview
   neither reads it (FORMAT-018) nor compares it (COMPARE-007). */
_Static_assert(sizeof(long double) <= 16, "numpy's longdouble item is 16 bytes");

static int pack_longdouble(const mv_config *cfg, const char *format,
                           unsigned char *ptr, const mv_value *item,
                           mv_error *err)
{
    union { long double x; unsigned char bytes[sizeof(long double)]; } u;
    double d = 0;

    (void)cfg;
    (void)format;
    /* not a number, or an int beyond a double: numpy converts it, in
       ways not modelled */
    if ((item->kind != MV_FLOAT && !mv_is_index(item))
        || mv_as_double(item, &d, err) < 0)
        return mv_unsupported(err, "a numpy longdouble item that is not "
                              "a number, or not one a double holds");
    memset(&u, 0, sizeof u);
    u.x = d;
    memset(ptr, 0, 16);
    memcpy(ptr, u.bytes, sizeof u.bytes);
    return 0;
}

/* CONSTRUCT-005: numpy.array(items, dtype).reshape(shape, order): the
   dtypes modelled, with the buffer format numpy lends them under on
   64-bit Linux ('l' for int64, because long is 64 bits there). */
int mv_numpy_object(const mv_config *cfg, const char *dtype,
                    const mv_ndarray_spec *spec, mv_value *out,
                    mv_error *err)
{
    static const struct { const char *dtype; const char *format; } types[] = {
        { "bool", "?" }, { "int8", "b" }, { "uint8", "B" },
        { "int16", "h" }, { "uint16", "H" }, { "int32", "i" },
        { "uint32", "I" }, { "int64", "l" }, { "uint64", "L" },
        { "intp", "l" }, { "uintp", "L" },
        { "float16", "e" }, { "float32", "f" }, { "float64", "d" },
        { "longlong", "q" }, { "ulonglong", "Q" }, { "<i4", "i" },
        { ">i2", ">h" }, { ">i4", ">i" }, { ">i8", ">q" }, { ">f8", ">d" },
        { "complex64", "Zf" }, { "complex128", "Zd" },
    };
    mv_ndarray_spec s = *spec;
    item_packer pack = mv_struct_pack;
    mv_ssize itemsize = 0;
    char format[32];
    long width;

    assert(cfg->platform.word_size == 64 && !spec->pil && !spec->has_strides);
    s.format = NULL;
    for (size_t i = 0; i < sizeof types / sizeof types[0]; i++)
        if (strcmp(types[i].dtype, dtype) == 0)
            s.format = types[i].format;
    if (s.format != NULL && s.format[0] == 'Z') {
        pack = pack_complex;
        itemsize = s.format[1] == 'f' ? 8 : 16;
    } else if (strcmp(dtype, "longdouble") == 0) {
        s.format = "g";
        pack = pack_longdouble;
        itemsize = 16;
    } else if (s.format != NULL) {
        itemsize = mv_struct_calcsize(cfg, s.format, err);
    } else if ((dtype[0] == 'S' || dtype[0] == 'U')
               && (width = strtol(dtype + 1, NULL, 10)) > 0 && width < 1000) {
        /* bytes of a fixed width lend as '<n>s', str as UCS-4 '<n>w' */
        snprintf(format, sizeof format, "%ld%c", width,
                 dtype[0] == 'S' ? 's' : 'w');
        s.format = format;
        pack = dtype[0] == 'S' ? mv_struct_pack : pack_unicode;
        itemsize = dtype[0] == 'S' ? width : 4 * width;
    } else {
        return mv_unsupported(err, "numpy dtype '%s'", dtype);
    }
    return build(cfg, MV_TYPE_NUMPY, &s, itemsize, pack, out, err);
}
