/*
 * convert.c -- chapter 17 of the spec: the numbers and the truth a view
 * makes of any object, as CPython's abstract layer makes them --
 * operator.index() (PyNumber_Index), float() (PyFloat_AsDouble), bool()
 * (PyObject_IsTrue), len(), a C int argument -- and what an object of the
 * host's says to ==.
 *
 * A value asked is one of four things: a plain value (value.c), an
 * exporter (exporter.c), a view (view.c), or an object of the host's
 * (mvref.h, section 10), which answers through its host by running its
 * own methods:
 *
 *     m[k]            operator.index(k)     k.__index__()     CONVERT-001
 *     m[i] = v, 'B'   operator.index(v)     v.__index__()     CONVERT-005
 *     m[i] = v, 'd'   float(v)              v.__float__()     CONVERT-006
 *     m[i] = v, '?'   bool(v)               v.__bool__()      CONVERT-007
 *     m.hex(s)        len(s)                s.__len__()       CONVERT-014
 *     v in m          item == v             v.__eq__(item)    CONVERT-016
 *
 * That is the one place where the library hands control to the Python
 * program, which may then release the view being worked on, or resize its
 * exporter.  Callers ask only where CPython asks, and check afterwards
 * what CPython checks (CONVERT-009, view.c).  An exporter over a host's
 * memory stands for the host's object where the library's model of its
 * class says nothing (a numpy scalar's __index__).
 */
#include "mvint.h"
#include "convert.h"
#include "exporter.h"
#include "refcount.h"
#include "value.h"
#include "view.h"

/* The host's object v is, or that lends an exporter v (a numpy scalar
   mvref leased): NULL if neither. */
static const mv_value *host_of(const mv_value *v)
{
    mv_exporter *e = mv_as_exporter(v);

    if (v->kind == MV_HOST)
        return v;
    return e != NULL && e->host.kind == MV_HOST ? &e->host : NULL;
}

/* ---- truth ---------------------------------------------------------------- */

/* bool(obj) for an object: len(obj) != 0 for a view (SEQ-003) and the
   one-dimensional exporters; numpy's (elementwise) is not modelled. */
static int object_truth(const mv_value *v, bool *out, mv_error *err)
{
    const mv_exporter *e = mv_as_exporter(v);
    const mv_view *view = mv_as_view(v);
    mv_ssize n;

    /* the driver passes no MV_OPAQUE value as an operand */
    assert(v->kind == MV_OBJECT);
    if (view != NULL) {
        if (mv_view_length(view, &n, err) < 0)
            return -1;
        *out = n != 0;
        return 0;
    }
    if (e != NULL && e->base.type <= MV_TYPE_ARRAY) {
        *out = e->size != 0;
        return 0;
    }
    if (host_of(v) != NULL)   /* a numpy array's own */
        return mv_truthy(host_of(v), out, err);
    return mv_unsupported(err, "bool() of %s", mv_type_name(v));
}

/* bool(v): PyObject_IsTrue, for plain values and objects (FORMAT-012,
   CONVERT-007). */
int mv_truthy(const mv_value *v, bool *out, mv_error *err)
{
    switch (v->kind) {
    case MV_HOST:   /* __bool__, else __len__, else true: the host's */
        return v->as.host.host->truth(v->as.host.obj, out, err);
    case MV_NONE: *out = false; return 0;
    case MV_BOOL: *out = v->as.boolean; return 0;
    case MV_INT: *out = v->as.integer.huge || v->as.integer.magnitude != 0;
        return 0;
    case MV_FLOAT: *out = v->as.real != 0.0; return 0;
    case MV_STR: *out = v->as.str.len != 0; return 0;
    case MV_BYTES: *out = v->as.bytes.len != 0; return 0;
    case MV_LIST: case MV_TUPLE: *out = v->as.seq.len != 0; return 0;
    case MV_SLICE: case MV_ELLIPSIS: *out = true; return 0;
    default:
        return object_truth(v, out, err);
    }
}

/* ---- numbers from any value --------------------------------------------- */

/* CONVERT-001: PyIndex_Check(v): whether v has __index__. */
bool mv_index_check(const mv_value *v)
{
    const mv_value *h = host_of(v);

    if (h != NULL)
        return h->as.host.host->has_index(h->as.host.obj);
    return mv_is_index(v);
}

/* CONVERT-001, CONVERT-002: operator.index(v) into *out: an int or bool as
   it is, a host's object by its __index__ (which the host checks returned
   an int); anything else is a TypeError. */
static int index_of(const mv_value *v, mv_value *out, const char *rule,
                    mv_error *err)
{
    if (mv_is_index(v))
        return mv_value_copy(out, v, err);
    if (!mv_index_check(v))
        return mv_raise(err, rule, "TypeError",
                        "'%.200s' object cannot be interpreted as an integer",
                        mv_type_qualname(v));
    v = host_of(v);
    if (v->as.host.host->index(v->as.host.obj, out, err) < 0)
        return -1;
    assert(mv_is_index(out));
    return 0;
}

int mv_index(const mv_value *v, mv_value *out, mv_error *err)
{
    return index_of(v, out, "CONVERT-003", err);
}

