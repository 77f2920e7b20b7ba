/*
 * run.c -- one case: build its setup, run its steps, collect one outcome per
 * step (spec/protocol.md §4-§7).
 *
 * A step's outcome is the value it returned, the exception it raised, or
 * "unbound" when it names something not bound (a name whose binding step
 * raised, or one dropped).  When the library answers MV_UNSUPPORTED, or the
 * case asks for something the driver does not know, the whole case is
 * answered "unsupported": a partial answer could pass for a wrong one.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "driver.h"

typedef struct step_result {
    mv_value value;
    mv_error err;
    bool raised;
} step_result;

static int fail(problem *p, step_status status, const char *fmt,
                const char *arg)
{
    p->status = status;
    snprintf(p->text, sizeof p->text, fmt, arg);
    return -1;
}

/* Library errors: raised ones are outcomes, unsupported ones end the case. */
static int library(int status, step_result *r, problem *p)
{
    if (status == 0)
        return 0;
    if (r->err.failure == MV_UNSUPPORTED)
        return fail(p, STEP_UNSUPPORTED, "%s", r->err.message);
    r->raised = true;
    return 0;
}

static const char *string_field(const json_t *o, const char *key)
{
    const json_t *j = json_object_get(o, key);
    return json_is_string(j) ? json_string_value(j) : NULL;
}

/* The object a step names in `key`; unbound if it is not bound. */
static int named(const json_t *step, const char *key, const env *e,
                 const mv_value **out, problem *p)
{
    const char *name = string_field(step, key);

    if (name == NULL)
        return fail(p, STEP_MALFORMED, "step without a name in '%s'", key);
    *out = env_lookup(e, name);
    if (*out == NULL)
        return fail(p, STEP_UNBOUND, "%s", name);
    if ((*out)->kind == MV_OPAQUE)   /* known by name only: unusable */
        return fail(p, STEP_UNSUPPORTED, "a %s as an operand",
                    (*out)->as.str.data);
    return 0;
}

static int operand(const json_t *step, const char *key, const env *e,
                   mv_value *out, problem *p)
{
    const json_t *j = json_object_get(step, key);

    if (j == NULL)
        return fail(p, STEP_MALFORMED, "step without '%s'", key);
    return decode_value(j, e, out, p);
}

/* ---- arguments ------------------------------------------------------------ */

typedef struct call_args {
    mv_value *args;
    size_t nargs;
    mv_kwarg *kwargs;
    size_t nkwargs;
} call_args;

static void args_clear(call_args *c)
{
    for (size_t i = 0; i < c->nargs; i++)
        mv_value_clear(&c->args[i]);
    for (size_t i = 0; i < c->nkwargs; i++)
        mv_value_clear(&c->kwargs[i].value);
    free(c->args);
    free(c->kwargs);
    memset(c, 0, sizeof *c);
}

static int decode_args(const json_t *step, const env *e, call_args *c,
                       problem *p)
{
    const json_t *args = json_object_get(step, "args");
    const json_t *kwargs = json_object_get(step, "kwargs");
    const char *key;
    json_t *value;

    memset(c, 0, sizeof *c);
    if ((args && !json_is_array(args)) || (kwargs && !json_is_object(kwargs)))
        return fail(p, STEP_MALFORMED, "%s", "args or kwargs of a wrong type");
    c->args = calloc(json_array_size(args) + 1, sizeof *c->args);
    c->kwargs = calloc(json_object_size(kwargs) + 1, sizeof *c->kwargs);
    if (c->args == NULL || c->kwargs == NULL) {
        args_clear(c);
        return fail(p, STEP_UNSUPPORTED, "%s", "driver out of memory");
    }
    for (size_t i = 0; i < json_array_size(args); i++, c->nargs++)
        if (decode_value(json_array_get(args, i), e, &c->args[i], p) < 0)
            goto error;
    json_object_foreach((json_t *)kwargs, key, value) {
        c->kwargs[c->nkwargs].name = key;   /* lives as long as the case */
        if (decode_value(value, e, &c->kwargs[c->nkwargs].value, p) < 0)
            goto error;
        c->nkwargs++;
    }
    return 0;
error:
    args_clear(c);
    return -1;
}

