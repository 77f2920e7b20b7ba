/*
 * pyobject.c -- the Python objects a case describes that the library does
 * not model (spec/protocol.md, sections 3 and 5.1), and the driver as
 * their host (mvref.h, section 10).
 *
 *   {"complex": [re, im]}   {"decimal": "-21.1"}   {"fraction": "5/2"}
 *   {"dict": [[k, v], ...]}   {"set": [...]}   {"frozenset": [...]}
 *   {"new": "object"}   {"new": "function"}
 *   setup {"kind": "object", "class": "Idx",
 *          "methods": {"__index__": {"steps": [...], "returns": 3}}}
 *
 * The library asks its host what CPython's abstract layer would ask the
 * object: operator.index() of it, float() of it, bool(), len(), and what
 * its == says.  The driver answers as CPython does for these types, and
 * for a described class by running the method as the case describes it:
 * its steps first, as steps of the case (they may release a view or
 * resize an exporter, which is why they exist), then its return value or
 * its exception.  The return value is then checked as CPython checks it
 * (__index__ must give an int, __bool__ a bool...).  Each method counts
 * its calls, for the `calls` op.
 *
 * What is exact here, and where it stops:
 *   Decimal   any decimal text (and NaN, sNaN, Infinity): float() by
 *             strtod, which rounds correctly as Python does; == against
 *             an int or a float compared digit by digit, exactly (a
 *             float's decimal expansion is finite, and printf prints it
 *             whole); int() (3.9's int arguments) by truncation
 *   Fraction  numerator and denominator within 2**53, where n / d in C
 *             rounds as Python's true division does, and x == n / d is
 *             x * d == n, told exactly with fma(); beyond: unsupported
 *   complex   two doubles
 *   dict, set, frozenset: their length (keys and items compared with the
 *             library's ==, so 1 and True are one key), and nothing else
 */
#include <assert.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "driver.h"
#include "convert.h"    /* mv_float_of, mv_index, mv_truthy: float(int)... */
#include "value.h"      /* mv_int_to_i64 */

typedef enum {
    PY_CLASS, PY_COMPLEX, PY_DECIMAL, PY_FRACTION, PY_DICT, PY_SET,
    PY_FROZENSET, PY_OBJECT, PY_FUNCTION
} pykind;

/* The methods a described class may have, in the order of `calls`. */
static const char *const dunders[] = {
    "__index__", "__int__", "__float__", "__complex__", "__bool__",
    "__len__", "__eq__"
};
enum { D_INDEX, D_INT, D_FLOAT, D_COMPLEX, D_BOOL, D_LEN, D_EQ, N_DUNDERS };

typedef struct pyobject {
    long refcount;
    pykind kind;
    char *name;              /* PY_CLASS: the class's name */
    const json_t *methods;   /* PY_CLASS: its methods, as the case wrote
                                them (the case outlives its objects) */
    env *env;                /* PY_CLASS: the case's names, for steps */
    long calls[N_DUNDERS];   /* PY_CLASS: how often each method ran */
    double re, im;           /* PY_COMPLEX */
    char *text;              /* PY_DECIMAL: as the case wrote it */
    int64_t num, den;        /* PY_FRACTION: in lowest terms, den > 0 */
    size_t len;              /* PY_DICT, PY_SET, PY_FROZENSET */
} pyobject;

static const mv_host host;

/* ---- the builtin exceptions a method may raise ------------------------- */

/* Each with its base class: what isinstance() needs (CONVERT-005 rewords
   a ValueError, which a UnicodeError is). */
static const char *const exceptions[][2] = {
    { "Exception", NULL },
    { "ArithmeticError", "Exception" },
    { "AttributeError", "Exception" },
    { "BufferError", "Exception" },
    { "LookupError", "Exception" },
    { "IndexError", "LookupError" },
    { "MemoryError", "Exception" },
    { "NotImplementedError", "RuntimeError" },
    { "OverflowError", "ArithmeticError" },
    { "RuntimeError", "Exception" },
    { "StopIteration", "Exception" },
    { "TypeError", "Exception" },
    { "ValueError", "Exception" },
    { "UnicodeError", "ValueError" },
    { "ZeroDivisionError", "ArithmeticError" },
};
#define N_EXCEPTIONS (sizeof exceptions / sizeof exceptions[0])

/* The table's own copy of a name (static storage, as mv_error wants), or
   NULL for a name it lacks. */
static const char *exception_name(const char *name)
{
    for (size_t i = 0; i < N_EXCEPTIONS; i++)
        if (strcmp(exceptions[i][0], name) == 0)
            return exceptions[i][0];
    return NULL;
}

