/*
 * object.c -- the Python-level operations of mvref.h: obj[key], obj.name,
 * obj.method(...), len(obj), list(obj), ... for any value, dispatched by
 * type to the chapter that defines them.
 *
 * This is the only file that knows every type.  It also holds what belongs
 * to all objects: reference counting, and the method table of memoryview,
 * which binds each method's arguments (args.c) before calling the chapter
 * that implements it.
 */
#include <stdio.h>

#include "mvint.h"

/* ---- objects --------------------------------------------------------------- */

mv_type mv_object_type(const mv_object *obj)
{
    return obj->type;
}

void mv_object_incref(mv_object *obj)
{
    assert(obj->refcount > 0);
    obj->refcount++;
}

void mv_object_decref(mv_object *obj)
{
    assert(obj->refcount > 0);
    if (--obj->refcount > 0)
        return;
    if (obj->type == MV_TYPE_MEMORYVIEW)
        mv_view_dealloc((mv_view *)obj);
    else
        mv_exporter_dealloc((mv_exporter *)obj);
}

/* ---- memoryview's methods ---------------------------------------------------- */

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

/* RELEASE-001, EXPORT-005 */
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

/* RELEASE-?: `with m as x:` binds the view itself, if not released. */
static int m_enter(mv_view *v, const mv_value *b[], mv_value *r, mv_error *e)
{
    (void)b;
    if (mv_view_check_released(v, e) < 0)
        return -1;
    *r = mv_object_value(&v->base);
    return 0;
}

/* RELEASE-?: leaving the block releases the view, whatever the arguments. */
static int m_exit(mv_view *v, const mv_value *b[], mv_value *r, mv_error *e)
{
    (void)b;
    *r = mv_none();
    return mv_view_release(v, e);
}

/* The slot wrappers of 3.12+: one positional argument, no keywords. */
static int one_argument(const char *name, const mv_args *a, mv_error *err)
{
    if (a->nkwargs > 0)
        return mv_raise(err, "TypeError", "wrapper %s() takes no keyword "
                        "arguments", name);
    if (a->nargs != 1)   /* the wrapper's own name is empty: hence the space */
        return mv_raise(err, "TypeError", " expected 1 argument, got %zu",
                        a->nargs);
    return 0;
}

/* EXPORT-?: m.__buffer__(flags) */
static int m_buffer(mv_view *v, const mv_args *a, mv_value *r, mv_error *e)
{
    mv_ssize flags;

    if (one_argument("__buffer__", a, e) < 0
        || mv_as_ssize(v->base.cfg, &a->args[0], "OverflowError", &flags, e) < 0)
        return -1;
    if (flags > INT32_MAX)
        return mv_raise(e, "OverflowError", "buffer flags too large");
    /* the flags become a C int: negative ones keep their bits */
    return mv_view_dunder_buffer(v, (int)flags, r, e);
}

/* EXPORT-?: m.__release_buffer__(view) */
static int m_release_buffer(mv_view *v, const mv_args *a, mv_value *r,
                            mv_error *e)
{
    *r = mv_none();
    if (one_argument("__release_buffer__", a, e) < 0)
        return -1;
    return mv_view_dunder_release_buffer(v, &a->args[0], e);
}

typedef struct method {
    mv_signature sig;
    method_fn fn;
    bool legacy_variant;   /* replaced by the 3.9 signature below it */
} method;

static const method methods[] = {
    { { "tolist", "memoryview.tolist", MV_SIG_NOARGS, 0, 0, { 0 } }, m_tolist, false },
    { { "tobytes", "memoryview.tobytes", MV_SIG_CLINIC, 0, 1, { "order" } }, m_tobytes, true },
    { { NULL, "memoryview.tobytes", MV_SIG_CLINIC, 0, 1, { "order" } }, m_tobytes, false },
    { { "hex", "memoryview.hex", MV_SIG_CLINIC, 0, 2, { "sep", "bytes_per_sep" } }, m_hex, false },
    { { "cast", "memoryview.cast", MV_SIG_CLINIC, 1, 2, { "format", "shape" } }, m_cast, true },
    { { NULL, "memoryview.cast", MV_SIG_CLINIC, 1, 2, { "format", "shape" } }, m_cast, false },
    { { "release", "memoryview.release", MV_SIG_NOARGS, 0, 0, { 0 } }, m_release, false },
    { { "toreadonly", "memoryview.toreadonly", MV_SIG_NOARGS, 0, 0, { 0 } }, m_toreadonly, false },
    { { "__enter__", "memoryview.__enter__", MV_SIG_NOARGS, 0, 0, { 0 } }, m_enter, false },
    { { "__exit__", "memoryview.__exit__", MV_SIG_VARARGS, 0, 0, { 0 } }, m_exit, false },
};