static mv_args as_args(const call_args *c)
{
    mv_args a = { c->args, c->nargs, c->kwargs, c->nkwargs };
    return a;
}

/* ---- the ops ----------------------------------------------------------------- */

/* The operator of an ordering op, or NULL. */
static const char *order_of(const char *op)
{
    static const char *const ops[][2] = {
        { "lt", "<" }, { "le", "<=" }, { "gt", ">" }, { "ge", ">=" }
    };
    for (size_t i = 0; i < 4; i++)
        if (strcmp(op, ops[i][0]) == 0)
            return ops[i][1];
    return NULL;
}

/* The type of the object a value holds; -1 for a plain value. */
static int object_type(const mv_value *v)
{
    return v->kind == MV_OBJECT ? (int)mv_object_type(v->as.object) : -1;
}

/* The ops of two values, a and b: ==, !=, the orderings, `is`. */
static int binary_op(const char *op, const json_t *step, env *e,
                     step_result *r, problem *p)
{
    mv_value a = mv_none(), b = mv_none();
    int status = -1;

    if (operand(step, "a", e, &a, p) == 0 && operand(step, "b", e, &b, p) == 0)
        status = library(order_of(op) != NULL
                         ? mv_order(&a, order_of(op), &b, &r->value, &r->err)
                         : op[0] == 'i' ? mv_is(&a, &b, &r->value, &r->err)
                         : op[0] == 'e' ? mv_eq(&a, &b, &r->value, &r->err)
                         : mv_ne(&a, &b, &r->value, &r->err), r, p);
    mv_value_clear(&a);
    mv_value_clear(&b);
    return status;
}

/* obj[key], obj[key] = value, del obj[key]: the library's for a view, the
   exporter's own otherwise (exporters.c). */
static int item_op(const char *op, const json_t *step, const mv_value *obj,
                   env *e, step_result *r, problem *p)
{
    bool view = object_type(obj) == MV_TYPE_MEMORYVIEW;
    mv_value key = mv_none(), value = mv_none();
    int status = -1;

    /* a setitem's value is evaluated before its key, as in Python */
    if (op[0] == 's' && operand(step, "value", e, &value, p) < 0)
        return -1;
    if (operand(step, "key", e, &key, p) == 0) {
        if (op[0] == 'g')
            status = library(view ? mv_getitem(obj, &key, &r->value, &r->err)
                             : exporter_getitem(obj, &key, &r->value, &r->err),
                             r, p);
        else if (op[0] == 's')
            status = library(view ? mv_setitem(obj, &key, &value, &r->err)
                             : exporter_setitem(obj, &key, &value, &r->err),
                             r, p);
        else
            status = library(view ? mv_delitem(obj, &key, &r->err)
                             : exporter_setitem(obj, &key, NULL, &r->err),
                             r, p);
    }
    mv_value_clear(&key);
    mv_value_clear(&value);
    return status;
}

static int call_op(const json_t *step, const mv_value *obj, env *e,
                   step_result *r, problem *p)
{
    const char *method = string_field(step, "method");
    call_args c;
    mv_args args;
    int status;

    if (method == NULL)
        return fail(p, STEP_MALFORMED, "%s", "call without a method");
    if (decode_args(step, e, &c, p) < 0)
        return -1;
    args = as_args(&c);
    status = library(object_type(obj) == MV_TYPE_MEMORYVIEW
                     ? mv_call(obj, method, &args, &r->value, &r->err)
                     : exporter_call(obj, method, &args, &r->value, &r->err),
                     r, p);
    args_clear(&c);
    return status;
}

/* hash(obj) == hash(like): hash(obj) is computed before `like` is looked
   at, so hashing obj with itself raises what hash(obj) raises. */
static int hash_op(const json_t *step, const mv_value *obj, env *e,
                   step_result *r, problem *p)
{
    mv_value like = mv_none();
    int status = library(mv_hash_equal(obj, obj, &r->value, &r->err), r, p);

    if (status < 0 || r->raised)
        return status;
    if (operand(step, "like", e, &like, p) < 0)
        return -1;
    status = library(mv_hash_equal(obj, &like, &r->value, &r->err), r, p);
    mv_value_clear(&like);
    return status;
}