static bool raised(const mv_error *err, const char *type)
{
    const char *name = err->type;

    while (name != NULL) {
        const char *parent = NULL;
        if (strcmp(name, type) == 0)
            return true;
        for (size_t i = 0; i < N_EXCEPTIONS; i++)
            if (strcmp(exceptions[i][0], name) == 0)
                parent = exceptions[i][1];
        name = parent;
    }
    return false;
}

/* An exception the object's own code raised: the host's. */
static int host_error(mv_error *err)
{
    if (err->failure == MV_RAISED)
        err->host = &host;
    return -1;
}

/* An exception as CPython's abstract layer raises it, on behalf of the
   object. */
#define raise_host(err, type, ...) \
    host_error((mv_raise((err), NULL, (type), __VA_ARGS__), (err)))

static int unsupported(mv_error *err, const char *what)
{
    return mv_unsupported(err, "%s", what);
}

/* ---- the objects ------------------------------------------------------- */

static pyobject *object_new(pykind kind, problem *p)
{
    pyobject *o = calloc(1, sizeof *o);

    if (o == NULL) {
        p->status = STEP_UNSUPPORTED;
        snprintf(p->text, sizeof p->text, "driver out of memory");
        return NULL;
    }
    o->refcount = 1;
    o->kind = kind;
    return o;
}

static void incref(void *obj)
{
    ((pyobject *)obj)->refcount++;
}

static void decref(void *obj)
{
    pyobject *o = obj;

    if (--o->refcount > 0)
        return;
    free(o->name);
    free(o->text);
    free(o);
}

/* The object as a value: takes over the reference object_new() gave. */
static mv_value value_of(pyobject *o)
{
    mv_value v = mv_host_value(&host, o);

    decref(o);
    return v;
}

static pyobject *as_pyobject(const mv_value *v)
{
    return v->kind == MV_HOST && v->as.host.host == &host ? v->as.host.obj
                                                          : NULL;
}

static const char *type_name(void *obj, bool qualified)
{
    static const char *const names[] = {
        NULL, "complex", "Decimal", "Fraction", "dict", "set", "frozenset",
        "object", "function"
    };
    pyobject *o = obj;

    if (o->kind == PY_CLASS)
        return o->name;
    if (o->kind == PY_DECIMAL && qualified)
        return "decimal.Decimal";
    return names[o->kind];
}

/* ---- a described class's methods --------------------------------------- */

static const json_t *method(const pyobject *o, int d)
{
    return o->kind == PY_CLASS ? json_object_get(o->methods, dunders[d])
                               : NULL;
}

/* How many described methods may run one inside another: a method's steps
   may call a method again (an __index__ whose step indexes with its own
   object), which CPython ends with RecursionError at its recursion limit
   (1000 frames by default, worded differently from version to version).
   The driver's C stack would end first, so deeper is unsupported: no case
   of the suite nests more than a few. */
#define MAX_METHODS 50

static int run_steps(pyobject *o, const json_t *steps, mv_error *err)
{
    int status = 0;

    if (o->env->methods >= MAX_METHODS)
        return mv_unsupported(err, "methods nested more than %d deep "
                              "(CPython: RecursionError at its recursion "
                              "limit)", MAX_METHODS);
    o->env->methods++;
    for (size_t i = 0; i < json_array_size(steps) && status == 0; i++)
        status = run_method_step(json_array_get(steps, i), o->env, err);
    o->env->methods--;
    return status;
}

/* Run method d of o: its steps, then its return value into *result, or its
   exception.  1 when o has no such method. */
static int run_method(pyobject *o, int d, mv_value *result, mv_error *err)
{
    const json_t *m = method(o, d), *raises;
    problem p;

    *result = mv_none();
    if (m == NULL)
        return 1;
    o->calls[d]++;
    if (run_steps(o, json_object_get(m, "steps"), err) < 0)
        return host_error(err);
    raises = json_object_get(m, "raises");
    if (raises != NULL) {
        const char *name = json_string_value(json_object_get(raises, "type"));
        const char *type = name != NULL ? exception_name(name) : NULL;
        const char *message = json_string_value(json_object_get(raises,
                                                                "message"));
        if (type == NULL || message == NULL)
            return unsupported(err, "a method's exception");
        return raise_host(err, type, "%s", message);
    }
    memset(&p, 0, sizeof p);
    assert(json_object_get(m, "returns") != NULL);     /* pyobject_class */
    if (decode_value(json_object_get(m, "returns"), o->env, result, &p) < 0) {
        if (p.status == STEP_RAISED) {
            *err = p.err;
            return host_error(err);
        }
        return mv_unsupported(err, "a method's return value: %s", p.text);
    }
    return 0;
}

