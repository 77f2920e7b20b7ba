/*
 * view.c -- managed buffers and views: how a memoryview comes to be, what it
 * says about itself, and how it lets go.
 *
 * memoryview(x) asks x for one buffer (a loan of its memory) and wraps it in
 * a *managed buffer*.  The view made from it, and every view later derived
 * from that view -- slices, casts, toreadonly(), memoryview(view) -- share
 * the same managed buffer, each with its own shape, strides, suboffsets and
 * format:
 *
 *     bytearray ◀── loan ── managed buffer ◀─┬─ m         = memoryview(ba)
 *     (exports 1)           (exports 3)       ├─ m[::2]
 *                                             └─ m.cast('c')
 *
 * So the exporter sees one loan however many views there are, and gets it
 * back when the last of them is released (EXPORT-005): released explicitly
 * with release() or __exit__, or freed when nothing refers to it.
 *
 * Two counts, two lifetimes.  managed.exports counts views not yet
 * released: it decides when the loan ends.  managed.refcount counts views
 * that still point at the struct, released or not: it decides when its
 * memory is freed.  The managed buffer keeps its reference to the exporter
 * until it is freed, so a released view never holds a dangling pointer;
 * released views refuse every operation anyway (RELEASE-001).
 *
 * A view can itself lend its memory (bytes(m), m.__buffer__()); it counts
 * those loans in view.exports and cannot be released while any is out.
 */
#include <stdio.h>

#include "mvint.h"

/* ---- managed buffers ---------------------------------------------------- */

static void managed_release(mv_managed *mb)
{
    if (mb->released)
        return;
    mb->released = true;
    if (mb->master.obj->type == MV_TYPE_MEMORYVIEW)
        mv_view_releasebuffer((mv_view *)mb->master.obj);
    else
        mv_exporter_releasebuffer((mv_exporter *)mb->master.obj);
}

static void managed_decref(mv_managed *mb)
{
    if (--mb->refcount > 0)
        return;
    managed_release(mb);
    mv_object_decref(mb->master.obj);
    mv_free(mb);
}

/* ---- views --------------------------------------------------------------- */

/* ATTR-?: contiguity flags, computed once per layout.  One-dimensional views
   use a simpler test than PyBuffer_IsContiguous: the stride must equal the
   itemsize unless there is exactly one item, so an empty view with a step
   (m[0:0:2]) is not contiguous. */
void mv_view_init_flags(mv_view *v)
{
    const mv_buffer *b = &v->view;
    unsigned flags = v->flags & MV_FLAG_RELEASED;

    if (b->ndim == 0)
        flags |= MV_FLAG_SCALAR | MV_FLAG_C | MV_FLAG_F;
    else if (b->ndim == 1) {
        if (b->shape[0] == 1 || b->strides[0] == b->itemsize)
            flags |= MV_FLAG_C | MV_FLAG_F;
    } else {
        if (mv_is_contiguous(b, 'C'))
            flags |= MV_FLAG_C;
        if (mv_is_contiguous(b, 'F'))
            flags |= MV_FLAG_F;
    }
    if (b->suboffsets != NULL) {
        flags |= MV_FLAG_PIL;
        flags &= ~(unsigned)(MV_FLAG_C | MV_FLAG_F);
    }
    v->flags = flags;
}

/* Copy src's layout into v's own arrays.  A buffer lent on a narrow
   request may lack parts (EXPORT-?): no format means unsigned bytes, no
   shape means one dimension of len / itemsize items, no strides means C
   order.  The itemsize is kept, so a view of 'i' items lent without its
   format reads as 'B' with itemsize 4, as in CPython. */
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
    v->view.len = src->itemsize;
    for (int d = 0; d < src->ndim; d++)
        v->view.len *= v->shape[d];
}