/* pickle.dumps(obj[, protocol]), copy.copy(obj), copy.deepcopy(obj) */
static int pickle_op(const char *op, const json_t *step, const mv_value *obj,
                     env *e, step_result *r, problem *p)
{
    const json_t *protocol = json_object_get(step, "protocol");
    /* pickle.DEFAULT_PROTOCOL: 4 until 3.13, 5 from 3.14 */
    int n = e->cfg->behaviour.minor >= 14 ? 5 : 4;

    if (op[0] == 'c')
        return library(mv_copy(obj, json_is_true(json_object_get(step, "deep")),
                               &r->value, &r->err), r, p);
    if (protocol != NULL) {
        if (!json_is_integer(protocol) || json_integer_value(protocol) > 5
            || json_integer_value(protocol) < -1)
            return fail(p, STEP_UNSUPPORTED, "%s", "pickle protocol");
        n = (int)json_integer_value(protocol);
    }
    return library(mv_pickle(obj, n, &r->value, &r->err), r, p);
}

/* The ops of one object and nothing else. */
static int unary_op(const char *op, const mv_value *obj, step_result *r,
                    problem *p)
{
    static const struct {
        const char *op;
        int (*fn)(const mv_value *, mv_value *, mv_error *);
    } ops[] = {
        { "len", mv_len }, { "bool", mv_truth }, { "list", mv_list },
        { "bytes", mv_bytes }, { "iter", mv_iter }, { "next", mv_next },
    };

    if (strcmp(op, "contents") == 0)
        return library(object_contents(obj, &r->value, &r->err), r, p);
    for (size_t i = 0; i < sizeof ops / sizeof ops[0]; i++)
        if (strcmp(op, ops[i].op) == 0)
            return library(ops[i].fn(obj, &r->value, &r->err), r, p);
    return fail(p, STEP_UNSUPPORTED, "op %s", op);
}

/* Run one step; on success r holds its value or its exception. */
static int run_step(const json_t *step, env *e, step_result *r, problem *p)
{
    const char *op = string_field(step, "op");
    const mv_value *obj = NULL;
    int type;
    call_args c;
    mv_args args;
    mv_value value = mv_none();
    int status;

    r->value = mv_none();
    r->raised = false;
    if (op == NULL)
        return fail(p, STEP_MALFORMED, "%s", "step without an op");
    if (strcmp(op, "memoryview") == 0) {
        if (decode_args(step, e, &c, p) < 0)
            return -1;
        args = as_args(&c);
        status = library(mv_memoryview(e->cfg, &args, &r->value, &r->err), r, p);
        args_clear(&c);
        return status;
    }
    if (strcmp(op, "eq") == 0 || strcmp(op, "ne") == 0 || strcmp(op, "is") == 0
        || order_of(op) != NULL)
        return binary_op(op, step, e, r, p);
    if (strcmp(op, "drop") == 0) {
        if (named(step, "name", e, &obj, p) < 0)
            return -1;
        env_drop(e, string_field(step, "name"));
        return 0;
    }
    if (named(step, "obj", e, &obj, p) < 0)
        return -1;
    type = object_type(obj);
    if (strcmp(op, "getitem") == 0 || strcmp(op, "setitem") == 0
        || strcmp(op, "delitem") == 0)
        return item_op(op, step, obj, e, r, p);
    if (strcmp(op, "call") == 0)
        return call_op(step, obj, e, r, p);
    if (strcmp(op, "contents") == 0)
        return unary_op(op, obj, r, p);
    if (strcmp(op, "calls") == 0)
        return pyobject_calls(obj, string_field(step, "method"), &r->value, p);
    /* the rest are the library's, and only for its own objects */
    if (type != (strcmp(op, "next") == 0 ? MV_TYPE_ITERATOR
                                          : MV_TYPE_MEMORYVIEW))
        return fail(p, STEP_UNSUPPORTED, "%s of this object", op);
    if (strcmp(op, "getattr") == 0) {
        const char *name = string_field(step, "name");
        if (name == NULL)
            return fail(p, STEP_MALFORMED, "%s", "getattr without a name");
        return library(mv_getattr(obj, name, &r->value, &r->err), r, p);
    }
    if (strcmp(op, "hash") == 0)
        return hash_op(step, obj, e, r, p);
    if (strcmp(op, "pickle") == 0 || strcmp(op, "copy") == 0)
        return pickle_op(op, step, obj, e, r, p);
    if (strcmp(op, "contains") == 0) {
        if (operand(step, "value", e, &value, p) < 0)
            return -1;
        status = library(mv_contains(obj, &value, &r->value, &r->err), r, p);
        mv_value_clear(&value);
        return status;
    }
    return unary_op(op, obj, r, p);
}