static const method *find_method(const mv_config *cfg, const char *name)
{
    size_t n = sizeof methods / sizeof methods[0];

    for (size_t i = 0; i < n; i++) {
        const char *qual = strchr(methods[i].sig.qualname, '.') + 1;
        if (strcmp(qual, name) != 0)
            continue;
        /* 3.9 parsed tobytes() and cast() the old way: the entry after */
        if (methods[i].legacy_variant && cfg->behaviour.legacy_parse)
            return &methods[i + 1];
        return &methods[i];
    }
    return NULL;
}

static int view_call(mv_view *v, const char *name, const mv_args *a,
                     mv_value *result, mv_error *err)
{
    const mv_config *cfg = v->base.cfg;
    const mv_value *bound[4] = { NULL, NULL, NULL, NULL };
    const method *m = find_method(cfg, name);

    if (m == NULL) {
        if ((strcmp(name, "count") == 0 || strcmp(name, "index") == 0)
            && !cfg->behaviour.has_count_index)
            return mv_raise(err, "AttributeError", "'memoryview' object has "
                            "no attribute '%s'", name);
        if (strcmp(name, "__buffer__") == 0
            || strcmp(name, "__release_buffer__") == 0) {
            if (!cfg->behaviour.has_buffer_methods)
                return mv_raise(err, "AttributeError", "'memoryview' object "
                                "has no attribute '%s'", name);
            return name[2] == 'b' ? m_buffer(v, a, result, err)
                                  : m_release_buffer(v, a, result, err);
        }
        return mv_unsupported(err, "memoryview.%s", name);
    }
    /* 3.9's tobytes() and cast() check the view before their arguments */
    if (m->sig.name == NULL && mv_view_check_released(v, err) < 0)
        return -1;
    if (mv_parse_args(cfg, &m->sig, a, bound, err) < 0)
        return -1;
    return m->fn(v, bound, result, err);
}

/* ---- the operations ---------------------------------------------------------- */

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
    return mv_view_from_object(cfg, bound[0], result, err);
}

/* The plain values that have __getitem__. */
static bool subscriptable(const mv_value *v)
{
    return v->kind == MV_STR || v->kind == MV_BYTES || v->kind == MV_LIST
           || v->kind == MV_TUPLE;
}

int mv_getitem(const mv_value *obj, const mv_value *key, mv_value *result,
               mv_error *err)
{
    mv_view *v = mv_as_view(obj);
    mv_exporter *e = mv_as_exporter(obj);

    if (v != NULL)
        return mv_view_getitem(v, key, result, err);
    if (e != NULL)
        return mv_exporter_getitem(e, key, result, err);
    if (!subscriptable(obj))
        return mv_raise(err, "TypeError", "'%.200s' object is not "
                        "subscriptable", mv_type_qualname(obj));
    return mv_unsupported(err, "%s[...]", mv_type_name(obj));
}

int mv_setitem(const mv_value *obj, const mv_value *key,
               const mv_value *value, mv_error *err)
{
    mv_view *v = mv_as_view(obj);
    mv_exporter *e = mv_as_exporter(obj);

    if (v != NULL)
        return mv_view_setitem(v, key, value, err);
    if (e != NULL)
        return mv_exporter_setitem(e, key, value, err);
    if (obj->kind != MV_LIST)
        /* sequences word the refusal to delete differently */
        return mv_raise(err, "TypeError", value
                        ? "'%.200s' object does not support item assignment"
                        : subscriptable(obj) && mv_is_index(key)
                        ? "'%.200s' object doesn't support item deletion"
                        : "'%.200s' object does not support item deletion",
                        mv_type_qualname(obj));
    return mv_unsupported(err, "%s[...] = ...", mv_type_name(obj));
}

int mv_delitem(const mv_value *obj, const mv_value *key, mv_error *err)
{
    return mv_setitem(obj, key, NULL, err);
}