/* A new view registered with mb, laid out as src says. */
static int view_new(mv_managed *mb, const mv_buffer *src, mv_view **out,
                    mv_error *err)
{
    mv_view *v;

    assert(!mb->released);
    if (src->ndim > MV_MAX_NDIM)   /* CONSTRUCT-? */
        return mv_raise(err, "ValueError", "memoryview: number of dimensions "
                        "must not exceed %d", MV_MAX_NDIM);
    v = mv_alloc_zeroed(1, sizeof *v);
    if (v == NULL)
        return mv_no_memory(err);
    v->base.type = MV_TYPE_MEMORYVIEW;
    v->base.refcount = 1;
    v->base.cfg = mb->master.obj->cfg;
    v->mbuf = mb;
    mb->refcount++;
    mb->exports++;
    v->view = *src;
    v->view.obj = mb->master.obj;   /* not a counted reference: mb holds it */
    v->view.shape = v->shape;
    v->view.strides = v->strides;
    v->view.suboffsets = src->suboffsets ? v->suboffsets : NULL;
    init_layout(v, src);
    v->hash_key = mv_none();
    mv_view_init_flags(v);
    *out = v;
    return 0;
}

int mv_view_derive(mv_view *base, mv_view **out, mv_error *err)
{
    return view_new(base->mbuf, &base->view, out, err);
}

static int wrap(mv_view *v, mv_value *out)
{
    *out = mv_none();
    out->kind = MV_OBJECT;
    out->as.object = &v->base;   /* the creation reference */
    return 0;
}

/* CONSTRUCT-001, CONSTRUCT-002: memoryview(obj). */
int mv_view_from_object(const mv_config *cfg, const mv_value *obj,
                        mv_value *out, mv_error *err)
{
    mv_view *base = mv_as_view(obj), *v;
    mv_managed *mb;

    if (base != NULL) {   /* a view of a view shares its managed buffer */
        if (mv_view_check_released(base, err) < 0
            || mv_view_derive(base, &v, err) < 0)
            return -1;
        return wrap(v, out);
    }
    if (obj->kind != MV_BYTES && mv_as_exporter(obj) == NULL)
        return mv_raise(err, "TypeError", "memoryview: a bytes-like object "
                        "is required, not '%.200s'", mv_type_qualname(obj));
    mb = mv_alloc_zeroed(1, sizeof *mb);
    if (mb == NULL)
        return mv_no_memory(err);
    if (mv_getbuffer(cfg, obj, &mb->master, MV_BUF_FULL_RO, err) < 0) {
        mv_free(mb);
        return -1;
    }
    mb->refcount = 1;              /* ours, until the view takes one */
    if (view_new(mb, &mb->master, &v, err) < 0) {
        managed_decref(mb);
        return -1;
    }
    managed_decref(mb);
    return wrap(v, out);
}

mv_view *mv_as_view(const mv_value *v)
{
    if (v->kind != MV_OBJECT || v->as.object->type != MV_TYPE_MEMORYVIEW)
        return NULL;
    return (mv_view *)v->as.object;
}

/* RELEASE-001: every operation on a released view fails so. */
int mv_view_check_released(const mv_view *v, mv_error *err)
{
    if ((v->flags & MV_FLAG_RELEASED) || v->mbuf->released)
        return mv_raise(err, "ValueError",
                        "operation forbidden on released memoryview object");
    return 0;
}

/* RELEASE-?, EXPORT-005: give the view's share of the loan back.  Releasing twice is
   harmless; releasing a view that has lent its memory is refused. */
int mv_view_release(mv_view *v, mv_error *err)
{
    if (v->flags & MV_FLAG_RELEASED)
        return 0;
    if (v->exports > 0)
        return mv_raise(err, "BufferError", "memoryview has %lld exported "
                        "buffer%s", (long long)v->exports,
                        v->exports == 1 ? "" : "s");
    v->flags |= MV_FLAG_RELEASED;
    if (--v->mbuf->exports == 0)
        managed_release(v->mbuf);
    return 0;
}

void mv_view_dealloc(mv_view *v)
{
    mv_error ignored;
    int released = mv_view_release(v, &ignored);

    assert(released == 0);   /* a loan of v holds a reference to v */
    (void)released;
    managed_decref(v->mbuf);
    mv_value_clear(&v->hash_key);
    mv_free(v);
}

/* EXPORT-?: a view lends its memory as it sees it, as much of it as the
   consumer asks for (flags: the MV_BUF_* requests), and refuses requests
   its layout cannot meet.  The checks, in CPython's order: */