/* PyNumber_AsSsize_t(v, overflow_type): operator.index(v) as a Py_ssize_t;
   an int beyond one is an overflow_type error naming v's own type
   ("cannot fit 'Idx' into an index-sized integer"); `rule` is the
   caller's, the one its errors answer to. */
int mv_index_ssize(const mv_config *cfg, const mv_value *v,
                   const char *overflow_type, const char *rule, mv_ssize *out,
                   mv_error *err)
{
    mv_value i;
    int64_t n;
    mv_ssize max = cfg->platform.ssize_max;
    bool fits;

    if (MV_FAST() && mv_is_index(v))   /* an int: read where it is */
        return mv_as_ssize(cfg, v, overflow_type, rule, out, err);
    if (index_of(v, &i, rule, err) < 0)
        return -1;
    fits = mv_int_to_i64(&i, &n) && n <= max && n >= -max - 1;
    mv_value_clear(&i);
    if (!fits)
        return mv_raise(err, rule, overflow_type, "cannot fit '%.200s' into an "
                        "index-sized integer", mv_type_qualname(v));
    *out = n;
    return 0;
}

/* CONVERT-006: float(v) as PyFloat_AsDouble takes it: a float, an int, or
   a host's object by its __float__ (else its __index__); anything else is
   a TypeError. */
int mv_float_of(const mv_value *v, double *out, mv_error *err)
{
    const mv_value *h = host_of(v);

    if (v->kind == MV_FLOAT || mv_is_index(v))
        return mv_as_double(v, out, err);
    if (h != NULL)
        return h->as.host.host->to_float(h->as.host.obj, out, err);
    return mv_raise(err, "CONVERT-006", "TypeError", "must be real number, not %.50s",
                    mv_type_qualname(v));
}

/* Whether v is a host's object, or an exporter that stands for one. */
bool mv_is_host(const mv_value *v)
{
    return host_of(v) != NULL;
}

/* CONVERT-014: len(v) of a host's object; the host says when it has
   none. */
int mv_host_length(const mv_value *v, mv_ssize *out, mv_error *err)
{
    const mv_value *h = host_of(v);

    assert(h != NULL);
    return h->as.host.host->length(h->as.host.obj, out, err);
}

/* CONVERT-015: a host's object's side of a comparison (v == other, v <
   other...): what its method returned, as it is, or *not_implemented. */
int mv_host_compare(const mv_value *v, const mv_value *other,
                    mv_compare_op op, mv_value *out, bool *not_implemented,
                    mv_error *err)
{
    const mv_value *h = host_of(v);
    int status;

    assert(h != NULL);
    status = h->as.host.host->compare(h->as.host.obj, other, op, out, err);
    *not_implemented = status == 1;
    return status < 0 ? -1 : 0;
}

/* HEX-005, CONVERT-012: an argument as Argument Clinic converts one to a
   C integer type, named `ctype` in its overflow message, of range [lo, hi]:
   operator.index() of it -- in 3.9 also int() of it by __int__, and a float
   refused in words of its own; an exception names `rule`. */
static int arg_integer(const mv_config *cfg, const mv_value *v, int64_t lo,
                       int64_t hi, const char *ctype, int64_t *out,
                       const char *rule, mv_error *err)
{
    bool legacy = cfg->behaviour.legacy_int_message;
    mv_value i = mv_none();
    int status;

    if (legacy && v->kind == MV_FLOAT)
        return mv_raise(err, rule, "TypeError",
                        "integer argument expected, got float");
    if (host_of(v) != NULL && cfg->behaviour.arg_int_takes_int) {
        const mv_value *h = host_of(v);
        status = h->as.host.host->to_int(h->as.host.obj, &i, err);
        if (status < 0)
            return -1;
        if (status == 1)   /* neither __index__ nor __int__ */
            return mv_raise(err, rule, "TypeError", "an integer is required (got "
                            "type %.200s)", mv_type_qualname(v));
    } else if (!mv_index_check(v)) {
        return mv_raise(err, rule, "TypeError", legacy
                        ? "an integer is required (got type %.200s)"
                        : "'%.200s' object cannot be interpreted as an "
                          "integer", mv_type_qualname(v));
    } else if (mv_index(v, &i, err) < 0) {
        return -1;
    }
    status = mv_int_to_i64(&i, out) && *out <= hi && *out >= lo;
    mv_value_clear(&i);
    if (!status)
        return mv_raise(err, rule, "OverflowError",
                        "Python int too large to convert to C %s", ctype);
    return 0;
}

/* The 'int' converter: a C int. */
int mv_arg_int(const mv_config *cfg, const mv_value *v, int *out,
               const char *rule, mv_error *err)
{
    int64_t n;

    if (arg_integer(cfg, v, INT32_MIN, INT32_MAX, "int", &n, rule, err) < 0)
        return -1;
    *out = (int)n;
    return 0;
}

/* The 'Py_ssize_t' converter: the platform's Py_ssize_t (HEX-005 from
   3.15). */
int mv_arg_ssize(const mv_config *cfg, const mv_value *v, mv_ssize *out,
                 const char *rule, mv_error *err)
{
    int64_t n;
    mv_ssize max = cfg->platform.ssize_max;

    if (arg_integer(cfg, v, -max - 1, max, "ssize_t", &n, rule, err) < 0)
        return -1;
    *out = (mv_ssize)n;
    return 0;
}