/* ---- numbers: Decimal ---------------------------------------------------- */

/* A finite decimal as sign, significant digits (no leading or trailing
   zeros; none for zero) and the exponent of the last digit:
   value = (-1)**negative * digits * 10**exp. */
typedef struct decimal {
    bool negative;
    char digits[1200];
    long exp;
} decimal;

static void decimal_normalize(decimal *x)
{
    size_t lead = strspn(x->digits, "0"), n;

    memmove(x->digits, x->digits + lead, strlen(x->digits + lead) + 1);
    n = strlen(x->digits);
    while (n > 0 && x->digits[n - 1] == '0') {
        x->digits[--n] = '\0';
        x->exp++;
    }
    if (n == 0) {
        x->exp = 0;
        x->negative = false;   /* -0 == 0 */
    }
}

/* Decimal text, [-]digits[.digits][e[+-]digits]; false if it is not one
   (NaN, Infinity) or is too long. */
static bool decimal_parse(const char *text, decimal *x)
{
    const char *s = text;
    size_t n = 0;
    bool dot = false, any = false;

    memset(x, 0, sizeof *x);
    x->negative = *s == '-';
    s += *s == '-' || *s == '+';
    for (; *s != '\0' && *s != 'e' && *s != 'E'; s++) {
        if (*s == '.' && !dot) {
            dot = true;
            continue;
        }
        if (*s < '0' || *s > '9' || n + 1 >= sizeof x->digits)
            return false;
        x->digits[n++] = *s;
        x->exp -= dot;
        any = true;
    }
    if (*s != '\0') {
        char *end;
        long e = strtol(s + 1, &end, 10);
        if (end == s + 1 || *end != '\0' || labs(e) > 100000)
            return false;
        x->exp += e;
    }
    decimal_normalize(x);
    return any;
}

/* A number value as a decimal, exactly: false for a NaN or an infinity. */
static bool decimal_of(const mv_value *v, decimal *x)
{
    char text[1600];

    if (v->kind == MV_BOOL)
        return decimal_parse(v->as.boolean ? "1" : "0", x);
    if (v->kind == MV_INT)
        return decimal_parse(mv_int_text(&v->as.integer, text, sizeof text),
                             x);
    if (!isfinite(v->as.real))
        return false;
    /* every double is a finite decimal, of at most 1074 places */
    snprintf(text, sizeof text, "%.1080f", v->as.real);
    return decimal_parse(text, x);
}

static bool is_number(const mv_value *v)
{
    return v->kind == MV_BOOL || v->kind == MV_INT || v->kind == MV_FLOAT;
}

/* Decimal == number, exactly; a NaN equals nothing. */
static bool decimal_equals(const char *text, const mv_value *v)
{
    decimal a, b;
    bool inf = strstr(text, "Infinity") != NULL;

    if (v->kind == MV_FLOAT && isinf(v->as.real))
        return inf && (text[0] == '-') == (v->as.real < 0);
    if (!decimal_parse(text, &a) || !decimal_of(v, &b))
        return false;
    return a.negative == b.negative && a.exp == b.exp
           && strcmp(a.digits, b.digits) == 0;
}

/* float(Decimal): float(str(d)); a signalling NaN refuses. */
static int decimal_float(const char *text, double *out, mv_error *err)
{
    if (strstr(text, "sNaN") != NULL)
        return raise_host(err, "ValueError", "cannot convert signaling NaN to "
                     "float");
    if (strstr(text, "NaN") != NULL) {
        *out = text[0] == '-' ? -NAN : NAN;
        return 0;
    }
    *out = strtod(text, NULL);   /* "Infinity" too; rounds correctly */
    return 0;
}

