/*
 * indexing.c -- chapter 4 of the spec: reading one item through a view,
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
 *   a slice: a new view                                      slicing.c
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
#include "chapters.h"
#include "convert.h"
#include "exporter.h"
#include "formats.h"
#include "layout.h"
#include "refcount.h"
#include "value.h"
#include "view.h"

/* INDEX-002, INDEX-003, INDEX-011: the address of index along dimension
   dim, starting at ptr; negative indexes count from the end. */
int mv_lookup_dimension(const mv_buffer *b, unsigned char *ptr, int dim,
                        mv_ssize index, unsigned char **out, mv_error *err)
{
    mv_ssize nitems = b->shape[dim];

    testcase(index == -nitems);      /* the first item, from the end */
    if (index < 0)
        index += nitems;
    testcase(index == nitems - 1);   /* the last item */
    if (index < 0 || index >= nitems)
        return mv_raise(err, "INDEX-003", "IndexError",
                        "index out of bounds on dimension %d", dim + 1);
    *out = mv_adjust_ptr(b, ptr + b->strides[dim] * index, dim);
    return 0;
}

/* INDEX-004, CONVERT-001: whether a key has __index__: an int, a bool, a
   host's object whose class has it, or a numpy array -- numpy gives every
   array the slot, and only a 0-dim array of integers converts. */
bool mv_has_index(const mv_value *key)
{
    mv_exporter *e = mv_as_exporter(key);

    return mv_index_check(key)
           || (e != NULL && e->base.type == MV_TYPE_NUMPY && !mv_is_host(key));
}

/* INDEX-004, INDEX-005, CONVERT-001, CONVERT-002: operator.index(key) as a
   Py_ssize_t, for a key that has __index__ (which a host's object runs);
   an int beyond a Py_ssize_t is an IndexError. */
int mv_key_index(const mv_config *cfg, const mv_value *key, mv_ssize *out,
                 mv_error *err)
{
    mv_exporter *e = mv_as_exporter(key);
    mv_value item;
    int status;

    if (e == NULL || mv_is_host(key))   /* a numpy array of the host's
                                           answers itself */
        return mv_index_ssize(cfg, key, "IndexError", "INDEX-005", out, err);
    if (e->ndim != 0 || strchr("bBhHiIlLqQ", e->format[0]) == NULL
        || e->format[1] != '\0')
        return mv_raise(err, "INDEX-006", "TypeError", "only integer scalar arrays can be "
                        "converted to a scalar index");
    status = mv_struct_unpack(cfg, e->format, e->data + e->offset, &item, err);
    if (NEVER(status < 0))   /* an integer unpacks without allocating */
        return -1;
    if (mv_as_ssize(cfg, &item, "IndexError", "INDEX-005", out, err) < 0)   /* too big */
        return mv_raise(err, "INDEX-005", "IndexError", "cannot fit '%s' into an "
                        "index-sized integer", mv_type_qualname(key));
    return 0;
}

