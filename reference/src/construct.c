/*
 * construct.c -- chapter 1 of the spec: memoryview(x), and the managed
 * buffer every view stands on.
 *
 * memoryview(x) asks x for one buffer (a loan of its memory, export.c) and
 * wraps it in a *managed buffer*.  The view made from it, and every view
 * later derived from that view -- slices, casts, toreadonly(),
 * memoryview(view) -- share that managed buffer, each with its own shape,
 * strides, suboffsets and format:
 *
 *     bytearray ◀── loan ── managed buffer ◀─┬─ m         = memoryview(ba)
 *     (exports 1)           (exports 3)       ├─ m[::2]
 *                                             └─ m.cast('c')
 *
 * So the exporter sees one loan however many views there are (CONSTRUCT-007,
 * EXPORT-008), and gets it back when the last of them is released
 * (release.c).  Two calls memoryview(x) make two managed buffers and two
 * loans (EXPORT-010).
 *
 * Two counts, two lifetimes.  managed.exports counts views not yet
 * released: it decides when the loan ends.  managed.refcount counts views
 * that still point at the struct, released or not: it decides when its
 * memory is freed.  The managed buffer keeps its reference to the
 * exporter until it is freed, so a released view never holds a dangling
 * pointer; released views refuse every operation anyway (RELEASE-001).
 *
 * Making a view reads no item and checks no format (CONSTRUCT-010): the
 * view copies the description the lender gave, dimension limit aside
 * (CONSTRUCT-009), and nothing else (CONSTRUCT-006).
 */
#include "mvint.h"

mv_view *mv_as_view(const mv_value *v)
{
    if (v->kind != MV_OBJECT || v->as.object->type != MV_TYPE_MEMORYVIEW)
        return NULL;
    return (mv_view *)v->as.object;
}

mv_value mv_view_value(mv_view *v)
{
    return mv_object_owned(&v->base);
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

/* A new view registered with mb, laid out as src says.
   Assumes mb holds its loan (a released managed buffer makes no views). */
static int view_new(mv_managed *mb, const mv_buffer *src, mv_view **out,
                    mv_error *err)
{
    mv_view *v;

    assert(!mb->released);
    if (src->ndim > MV_MAX_NDIM)   /* CONSTRUCT-009, TOLIST-008 */
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

/* CONSTRUCT-007, ATTR-014: a new view on base's managed buffer, with
   base's layout; the caller changes what it derives. */
int mv_view_derive(mv_view *base, mv_view **out, mv_error *err)
{
    return view_new(base->mbuf, &base->view, out, err);
}

/* A new managed buffer and its first view, for a buffer just lent.  The
   managed buffer takes over the loan (b's reference to its lender), and
   gives it back at once if no view can be made of it. */
int mv_view_from_buffer(const mv_buffer *b, mv_view **out, mv_error *err)
{
    mv_managed *mb = mv_alloc_zeroed(1, sizeof *mb);
    int status;

    if (mb == NULL) {
        mv_buffer loan = *b;
        mv_releasebuffer(&loan);
        return mv_no_memory(err);
    }
    mb->master = *b;
    mb->refcount = 1;              /* ours, until the view takes one */
    status = view_new(mb, &mb->master, out, err);
    mv_managed_decref(mb);
    return status;
}

/* CONSTRUCT-001, CONSTRUCT-002, CONSTRUCT-007, CONSTRUCT-008: the view of
   any object. */
static int view_of(const mv_config *cfg, const mv_value *obj, mv_value *out,
                   mv_error *err)
{
    mv_view *base = mv_as_view(obj), *v;
    mv_buffer b;

    if (base != NULL) {   /* a view of a view shares its managed buffer */
        if (mv_view_check_released(base, err) < 0
            || mv_view_derive(base, &v, err) < 0)
            return -1;
        *out = mv_view_value(v);
        return 0;
    }
    if (obj->kind != MV_BYTES && mv_as_exporter(obj) == NULL)
        return mv_raise(err, "TypeError", "memoryview: a bytes-like object "
                        "is required, not '%.200s'", mv_type_qualname(obj));
    if (mv_getbuffer(cfg, obj, &b, MV_BUF_FULL_RO, err) < 0
        || mv_view_from_buffer(&b, &v, err) < 0)
        return -1;
    *out = mv_view_value(v);
    return 0;
}

/* PyObject_GetBuffer: a loan from whatever v is.  A bytes literal (a
   value, not an object) lends through a bytes object made for the
   purpose; the loan holds the only reference, so giving it back frees the
   copy. */
int mv_getbuffer(const mv_config *cfg, const mv_value *v, mv_buffer *b,
                 int flags, mv_error *err)
{
    mv_view *view = mv_as_view(v);
    mv_exporter *e = mv_as_exporter(v);

    if (view != NULL)
        return mv_view_getbuffer(view, b, flags, err);
    if (e != NULL)
        return mv_exporter_getbuffer(e, b, flags, err);
    if (v->kind == MV_BYTES) {
        mv_value bytes;
        int status;

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

/* PyBuffer_Release: give a loan back to its lender. */
void mv_releasebuffer(mv_buffer *b)
{
    mv_object *obj = b->obj;

    assert(obj != NULL);
    if (obj->type == MV_TYPE_MEMORYVIEW)
        mv_view_releasebuffer((mv_view *)obj);
    else
        mv_exporter_releasebuffer((mv_exporter *)obj);
    b->obj = NULL;
    mv_object_decref(obj);
}

/* CONSTRUCT-003: memoryview(object) */
int mv_memoryview(const mv_config *cfg, const mv_args *a, mv_value *result,
                  mv_error *err)
{
    static const mv_signature sig = {
        "memoryview", "memoryview", MV_SIG_CLINIC, 1, 1, { "object" }
    };
    const mv_value *bound[1] = { NULL };

    if (mv_parse_args(cfg, &sig, a, bound, err) < 0)
        return -1;
    return view_of(cfg, bound[0], result, err);
}