/* A step of a described object's method (pyobject.c): run as a case's
   step, in the case's names, but binding and dropping none (the steps of
   the case that called the method hold pointers into them); its value is
   not wanted, its exception is the method's. */
int run_method_step(const json_t *step, env *e, mv_error *err)
{
    const char *op = string_field(step, "op");
    step_result r;
    problem p;

    memset(&p, 0, sizeof p);
    if (op == NULL || strcmp(op, "drop") == 0
        || json_object_get(step, "as") != NULL)
        return mv_unsupported(err, "in a method: a step that binds a name");
    if (run_step(step, e, &r, &p) < 0) {
        /* "in a method: " said once, however deep the methods nest */
        const char *prefix = strncmp(p.text, "in a method: ", 13) == 0
                                 ? "" : "in a method: ";
        if (p.status == STEP_RAISED) {
            *err = p.err;
            return -1;
        }
        return mv_unsupported(err, "%s%s", prefix, p.text);
    }
    mv_value_clear(&r.value);
    if (r.raised) {
        *err = r.err;
        return -1;
    }
    return 0;
}

/* ---- setup ---------------------------------------------------------------------- */

static int int_list(const json_t *j, mv_ssize *out, int *n, problem *p)
{
    if (!json_is_array(j))
        return fail(p, STEP_UNSUPPORTED, "%s", "shape or strides not a list");
    if (json_array_size(j) > MV_MAX_EXPORTER_NDIM)
        return fail(p, STEP_UNSUPPORTED, "setup failed: %s", "more than 128 "
                    "dimensions (_testbuffer.ndarray raises ValueError: "
                    "ndim must not exceed 128)");
    *n = (int)json_array_size(j);
    for (int i = 0; i < *n; i++) {
        const json_t *x = json_array_get(j, (size_t)i);
        if (!json_is_integer(x))
            return fail(p, STEP_UNSUPPORTED, "%s", "shape or strides item");
        out[i] = json_integer_value(x);
    }
    return 0;
}

static bool flag(const json_t *spec, const char *key, bool dflt)
{
    const json_t *j = json_object_get(spec, key);
    return json_is_boolean(j) ? json_is_true(j) : dflt;
}