/* int(Decimal), truncated towards zero (3.9's int arguments). */
static int decimal_int(const char *text, mv_value *out, mv_error *err)
{
    decimal x;
    char digits[1300];
    size_t n;

    if (strstr(text, "NaN") != NULL)
        return raise_host(err, "ValueError", "cannot convert NaN to integer");
    if (strstr(text, "Infinity") != NULL)
        return raise_host(err, "OverflowError", "cannot convert Infinity to "
                     "integer");
    if (!decimal_parse(text, &x))
        return unsupported(err, "this Decimal");
    n = strlen(x.digits);
    if (x.exp < 0)
        n = (size_t)-x.exp >= n ? 0 : n - (size_t)-x.exp;
    if (n == 0 || n + (x.exp > 0 ? (size_t)x.exp : 0) + 2 > sizeof digits) {
        if (n != 0)
            return unsupported(err, "this Decimal's int");
        *out = mv_int_from_i64(0);
        return 0;
    }
    snprintf(digits, sizeof digits, "%s%.*s", x.negative ? "-" : "", (int)n,
             x.digits);
    for (long i = 0; i < x.exp; i++)
        strcat(digits, "0");
    return mv_int_from_text(out, digits, err);
}

/* ---- numbers: Fraction, complex ------------------------------------------ */

static int64_t gcd(int64_t a, int64_t b)
{
    while (b != 0) {
        int64_t t = a % b;
        a = b;
        b = t;
    }
    return a < 0 ? -a : a;
}

#define EXACT_MAX (INT64_C(1) << 53)   /* every int below is a double */

/* n / d == v, exactly (d > 0, lowest terms, both within 2**53). */
static int fraction_equals(const pyobject *o, const mv_value *v, bool *out,
                           mv_error *err)
{
    mv_value n = mv_int_from_i64(o->num), r;
    double x, p;

    if (o->den == 1) {   /* an integer: the library compares numbers */
        if (mv_eq(&n, v, &r, err) < 0)
            return -1;
        *out = r.kind == MV_BOOL && r.as.boolean;
        mv_value_clear(&r);
        return 0;
    }
    if (v->kind != MV_FLOAT || !isfinite(v->as.real)) {
        *out = false;   /* no int, and no infinity, is a fraction */
        return 0;
    }
    x = v->as.real;
    p = x * (double)o->den;
    /* x * den is exactly num when the rounded product is num and
       nothing was lost in rounding it */
    *out = p == (double)o->num && fma(x, (double)o->den, -p) == 0.0;
    return 0;
}

/* complex == number: the imaginary part 0 and the real part equal. */
static int complex_equals(const pyobject *o, const mv_value *v, bool *out,
                          mv_error *err)
{
    mv_value re = mv_float(o->re), r;

    *out = false;
    if (o->im != 0.0)
        return 0;
    if (mv_eq(&re, v, &r, err) < 0)
        return -1;
    *out = r.kind == MV_BOOL && r.as.boolean;
    mv_value_clear(&r);
    return 0;
}

/* ---- the host's answers ---------------------------------------------------- */

static bool has_index(void *obj)
{
    return method(obj, D_INDEX) != NULL;
}

/* Run method d, whose result must be of kind `want` (an int may be a
   bool): 0 with it in *r, 1 when o has no such method, -1 with the
   TypeError CPython raises for a result of another type. */
static int typed_result(pyobject *o, int d, mv_kind want, mv_value *r,
                        mv_error *err)
{
    int status = run_method(o, d, r, err);

    if (status != 0 || r->kind == want || (want == MV_INT && r->kind == MV_BOOL))
        return status;
    if (d == D_INDEX && o->env->cfg->behaviour.index_result_named)
        raise_host(err, "TypeError", "mvadapter.%.50s.__index__() must "     /* CONVERT-002 */
                   "return an int, not %.200s", o->name, mv_type_qualname(r));
    else if (d == D_FLOAT)
        raise_host(err, "TypeError", "%.50s.__float__ returned non-float "
                   "(type %.50s)", o->name, mv_type_qualname(r));
    else if (d == D_BOOL && o->env->cfg->behaviour.index_result_named)
        raise_host(err, "TypeError", "mvadapter.%.50s.__bool__() must "
                   "return a bool, not %.200s", o->name, mv_type_qualname(r));
    else if (d == D_BOOL)
        raise_host(err, "TypeError", "__bool__ should return bool, returned "
                   "%.200s", mv_type_qualname(r));
    else
        raise_host(err, "TypeError", "%s returned non-int (type %.200s)",
                   dunders[d], mv_type_qualname(r));
    mv_value_clear(r);
    return -1;
}

/* PyNumber_Index: __index__ must return an int (a bool is one). */
static int index_of(void *obj, mv_value *out, mv_error *err)
{
    int status = typed_result(obj, D_INDEX, MV_INT, out, err);

    assert(status != 1);   /* asked only of objects that have it */
    return status;
}

/* 3.9's int arguments: __index__, else __int__, whose result must be an
   int; 1 when the object has neither. */
