/*
 * check.c -- the checker: does an object keep the exporter's contract
 * (spec/memoryview.md, chapter 16, EXPORTER-001 to EXPORTER-019)?
 *
 * It plays every consumer the C API allows.  For each request (every
 * structure -- simple, ND, strides, C/F/any contiguous, indirect -- with and
 * without PyBUF_WRITABLE and PyBUF_FORMAT) it makes one round:
 *
 *     a = get(flags)             refused?  BufferError, obj NULL   (002)
 *     copy a's fields            each field as the request says   (001-015)
 *     read a's items             within readable memory           (016)
 *     b = get(flags)             one more reference to obj        (001)
 *     release(b)                 exactly one reference less       (018)
 *     copy a's fields and items  again: still the same            (019)
 *     release(a)
 *
 * then compares the rounds with one another: the request-independent fields
 * (003), readonly (009), format (010), and the items each layout shows
 * (011, 012, 017) must agree, and every layout must address only the
 * memory that a contiguous request showed the exporter to have (016).
 *
 * What it cannot see it does not judge: a rule is "checked" only as often
 * as there was something to look at (an exporter that refuses every request
 * passes vacuously, and its report says how many requests it granted).
 *
 * A violation is recorded as it is found, in C (never an exception midway,
 * with buffers held); the Python report is built at the end.
 */
#include <string.h>

#include "exporter.h"

/* ---- the rules ------------------------------------------------------------ */

enum rule {
    R_OBJ, R_REFUSE, R_INDEPENDENT, R_DIMS, R_SCALAR, R_LEN, R_ITEMSIZE,
    R_WRITABLE, R_READONLY, R_FORMAT, R_SIMPLE, R_ND, R_STRIDES, R_INDIRECT,
    R_CONTIGUITY, R_BOUNDS, R_SAME, R_RELEASE, R_VALID, NRULES
};

static const struct { const char *id, *title; } RULES[NRULES] = {
    [R_OBJ] = {"EXPORTER-001", "A granted request sets obj to a new reference"},
    [R_REFUSE] = {"EXPORTER-002", "A refused request raises BufferError and leaves obj NULL"},
    [R_INDEPENDENT] = {"EXPORTER-003", "buf, len and itemsize do not depend on the request"},
    [R_DIMS] = {"EXPORTER-004", "ndim is at most 64 and no dimension is negative"},
    [R_SCALAR] = {"EXPORTER-005", "A 0-dimensional buffer has no shape, strides or suboffsets"},
    [R_LEN] = {"EXPORTER-006", "len is the product of the shape and the itemsize"},
    [R_ITEMSIZE] = {"EXPORTER-007", "itemsize is the size of one item of the format"},
    [R_WRITABLE] = {"EXPORTER-008", "PyBUF_WRITABLE gets writable memory or a refusal"},
    [R_READONLY] = {"EXPORTER-009", "readonly is the same for every consumer"},
    [R_FORMAT] = {"EXPORTER-010", "format is given exactly when PyBUF_FORMAT asks for it"},
    [R_SIMPLE] = {"EXPORTER-011", "A simple request gets the items as len bytes in C order"},
    [R_ND] = {"EXPORTER-012", "PyBUF_ND gets the shape, no strides, and C-contiguous items"},
    [R_STRIDES] = {"EXPORTER-013", "PyBUF_STRIDES gets shape and strides, and no suboffsets"},
    [R_INDIRECT] = {"EXPORTER-014", "PyBUF_INDIRECT gets suboffsets only where they are needed"},
    [R_CONTIGUITY] = {"EXPORTER-015", "A contiguity request gets memory of that order or a refusal"},
    [R_BOUNDS] = {"EXPORTER-016", "Every item lies in readable memory the exporter owns"},
    [R_SAME] = {"EXPORTER-017", "Every layout shows the same items"},
    [R_RELEASE] = {"EXPORTER-018", "Releasing gives back exactly the reference the request took"},
    [R_VALID] = {"EXPORTER-019", "The memory stays valid while any buffer is held"},
};

/* ---- the requests --------------------------------------------------------- */

/* A request's structure is its flags without WRITABLE and FORMAT. */
#define MODIFIERS (PyBUF_WRITABLE | PyBUF_FORMAT)
#define STRUCTURE(flags) ((flags) & ~MODIFIERS)

typedef struct request {
    const char *name, *alias;
    int flags;
} request;