int mv_getattr(const mv_value *obj, const char *name, mv_value *result,
               mv_error *err)
{
    mv_view *v = mv_as_view(obj);
    mv_exporter *e = mv_as_exporter(obj);

    if (v != NULL)
        return mv_view_getattr(v, name, result, err);
    if (e != NULL && e->base.type >= MV_TYPE_NDARRAY)
        return mv_unsupported(err, "%s.%s", mv_type_name(obj), name);
    if (e != NULL && e->base.type == MV_TYPE_ARRAY
        && strcmp(name, "itemsize") == 0) {
        *result = mv_int_from_i64(e->itemsize);
        return 0;
    }
    /* the other objects here have none of memoryview's attributes */
    return mv_raise(err, "AttributeError", "'%.50s' object has no attribute "
                    "'%.400s'", mv_type_qualname(obj), name);
}

int mv_call(const mv_value *obj, const char *method, const mv_args *a,
            mv_value *result, mv_error *err)
{
    mv_view *v = mv_as_view(obj);
    mv_exporter *e = mv_as_exporter(obj);

    if (v != NULL)
        return view_call(v, method, a, result, err);
    if (e != NULL)
        return mv_exporter_call(e, method, a, result, err);
    return mv_unsupported(err, "%s.%s()", mv_type_name(obj), method);
}

static int sized(const mv_value *obj, mv_ssize *n, mv_error *err)
{
    mv_exporter *e = mv_as_exporter(obj);

    switch (obj->kind) {
    case MV_STR:
        *n = 0;
        for (size_t i = 0; i < obj->as.str.len; i++)
            *n += ((unsigned char)obj->as.str.data[i] & 0xC0) != 0x80;
        return 0;
    case MV_BYTES: *n = (mv_ssize)obj->as.bytes.len; return 0;
    case MV_LIST: case MV_TUPLE: *n = (mv_ssize)obj->as.seq.len; return 0;
    case MV_OBJECT: return mv_exporter_len(e, n, err);
    default:
        return mv_raise(err, "TypeError", "object of type '%.200s' has no "
                        "len()", mv_type_qualname(obj));
    }
}

int mv_len(const mv_value *obj, mv_value *result, mv_error *err)
{
    mv_view *v = mv_as_view(obj);
    mv_ssize n;

    if (v != NULL)
        return mv_view_len(v, result, err);
    if (sized(obj, &n, err) < 0)
        return -1;
    *result = mv_int_from_i64(n);
    return 0;
}

/* bool(obj): a view is true when its length is not zero (ATTR-?). */
int mv_truth(const mv_value *obj, mv_value *result, mv_error *err)
{
    mv_value n;
    bool b;

    if (obj->kind == MV_OBJECT) {
        if (mv_len(obj, &n, err) < 0)
            return -1;
        *result = mv_bool(n.as.integer.magnitude != 0);
        return 0;
    }
    if (mv_truthy(obj, &b, err) < 0)
        return -1;
    *result = mv_bool(b);
    return 0;
}

int mv_list(const mv_value *obj, mv_value *result, mv_error *err)
{
    mv_view *v = mv_as_view(obj);
    mv_exporter *e = mv_as_exporter(obj);
    mv_value bytes;

    if (v != NULL)
        return mv_view_iterate(v, result, err);
    if (e != NULL && e->base.type == MV_TYPE_ARRAY)
        return mv_exporter_contents(e, result, err);
    if (obj->kind == MV_LIST || obj->kind == MV_TUPLE) {
        if (mv_value_copy(result, obj, err) < 0)
            return -1;
        result->kind = MV_LIST;
        return 0;
    }
    if (obj->kind == MV_BYTES || (e != NULL && e->base.type <= MV_TYPE_BYTEARRAY)) {
        if (mv_bytes(obj, &bytes, err) < 0)
            return -1;
        if (mv_seq_new(result, MV_LIST, bytes.as.bytes.len, err) < 0) {
            mv_value_clear(&bytes);
            return -1;
        }
        for (size_t i = 0; i < bytes.as.bytes.len; i++)
            result->as.seq.items[i] = mv_int_from_i64(bytes.as.bytes.data[i]);
        mv_value_clear(&bytes);
        return 0;
    }
    if (obj->kind != MV_STR && obj->kind != MV_OBJECT)
        return mv_raise(err, "TypeError", "'%.200s' object is not iterable",
                        mv_type_qualname(obj));
    return mv_unsupported(err, "list(%s)", mv_type_name(obj));
}