bool mv_is_multi_index(const mv_value *key)
{
    if (key->kind != MV_TUPLE)
        return false;
    for (size_t i = 0; i < key->as.seq.len; i++)
        if (!mv_has_index(&key->as.seq.items[i]))
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

/* INDEX-007, INDEX-010, INDEX-011: the address of m[i0, ..., ik], each
   index converted (INDEX-004, INDEX-005) and checked against its own
   dimension in turn.  A tuple with fewer ints than dimensions would select
   a sub-view, which memoryview does not do.
   Assumes key is a tuple of keys with __index__. */
int mv_tuple_address(mv_view *v, const mv_value *key, unsigned char **out,
                     mv_error *err)
{
    const mv_buffer *b = &v->view;
    size_t n = key->as.seq.len;
    unsigned char *ptr = b->buf;
    mv_ssize index;

    assert(mv_is_multi_index(key));
    if ((mv_ssize)n < b->ndim)   /* INDEX-009 */
        return mv_raise(err, "INDEX-009", "NotImplementedError",
                        "sub-views are not implemented");
    if ((mv_ssize)n > b->ndim)   /* INDEX-008 */
        return mv_raise(err, "INDEX-008", "TypeError", "cannot index %d-dimension view "
                        "with %zu-element tuple", b->ndim, n);
    for (size_t d = 0; d < n; d++) {
        if (mv_key_index(v->base.cfg, &key->as.seq.items[d], &index, err) < 0
            || mv_lookup_dimension(b, ptr, (int)d, index, &ptr, err) < 0)
            return -1;
    }
    *out = ptr;
    return 0;
}

/* The keys of a 0-dim view: () reads the item (INDEX-014), ... is the
   view itself (INDEX-015), and nothing else is looked at (INDEX-016,
   SLICE-011). */
static int scalar_getitem(mv_view *v, const mv_value *key, mv_value *result,
                          mv_error *err)
{
    char code;

    if (key->kind == MV_TUPLE && key->as.seq.len == 0) {
        if (mv_adjust_format(v->base.cfg, v->view.format, &code, err) < 0)
            return -1;
        return mv_unpack_native(v->base.cfg, code, v->view.buf, result, err);
    }
    if (key->kind == MV_ELLIPSIS) {
        *result = mv_object_value(&v->base);
        return 0;
    }
    return mv_raise(err, "INDEX-016", "TypeError", "invalid indexing of 0-dim memory");
}

/* INDEX-007, CONVERT-009: m[i0, ..., ik]: the format, each index
   converted and looked up in turn, then (3.10+) the view checked again,
   since an __index__ may have released it; before 3.10 the item is read
   regardless, from memory the pin keeps where it was. */
static int tuple_getitem(mv_view *v, const mv_value *key, mv_value *result,
                         mv_error *err)
{
    unsigned char *ptr = NULL;
    char code;
    int status;

    if (mv_adjust_format(v->base.cfg, v->view.format, &code, err) < 0)
        return -1;
    mv_view_pin(v);
    status = mv_tuple_address(v, key, &ptr, err);
    if (status == 0)
        status = mv_view_check_again(v, err);
    if (status == 0)
        status = mv_unpack_native(v->base.cfg, code, ptr, result, err);
    mv_view_unpin(v);
    return status;
}

/* INDEX-001 to INDEX-005, a fast path: m[i] of a one-dimensional view,
   i an int: no __index__ to ask, so no code of the program's runs and
   nothing need be checked again; the generic path's steps, in its order. */
static int int_getitem(mv_view *v, const mv_value *key, mv_value *result,
                       mv_error *err)
{
    const mv_buffer *b = &v->view;
    unsigned char *ptr = NULL;
    mv_ssize index;
    char code;

    assert(key->kind == MV_INT && b->ndim == 1);
    if (mv_as_ssize(v->base.cfg, key, "IndexError", "INDEX-005", &index,
                    err) < 0
        || mv_adjust_format(v->base.cfg, b->format, &code, err) < 0
        || mv_lookup_dimension(b, b->buf, 0, index, &ptr, err) < 0)
        return -1;
    return mv_unpack_native(v->base.cfg, code, ptr, result, err);
}

/* INDEX-017: m[key] for a view of one or more dimensions. */
static int view_getitem(mv_view *v, const mv_value *key, mv_value *result,
                        mv_error *err)
{
    const mv_buffer *b = &v->view;
    unsigned char *ptr = NULL;
    mv_ssize index;
    char code;

    if (MV_FAST() && key->kind == MV_INT && b->ndim == 1)
        return int_getitem(v, key, result, err);
    if (key->kind == MV_SLICE)   /* no slice has __index__ */
        return mv_view_slice(v, key, result, err);
    if (mv_has_index(key)) {
        /* INDEX-005, FORMAT-019, INDEX-012, INDEX-001, INDEX-002,
           INDEX-003: the key is converted first, then the view is
           checked again (its __index__ may have released it: CONVERT-009,
           in every version), then the format */
        if (mv_key_index(v->base.cfg, key, &index, err) < 0
            || mv_view_check_released(v, err) < 0
            || mv_adjust_format(v->base.cfg, b->format, &code, err) < 0)
            return -1;
        if (b->ndim > 1)
            return mv_raise(err, "INDEX-012", "NotImplementedError",
                            "multi-dimensional sub-views are not implemented");
        if (mv_lookup_dimension(b, b->buf, 0, index, &ptr, err) < 0)
            return -1;
        return mv_unpack_native(v->base.cfg, code, ptr, result, err);
    }
    if (mv_is_multi_index(key))
        return tuple_getitem(v, key, result, err);
    if (mv_is_multi_slice(key))   /* SLICE-010 */
        return mv_raise(err, "SLICE-010", "NotImplementedError",
                        "multi-dimensional slicing is not implemented");
    /* INDEX-006, INDEX-013, CONVERT-003: no key (an object without
       __index__, none of whose methods is called), or a tuple mixing
       kinds */
    return mv_raise(err, "INDEX-013", "TypeError", "memoryview: invalid slice key");
}

/* obj[key] */
int mv_getitem(const mv_value *obj, const mv_value *key, mv_value *result,
               mv_error *err)
{
    mv_view *v = mv_as_view(obj);

    if (NEVER(v == NULL))
        return mv_unsupported(err, "%s[...]", mv_type_name(obj));
    if (mv_view_check_released(v, err) < 0)
        return -1;
    if (v->view.ndim == 0)
        return scalar_getitem(v, key, result, err);
    return view_getitem(v, key, result, err);
}