static int narrow_request(const mv_view *v, mv_buffer *b, int flags,
                          mv_error *err)
{
    unsigned vf = v->flags;
    bool has = (flags & MV_BUF_STRIDES) == MV_BUF_STRIDES;

    if ((flags & MV_BUF_WRITABLE) && v->view.readonly)
        return mv_raise(err, "BufferError",
                        "memoryview: underlying buffer is not writable");
    if (!(flags & MV_BUF_FORMAT))
        b->format = NULL;   /* read as unsigned bytes; itemsize unchanged */
    if ((flags & MV_BUF_C_CONTIGUOUS) == MV_BUF_C_CONTIGUOUS && !(vf & MV_FLAG_C))
        return mv_raise(err, "BufferError",
                        "memoryview: underlying buffer is not C-contiguous");
    if ((flags & MV_BUF_F_CONTIGUOUS) == MV_BUF_F_CONTIGUOUS && !(vf & MV_FLAG_F))
        return mv_raise(err, "BufferError", "memoryview: underlying buffer "
                        "is not Fortran contiguous");
    if ((flags & MV_BUF_ANY_CONTIGUOUS) == MV_BUF_ANY_CONTIGUOUS
        && !(vf & (MV_FLAG_C | MV_FLAG_F)))
        return mv_raise(err, "BufferError",
                        "memoryview: underlying buffer is not contiguous");
    if ((flags & MV_BUF_INDIRECT) != MV_BUF_INDIRECT && (vf & MV_FLAG_PIL))
        return mv_raise(err, "BufferError",
                        "memoryview: underlying buffer requires suboffsets");
    if (!has) {
        if (!(vf & MV_FLAG_C))
            return mv_raise(err, "BufferError",
                            "memoryview: underlying buffer is not C-contiguous");
        b->strides = NULL;
    }
    if ((flags & MV_BUF_ND) != MV_BUF_ND) {
        if (b->format != NULL)
            return mv_raise(err, "BufferError", "memoryview: cannot cast to "
                            "unsigned bytes if the format flag is present");
        b->ndim = 1;
        b->shape = NULL;
    }
    return 0;
}

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

/* EXPORT-?: m.__buffer__(flags) (3.12+): a new view on a buffer lent by
   m itself, so that m counts it and cannot be released while it lives. */
int mv_view_dunder_buffer(mv_view *v, int flags, mv_value *result,
                          mv_error *err)
{
    mv_managed *mb = mv_alloc_zeroed(1, sizeof *mb);
    mv_view *out;

    if (mb == NULL)
        return mv_no_memory(err);
    if (mv_view_getbuffer(v, &mb->master, flags, err) < 0) {
        mv_free(mb);
        return -1;
    }
    mb->refcount = 1;
    if (view_new(mb, &mb->master, &out, err) < 0) {
        managed_decref(mb);
        return -1;
    }
    managed_decref(mb);
    return wrap(out, result);
}

/* EXPORT-?: m.__release_buffer__(view): give back a view m.__buffer__()
   made. */
int mv_view_dunder_release_buffer(mv_view *v, const mv_value *arg,
                                  mv_error *err)
{
    mv_view *view = mv_as_view(arg);

    if (view == NULL)
        return mv_raise(err, "TypeError", "expected a memoryview object");
    if (view->view.obj != &v->base)
        return mv_raise(err, "ValueError",
                        "memoryview's buffer is not this object");
    if (view->flags & MV_FLAG_RELEASED)
        return mv_raise(err, "ValueError",
                        "memoryview's buffer has already been released");
    return mv_view_release(view, err);
}

void mv_view_releasebuffer(mv_view *v)
{
    assert(v->exports > 0);
    v->exports--;
}