static int build_ndarray(const mv_config *cfg, const json_t *spec,
                         bool numpy, const mv_value *items, mv_value *out,
                         mv_error *err, problem *p)
{
    mv_ndarray_spec s;
    mv_ssize tmp[MV_MAX_EXPORTER_NDIM];
    const json_t *strides = json_object_get(spec, "strides");
    const json_t *offset = json_object_get(spec, "offset");
    const char *order = string_field(spec, "order");
    char why[400];
    int n;

    memset(&s, 0, sizeof s);
    s.items = items;
    if (int_list(json_object_get(spec, "shape"), tmp, &n, p) < 0)
        return -1;
    s.ndim = n;
    memcpy(s.shape, tmp, (size_t)n * sizeof *tmp);
    if (strides != NULL && !json_is_null(strides)) {
        if (int_list(strides, tmp, &n, p) < 0)
            return -1;
        if (n != s.ndim && n != 0)
            return fail(p, STEP_UNSUPPORTED, "setup failed: %s",
                        "_testbuffer.ndarray raises ValueError: "
                        "len(shape) != len(strides)");
        s.has_strides = n != 0;
        memcpy(s.strides, tmp, (size_t)n * sizeof *tmp);
    }
    if (offset != NULL && !json_is_integer(offset))
        return fail(p, STEP_UNSUPPORTED, "%s", "an offset that is not an int");
    s.offset = offset != NULL ? json_integer_value(offset) : 0;
    s.pil = flag(spec, "pil", false);
    if (numpy) {
        s.readonly = flag(spec, "readonly", false);
        s.fortran = order != NULL && strcmp(order, "F") == 0;
        if (order != NULL && strcmp(order, "F") != 0 && strcmp(order, "C") != 0)
            return fail(p, STEP_UNSUPPORTED, "numpy order %s", order);
        if (string_field(spec, "dtype") == NULL)
            return fail(p, STEP_MALFORMED, "%s", "numpy without a dtype");
    } else {
        s.readonly = flag(spec, "readonly", true);
        s.fortran = flag(spec, "fortran", false);
        s.format = string_field(spec, "format");
        if (s.format == NULL)
            return fail(p, STEP_MALFORMED, "%s", "ndarray without a format");
    }
    if (ndarray_refused(cfg, &s, numpy, why, sizeof why))
        return fail(p, STEP_UNSUPPORTED, "setup failed: %s", why);
    if (numpy)
        return mv_numpy_object(cfg, string_field(spec, "dtype"), &s, out, err);
    return mv_ndarray_object(cfg, &s, out, err);
}

/* Build one setup object into *out. */
static int build(const mv_config *cfg, const json_t *spec, env *e,
                 mv_value *out, problem *p)
{
    const char *kind = string_field(spec, "kind");
    const char *field = NULL;
    mv_value data = mv_none();
    mv_error err;
    int status;

    if (kind == NULL)
        return fail(p, STEP_MALFORMED, "%s", "setup without a kind");
    if (strcmp(kind, "object") == 0)
        return pyobject_class(spec, e, out, p);
    if (strcmp(kind, "bytes") == 0 || strcmp(kind, "bytearray") == 0)
        field = "data";
    else if (strcmp(kind, "array") == 0 || strcmp(kind, "ndarray") == 0
             || strcmp(kind, "numpy") == 0)
        field = "items";
    else if (strcmp(kind, "value") == 0)
        field = "value";
    else
        return fail(p, STEP_UNSUPPORTED, "exporter %s", kind);
    if (operand(spec, field, e, &data, p) < 0)
        return -1;
    if (strcmp(kind, "value") == 0) {
        *out = data;
        return 0;
    }
    if (kind[0] == 'b' && data.kind != MV_BYTES) {
        mv_value_clear(&data);
        return fail(p, STEP_UNSUPPORTED, "%s from a non-bytes value", kind);
    }
    if (kind[0] == 'b' && data.as.bytes.len > CASE_BYTES) {
        mv_value_clear(&data);
        return fail(p, STEP_UNSUPPORTED, "setup failed: %s", "more bytes "
                    "than the driver's limit a case");
    }
    if (strcmp(kind, "bytes") == 0)
        status = mv_bytes_object(cfg, data.as.bytes.data, data.as.bytes.len,
                                 out, &err);
    else if (strcmp(kind, "bytearray") == 0)
        status = mv_bytearray_object(cfg, data.as.bytes.data,
                                     data.as.bytes.len, out, &err);
    else if (strcmp(kind, "array") == 0) {
        const char *typecode = string_field(spec, "typecode");
        char why[400];
        if (typecode != NULL
            && array_refused(cfg, typecode, &data, why, sizeof why)) {
            mv_value_clear(&data);
            return fail(p, STEP_UNSUPPORTED, "setup failed: %s", why);
        }
        status = typecode == NULL ? -2
                 : mv_array_object(cfg, typecode, &data, out, &err);
    }
    else
        status = build_ndarray(cfg, spec, kind[0] == 'n' && kind[1] == 'u',
                               &data, out, &err, p);
    mv_value_clear(&data);
    if (status == -2)
        return fail(p, STEP_MALFORMED, "%s", "array without a typecode");
    if (status < 0 && p->status == STEP_OK)
        return fail(p, STEP_UNSUPPORTED, "setup failed: %s", err.message);
    return status;
}

/* ---- the case --------------------------------------------------------------------- */

