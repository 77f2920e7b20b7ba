/*
 * object.c -- chapter 15 of the spec: the view as an object: its methods,
 * pickling and copying, and its own buffer (PEP 688's __buffer__ and
 * __release_buffer__).
 *
 * The method table binds each method's arguments the way CPython's
 * argument parsers do (args.c), so that a wrong call fails as CPython's
 * fails, before the method runs (RELEASE-006, TOLIST-007), and then calls
 * the chapter that implements it.
 *
 * A view is an exporter too: a consumer can ask it for a buffer, with
 * flags that say how much of the layout it can take (OBJECT-005 to
 * OBJECT-008).  What it lends is its own view of the memory, counted in
 * view.exports, and while any such loan is out the view cannot be
 * released (RELEASE-008):
 *
 *     m = memoryview(b'abc')
 *     b = m.__buffer__(0)      b.obj is m; m.exports == 1
 *     m.release()              BufferError: memoryview has 1 exported buffer
 *     m.__release_buffer__(b)  b is released; m.exports == 0
 */
#include "mvint.h"

/* ---- pickling and copying -------------------------------------------------- */

/* OBJECT-001: pickle.dumps(m, protocol) refuses every view.  Protocols 0
   and 1 reduce through copyreg, whose message quotes the type; from 3.11
   memoryview refuses protocols 2 and up itself. */
int mv_pickle(const mv_value *obj, int protocol, mv_value *result,
              mv_error *err)
{
    mv_view *v = mv_as_view(obj);

    (void)result;
    if (NEVER(v == NULL))
        return mv_unsupported(err, "pickling %s", mv_type_name(obj));
    if (v->base.cfg->behaviour.own_reduce && (protocol < 0 || protocol >= 2))
        return mv_raise(err, "TypeError", "cannot pickle memoryview objects");
    return mv_raise(err, "TypeError", "cannot pickle 'memoryview' object");
}

/* OBJECT-002: copy.copy(m) and copy.deepcopy(m) reduce as protocol 4
   pickling does, and so refuse as it does. */
int mv_copy(const mv_value *obj, bool deep, mv_value *result, mv_error *err)
{
    (void)deep;
    return mv_pickle(obj, 4, result, err);
}

/* a is b */
int mv_is(const mv_value *a, const mv_value *b, mv_value *result,
          mv_error *err)
{
    (void)err;
    *result = mv_bool(mv_same_object(a, b));
    return 0;
}

/* ---- the view as an exporter ---------------------------------------------- */

/* OBJECT-005 to OBJECT-008: a view lends its memory as it sees it, as much
   of it as the consumer asks for (flags: the MV_BUF_* requests), and
   refuses requests its layout cannot meet.  The checks, in CPython's
   order: */