static int to_int(void *obj, mv_value *out, mv_error *err)
{
    pyobject *o = obj;

    if (has_index(o))
        return index_of(o, out, err);
    if (o->kind == PY_DECIMAL)
        return decimal_int(o->text, out, err);
    if (o->kind == PY_COMPLEX)
        return raise_host(err, "TypeError", "can't convert complex to int");
    return typed_result(o, D_INT, MV_INT, out, err);
}

/* PyFloat_AsDouble: __float__ (which must return a float), else
   __index__. */
static int to_float(void *obj, double *out, mv_error *err)
{
    pyobject *o = obj;
    mv_value r;
    int status;

    switch (o->kind) {
    case PY_DECIMAL:
        return decimal_float(o->text, out, err);
    case PY_FRACTION:   /* both within 2**53: the quotient rounds once */
        *out = (double)o->num / (double)o->den;
        return 0;
    default:
        break;
    }
    status = typed_result(o, D_FLOAT, MV_FLOAT, &r, err);
    if (status <= 0) {
        if (status == 0)
            *out = r.as.real;
        return status;
    }
    if (has_index(o)) {
        if (index_of(o, &r, err) < 0)
            return -1;
        status = mv_float_of(&r, out, err);   /* too big: OverflowError */
        mv_value_clear(&r);
        return status < 0 ? host_error(err) : 0;
    }
    return raise_host(err, "TypeError", "must be real number, not %.50s",
                      type_name(o, true));
}

/* PyObject_Length: __len__, whose result goes through operator.index()
   and must be >= 0 and fit a Py_ssize_t. */
static int length(void *obj, mv_ssize *out, mv_error *err)
{
    pyobject *o = obj;
    mv_ssize max = o->kind == PY_CLASS ? o->env->cfg->platform.ssize_max
                                       : INT64_MAX;
    mv_value r, i;
    int64_t n;
    int status;

    if (o->kind >= PY_DICT && o->kind <= PY_FROZENSET) {
        *out = (mv_ssize)o->len;
        return 0;
    }
    status = run_method(o, D_LEN, &r, err);
    if (status < 0)
        return -1;
    if (status == 1)
        return raise_host(err, "TypeError", "object of type '%.200s' has no len()",
                     type_name(o, true));
    status = mv_index(&r, &i, err);
    mv_value_clear(&r);
    if (status < 0)
        return host_error(err);
    if (i.kind == MV_INT && i.as.integer.negative)
        status = raise_host(err, "ValueError", "__len__() should return >= 0");
    else if (!mv_int_to_i64(&i, &n) || n > max)
        status = raise_host(err, "OverflowError", "cannot fit 'int' into an "
                       "index-sized integer");
    else
        *out = n;
    mv_value_clear(&i);
    return status;
}

/* PyObject_IsTrue: __bool__ (which must return a bool), else __len__,
   else true. */
static int truth(void *obj, bool *out, mv_error *err)
{
    pyobject *o = obj;
    mv_ssize n;
    mv_value r;
    int status;

    switch (o->kind) {
    case PY_COMPLEX: *out = o->re != 0.0 || o->im != 0.0; return 0;
    case PY_FRACTION: *out = o->num != 0; return 0;
    case PY_DECIMAL: {
        decimal x;
        *out = !decimal_parse(o->text, &x) || x.digits[0] != '\0';
        return 0;
    }
    case PY_OBJECT: case PY_FUNCTION: *out = true; return 0;
    default:
        break;
    }
    status = typed_result(o, D_BOOL, MV_BOOL, &r, err);
    if (status <= 0) {
        if (status == 0)
            *out = r.as.boolean;
        return status;
    }
    if (o->kind != PY_CLASS || method(o, D_LEN) != NULL) {
        if (length(o, &n, err) < 0)
            return -1;
        *out = n != 0;
        return 0;
    }
    *out = true;
    return 0;
}

/* A builtin type's __eq__ against a number: 1 when it does not know the
   other kind (NotImplemented). */
static int builtin_equals(const pyobject *o, const mv_value *other, bool *out,
                          mv_error *err)
{
    if (!is_number(other))
        return 1;
    switch (o->kind) {
    case PY_COMPLEX: return complex_equals(o, other, out, err);
    case PY_FRACTION: return fraction_equals(o, other, out, err);
    case PY_DECIMAL:
        *out = decimal_equals(o->text, other);
        return 0;
    default:
        return 1;
    }
}

/* obj.__eq__(other), or obj.__ne__(other): a described class's __eq__
   returns what it returns, and its __ne__ is object's, the truth of
   __eq__ negated; without __eq__, object's: identity, else
   NotImplemented.  The orderings are asked only against a view, which
   none of these types orders against. */