#define FOUR(S, A0, A1, A2, A3) \
    { #S, A0, S }, \
    { #S "|PyBUF_FORMAT", A1, S | PyBUF_FORMAT }, \
    { #S "|PyBUF_WRITABLE", A2, S | PyBUF_WRITABLE }, \
    { #S "|PyBUF_FORMAT|PyBUF_WRITABLE", A3, S | PyBUF_FORMAT | PyBUF_WRITABLE }

/* Every request the documentation defines: PyBUF_FORMAT goes with every
   structure but the simple one, which already means unsigned bytes. */
static const request REQUESTS[] = {
    { "PyBUF_SIMPLE", NULL, PyBUF_SIMPLE },
    { "PyBUF_WRITABLE", NULL, PyBUF_WRITABLE },
    FOUR(PyBUF_ND, "PyBUF_CONTIG_RO", NULL, "PyBUF_CONTIG", NULL),
    FOUR(PyBUF_STRIDES, "PyBUF_STRIDED_RO", "PyBUF_RECORDS_RO", "PyBUF_STRIDED",
         "PyBUF_RECORDS"),
    FOUR(PyBUF_C_CONTIGUOUS, NULL, NULL, NULL, NULL),
    FOUR(PyBUF_F_CONTIGUOUS, NULL, NULL, NULL, NULL),
    FOUR(PyBUF_ANY_CONTIGUOUS, NULL, NULL, NULL, NULL),
    FOUR(PyBUF_INDIRECT, NULL, "PyBUF_FULL_RO", NULL, "PyBUF_FULL"),
};
#define NREQUESTS ((int)(sizeof REQUESTS / sizeof REQUESTS[0]))

/* The structures from the richest layout to the plainest: the first
   request granted in this order gives the items the others must show. */
static const int RICHEST_FIRST[] = {
    PyBUF_INDIRECT, PyBUF_STRIDES, PyBUF_ANY_CONTIGUOUS, PyBUF_C_CONTIGUOUS,
    PyBUF_F_CONTIGUOUS, PyBUF_ND, PyBUF_SIMPLE
};
/* ... and the plainest first, to find the memory the exporter owns. */
static const int PLAINEST_FIRST[] = {
    PyBUF_SIMPLE, PyBUF_ND, PyBUF_C_CONTIGUOUS, PyBUF_F_CONTIGUOUS,
    PyBUF_ANY_CONTIGUOUS
};

/* ---- what a round records --------------------------------------------------- */

#define MAX_FORMAT 1024
/* Items are read up to this many bytes (16 MiB); a larger buffer is judged
   on its fields only. */
#define MAX_ITEM_BYTES ((Py_ssize_t)1 << 24)

/* A buffer's fields, copied out of it, and its items. */
typedef struct snapshot {
    mvx_layout l;
    PyObject *obj;              /* identity only: no reference is held */
    int readonly;
    const char *format_at;      /* the pointer as given */
    bool format_read;           /* copied into format[] */
    char format[MAX_FORMAT];
    bool walkable;              /* sane enough to walk: ndim, shape, itemsize */
    char *items;                /* the items in C order (PyMem), or NULL */
    Py_ssize_t nbytes;
    char unread[200];           /* why items is NULL */
} snapshot;

typedef struct record {
    const request *req;
    bool granted;
    char refusal[200];          /* "BufferError: ..." when refused */
    snapshot s;
} record;

typedef struct violation {
    enum rule rule;
    const request *req;         /* NULL: not about one request */
    const char *field;
    char message[300];
} violation;

#define MAX_VIOLATIONS 300

typedef struct checker {
    PyObject *exporter;
    mvx_probe probe;
    PyObject *calcsize;         /* struct.calcsize */
    bool refcounts;             /* whether reference counts can be seen */
    record rec[NREQUESTS];
    Py_ssize_t checks[NRULES], failed[NRULES];
    violation v[MAX_VIOLATIONS];
    int nv, dropped;
} checker;

/* ---- judging -------------------------------------------------------------- */

/* One check of a rule: counted; when it fails, a violation with the
   request and field it is about.  Never raises. */
static bool judge(checker *c, enum rule rule, const request *req,
                  const char *field, bool ok, const char *fmt, ...)
{
    va_list args;

    c->checks[rule]++;
    if (ok)
        return true;
    c->failed[rule]++;
    if (c->nv == MAX_VIOLATIONS) {
        c->dropped++;
        return false;
    }
    violation *v = &c->v[c->nv++];
    v->rule = rule;
    v->req = req;
    v->field = field;
    va_start(args, fmt);
    PyOS_vsnprintf(v->message, sizeof v->message, fmt, args);
    va_end(args);
    return false;
}

static const char *name_of(const record *r)
{
    return r->req->name;
}

/* ---- reference counts ------------------------------------------------------- */

/* Immortal objects (3.12+) keep their count whatever happens to it. */
static bool counts_observable(PyObject *o)
{
    Py_ssize_t before = Py_REFCNT(o);
    Py_INCREF(o);
    bool moved = Py_REFCNT(o) == before + 1;
    Py_DECREF(o);
    return moved;
}

/* After an exporter took too many references back, give them again so that
   the check can go on (the violation is recorded); counts above `want`
   (a leak) are left alone. */
static void repair(PyObject *o, Py_ssize_t want)
{
    while (Py_REFCNT(o) < want)
        Py_INCREF(o);
}

/* ---- acquiring -------------------------------------------------------------- */

/* obj before the request: a consumer's leftover, not NULL, so that an
   exporter that does not set obj on either path is seen not to. */
#define LEFTOVER Py_None

/* One request.  Returns whether a buffer was granted (to be released);
   the refusal, or why the answer breaks EXPORTER-002, is recorded. */
static bool acquire(checker *c, record *r, Py_buffer *view, bool judged)
{
    int flags = r->req->flags;
    PyObject *type, *value, *tb;

    memset(view, 0, sizeof *view);
    view->obj = LEFTOVER;
    int status = PyObject_GetBuffer(c->exporter, view, flags);
    if (status == 0 && !PyErr_Occurred())
        return true;
    if (status == 0) {                                   /* EXPORTER-002 */
        PyErr_Fetch(&type, &value, &tb);
        Py_XDECREF(type); Py_XDECREF(value); Py_XDECREF(tb);
        if (judged)
            judge(c, R_REFUSE, r->req, "return", false,
                  "returned 0 with an exception set");
        return true;
    }
    if (!PyErr_Occurred()) {
        if (judged)
            judge(c, R_REFUSE, r->req, "return", false,
                  "returned %d without setting an exception", status);
        PyOS_snprintf(r->refusal, sizeof r->refusal, "(no exception)");
    } else {
        PyErr_Fetch(&type, &value, &tb);
        PyErr_NormalizeException(&type, &value, &tb);
        bool buffer_error = PyErr_GivenExceptionMatches(type, PyExc_BufferError);
        PyObject *text = value ? PyObject_Str(value) : NULL;
        const char *said = text ? PyUnicode_AsUTF8(text) : NULL;
        PyErr_Clear();
        PyOS_snprintf(r->refusal, sizeof r->refusal, "%s: %s",
                      ((PyTypeObject *)type)->tp_name, said ? said : "?");
        if (judged) {
            judge(c, R_REFUSE, r->req, "exception", buffer_error,
                  "refused with %s, not BufferError", r->refusal);
            judge(c, R_REFUSE, r->req, "return", status == -1,
                  "returned %d, not -1", status);
        }
        Py_XDECREF(text); Py_XDECREF(type); Py_XDECREF(value); Py_XDECREF(tb);
    }
    if (judged)
        judge(c, R_REFUSE, r->req, "obj", view->obj == NULL,
              view->obj == LEFTOVER ? "left as the consumer had it (not set to NULL)"
                                    : "set to %p, not NULL", (void *)view->obj);
    return false;
}

/* ---- copying a buffer's fields ------------------------------------------------ */

static bool copy_array(checker *c, const Py_ssize_t *from, int ndim,
                       Py_ssize_t *to)
{
    if (!mvx_readable(&c->probe, from, (size_t)ndim * sizeof *from))
        return false;
    memcpy(to, from, (size_t)ndim * sizeof *from);
    return true;
}

/* The fields of view into s; with judged, each field's own rules are
   judged on the way (a second snapshot of the same buffer only compares). */
static void take_fields(checker *c, const record *r, const Py_buffer *view,
                        snapshot *s, bool judged)
{
    const request *q = judged ? r->req : NULL;
    mvx_layout *l = &s->l;
    bool sane = true;

    memset(s, 0, sizeof *s);
    s->obj = view->obj;
    s->readonly = view->readonly;
    l->buf = view->buf;
    l->len = view->len;
    l->itemsize = view->itemsize;
    l->ndim = view->ndim;
    l->has_shape = view->shape != NULL;
    l->has_strides = view->strides != NULL;
    l->has_suboffsets = view->suboffsets != NULL;
    s->format_at = view->format;

    if (q) {
        judge(c, R_INDEPENDENT, q, "itemsize", view->itemsize >= 1,
              "%zd, not a size", view->itemsize);
        judge(c, R_INDEPENDENT, q, "len", view->len >= 0, "%zd, negative", view->len);
    }
    sane = view->itemsize >= 1 && view->len >= 0;
    if (!(q ? judge(c, R_DIMS, q, "ndim", view->ndim >= 0 && view->ndim <= MVX_MAX_NDIM,
                    "%d, not in 0..%d", view->ndim, MVX_MAX_NDIM)
            : (view->ndim >= 0 && view->ndim <= MVX_MAX_NDIM))) {
        l->ndim = 0;
        l->has_shape = l->has_strides = l->has_suboffsets = false;
        s->walkable = false;
        return;
    }
    struct { const Py_ssize_t *from; Py_ssize_t *to; const char *name; } arrays[] = {
        { view->shape, l->shape, "shape" },
        { view->strides, l->strides, "strides" },
        { view->suboffsets, l->suboffsets, "suboffsets" },
    };
    for (size_t i = 0; i < sizeof arrays / sizeof arrays[0]; i++) {
        if (arrays[i].from == NULL || view->ndim == 0)
            continue;
        bool ok = copy_array(c, arrays[i].from, view->ndim, arrays[i].to);
        if (q)
            judge(c, R_BOUNDS, q, arrays[i].name, ok,
                  "points to unreadable memory (%p)", (const void *)arrays[i].from);
        sane = sane && ok;
    }
    if (l->has_shape && sane)
        for (int d = 0; d < view->ndim; d++) {
            bool ok = l->shape[d] >= 0;
            if (q)
                judge(c, R_DIMS, q, "shape", ok, "shape[%d] is %zd", d, l->shape[d]);
            sane = sane && ok;
        }
    if (view->format != NULL) {
        s->format_read = mvx_read_string(&c->probe, view->format, s->format,
                                         sizeof s->format);
        if (q && !s->format_read && !mvx_readable(&c->probe, view->format, 1))
            judge(c, R_BOUNDS, q, "format", false, "points to unreadable memory (%p)",
                  (const void *)view->format);
    }
    s->walkable = sane;
}

/* ---- reading a buffer's items -------------------------------------------------- */

/* The layout the consumer of this request walks: without PyBUF_ND, or
   without the shape it asked for, len unsigned bytes (ndim means nothing
   then: exporters give 0 or 1). */
static void consumer_layout(const snapshot *s, int flags, mvx_layout *walked)
{
    *walked = s->l;
    if ((flags & PyBUF_ND) != PyBUF_ND || (!s->l.has_shape && s->l.ndim > 0)) {
        walked->ndim = 1;
        walked->itemsize = 1;
        walked->shape[0] = s->l.len;
        walked->has_shape = true;
        walked->has_strides = walked->has_suboffsets = false;
    } else if (s->l.ndim == 0) {
        walked->has_shape = walked->has_strides = walked->has_suboffsets = false;
    }
}

static void take_items(checker *c, snapshot *s, int flags)
{
    mvx_layout walked;
    Py_ssize_t n, bytes;

    if (!s->walkable) {
        PyOS_snprintf(s->unread, sizeof s->unread, "its fields do not describe a layout");
        return;
    }
    consumer_layout(s, flags, &walked);
    n = mvx_nitems(&walked);
    if (n < 0 || __builtin_mul_overflow(n, walked.itemsize, &bytes)
        || bytes > MAX_ITEM_BYTES) {
        PyOS_snprintf(s->unread, sizeof s->unread, "too many items to read");
        return;
    }
    s->items = PyMem_Malloc(bytes > 0 ? (size_t)bytes : 1);
    if (s->items == NULL) {
        PyOS_snprintf(s->unread, sizeof s->unread, "no memory to read them into");
        return;
    }
    s->nbytes = bytes;
    const char *why = mvx_read_items(&c->probe, &walked, s->items, s->unread,
                                     sizeof s->unread);
    if (why != NULL) {
        PyMem_Free(s->items);
        s->items = NULL;
    }
}

static void free_snapshot(snapshot *s)
{
    PyMem_Free(s->items);
    s->items = NULL;
}

/* ---- the rules of one buffer ------------------------------------------------------ */

static bool flag(const record *r, int f)
{
    return (r->req->flags & f) == f;
}

static const char *given(bool has)
{
    return has ? "given" : "NULL";
}

/* EXPORTER-004 to 008, 010, 011 to 015: what one buffer must say. */
static void judge_buffer(checker *c, const record *r)
{
    const snapshot *s = &r->s;
    const mvx_layout *l = &s->l;
    const request *q = r->req;
    int structure = STRUCTURE(q->flags);
    bool arrays = l->ndim > 0;     /* a 0-d buffer has none to give */

    if (l->ndim == 0)                                                /* EXPORTER-005 */
        judge(c, R_SCALAR, q, "shape", !l->has_shape && !l->has_strides
              && !l->has_suboffsets, "ndim is 0, but shape is %s, strides %s, "
              "suboffsets %s", given(l->has_shape), given(l->has_strides),
              given(l->has_suboffsets));
    if (s->walkable && flag(r, PyBUF_ND) && (l->has_shape || l->ndim == 0)) { /* EXPORTER-006 */
        Py_ssize_t n = mvx_nitems(l), want;
        bool fits = n >= 0 && !__builtin_mul_overflow(n, l->itemsize, &want);
        judge(c, R_LEN, q, "len", fits && l->len == want,
              fits ? "%zd, but the shape holds %zd items of %zd bytes (%zd)"
                   : "%zd, and the shape's product overflows", l->len, n,
              l->itemsize, fits ? want : 0);
    }
    if (s->format_read && l->itemsize >= 1) {                        /* EXPORTER-007 */
        PyObject *size = PyObject_CallFunction(c->calcsize, "s", s->format);
        if (size == NULL) {
            PyErr_Clear();     /* a format struct does not know: not judged */
        } else {
            Py_ssize_t want = PyLong_AsSsize_t(size);
            Py_DECREF(size);
            judge(c, R_ITEMSIZE, q, "itemsize", want == l->itemsize,
                  "%zd, but format '%s' describes items of %zd bytes",
                  l->itemsize, s->format, want);
        }
    }
    if (flag(r, PyBUF_WRITABLE))                                     /* EXPORTER-008 */
        judge(c, R_WRITABLE, q, "readonly", s->readonly == 0,
              "%d, though the request asks for writable memory", s->readonly);
    if (flag(r, PyBUF_FORMAT))                                       /* EXPORTER-010 */
        judge(c, R_FORMAT, q, "format", s->format_at != NULL,
              "NULL, though the request asks for the format");
    else
        judge(c, R_FORMAT, q, "format", s->format_at == NULL,
              "'%s', though the request does not ask for a format "
              "(it must be NULL)", s->format_read ? s->format : "?");

    switch (structure) {
    case PyBUF_SIMPLE:                                               /* EXPORTER-011 */
        judge(c, R_SIMPLE, q, "shape", !l->has_shape && !l->has_strides
              && !l->has_suboffsets, "shape %s, strides %s, suboffsets %s: a "
              "simple request gets none", given(l->has_shape),
              given(l->has_strides), given(l->has_suboffsets));
        break;
    case PyBUF_ND:                                                   /* EXPORTER-012 */
        judge(c, R_ND, q, "shape", l->has_shape || !arrays,
              "NULL, though the request asks for the shape");
        judge(c, R_ND, q, "strides", !l->has_strides && !l->has_suboffsets,
              "strides %s, suboffsets %s: PyBUF_ND gets neither",
              given(l->has_strides), given(l->has_suboffsets));
        break;
    case PyBUF_STRIDES:                                              /* EXPORTER-013 */
        judge(c, R_STRIDES, q, "shape", (l->has_shape && l->has_strides) || !arrays,
              "shape %s, strides %s: the request asks for both",
              given(l->has_shape), given(l->has_strides));
        judge(c, R_STRIDES, q, "suboffsets", !l->has_suboffsets,
              "given, though the request cannot take them (it must be refused "
              "if the layout needs them)");
        break;
    case PyBUF_INDIRECT: {                                           /* EXPORTER-014 */
        judge(c, R_INDIRECT, q, "shape", (l->has_shape && l->has_strides) || !arrays,
              "shape %s, strides %s: the request asks for both",
              given(l->has_shape), given(l->has_strides));
        bool needed = !l->has_suboffsets;
        for (int d = 0; d < l->ndim && !needed; d++)
            needed = l->suboffsets[d] >= 0;
        judge(c, R_INDIRECT, q, "suboffsets", needed,
              "given with every entry negative (no indirection): it must be NULL");
        break;
    }
    default: {                                                       /* EXPORTER-015 */
        char order = structure == PyBUF_C_CONTIGUOUS ? 'C'
                   : structure == PyBUF_F_CONTIGUOUS ? 'F' : 'A';
        judge(c, R_CONTIGUITY, q, "strides", (l->has_shape && l->has_strides) || !arrays,
              "shape %s, strides %s: the request asks for both",
              given(l->has_shape), given(l->has_strides));
        judge(c, R_CONTIGUITY, q, "suboffsets", !l->has_suboffsets,
              "given, though the request asks for contiguous memory");
        if (s->walkable && !l->has_suboffsets)
            judge(c, R_CONTIGUITY, q, "strides", mvx_is_contiguous(l, order),
                  "not %s-contiguous (itemsize %zd, ndim %d, strides[0] %zd), "
                  "though the request asks for it", order == 'A' ? "C- or F"
                  : order == 'C' ? "C" : "F", l->itemsize, l->ndim,
                  l->ndim > 0 && l->has_strides ? l->strides[0] : 0);
    }
    }
    if (s->items == NULL)                                            /* EXPORTER-016 */
        judge(c, R_BOUNDS, q, "buf", !s->walkable || strcmp(s->unread,
              "too many items to read") == 0, "cannot read the items: %s", s->unread);
    else
        judge(c, R_BOUNDS, q, "buf", true, "");
}

/* ---- one round: two consumers of one request ---------------------------------------- */

static bool same_fields(const snapshot *a, const snapshot *b)
{
    const mvx_layout *x = &a->l, *y = &b->l;
    size_t n = (size_t)x->ndim * sizeof(Py_ssize_t);

    return x->ndim == y->ndim
        && (!x->has_shape || memcmp(x->shape, y->shape, n) == 0)
        && (!x->has_strides || memcmp(x->strides, y->strides, n) == 0)
        && (!x->has_suboffsets || memcmp(x->suboffsets, y->suboffsets, n) == 0)
        && a->format_read == b->format_read
        && (!a->format_read || strcmp(a->format, b->format) == 0);
}

static bool obj_is_set(const PyObject *obj)
{
    return obj != NULL && obj != LEFTOVER;
}

/* Release view, judging that the exporter gives back one reference to o
   (EXPORTER-018); o is held by the caller, so that it survives an
   exporter that gives back too many. */
static void release(checker *c, const request *q, Py_buffer *view, PyObject *o)
{
    bool counted = o != NULL && c->refcounts && view->obj == o;
    Py_ssize_t before = counted ? Py_REFCNT(o) : 0;

    if (!obj_is_set(view->obj))
        view->obj = NULL;     /* nothing to give back: a bug already judged */
    PyBuffer_Release(view);
    judge(c, R_RELEASE, q, "obj", view->obj == NULL,
          "still set after PyBuffer_Release");
    if (counted) {
        judge(c, R_RELEASE, q, "obj", Py_REFCNT(o) == before - 1,
              "releasing changed obj's reference count by %zd, not -1 "
              "(bf_releasebuffer must not release obj: PyBuffer_Release does)",
              Py_REFCNT(o) - before);
        repair(o, before - 1);
    }
}

static void round_of(checker *c, record *r)
{
    const request *q = r->req;
    PyObject *x = c->exporter, *o = NULL;
    Py_buffer a, b;
    snapshot again;
    Py_ssize_t x_before = Py_REFCNT(x), o_before = 0;

    r->granted = acquire(c, r, &a, true);
    if (!r->granted)
        return;
    judge(c, R_OBJ, q, "obj", obj_is_set(a.obj),                     /* EXPORTER-001 */
          a.obj == NULL ? "NULL after a granted request"
                        : "left as the consumer had it (not set by the exporter)");
    if (obj_is_set(a.obj)) {
        o = a.obj;
        Py_INCREF(o);          /* ours: o outlives whatever the exporter does */
        if (o == x && c->refcounts)
            judge(c, R_OBJ, q, "obj", Py_REFCNT(x) == x_before + 2,
                  "the request changed obj's reference count by %zd, not +1",
                  Py_REFCNT(x) - x_before - 1);
        o_before = Py_REFCNT(o);
    }
    take_fields(c, r, &a, &r->s, true);
    take_items(c, &r->s, q->flags);
    judge_buffer(c, r);

    /* A second consumer of the same request, while a is held. */
    record second = { .req = q };
    if (acquire(c, &second, &b, false)) {
        if (o != NULL && b.obj == o && c->refcounts)
            judge(c, R_OBJ, q, "obj", Py_REFCNT(o) == o_before + 1,
                  "a second request changed obj's reference count by %zd, not +1",
                  Py_REFCNT(o) - o_before);
        release(c, q, &b, o);
        if (o != NULL && c->refcounts)
            repair(o, o_before);
        take_fields(c, r, &a, &again, false);                         /* EXPORTER-019 */
        take_items(c, &again, q->flags);
        judge(c, R_VALID, q, "shape", same_fields(&r->s, &again),
              "the layout changed when another consumer released its buffer");
        if (r->s.items != NULL)
            judge(c, R_VALID, q, "buf", again.items != NULL
                  && again.nbytes == r->s.nbytes
                  && memcmp(again.items, r->s.items, (size_t)r->s.nbytes) == 0,
                  "the items changed when another consumer released its buffer");
        free_snapshot(&again);
    }
    release(c, q, &a, o);
    if (o != NULL) {
        if (o == x && c->refcounts)
            repair(x, x_before + 1);
        Py_DECREF(o);
    }
}

/* ---- comparing the rounds -------------------------------------------------------------- */

/* The first request of this structure granted (with its items read, if
   asked), one with PyBUF_FORMAT first: the fullest description of it. */
static record *first_granted(checker *c, int structure, bool with_items)
{
    for (int formatted = 1; formatted >= 0; formatted--)
        for (int i = 0; i < NREQUESTS; i++) {
            record *r = &c->rec[i];
            if (r->granted && STRUCTURE(r->req->flags) == structure
                && flag(r, PyBUF_FORMAT) == (bool)formatted
                && (!with_items || r->s.items != NULL))
                return r;
        }
    return NULL;
}

/* EXPORTER-003, 009, 010: what must not depend on the request, judged
   against the fullest description the exporter gave (ref). */
static void judge_independence(checker *c, const record *ref)
{
    const record *read_only = NULL, *formatted = NULL;

    for (int i = 0; i < NREQUESTS; i++) {
        const record *r = &c->rec[i];
        if (!r->granted)
            continue;
        if (r != ref) {
            const mvx_layout *x = &ref->s.l, *y = &r->s.l;
            judge(c, R_INDEPENDENT, r->req, "buf", x->buf == y->buf,
                  "%p, but %s gives %p", (void *)y->buf, name_of(ref), (void *)x->buf);
            judge(c, R_INDEPENDENT, r->req, "len", x->len == y->len,
                  "%zd, but %s gives %zd", y->len, name_of(ref), x->len);
            judge(c, R_INDEPENDENT, r->req, "itemsize", x->itemsize == y->itemsize,
                  "%zd, but %s gives %zd", y->itemsize, name_of(ref), x->itemsize);
        }
        if (!flag(r, PyBUF_WRITABLE) && r->s.readonly && read_only == NULL)
            read_only = r;
        if (r->s.format_read && flag(r, PyBUF_FORMAT)) {
            if (formatted == NULL)
                formatted = r;
            else
                judge(c, R_FORMAT, r->req, "format",
                      strcmp(formatted->s.format, r->s.format) == 0,
                      "'%s', but %s gives '%s'", r->s.format, name_of(formatted),
                      formatted->s.format);
        }
    }
    for (int i = 0; i < NREQUESTS; i++) {                          /* EXPORTER-009 */
        const record *r = &c->rec[i];
        if (!r->granted)
            continue;
        if (flag(r, PyBUF_WRITABLE))
            judge(c, R_READONLY, r->req, "readonly", read_only == NULL,
                  "granted, though %s says the memory is read-only",
                  read_only ? name_of(read_only) : "");
        else
            judge(c, R_READONLY, r->req, "readonly",
                  read_only == NULL || r->s.readonly,
                  "0, though %s says the memory is read-only",
                  read_only ? name_of(read_only) : "");
    }
}

/* EXPORTER-011, 012, 017: every layout shows the items the richest shows. */
static void judge_items(checker *c, const record *ref)
{
    for (int i = 0; i < NREQUESTS; i++) {
        const record *r = &c->rec[i];
        int structure = STRUCTURE(r->req->flags);
        enum rule rule = structure == PyBUF_SIMPLE ? R_SIMPLE
                       : structure == PyBUF_ND ? R_ND : R_SAME;
        if (r == ref || !r->granted)
            continue;
        if (r->s.l.has_shape && ref->s.l.has_shape && r->s.walkable)
            judge(c, R_SAME, r->req, "shape", r->s.l.ndim == ref->s.l.ndim
                  && memcmp(r->s.l.shape, ref->s.l.shape,
                            (size_t)r->s.l.ndim * sizeof(Py_ssize_t)) == 0,
                  "differs from the shape %s gives", name_of(ref));
        if (r->s.items == NULL)
            continue;
        Py_ssize_t k = 0, n = r->s.nbytes < ref->s.nbytes ? r->s.nbytes : ref->s.nbytes;
        while (k < n && r->s.items[k] == ref->s.items[k])
            k++;
        judge(c, rule, r->req, "buf", r->s.nbytes == ref->s.nbytes && k == n,
              "the items read through this layout differ from those %s shows "
              "(%zd and %zd bytes, first difference at byte %zd)%s",
              name_of(ref), r->s.nbytes, ref->s.nbytes, k,
              rule == R_SAME ? "" : ": the memory is not C-contiguous, and the "
              "request should have been refused");
    }
}

/* EXPORTER-016: the memory the exporter owns, as the plainest request that
   shows the same items as the richest one gives it; every layout without
   indirection must stay within it. */
static void judge_bounds(checker *c, const record *ref)
{
    const record *owner = NULL;
    mvx_range mine, r;

    for (size_t k = 0; k < sizeof PLAINEST_FIRST / sizeof PLAINEST_FIRST[0] && !owner; k++)
        for (int i = 0; i < NREQUESTS && !owner; i++) {
            const record *x = &c->rec[i];
            mvx_layout walked;
            if (!x->granted || STRUCTURE(x->req->flags) != PLAINEST_FIRST[k]
                || x->s.items == NULL || x->s.nbytes != ref->s.nbytes
                || memcmp(x->s.items, ref->s.items, (size_t)ref->s.nbytes) != 0
                || x->s.l.has_suboffsets || !mvx_is_contiguous(&x->s.l, 'A'))
                continue;
            consumer_layout(&x->s, x->req->flags, &walked);
            if (mvx_range_of(&walked, &mine))
                owner = x;
        }
    for (int i = 0; i < NREQUESTS; i++) {
        const record *x = &c->rec[i];
        if (!x->granted || !x->s.walkable || x->s.l.has_suboffsets || !x->s.l.has_strides)
            continue;
        if (!mvx_range_of(&x->s.l, &r)) {
            judge(c, R_BOUNDS, x->req, "strides", false,
                  "shape and strides address items beyond every address");
            continue;
        }
        if (owner == NULL || r.lo == r.hi)
            continue;
        judge(c, R_BOUNDS, x->req, "strides", mine.lo <= r.lo && r.hi <= mine.hi,
              "the items span [%p, %p), outside the memory [%p, %p) that %s shows",
              (void *)r.lo, (void *)r.hi, (void *)mine.lo, (void *)mine.hi,
              name_of(owner));
    }
}

static void judge_rounds(checker *c)
{
    const record *ref = NULL, *read = NULL;

    for (size_t k = 0; k < sizeof RICHEST_FIRST / sizeof RICHEST_FIRST[0]; k++) {
        if (ref == NULL)
            ref = first_granted(c, RICHEST_FIRST[k], false);
        if (read == NULL)
            read = first_granted(c, RICHEST_FIRST[k], true);
    }
    if (ref != NULL)
        judge_independence(c, ref);
    if (read != NULL) {
        judge_items(c, read);
        judge_bounds(c, read);
    }
}

/* ---- the report ----------------------------------------------------------------------- */

static PyObject *violation_dict(const violation *v)
{
    if (v->req == NULL)
        return Py_BuildValue("{s:s,s:s,s:s,s:O,s:s,s:s}", "rule", RULES[v->rule].id,
                             "title", RULES[v->rule].title, "request", "",
                             "flags", Py_None, "field", v->field, "message", v->message);
    return Py_BuildValue("{s:s,s:s,s:s,s:i,s:s,s:s}", "rule", RULES[v->rule].id,
                         "title", RULES[v->rule].title, "request", v->req->name,
                         "flags", v->req->flags, "field", v->field, "message", v->message);
}

/* Append what make() builds to list; -1 (an exception set) when it fails. */
static int append(PyObject *list, PyObject *item)
{
    int status = item == NULL ? -1 : PyList_Append(list, item);
    Py_XDECREF(item);
    return status;
}

static PyObject *report(const checker *c)
{
    PyObject *rules = PyDict_New(), *violations = PyList_New(0),
             *requests = PyList_New(0), *out = NULL;

    if (!rules || !violations || !requests)
        goto done;
    for (int k = 0; k < NRULES; k++) {
        PyObject *d = Py_BuildValue("{s:s,s:n,s:n}", "title", RULES[k].title,
                                    "checks", c->checks[k], "violations", c->failed[k]);
        int status = d == NULL ? -1 : PyDict_SetItemString(rules, RULES[k].id, d);
        Py_XDECREF(d);
        if (status < 0)
            goto done;
    }
    for (int i = 0; i < c->nv; i++)
        if (append(violations, violation_dict(&c->v[i])) < 0)
            goto done;
    for (int i = 0; i < NREQUESTS; i++) {
        const record *r = &c->rec[i];
        if (append(requests, Py_BuildValue("{s:s,s:i,s:O,s:s}", "request", r->req->name,
                                           "flags", r->req->flags,
                                           "granted", r->granted ? Py_True : Py_False,
                                           "refusal", r->granted ? "" : r->refusal)) < 0)
            goto done;
    }
    out = Py_BuildValue("{s:O,s:O,s:O,s:n,s:O}", "rules", rules, "violations", violations,
                        "requests", requests, "dropped", (Py_ssize_t)c->dropped,
                        "refcounts", c->refcounts ? Py_True : Py_False);
done:
    Py_XDECREF(rules);
    Py_XDECREF(violations);
    Py_XDECREF(requests);
    return out;
}

/* The violations as lines a failing test shows well:
   "EXPORTER-012 PyBUF_ND (0x8) shape: NULL, though the request asks for the shape" */
static PyObject *lines(const checker *c)
{
    PyObject *out = PyList_New(0);

    for (int i = 0; out && i < c->nv; i++) {
        const violation *v = &c->v[i];
        if (append(out, PyUnicode_FromFormat("%s %s (0x%x) %s: %s", RULES[v->rule].id,
                                             v->req ? v->req->name : "-",
                                             v->req ? v->req->flags : 0,
                                             v->field, v->message)) < 0)
            Py_CLEAR(out);
    }
    if (out && c->dropped
        && append(out, PyUnicode_FromFormat("... and %d more violations", c->dropped)) < 0)
        Py_CLEAR(out);
    return out;
}

/* ---- the module's functions ----------------------------------------------------------- */

static void free_checker(checker *c)
{
    for (int i = 0; i < NREQUESTS; i++)
        free_snapshot(&c->rec[i].s);
    mvx_probe_close(&c->probe);
    Py_DECREF(c->calcsize);
    Py_DECREF(c->exporter);
    PyMem_Free(c);
}

/* Every round and every comparison of obj; NULL with an exception when
   obj is no exporter or the checker cannot start. */
static checker *run(PyObject *obj)
{
    checker *c;
    PyObject *structmod;

    if (!PyObject_CheckBuffer(obj)) {
        PyErr_Format(PyExc_TypeError, "a '%.100s' object is not an exporter "
                     "(it has no buffer protocol)", Py_TYPE(obj)->tp_name);
        return NULL;
    }
    c = PyMem_Calloc(1, sizeof *c);
    if (c == NULL) {
        PyErr_NoMemory();
        return NULL;
    }
    structmod = PyImport_ImportModule("struct");
    c->calcsize = structmod ? PyObject_GetAttrString(structmod, "calcsize") : NULL;
    Py_XDECREF(structmod);
    if (c->calcsize == NULL || mvx_probe_open(&c->probe) < 0) {
        Py_XDECREF(c->calcsize);
        PyMem_Free(c);
        return NULL;
    }
    Py_INCREF(obj);
    c->exporter = obj;
    c->refcounts = counts_observable(obj);
    for (int i = 0; i < NREQUESTS; i++) {
        c->rec[i].req = &REQUESTS[i];
        round_of(c, &c->rec[i]);
    }
    judge_rounds(c);
    return c;
}

/* The rounds run on obj, told by tell (report() or lines()). */
static PyObject *checked(PyObject *obj, PyObject *(*tell)(const checker *))
{
    checker *c = run(obj);
    PyObject *out;

    if (c == NULL)
        return NULL;
    out = tell(c);
    free_checker(c);
    return out;
}

PyObject *mvx_examine(PyObject *module, PyObject *obj)
{
    (void)module;
    return checked(obj, report);
}

PyObject *mvx_check(PyObject *module, PyObject *obj)
{
    (void)module;
    return checked(obj, lines);
}

PyObject *mvx_rules(void)
{
    PyObject *t = PyTuple_New(NRULES);

    for (int k = 0; t && k < NRULES; k++) {
        PyObject *pair = Py_BuildValue("(ss)", RULES[k].id, RULES[k].title);
        if (pair == NULL)
            Py_CLEAR(t);
        else
            PyTuple_SET_ITEM(t, k, pair);
    }
    return t;
}

PyObject *mvx_requests(void)
{
    PyObject *t = PyTuple_New(NREQUESTS);

    for (int i = 0; t && i < NREQUESTS; i++) {
        PyObject *one = Py_BuildValue("(siz)", REQUESTS[i].name, REQUESTS[i].flags,
                                      REQUESTS[i].alias);
        if (one == NULL)
            Py_CLEAR(t);
        else
            PyTuple_SET_ITEM(t, i, one);
    }
    return t;
}