static int narrow_request(const mv_view *v, mv_buffer *b, int flags,
                          mv_error *err)
{
    unsigned vf = v->flags;

    if ((flags & MV_BUF_WRITABLE) && v->view.readonly)   /* OBJECT-005 */
        return mv_raise(err, "BufferError",
                        "memoryview: underlying buffer is not writable");
    if (!(flags & MV_BUF_FORMAT))                        /* OBJECT-006 */
        b->format = NULL;   /* read as unsigned bytes; itemsize unchanged */
    if ((flags & MV_BUF_C_CONTIGUOUS) == MV_BUF_C_CONTIGUOUS
        && !(vf & MV_FLAG_C))
        return mv_raise(err, "BufferError",
                        "memoryview: underlying buffer is not C-contiguous");
    if ((flags & MV_BUF_F_CONTIGUOUS) == MV_BUF_F_CONTIGUOUS
        && !(vf & MV_FLAG_F))
        return mv_raise(err, "BufferError", "memoryview: underlying buffer "
                        "is not Fortran contiguous");
    if ((flags & MV_BUF_ANY_CONTIGUOUS) == MV_BUF_ANY_CONTIGUOUS
        && !(vf & (MV_FLAG_C | MV_FLAG_F)))
        return mv_raise(err, "BufferError",
                        "memoryview: underlying buffer is not contiguous");
    if ((flags & MV_BUF_INDIRECT) != MV_BUF_INDIRECT && (vf & MV_FLAG_PIL))
        return mv_raise(err, "BufferError",
                        "memoryview: underlying buffer requires suboffsets");
    if ((flags & MV_BUF_STRIDES) != MV_BUF_STRIDES) {    /* OBJECT-007 */
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

/* RELEASE-008: lend v's memory, counting the loan in v. */
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

void mv_view_releasebuffer(mv_view *v)
{
    assert(v->exports > 0);
    v->exports--;
}

/* OBJECT-004, OBJECT-009: m.__buffer__(flags) (3.12+): a new view on a
   buffer lent by m itself.  The flags become a C int, whose bits a
   negative int keeps. */
static int dunder_buffer(mv_view *v, const mv_value *arg, mv_value *result,
                         mv_error *err)
{
    mv_ssize flags;
    mv_buffer b;
    mv_view *out;

    if (mv_as_ssize(v->base.cfg, arg, "OverflowError", &flags, err) < 0)
        return -1;
    if (flags > INT32_MAX)
        return mv_raise(err, "OverflowError", "buffer flags too large");
    if (mv_view_getbuffer(v, &b, (int)flags, err) < 0
        || mv_view_from_buffer(&b, &out, err) < 0)
        return -1;
    *result = mv_view_value(out);
    return 0;
}

/* OBJECT-010: m.__release_buffer__(view): release a view whose buffer m
   lent. */
static int dunder_release_buffer(mv_view *v, const mv_value *arg,
                                 mv_value *result, mv_error *err)
{
    mv_view *view = mv_as_view(arg);

    *result = mv_none();
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

/* ---- the method table ---------------------------------------------------------- */

typedef int (*method_fn)(mv_view *v, const mv_value *bound[], mv_value *result,
                         mv_error *err);

static int m_tolist(mv_view *v, const mv_value *b[], mv_value *r, mv_error *e)
{
    (void)b;
    return mv_view_tolist(v, r, e);
}

static int m_tobytes(mv_view *v, const mv_value *b[], mv_value *r, mv_error *e)
{
    return mv_view_tobytes(v, b[0], r, e);
}

static int m_hex(mv_view *v, const mv_value *b[], mv_value *r, mv_error *e)
{
    return mv_view_hex(v, b[0], b[1], r, e);
}

static int m_cast(mv_view *v, const mv_value *b[], mv_value *r, mv_error *e)
{
    return mv_view_cast(v, b[0], b[1], r, e);
}

/* RELEASE-002 */
static int m_release(mv_view *v, const mv_value *b[], mv_value *r, mv_error *e)
{
    (void)b;
    *r = mv_none();
    return mv_view_release(v, e);
}

static int m_toreadonly(mv_view *v, const mv_value *b[], mv_value *r,
                        mv_error *e)
{
    (void)b;
    return mv_view_toreadonly(v, r, e);
}

static int m_enter(mv_view *v, const mv_value *b[], mv_value *r, mv_error *e)
{
    (void)b;
    return mv_view_enter(v, r, e);
}

static int m_exit(mv_view *v, const mv_value *b[], mv_value *r, mv_error *e)
{
    (void)b;
    return mv_view_exit(v, r, e);
}

static int m_count(mv_view *v, const mv_value *b[], mv_value *r, mv_error *e)
{
    return mv_view_count(v, b[0], r, e);
}

static int m_index(mv_view *v, const mv_value *b[], mv_value *r, mv_error *e)
{
    return mv_view_index(v, b[0], b[1], b[2], r, e);
}

static int m_buffer(mv_view *v, const mv_value *b[], mv_value *r, mv_error *e)
{
    return dunder_buffer(v, b[0], r, e);
}

static int m_release_buffer(mv_view *v, const mv_value *b[], mv_value *r,
                            mv_error *e)
{
    return dunder_release_buffer(v, b[0], r, e);
}

typedef struct method {
    mv_signature sig;
    method_fn fn;
    bool (*exists)(const mv_behaviour *b);   /* NULL: in every version */
} method;

static bool since_3_12(const mv_behaviour *b) { return b->has_buffer_methods; }
static bool since_3_14(const mv_behaviour *b) { return b->has_count_index; }

static const method methods[] = {
    { { "tolist", "memoryview.tolist", MV_SIG_NOARGS, 0, 0, { 0 } },
      m_tolist, NULL },
    { { "tobytes", "memoryview.tobytes", MV_SIG_CLINIC, 0, 1, { "order" } },
      m_tobytes, NULL },
    { { "hex", "memoryview.hex", MV_SIG_CLINIC, 0, 2,
        { "sep", "bytes_per_sep" } }, m_hex, NULL },
    { { "cast", "memoryview.cast", MV_SIG_CLINIC, 1, 2, { "format", "shape" } },
      m_cast, NULL },
    { { "release", "memoryview.release", MV_SIG_NOARGS, 0, 0, { 0 } },
      m_release, NULL },
    { { "toreadonly", "memoryview.toreadonly", MV_SIG_NOARGS, 0, 0, { 0 } },
      m_toreadonly, NULL },
    { { "__enter__", "memoryview.__enter__", MV_SIG_NOARGS, 0, 0, { 0 } },
      m_enter, NULL },
    { { "__exit__", "memoryview.__exit__", MV_SIG_VARARGS, 0, 0, { 0 } },
      m_exit, NULL },
    { { "count", "memoryview.count", MV_SIG_O, 1, 1, { 0 } },
      m_count, since_3_14 },
    { { "index", "memoryview.index", MV_SIG_POSITIONAL, 1, 3, { 0 } },
      m_index, since_3_14 },
    { { "__buffer__", "memoryview.__buffer__", MV_SIG_WRAPPER, 1, 1, { 0 } },
      m_buffer, since_3_12 },
    { { "__release_buffer__", "memoryview.__release_buffer__",
        MV_SIG_WRAPPER, 1, 1, { 0 } }, m_release_buffer, since_3_12 },
};

/* SEQ-010, OBJECT-004: v.name(...), a method of the table; any other name,
   or one of a later version, is an AttributeError. */
int mv_view_call(mv_view *v, const char *name, const mv_args *a,
                 mv_value *result, mv_error *err)
{
    const mv_behaviour *vb = &v->base.cfg->behaviour;
    const mv_value *bound[4] = { NULL, NULL, NULL };
    const method *m = NULL;
    mv_signature sig;

    for (size_t i = 0; i < sizeof methods / sizeof methods[0]; i++)
        if (strcmp(methods[i].sig.name, name) == 0
            && (methods[i].exists == NULL || methods[i].exists(vb)))
            m = &methods[i];
    if (m == NULL)
        return mv_raise(err, "AttributeError", "'memoryview' object has no "
                        "attribute '%.400s'", name);
    sig = m->sig;
    /* 3.9's tobytes() and cast() checked the view before binding their
       arguments (TOBYTES-007, CAST-014), and their parser called them
       "function" (a NULL name) */
    if (vb->legacy_parse && (m->fn == m_tobytes || m->fn == m_cast)) {
        if (mv_view_check_released(v, err) < 0)
            return -1;
        sig.name = NULL;
    }
    if (mv_parse_args(v->base.cfg, &sig, a, bound, err) < 0)
        return -1;
    return m->fn(v, bound, result, err);
}

/* obj.method(*args, **kwargs) */
int mv_call(const mv_value *obj, const char *method, const mv_args *a,
            mv_value *result, mv_error *err)
{
    mv_view *v = mv_as_view(obj);

    if (NEVER(v == NULL))
        return mv_unsupported(err, "%s.%s()", mv_type_name(obj), method);
    return mv_view_call(v, method, a, result, err);
}