static int compare(void *obj, const mv_value *other, mv_compare_op op,
                   mv_value *out, mv_error *err)
{
    pyobject *o = obj;
    bool ne = op == MV_NE;
    mv_value r;
    bool eq;
    int status;

    *out = mv_none();
    if (op != MV_EQ && op != MV_NE)
        return 1;   /* no described class orders, nor is a view ordered */
    if (o->kind != PY_CLASS) {
        status = builtin_equals(o, other, &eq, err);
        if (status == 1 && as_pyobject(other) == o) {
            eq = true;
            status = 0;
        }
        if (status == 0)
            *out = mv_bool(eq != ne);
        return status < 0 ? host_error(err) : status;
    }
    status = run_method(o, D_EQ, &r, err);
    if (status < 0)
        return -1;
    if (status == 1) {
        if (as_pyobject(other) != o)
            return 1;
        r = mv_bool(true);
    }
    if (!ne) {
        *out = r;
        return 0;
    }
    status = mv_truthy(&r, &eq, err);
    mv_value_clear(&r);
    if (status < 0)
        return -1;
    *out = mv_bool(!eq);
    return 0;
}

static const mv_host host = {
    type_name, has_index, index_of, to_int, to_float, truth, length, compare,
    raised, incref, decref
};

/* ---- making them from a case ----------------------------------------------- */

static char *copy_string(const char *s)
{
    char *copy = malloc(strlen(s) + 1);

    if (copy != NULL)
        strcpy(copy, s);
    return copy;
}

static int malformed(problem *p, const char *what)
{
    p->status = STEP_MALFORMED;
    snprintf(p->text, sizeof p->text, "not a protocol value: %s", what);
    return -1;
}

static int not_modelled(problem *p, const char *what)
{
    p->status = STEP_UNSUPPORTED;
    snprintf(p->text, sizeof p->text, "%s", what);
    return -1;
}

/* A number of a complex's two parts: a float or an int. */
static int part(const json_t *j, const env *e, double *out, problem *p)
{
    mv_value v;
    mv_error err;
    int status;

    if (decode_value(j, e, &v, p) < 0)
        return -1;
    status = is_number(&v) ? mv_float_of(&v, out, &err) : -1;
    mv_value_clear(&v);
    return status < 0 ? malformed(p, "a complex's part") : 0;
}

/* "n/d" or "n", both within 2**53, d not 0, into lowest terms. */
static int fraction_parse(const char *text, pyobject *o, problem *p)
{
    char *end;
    long long n = strtoll(text, &end, 10), d = 1, g;

    if (end == text)
        return malformed(p, "fraction");
    if (*end == '/') {
        const char *s = end + 1;
        d = strtoll(s, &end, 10);
        if (end == s)
            return malformed(p, "fraction");
    }
    if (*end != '\0')
        return malformed(p, "fraction");
    if (d == 0 || llabs(n) > EXACT_MAX || llabs(d) > EXACT_MAX)
        return not_modelled(p, "this Fraction");
    if (d < 0) {
        n = -n;
        d = -d;
    }
    g = gcd(n, d);
    o->num = n / g;
    o->den = d / g;
    return 0;
}

/* Every bit of x moved into the low ones, which pick a table's slot
   (MurmurHash3's finalizer). */
static uint64_t mix(uint64_t x)
{
    x ^= x >> 33;
    x *= UINT64_C(0xff51afd7ed558ccd);
    x ^= x >> 33;
    x *= UINT64_C(0xc4ceb9fe1a85ec53);
    return x ^ (x >> 33);
}

/* A hash that keys equal as a dict sees them share, for the kinds whose
   equality is plain: a number's value as a double (1, 1.0 and True are
   one key; -0.0 is 0.0), a str's or a bytes' own bytes (each kind
   apart); false for any other key (a tuple, a described Decimal, which
   may equal an int), which is compared with every key instead. */