static void write_raised(text *t, const mv_error *err)
{
    text_put(t, "{\"raises\":{\"type\":");
    text_string(t, err->type, strlen(err->type));
    text_put(t, ",\"message\":");
    text_string(t, err->message, strlen(err->message));
    text_put(t, "}}");
}

static void write_outcome(text *t, const step_result *r, const env *e)
{
    if (r->raised) {
        write_raised(t, &r->err);
        return;
    }
    text_put(t, "{\"value\":");
    encode_value(t, &r->value, e);
    text_put(t, "}");
}

/* mv_alloc_tracer: one more site in a list, the items of a JSON array. */
static void trace_site(void *sites, const char *file, int line)
{
    text *t = sites;
    char site[300];

    snprintf(site, sizeof site, "%s:%d", file, line);
    if (t->len > 0)
        text_put(t, ",");
    text_string(t, site, strlen(site));
}

/*
 * Run every step, writing its outcome into out as one item of the array
 * "outcomes" that the caller has opened; 0, or -1 when the case cannot be
 * answered with outcomes (p says why).
 */
static int run_steps(const json_t *steps, env *e, text *out, problem *p)
{
    for (size_t i = 0; i < json_array_size(steps); i++) {
        const json_t *step = json_array_get(steps, i);
        const char *as = string_field(step, "as");
        size_t mark;
        step_result r;

        if (out->failed)   /* out of memory before this step */
            return fail(p, STEP_UNSUPPORTED, "%s", "driver out of memory");
        mark = text_mark(out);
        memset(p, 0, sizeof *p);
        if (i > 0)
            text_put(out, ",");
        if (run_step(step, e, &r, p) < 0) {
            if (p->status == STEP_RAISED)
                write_raised(out, &p->err);
            else if (p->status == STEP_UNBOUND) {
                text_put(out, "{\"unbound\":");
                text_string(out, p->text, strlen(p->text));
                text_put(out, "}");
            } else
                return -1;
            p->status = STEP_OK;
        } else {
            write_outcome(out, &r, e);   /* encoded before it is bound */
            if (as != NULL && !r.raised && !out->failed
                && env_bind(e, as, &r.value) < 0)   /* it took the value */
                return fail(p, STEP_UNSUPPORTED, "%s", "driver out of memory");
            mv_value_clear(&r.value);
        }
        if (out->failed) {
            bool too_long = out->too_long;
            text_rewind(out, mark);
            if (too_long) {
                char limit[32];
                snprintf(limit, sizeof limit, "%zu", TEXT_BYTES);
                return fail(p, STEP_UNSUPPORTED, "an answer longer than the "
                            "driver's limit of %s bytes a case", limit);
            }
            return fail(p, STEP_UNSUPPORTED, "%s",
                        "a result the driver cannot encode");
        }
    }
    return 0;
}