int mv_getbuffer(const mv_config *cfg, const mv_value *v, mv_buffer *b,
                 int flags, mv_error *err)
{
    mv_view *view = mv_as_view(v);
    mv_exporter *e = mv_as_exporter(v);
    mv_value bytes;
    int status;

    if (view != NULL)
        return mv_view_getbuffer(view, b, flags, err);
    if (e != NULL)
        return mv_exporter_getbuffer(e, b, flags, err);
    if (v->kind == MV_BYTES) {
        /* A literal lends through a bytes object made for the purpose; the
           loan holds the only reference, so releasing it frees the copy. */
        if (mv_bytes_object(cfg, v->as.bytes.data, v->as.bytes.len, &bytes,
                            err) < 0)
            return -1;
        status = mv_exporter_getbuffer(mv_as_exporter(&bytes), b, flags, err);
        mv_value_clear(&bytes);
        return status;
    }
    return mv_raise(err, "TypeError", "a bytes-like object is required, "
                    "not '%.100s'", mv_type_qualname(v));
}

void mv_releasebuffer(mv_buffer *b)
{
    mv_object *obj = b->obj;

    if (obj == NULL)
        return;
    if (obj->type == MV_TYPE_MEMORYVIEW)
        mv_view_releasebuffer((mv_view *)obj);
    else
        mv_exporter_releasebuffer((mv_exporter *)obj);
    b->obj = NULL;
    mv_object_decref(obj);
}

/* ---- attributes ------------------------------------------------------------ */

static int ssize_tuple(const mv_ssize *items, int n, mv_value *out,
                       mv_error *err)
{
    if (mv_seq_new(out, MV_TUPLE, items ? (size_t)n : 0, err) < 0)
        return -1;
    for (int i = 0; items && i < n; i++)
        out->as.seq.items[i] = mv_int_from_i64(items[i]);
    return 0;
}

/* ATTR-?, READONLY-003: the attributes of a view; all refuse a released
   view (RELEASE-001). */
int mv_view_getattr(mv_view *v, const char *name, mv_value *result,
                    mv_error *err)
{
    const mv_buffer *b = &v->view;

    if (mv_view_check_released(v, err) < 0)
        return -1;
    if (strcmp(name, "obj") == 0)
        *result = mv_object_value(b->obj);
    else if (strcmp(name, "nbytes") == 0)
        *result = mv_int_from_i64(b->len);
    else if (strcmp(name, "readonly") == 0)
        *result = mv_bool(b->readonly);
    else if (strcmp(name, "itemsize") == 0)
        *result = mv_int_from_i64(b->itemsize);
    else if (strcmp(name, "format") == 0)
        return mv_str_new(result, b->format, strlen(b->format), err);
    else if (strcmp(name, "ndim") == 0)
        *result = mv_int_from_i64(b->ndim);
    else if (strcmp(name, "shape") == 0)
        return ssize_tuple(b->shape, b->ndim, result, err);
    else if (strcmp(name, "strides") == 0)
        return ssize_tuple(b->strides, b->ndim, result, err);
    else if (strcmp(name, "suboffsets") == 0)
        return ssize_tuple(b->suboffsets, b->ndim, result, err);
    else if (strcmp(name, "c_contiguous") == 0)
        *result = mv_bool(v->flags & MV_FLAG_C);
    else if (strcmp(name, "f_contiguous") == 0)
        *result = mv_bool(v->flags & MV_FLAG_F);
    else if (strcmp(name, "contiguous") == 0)
        *result = mv_bool(v->flags & (MV_FLAG_C | MV_FLAG_F));
    else
        return mv_unsupported(err, "attribute '%s'", name);
    return 0;
}

/* ATTR-?: len(m) is the length of the first dimension.  A 0-dim view had
   length 1 until 3.12, which made it an error. */
int mv_view_len(mv_view *v, mv_value *result, mv_error *err)
{
    if (mv_view_check_released(v, err) < 0)
        return -1;
    if (v->view.ndim == 0) {
        if (v->base.cfg->behaviour.zero_dim_len_raises)
            return mv_raise(err, "TypeError", "0-dim memory has no length");
        *result = mv_int_from_i64(1);
        return 0;
    }
    *result = mv_int_from_i64(v->view.shape[0]);
    return 0;
}

/* READONLY-004: a read-only view of the same memory. */
int mv_view_toreadonly(mv_view *v, mv_value *result, mv_error *err)
{
    mv_view *ro;

    if (mv_view_check_released(v, err) < 0
        || mv_view_derive(v, &ro, err) < 0)
        return -1;
    ro->view.readonly = true;
    return wrap(ro, result);
}
