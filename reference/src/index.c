/*
 * index.c -- chapter 4 of the spec: reading one item through a view,
 * m[i], m[i, j], m[()], and m[...].
 *
 * The key decides what m[key] means, and the checks come in the order of
 * INDEX-017, which is CPython's and decides which error a key that is
 * wrong in several ways meets first:
 *
 *   released view?                            ValueError     RELEASE-006
 *   0-dim view: () reads the item, ... is the view itself,
 *               anything else is refused      TypeError      INDEX-014..016
 *   an int (or bool): converted, format, 1-D only, bounds    INDEX-001..005,
 *                                                            INDEX-012
 *   a slice: a new view                                      slice.c
 *   a tuple of ints: format, length, each index in order     INDEX-007..011
 *   a tuple of slices                         NotImplementedError SLICE-010
 *   anything else                             TypeError      INDEX-006, 013
 *
 *     m = memoryview(ndarray(range(12), shape=[3, 4], format='h'))
 *     m[1, 2]  ->  buf + 1*strides[0] + 2*strides[1] = buf + 12  ->  6
 *
 * An index reads memory through the strides, whatever their order
 * (INDEX-018), following a pointer where a suboffset says so.
 */
#include "mvint.h"

/* INDEX-002, INDEX-003, INDEX-011: the address of index along dimension
   dim, starting at ptr; negative indexes count from the end. */
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

/* INDEX-004, INDEX-005, INDEX-007 to INDEX-011: the address of
   m[i0, ..., ik].  A tuple with fewer ints than dimensions would select a
   sub-view, which memoryview does not do.
   Assumes key is a tuple of ints (or bools). */
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

/* INDEX-004: a key with __index__ is an integer.  Besides int and bool,
   the one such key here is a numpy array, which only a 0-dim array of
   integers honours: the key becomes that int in *tmp, or the conversion
   raises numpy's TypeError.  Other keys are returned as they are. */
int mv_index_key(const mv_value *key, mv_value *tmp, const mv_value **out,
                 mv_error *err)
{
    mv_exporter *e = mv_as_exporter(key);

    *out = key;
    if (e == NULL || e->base.type != MV_TYPE_NUMPY)
        return 0;
    if (e->ndim != 0 || strchr("bBhHiIlLqQ", e->format[0]) == NULL
        || e->format[1] != '\0')
        return mv_raise(err, "TypeError", "only integer scalar arrays can be "
                        "converted to a scalar index");
    if (mv_struct_unpack(e->base.cfg, e->format, e->data + e->offset, tmp,
                         err) < 0)
        return -1;
    *out = tmp;
    return 0;
}

/* INDEX-014 to INDEX-016, SLICE-011: the keys of a 0-dim view. */
static int scalar_getitem(mv_view *v, const mv_value *key, mv_value *result,
                          mv_error *err)
{
    char code;

    if (key->kind == MV_TUPLE && key->as.seq.len == 0) {
        if (mv_adjust_format(v->view.format, &code, err) < 0)
            return -1;
        return mv_unpack_native(v->base.cfg, code, v->view.buf, result, err);
    }
    if (key->kind == MV_ELLIPSIS) {
        *result = mv_object_value(&v->base);
        return 0;
    }
    return mv_raise(err, "TypeError", "invalid indexing of 0-dim memory");
}

/* INDEX-017: m[key], given a key that is not a numpy array. */
static int view_getitem(mv_view *v, const mv_value *key, mv_value *result,
                        mv_error *err)
{
    const mv_buffer *b = &v->view;
    unsigned char *ptr = NULL;
    mv_ssize index;
    char code;

    if (mv_is_index(key)) {
        /* INDEX-005, FORMAT-019, INDEX-012, INDEX-001..003: the key is
           converted first, then the format is checked */
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
        return mv_view_slice(v, key, result, err);
    if (mv_is_multi_index(key)) {
        if (mv_adjust_format(b->format, &code, err) < 0
            || mv_tuple_address(v, key, &ptr, err) < 0)
            return -1;
        return mv_unpack_native(v->base.cfg, code, ptr, result, err);
    }
    if (mv_is_multi_slice(key))   /* SLICE-010 */
        return mv_raise(err, "NotImplementedError",
                        "multi-dimensional slicing is not implemented");
    return mv_raise(err, "TypeError", "memoryview: invalid slice key");
}

/* obj[key] */
int mv_getitem(const mv_value *obj, const mv_value *key, mv_value *result,
               mv_error *err)
{
    mv_view *v = mv_as_view(obj);
    mv_value tmp = mv_none();
    int status;

    if (NEVER(v == NULL))
        return mv_unsupported(err, "%s[...]", mv_type_name(obj));
    if (mv_view_check_released(v, err) < 0)
        return -1;
    if (v->view.ndim == 0)
        return scalar_getitem(v, key, result, err);
    if (mv_index_key(key, &tmp, &key, err) < 0)
        return -1;
    status = view_getitem(v, key, result, err);
    mv_value_clear(&tmp);
    return status;
}
