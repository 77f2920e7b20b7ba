/*
 * external.c -- the library embedded in a host: memory the library does not
 * own, lent to it, and views lent back out.
 *
 * Inside the library every exporter owns its memory (exporter.c, array.c,
 * ndarray.c).  A host such as CPython (reference/python/) has exporters of
 * its own -- a real bytearray, a numpy array -- and wants the library's
 * views over *their* memory, so that a write through the view is seen by
 * the host's object and the host's object counts the export.  An external
 * exporter is the bridge:
 *
 *     host object ── host's loan ──▶ external exporter ◀── loan ── managed
 *     (counts 1)     (Py_buffer)     (memory: borrowed)            buffer ◀── views
 *
 * It is an ordinary mv_exporter in every way the library looks at one --
 * buffer requests, exports, hashing, comparison -- behaving as the library's
 * model of the host's class (`like`: a host bytes object is modelled as
 * MV_TYPE_BYTES, a numpy array as MV_TYPE_NUMPY), except that its `data`
 * is the host's.  So the host must learn when the library no longer needs
 * that memory: it asks mv_external_lent() after any operation that can end
 * a loan (a release, a view freed), and when the answer is no, detaches the
 * exporter (mv_external_detach) and gives its own loan back.
 *
 * A host's buffer may have suboffsets (a _testbuffer.ndarray made with
 * ND_PIL): its pointer slots hold addresses, which the library's own never
 * do, so the exporter says so (MV_SLOTS_ADDRESS) and every walk follows
 * them as CPython does (layout.c draws both kinds of slot).
 *
 * The other direction, mv_lend(), lends a view's memory to the host, as
 * CPython's bf_getbuffer does: the view counts the loan (RELEASE-008)
 * and cannot be released until mv_loan_end().
 */
#include <stdio.h>

#include "mvint.h"
#include "abstract.h"
#include "chapters.h"
#include "exporter.h"
#include "layout.h"
#include "refcount.h"
#include "value.h"
#include "view.h"

/* An external exporter: an exporter first, so that the library (and
   mv_exporter_dealloc, which frees the block) sees nothing else. */
typedef struct external {
    mv_exporter base;
    void *context;   /* the host's, handed back by mv_external_context */
} external;

/* The requests of mvref.h are numbered as PEP 3118's (CPython's PyBUF_*). */
_Static_assert(MV_BUF_FULL_RO == 0x011c, "PyBUF_FULL_RO");
_Static_assert(MV_BUF_C_CONTIGUOUS == 0x0038, "PyBUF_C_CONTIGUOUS");

/* Copy n sizes into a new array of the library's (n may be 0). */
static mv_ssize *copy_sizes(const mv_ssize *src, int n)
{
    mv_ssize *dst = mv_alloc_zeroed((size_t)n, sizeof *dst);

    if (dst != NULL && src != NULL && n > 0)
        memcpy(dst, src, (size_t)n * sizeof *dst);
    return dst;
}

/* bytes, bytearray and array lend one dimension of packed items: the layout
   exporter.c recomputes from the size on every request.  A host object of
   those classes must lend the same, or it cannot be modelled as one. */
static bool fits_like(mv_type like, const mv_external_buffer *b)
{
    if (like > MV_TYPE_ARRAY)
        return true;
    return b->ndim == 1 && b->itemsize > 0 && b->suboffsets == NULL
           && (b->strides == NULL || b->strides[0] == b->itemsize)
           && (b->shape == NULL || b->shape[0] * b->itemsize == b->len);
}

/* Make an exporter over the host's memory b.  Assumptions: b describes a
   valid buffer (as PyObject_GetBuffer with PyBUF_FULL_RO returns one), which
   stays valid until mv_external_detach.  The library copies the layout, not
   the memory.  On error nothing was made. */
int mv_external_object(const mv_config *cfg, mv_type like, char typecode,
                       const mv_external_buffer *b, void *context,
                       mv_value *out, mv_error *err)
{
    external *x;
    mv_exporter *e;

    assert(like != MV_TYPE_MEMORYVIEW && b->itemsize >= 0 && b->ndim >= 0);
    if (b->ndim > MV_MAX_EXPORTER_NDIM)
        return mv_unsupported(err, "an exporter of %d dimensions", b->ndim);
    /* A host's pointer slots are pointers of this machine, which the
       configuration must model for its 'P' items and pointer strides to
       be the host's (ATTR-006). */
    assert(b->suboffsets == NULL
           || cfg->platform.sizeof_ptr == (mv_ssize)sizeof(void *));
    if (!fits_like(like, b))
        return mv_unsupported(err, "a %s-like exporter whose buffer is not "
                              "one dimension of packed items",
                              like == MV_TYPE_ARRAY ? "array" : "bytes");
    x = mv_alloc_zeroed(1, sizeof *x);
    if (x == NULL)
        return mv_no_memory(err);
    e = &x->base;
    mv_exporter_init(e, cfg, like);
    e->data = b->buf;        /* borrowed: detached before the exporter dies */
    e->size = b->len;
    e->typecode = typecode;
    e->itemsize = b->itemsize;
    e->readonly = b->readonly;
    e->ndim = b->ndim;
    e->format = mv_strdup(b->format ? b->format : "B");
    e->shape = copy_sizes(b->shape, b->ndim);
    e->strides = copy_sizes(b->strides, b->ndim);
    /* CONSTRUCT-006, ATTR-006: the suboffsets as the host gave them; its
       slots hold addresses, and every walk follows them so (layout.c). */
    if (b->suboffsets != NULL)
        e->suboffsets = copy_sizes(b->suboffsets, b->ndim);
    e->slots = MV_SLOTS_ADDRESS;
    assert(b->object.kind == MV_NONE || b->object.kind == MV_HOST);
    e->host = b->object;     /* borrowed, as the memory is */
    x->context = context;
    if (e->format == NULL || e->shape == NULL || e->strides == NULL
        || (b->suboffsets != NULL && e->suboffsets == NULL)) {
        e->data = NULL;
        mv_exporter_dealloc(e);
        return mv_no_memory(err);
    }
    if (b->shape == NULL && b->ndim == 1)
        e->shape[0] = b->itemsize ? b->len / b->itemsize : 0;
    if (b->strides == NULL)   /* C order, as a consumer assumes (CONSTRUCT-006) */
        mv_strides_from_shape(b->ndim, e->shape, b->itemsize, 'C', e->strides);
    *out = mv_none();
    out->kind = MV_OBJECT;
    out->as.object = &e->base;   /* the creation reference */
    return 0;
}

