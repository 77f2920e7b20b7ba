/*
 * abstract.c -- what the library asks of any value, whichever kind it is:
 * a loan of its memory (PyObject_GetBuffer, PyBuffer_Release), and the
 * bytes of a bytes-like value.  (CPython keeps these in its "abstract
 * object layer", Objects/abstract.c, hence the name; the numbers and the
 * truth of any value, the rest of that layer, are convert.c's.)
 *
 * A value that asks is one of three things: a plain value (value.c), an
 * exporter (exporter.c) or a view (view.c).  Each question is answered
 * here by dispatching on which, so that the chapters above can ask it of
 * whatever a Python program handed them: m[:] = x asks x for a loan
 * (ASSIGN-010), m == x compares with x's buffer (COMPARE-005).
 */
#include "mvint.h"
#include "abstract.h"
#include "exporter.h"
#include "layout.h"
#include "refcount.h"
#include "value.h"
#include "view.h"

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
    mv_loan_return(obj);
    b->obj = NULL;
    mv_object_decref(obj);
}

bool mv_bytes_of(const mv_value *v, const unsigned char **data, size_t *len)
{
    const mv_exporter *e = mv_as_exporter(v);

    if (v->kind == MV_BYTES) {
        *data = v->as.bytes.data;
        *len = v->as.bytes.len;
        return true;
    }
    if (e != NULL && e->base.type == MV_TYPE_BYTES) {
        *data = e->data;
        *len = (size_t)e->size;
        return true;
    }
    return false;
}