static bool key_hash(const mv_value *v, uint64_t *out)
{
    const unsigned char *s;
    uint64_t h = UINT64_C(14695981039346656037);   /* FNV-1a */
    size_t n;
    double d;
    mv_error err;

    switch (v->kind) {
    case MV_NONE:
        *out = 1;
        return true;
    case MV_BOOL: case MV_INT: case MV_FLOAT:
        if (mv_as_double(v, &d, &err) < 0)   /* an int beyond a float */
            return false;
        d = d == 0 ? 0 : d;
        memcpy(&h, &d, sizeof h);
        *out = mix(h);   /* an integral double's low bits are all 0 */
        return true;
    case MV_STR:
        s = (const unsigned char *)v->as.str.data;
        n = v->as.str.len;
        break;
    case MV_BYTES:
        s = v->as.bytes.data;
        n = v->as.bytes.len;
        h ^= 1;   /* b'a' != 'a' */
        break;
    default:
        return false;
    }
    for (size_t i = 0; i < n; i++)
        h = (h ^ s[i]) * UINT64_C(1099511628211);
    *out = mix(h);
    return true;
}

/* The distinct keys found so far, and how to find one: those with a
   hash in an open-addressing table (a slot holds a key's index + 1; 0:
   empty), the others in a list of their own. */
typedef struct key_set {
    mv_value *keys;
    size_t n;
    uint64_t *hashes;    /* of each key, where it has one */
    size_t *slots, mask;
    size_t *others, nothers;   /* the keys with no hash */
} key_set;

/* Whether key equals a key of the set, compared as a dict compares
   keys (mv_eq): each key of its hash, and every key with none; a key
   with no hash, with every key. */
static int key_seen(const key_set *ks, const mv_value *key, bool has_hash,
                    uint64_t h, bool *seen, problem *p)
{
    size_t at = (size_t)h & ks->mask, n = has_hash ? ks->nothers : ks->n;

    *seen = false;
    for (size_t i = 0; !*seen; i++) {
        size_t j;
        mv_value r;
        mv_error err;
        if (i < n)
            j = has_hash ? ks->others[i] : i;
        else if (has_hash && ks->slots[at] != 0) {
            j = ks->slots[at] - 1;
            at = (at + 1) & ks->mask;
            if (ks->hashes[j] != h)
                continue;
        } else
            break;
        if (mv_eq(&ks->keys[j], key, &r, &err) < 0)
            return not_modelled(p, err.message);
        *seen = r.kind == MV_BOOL && r.as.boolean;
        mv_value_clear(&r);
    }
    return 0;
}

/* How many distinct values a list of keys (or items) holds, as a dict or
   a set counts them: equal ones (1, 1.0, True) are one.  Found by hash,
   so that n keys cost about n comparisons, not n**2 / 2 (20000 ints took
   5 s): only keys with no hash here are compared with all. */
static int distinct(const json_t *items, bool pairs, const env *e,
                    size_t *out, problem *p)
{
    size_t n = json_array_size(items), room = 2;
    key_set ks = { NULL, 0, NULL, NULL, 0, NULL, 0 };
    int status = 0;

    *out = 0;
    if (!json_is_array(items))
        return malformed(p, "dict or set");
    while (room < 2 * n)
        room *= 2;
    ks.keys = calloc(n + 1, sizeof *ks.keys);
    ks.hashes = calloc(n + 1, sizeof *ks.hashes);
    ks.others = calloc(n + 1, sizeof *ks.others);
    ks.slots = calloc(room, sizeof *ks.slots);
    ks.mask = room - 1;
    if (ks.keys == NULL || ks.hashes == NULL || ks.others == NULL
        || ks.slots == NULL)
        status = not_modelled(p, "driver out of memory");
    for (size_t i = 0; i < n && status == 0; i++) {
        const json_t *k = json_array_get(items, i);
        mv_value *key = &ks.keys[ks.n];
        bool seen = false, has_hash;
        uint64_t h = 0;
        if (pairs && (!json_is_array(k) || json_array_size(k) != 2)) {
            status = malformed(p, "a dict's pair");
            break;
        }
        status = decode_value(pairs ? json_array_get(k, 0) : k, e, key, p);
        has_hash = status == 0 && key_hash(key, &h);
        if (status == 0)
            status = key_seen(&ks, key, has_hash, h, &seen, p);
        if (status != 0 || seen) {
            mv_value_clear(key);
            continue;
        }
        if (has_hash) {
            size_t at = (size_t)h & ks.mask;
            while (ks.slots[at] != 0)
                at = (at + 1) & ks.mask;
            ks.slots[at] = ks.n + 1;
            ks.hashes[ks.n] = h;
        } else
            ks.others[ks.nothers++] = ks.n;
        ks.n++;
    }
    *out = ks.n;
    for (size_t i = 0; i < ks.n; i++)
        mv_value_clear(&ks.keys[i]);
    free(ks.keys);
    free(ks.hashes);
    free(ks.others);
    free(ks.slots);
    return status;
}

/* One of the encodings of this file, into *out; 1 when j is none of
   them. */