/* The host's context of an exporter mv_external_object made. */
void *mv_external_context(const mv_object *obj)
{
    assert(obj->type != MV_TYPE_MEMORYVIEW);
    return ((const external *)obj)->context;
}

/* Is the memory still lent to a managed buffer (or to anyone)? */
bool mv_external_lent(const mv_object *obj)
{
    assert(obj->type != MV_TYPE_MEMORYVIEW);
    return ((const mv_exporter *)obj)->exports > 0;
}

/* Forget the host's memory.  Only once nothing borrows it: every view that
   could reach it has been released (RELEASE-001 then refuses them all), so
   nothing reads `data` again, and freeing the exporter frees none of it. */
void mv_external_detach(mv_object *obj)
{
    mv_exporter *e = (mv_exporter *)obj;

    assert(obj->type != MV_TYPE_MEMORYVIEW && e->exports == 0);
    e->data = NULL;
    e->size = 0;
    e->host = mv_none();
}

/* The exporter at the bottom of a view: views of views share a managed
   buffer, and a view made by m.__buffer__() borrows from the view m. */
mv_object *mv_view_exporter(const mv_object *view)
{
    const mv_object *obj = view;

    while (obj->type == MV_TYPE_MEMORYVIEW)
        obj = ((const mv_view *)obj)->mbuf->master.obj;
    return (mv_object *)obj;
}

/* HASH-001, HASH-005: the bytes hash(view) hashes, when hashing is
   allowed: a copy, so that the host can hash them with its own bytes
   hash.  The library's hash(view) == hash(view) decides, and keeps what
   it hashed in the view (the hash survives release()). */
int mv_view_hash_bytes(const mv_value *view, mv_value *key, mv_error *err)
{
    mv_view *v = mv_as_view(view);
    mv_value same;

    assert(v != NULL);
    if (mv_hash_equal(view, view, &same, err) < 0)
        return -1;
    assert(v->hashed && v->hash_key.kind == MV_BYTES);
    return mv_value_copy(key, &v->hash_key, err);
}

/* OBJECT-005 to OBJECT-008: lend obj's memory (a view's, or any
   exporter's) to the host, as a buffer request with PEP 3118 flags.  The
   lender counts the loan until mv_loan_end(loan) (RELEASE-008). */
int mv_lend(const mv_value *obj, int flags, mv_loan *loan, mv_error *err)
{
    mv_buffer b;

    if (obj->kind != MV_OBJECT)
        return mv_unsupported(err, "lending a %s", mv_type_name(obj));
    if (mv_getbuffer(obj->as.object->cfg, obj, &b, flags, err) < 0)
        return -1;
    /* A host follows pointer slots as addresses (ATTR-006).  Memory a host
       can reach is all a host's: only the driver makes the library's own
       PIL arrays, and it lends nothing to a host. */
    if (NEVER(b.suboffsets != NULL && b.slots != MV_SLOTS_ADDRESS)) {
        mv_releasebuffer(&b);
        return mv_unsupported(err, "lending memory of the library's own "
                              "with suboffsets to a host");
    }
    loan->buf = b.buf;
    loan->len = b.len;
    loan->itemsize = b.itemsize;
    loan->readonly = b.readonly;
    loan->ndim = b.ndim;
    loan->format = b.format;
    /* OBJECT-007: a 0-dim loan has no shape and no strides, NULL as
       CPython lends them; consumers rely on it (_testbuffer's tolist of
       an ndarray made with PyBUF_ND corrupts its heap when given them). */
    loan->shape = b.ndim > 0 ? b.shape : NULL;
    loan->strides = b.ndim > 0 ? b.strides : NULL;
    loan->suboffsets = b.suboffsets;
    loan->lender = b.obj;
    return 0;
}

void mv_loan_end(mv_loan *loan)
{
    mv_buffer b;

    memset(&b, 0, sizeof b);
    b.obj = loan->lender;
    mv_releasebuffer(&b);
    loan->lender = NULL;
}