/* bytes(obj): a copy of any buffer, in C order (TOBYTES-001). */
int mv_bytes(const mv_value *obj, mv_value *result, mv_error *err)
{
    mv_buffer b;
    int status;
    int64_t n;

    if (obj->kind == MV_BYTES)
        return mv_value_copy(result, obj, err);
    if (obj->kind == MV_OBJECT) {
        if (mv_getbuffer(obj->as.object->cfg, obj, &b, MV_BUF_FULL_RO,
                         err) < 0)
            return -1;
        status = mv_buffer_tobytes(&b, result, err);
        mv_releasebuffer(&b);
        return status;
    }
    if (obj->kind == MV_STR)
        return mv_raise(err, "TypeError", "string argument without an encoding");
    if (mv_is_index(obj)) {
        if (!mv_int_to_i64(obj, &n) || n > (1 << 24))
            return mv_unsupported(err, "bytes() of a large int");
        if (n < 0)
            return mv_raise(err, "ValueError", "negative count");
        if (mv_bytes_new(result, NULL, 0, err) < 0)
            return -1;
        mv_free(result->as.bytes.data);
        result->as.bytes.data = mv_alloc_zeroed((size_t)n, 1);
        if (result->as.bytes.data == NULL) {
            *result = mv_none();
            return mv_no_memory(err);
        }
        result->as.bytes.len = (size_t)n;
        return 0;
    }
    if (obj->kind == MV_NONE || obj->kind == MV_FLOAT)
        return mv_raise(err, "TypeError", "cannot convert '%s' object to "
                        "bytes", mv_type_qualname(obj));
    return mv_unsupported(err, "bytes(%s)", mv_type_name(obj));
}

int mv_eq(const mv_value *a, const mv_value *b, mv_value *result,
          mv_error *err)
{
    bool eq;

    if (mv_values_equal(a, b, &eq, err) < 0)
        return -1;
    *result = mv_bool(eq);
    return 0;
}

/* COMPARE-?: != is the negation of == for every type here. */
int mv_ne(const mv_value *a, const mv_value *b, mv_value *result,
          mv_error *err)
{
    bool eq;

    if (mv_values_equal(a, b, &eq, err) < 0)
        return -1;
    *result = mv_bool(!eq);
    return 0;
}

int mv_is(const mv_value *a, const mv_value *b, mv_value *result,
          mv_error *err)
{
    bool singleton = a->kind == MV_NONE || a->kind == MV_BOOL
                     || a->kind == MV_ELLIPSIS;

    if (a->kind != MV_OBJECT && !singleton)
        return mv_unsupported(err, "identity of %s values", mv_type_name(a));
    *result = mv_bool(mv_same_object(a, b));
    return 0;
}

int mv_contents(const mv_value *obj, mv_value *result, mv_error *err)
{
    mv_exporter *e = mv_as_exporter(obj);
    mv_view *v = mv_as_view(obj);

    if (e != NULL)
        return mv_exporter_contents(e, result, err);
    if (v != NULL)
        return mv_view_tolist(v, result, err);
    if (obj->kind == MV_BYTES)
        return mv_value_copy(result, obj, err);
    return mv_raise(err, "AttributeError", "'%.50s' object has no attribute "
                    "'tolist'", mv_type_qualname(obj));
}

/* pickle.dumps(obj): views refuse; the exporters here, except
   _testbuffer.ndarray, pickle. */
int mv_pickle(const mv_value *obj, mv_value *result, mv_error *err)
{
    mv_view *v = mv_as_view(obj);
    mv_exporter *e = mv_as_exporter(obj);

    if (v != NULL)
        return mv_raise(err, "TypeError", v->base.cfg->behaviour.own_reduce
                        ? "cannot pickle memoryview objects"
                        : "cannot pickle 'memoryview' object");
    if (e != NULL && e->base.type == MV_TYPE_NDARRAY)
        return mv_raise(err, "TypeError", "cannot pickle 'ndarray' object");
    if (obj->kind == MV_SLICE || obj->kind == MV_LIST || obj->kind == MV_TUPLE)
        return mv_unsupported(err, "pickling %s", mv_type_name(obj));
    *result = mv_bool(true);
    return 0;
}