int pyobject_decode(const json_t *j, const env *e, mv_value *out,
                    problem *p)
{
    static const char *const news[] = { "object", "function" };
    const json_t *x;
    pyobject *o;

    if ((x = json_object_get(j, "complex")) != NULL) {
        double re, im;
        if (!json_is_array(x) || json_array_size(x) != 2)
            return malformed(p, "complex");
        if (part(json_array_get(x, 0), e, &re, p) < 0
            || part(json_array_get(x, 1), e, &im, p) < 0
            || (o = object_new(PY_COMPLEX, p)) == NULL)
            return -1;
        o->re = re;
        o->im = im;
    } else if ((x = json_object_get(j, "decimal")) != NULL) {
        if (!json_is_string(x) || (o = object_new(PY_DECIMAL, p)) == NULL)
            return json_is_string(x) ? -1 : malformed(p, "decimal");
        o->text = copy_string(json_string_value(x));
        if (o->text == NULL) {
            decref(o);
            return not_modelled(p, "driver out of memory");
        }
    } else if ((x = json_object_get(j, "fraction")) != NULL) {
        if (!json_is_string(x) || (o = object_new(PY_FRACTION, p)) == NULL)
            return json_is_string(x) ? -1 : malformed(p, "fraction");
        if (fraction_parse(json_string_value(x), o, p) < 0) {
            decref(o);
            return -1;
        }
    } else if ((x = json_object_get(j, "dict")) != NULL
               || (x = json_object_get(j, "set")) != NULL
               || (x = json_object_get(j, "frozenset")) != NULL) {
        pykind kind = json_object_get(j, "dict") ? PY_DICT
                      : json_object_get(j, "set") ? PY_SET : PY_FROZENSET;
        size_t len;
        if (distinct(x, kind == PY_DICT, e, &len, p) < 0
            || (o = object_new(kind, p)) == NULL)
            return -1;
        o->len = len;
    } else if ((x = json_object_get(j, "new")) != NULL) {
        const char *what = json_string_value(x);
        size_t k = 0;
        while (k < 2 && (what == NULL || strcmp(what, news[k]) != 0))
            k++;
        if (k == 2)
            return malformed(p, "new");
        if ((o = object_new(k == 0 ? PY_OBJECT : PY_FUNCTION, p)) == NULL)
            return -1;
    } else {
        return 1;
    }
    *out = value_of(o);
    return 0;
}

/* Setup {"kind": "object", "class": name, "methods": {...}}: an object of
   a new class whose methods are the case's. */
int pyobject_class(const json_t *spec, env *e, mv_value *out, problem *p)
{
    const char *name = json_string_value(json_object_get(spec, "class"));
    const json_t *methods = json_object_get(spec, "methods");
    const char *key;
    json_t *value;
    pyobject *o;

    if (name == NULL || (methods != NULL && !json_is_object(methods)))
        return malformed(p, "an object's class or methods");
    json_object_foreach((json_t *)methods, key, value) {
        size_t d = 0;
        while (d < N_DUNDERS && strcmp(key, dunders[d]) != 0)
            d++;
        if (d == N_DUNDERS)
            return not_modelled(p, "a method beyond the vocabulary");
        /* steps, then exactly one of returns and raises (the schema's
           "method"): run_method() relies on it */
        if (!json_is_object(value)
            || (json_object_get(value, "returns") == NULL)
               == (json_object_get(value, "raises") == NULL)
            || (json_object_get(value, "steps") != NULL
                && !json_is_array(json_object_get(value, "steps"))))
            return malformed(p, "a method");
    }
    if ((o = object_new(PY_CLASS, p)) == NULL)
        return -1;
    o->name = copy_string(name);
    o->methods = methods;
    o->env = e;
    if (o->name == NULL) {
        decref(o);
        return not_modelled(p, "driver out of memory");
    }
    *out = value_of(o);
    return 0;
}

/* How many times method ran on obj, an object of a described class. */
int pyobject_calls(const mv_value *obj, const char *name, mv_value *result,
                   problem *p)
{
    const pyobject *o = as_pyobject(obj);

    if (o == NULL || o->kind != PY_CLASS || name == NULL)
        return not_modelled(p, "calls of an object no setup described");
    for (int d = 0; d < N_DUNDERS; d++) {
        if (strcmp(name, dunders[d]) == 0) {
            *result = mv_int_from_i64(o->calls[d]);
            return 0;
        }
    }
    *result = mv_int_from_i64(0);   /* a method it has not: never ran */
    return 0;
}