void run_case(const mv_config *cfg, const json_t *c, const run_options *o,
              text *out)
{
    const char *id = string_field(c, "id");
    const json_t *setup = json_object_get(c, "setup");
    const json_t *steps = json_object_get(c, "steps");
    env e = { NULL, 0, 0, cfg, 0 };
    problem p;
    text sites = TEXT_EMPTY, setup_sites = TEXT_EMPTY;
    size_t i, mark;

    memset(&p, 0, sizeof p);
    text_put(out, "{\"id\":");
    text_string(out, id ? id : "", id ? strlen(id) : 0);
    text_put(out, ",");
    if (out->failed)   /* not even that fits: emit() answers for the case */
        return;
    mark = text_mark(out);   /* where "unsupported" replaces the outcomes */
    if (id == NULL || !json_is_array(steps)
        || (setup != NULL && !json_is_array(setup))) {
        fail(&p, STEP_MALFORMED, "%s", "case without id, steps or setup");
        goto end;
    }
    mv_alloc_budget(CASE_BYTES);   /* the library holds nothing now */
    mv_alloc_fail_at(o->fail_setup_alloc);
    if (o->trace_alloc)
        mv_alloc_trace(trace_site, &setup_sites);
    for (i = 0; i < json_array_size(setup); i++) {
        const json_t *spec = json_array_get(setup, i);
        const char *name = string_field(spec, "name");
        mv_value obj;
        if (name == NULL) {
            fail(&p, STEP_MALFORMED, "%s", "setup without a name");
            goto end;
        }
        if (build(cfg, spec, &e, &obj, &p) < 0) {
            if (p.status == STEP_UNBOUND) {
                char unbound[sizeof p.text];
                memcpy(unbound, p.text, sizeof unbound);
                fail(&p, STEP_MALFORMED, "setup names an unbound %.500s",
                     unbound);
            }
            goto end;
        }
        if (env_bind(&e, name, &obj) < 0) {
            fail(&p, STEP_UNSUPPORTED, "%s", "driver out of memory");
            goto end;
        }
    }
    /* the steps' allocations, not setup's */
    mv_alloc_fail_at(o->fail_alloc);
    if (o->trace_alloc)
        mv_alloc_trace(trace_site, &sites);
    text_put(out, "\"outcomes\":[");
    if (run_steps(steps, &e, out, &p) == 0)
        text_put(out, "]");
end:
    if (mv_alloc_over_budget() && p.status != STEP_MALFORMED) {
        /* a MemoryError (or a failure) of the limit's, not the program's */
        char limit[32];
        snprintf(limit, sizeof limit, "%zu", CASE_BYTES);
        fail(&p, STEP_UNSUPPORTED, "the case needs more memory than the "
             "driver's limit of %s bytes a case", limit);
    }
    if (p.status == STEP_OK) {
        if (o->trace_alloc) {
            text_put(out, ",\"setup_alloc_sites\":[");
            text_putn(out, setup_sites.data, setup_sites.len);
            text_put(out, "],\"alloc_sites\":[");
            text_putn(out, sites.data, sites.len);
            text_put(out, "]");
        }
    } else {
        if (p.status == STEP_MALFORMED)
            fprintf(stderr, "mvref-driver: case %s: %s\n", id ? id : "(no id)",
                    p.text);
        text_rewind(out, mark);
        text_put(out, "\"unsupported\":");
        if (p.status == STEP_MALFORMED)
            text_put(out, "\"malformed case\"");
        else
            text_string(out, p.text, strlen(p.text));
    }
    if (mv_alloc_failed_site() != NULL) {
        text_put(out, ",\"failed_alloc\":");
        text_string(out, mv_alloc_failed_site(),
                    strlen(mv_alloc_failed_site()));
    }
    text_put(out, "}");
    if (sites.failed || setup_sites.failed)
        out->failed = true;
    env_clear(&e);   /* freeing allocates nothing: no site is missed */
    mv_alloc_budget(0);
    mv_alloc_fail_at(0);
    mv_alloc_trace(NULL, NULL);
    text_free(&sites);
    text_free(&setup_sites);
}

/* ---- a line ------------------------------------------------------------------------ */

bool blank_line(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (memchr(" \t\r\n", s[i], 4) == NULL)
            return false;
    return true;
}

void answer_line(const mv_config *cfg, const char *line, size_t len,
                 const run_options *o, text *out)
{
    json_error_t jerr;
    json_t *c = json_loadb(line, len, JSON_ALLOW_NUL, &jerr);
    const char *id;

    text_rewind(out, 0);
    if (!json_is_object(c)) {
        fprintf(stderr, "mvref-driver: not a case line (%s at column %d)\n",
                c ? "not an object" : jerr.text, c ? 0 : jerr.column);
        json_decref(c);
        arena_empty();
        text_put(out, "{\"id\":\"\",\"unsupported\":\"not a case line\"}");
        return;
    }
    run_case(cfg, c, o, out);
    id = json_string_value(json_object_get(c, "id"));
    if (out->failed) {   /* the same id, answered as well as can be */
        fprintf(stderr, "mvref-driver: case %s: result not encodable\n",
                id ? id : "");
        text_rewind(out, 0);
        text_put(out, "{\"id\":");
        text_string(out, id ? id : "", id ? strlen(id) : 0);
        text_put(out, ",\"unsupported\":\"a result the driver cannot "
                 "encode\"}");
    }
    json_decref(c);
    arena_empty();
}
