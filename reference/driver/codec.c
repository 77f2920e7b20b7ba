/*
 * codec.c -- protocol values (spec/protocol.md §3) to mv_value and back.
 *
 * Every Python value has exactly one encoding; floats travel as Python's
 * repr, which this file reproduces (shortest digits that read back to the
 * same double, fixed notation for exponents -4..15, else "1e+16"), and a
 * NaN travels with its 64 bits.  An object of the library is encoded as a
 * reference to the first name bound to it, or by its type name.
 */
#include <assert.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "driver.h"
#include "abstract.h"   /* mv_bytes_of: a bytes object's contents, as is */

/* ---- names --------------------------------------------------------------- */

const mv_value *env_lookup(const env *e, const char *name)
{
    for (size_t i = 0; i < e->len; i++)
        if (strcmp(e->items[i].name, name) == 0)
            return &e->items[i].value;
    return NULL;
}

/* Bind name to value (taken over).  Rebinding keeps the name's place, as
   a Python dict keeps a key's. */
int env_bind(env *e, const char *name, mv_value *value)
{
    binding *items;
    char *copy;

    for (size_t i = 0; i < e->len; i++) {
        if (strcmp(e->items[i].name, name) == 0) {
            mv_value old = e->items[i].value;
            e->items[i].value = *value;
            *value = mv_none();
            mv_value_clear(&old);
            return 0;
        }
    }
    copy = malloc(strlen(name) + 1);
    if (copy == NULL) {
        mv_value_clear(value);
        return -1;
    }
    strcpy(copy, name);
    if (e->len == e->room) {   /* doubling: a case of n names is n moves */
        size_t room = e->room ? 2 * e->room : 8;
        items = room <= SIZE_MAX / sizeof *items
                ? realloc(e->items, room * sizeof *items) : NULL;
        if (items == NULL) {
            free(copy);
            mv_value_clear(value);
            return -1;
        }
        e->items = items;
        e->room = room;
    }
    e->items[e->len].name = copy;
    e->items[e->len].value = *value;
    *value = mv_none();
    e->len++;
    return 0;
}

void env_drop(env *e, const char *name)
{
    for (size_t i = 0; i < e->len; i++) {
        if (strcmp(e->items[i].name, name) == 0) {
            free(e->items[i].name);
            mv_value_clear(&e->items[i].value);
            memmove(&e->items[i], &e->items[i + 1],
                    (e->len - i - 1) * sizeof *e->items);
            e->len--;
            return;
        }
    }
}

void env_clear(env *e)
{
    /* last bound first: later names may be views of earlier ones, and
       either order is safe, but this one frees views before exporters */
    while (e->len > 0) {
        e->len--;
        free(e->items[e->len].name);
        mv_value_clear(&e->items[e->len].value);
    }
    free(e->items);
    e->items = NULL;
    e->room = 0;
}

/* ---- decoding ----------------------------------------------------------- */

static int malformed(problem *p, const char *what)
{
    p->status = STEP_MALFORMED;
    snprintf(p->text, sizeof p->text, "not a protocol value: %s", what);
    return -1;
}

static int out_of_memory(problem *p)
{
    p->status = STEP_UNSUPPORTED;
    snprintf(p->text, sizeof p->text, "driver out of memory");
    return -1;
}

/* A value the library could not make: out of memory (the allocation check
   fails one on purpose), which is the step's MemoryError, or not
   modelled. */
static int from_library(problem *p, const mv_error *err)
{
    p->status = err->failure == MV_RAISED ? STEP_RAISED : STEP_UNSUPPORTED;
    p->err = *err;
    snprintf(p->text, sizeof p->text, "%s", err->message);
    return -1;
}

static int hex_digit(char c)
{
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

static int decode_bytes(const char *hex, mv_value *out, problem *p)
{
    size_t n = strlen(hex);
    unsigned char *buf;
    mv_error err;
    int status;

    if (n % 2)
        return malformed(p, "odd number of hex digits");
    buf = malloc(n / 2 + 1);
    if (buf == NULL)
        return out_of_memory(p);
    for (size_t i = 0; i < n / 2; i++) {
        int hi = hex_digit(hex[2 * i]), lo = hex_digit(hex[2 * i + 1]);
        if (hi < 0 || lo < 0) {
            free(buf);
            return malformed(p, "bad hex digit");
        }
        buf[i] = (unsigned char)(hi << 4 | lo);
    }
    status = mv_bytes_new(out, buf, n / 2, &err);
    free(buf);
    return status < 0 ? from_library(p, &err) : 0;
}

static int decode_float(const json_t *j, mv_value *out, problem *p)
{
    const json_t *text = json_object_get(j, "float");
    const json_t *bits = json_object_get(j, "bits");
    const char *s, *end;
    char *stop;
    uint64_t u = 0;
    double d;

    if (!json_is_string(text))
        return malformed(p, "float without text");
    if (bits != NULL) {
        if (!json_is_string(bits) || strlen(json_string_value(bits)) != 16)
            return malformed(p, "float bits");
        for (s = json_string_value(bits); *s; s++) {
            if (hex_digit(*s) < 0)
                return malformed(p, "float bits");
            u = u << 4 | (uint64_t)hex_digit(*s);
        }
        memcpy(&d, &u, sizeof d);
        *out = mv_float(d);
        return 0;
    }
    s = json_string_value(text);
    d = strtod(s, &stop);
    end = stop;
    if (end == s || *end != '\0')
        return malformed(p, "float text");
    *out = mv_float(d);
    return 0;
}

static int decode_seq(const json_t *items, mv_kind kind, const env *e,
                      mv_value *out, problem *p)
{
    mv_error err;
    size_t n = json_array_size(items);

    if (!json_is_array(items) || (kind == MV_SLICE && n != 3))
        return malformed(p, "sequence");
    if (mv_seq_new(out, kind, n, &err) < 0)
        return from_library(p, &err);
    for (size_t i = 0; i < n; i++) {
        if (decode_value(json_array_get(items, i), e, &out->as.seq.items[i],
                         p) < 0) {
            mv_value_clear(out);
            return -1;
        }
    }
    return 0;
}

int decode_value(const json_t *j, const env *e, mv_value *out, problem *p)
{
    mv_error err;
    const json_t *x;
    int status;

    *out = mv_none();
    if (j == NULL)   /* a field the case left out: a method's `returns` */
        return malformed(p, "a value missing");
    switch (json_typeof(j)) {
    case JSON_NULL: return 0;
    case JSON_TRUE: *out = mv_bool(true); return 0;
    case JSON_FALSE: *out = mv_bool(false); return 0;
    case JSON_INTEGER:
        *out = mv_int_from_i64(json_integer_value(j));
        return 0;
    case JSON_STRING:
        if (mv_str_new(out, json_string_value(j), json_string_length(j),
                       &err) < 0)
            return from_library(p, &err);
        return 0;
    case JSON_ARRAY:
        return decode_seq(j, MV_LIST, e, out, p);
    case JSON_OBJECT:
        break;
    default:
        return malformed(p, "a JSON real (floats are {\"float\": ...})");
    }
    if ((x = json_object_get(j, "int")) != NULL) {
        if (!json_is_string(x) && !json_is_integer(x))
            return malformed(p, "int");
        if (json_is_integer(x)) {
            *out = mv_int_from_i64(json_integer_value(x));
            return 0;
        }
        return mv_int_from_text(out, json_string_value(x), &err) < 0
                   ? from_library(p, &err) : 0;
    }
    if (json_object_get(j, "float") != NULL)
        return decode_float(j, out, p);
    if ((x = json_object_get(j, "bytes")) != NULL) {
        if (!json_is_string(x))
            return malformed(p, "bytes");
        return decode_bytes(json_string_value(x), out, p);
    }
    if ((x = json_object_get(j, "tuple")) != NULL)
        return decode_seq(x, MV_TUPLE, e, out, p);
    if ((x = json_object_get(j, "slice")) != NULL)
        return decode_seq(x, MV_SLICE, e, out, p);
    if (json_object_get(j, "ellipsis") != NULL) {
        *out = mv_ellipsis();
        return 0;
    }
    if ((status = pyobject_decode(j, e, out, p)) != 1)
        return status;
    if ((x = json_object_get(j, "ref")) != NULL) {
        if (!json_is_string(x))
            return malformed(p, "ref");
        const mv_value *bound = env_lookup(e, json_string_value(x));
        if (bound == NULL) {
            p->status = STEP_UNBOUND;
            snprintf(p->text, sizeof p->text, "%s", json_string_value(x));
            return -1;
        }
        if (bound->kind == MV_OPAQUE) {   /* known by name only: unusable */
            p->status = STEP_UNSUPPORTED;
            snprintf(p->text, sizeof p->text, "a %s as an operand",
                     bound->as.str.data);
            return -1;
        }
        if (mv_value_copy(out, bound, &err) < 0)
            return from_library(p, &err);
        return 0;
    }
    return malformed(p, "unknown object");
}

/* ---- encoding ------------------------------------------------------------ */

/* Add delta (+1 or -1) to the last digit of a digit string, with carry;
   false when the string would change length. */
static bool step_digits(char *digits, int nd, int delta)
{
    for (int i = nd - 1; i >= 0; i--) {
        int c = digits[i] - '0' + delta;
        if (c >= 0 && c <= 9) {
            digits[i] = (char)('0' + c);
            return !(i == 0 && c == 0);
        }
        digits[i] = delta > 0 ? '0' : '9';
    }
    return false;
}

/* The prec-digit string (and decimal exponent) that reads back as d > 0,
   the one nearest d if two do, into digits; its length, or 0 (digits
   untouched) if none of prec digits reads back.  printf rounds the exact
   value, which at a tie or near a power of two can miss a string of the
   same length that reads back, so both neighbours of its answer are
   tried too. */
static int digits_at(double d, int prec, char *digits, int *exp)
{
    char tmp[40], printed[24], cand[24];
    long double best_dist = 0;
    int nd = 0, e, found = 0;

    snprintf(tmp, sizeof tmp, "%.*e", prec - 1, d);
    for (char *c = tmp; *c && *c != 'e'; c++)
        if (*c >= '0' && *c <= '9')
            printed[nd++] = *c;
    printed[nd] = '\0';
    e = atoi(strchr(tmp, 'e') + 1);
    for (int delta = 0; delta <= 2; delta++) {
        int dd = delta == 2 ? -1 : delta;
        long double dist;
        memcpy(cand, printed, (size_t)nd + 1);
        if (dd != 0 && !step_digits(cand, nd, dd))
            continue;
        snprintf(tmp, sizeof tmp, "%c.%se%d", cand[0], cand + 1, e);
        if (strtod(tmp, NULL) != d)
            continue;
        /* of two that read back, repr() prints the one nearer d */
        dist = fabsl(strtold(tmp, NULL) - (long double)d);
        if (!found || dist < best_dist) {
            memcpy(digits, cand, (size_t)nd + 1);
            *exp = e;
            best_dist = dist;
            found = nd;
        }
    }
    return found;
}

/* The shortest digits (and decimal exponent) that read back as d > 0:
   what Python's repr() prints.  A string that reads back still does with
   a zero appended, so the lengths that work are all those from the
   shortest up to 17 (printf's 17 digits always do).  Rather than try each
   length from 1, gallop up (1, 2, 4, 8, 16, 17) and then bisect: half the
   floats in the suite need 16 or 17 digits. */
static int shortest_digits(double d, char *digits, int *exp)
{
    int fails = 0, works = 1, nd;   /* a length that fails, one that works */

    while ((nd = digits_at(d, works, digits, exp)) == 0) {
        assert(works < 17);
        fails = works;
        works = works < 16 ? 2 * works : 17;
    }
    /* digits holds the answer for `works`: only a success writes it */
    while (works - fails > 1) {
        int mid = (fails + works) / 2, n = digits_at(d, mid, digits, exp);
        if (n > 0) {
            works = mid;
            nd = n;
        } else {
            fails = mid;
        }
    }
    return nd;
}

/* Python's repr() of a finite double, into buf. */
static void float_repr(double d, char *buf, size_t size)
{
    char digits[24];
    int exp = 0, nd;

    if (d == 0) {
        snprintf(buf, size, signbit(d) ? "-0.0" : "0.0");
        return;
    }
    nd = shortest_digits(fabs(d), digits, &exp);
    while (nd > 1 && digits[nd - 1] == '0')
        digits[--nd] = '\0';
    {
        char *o = buf;
        size_t left = size;
        int w;
#define PUT(...) do { w = snprintf(o, left, __VA_ARGS__); o += w; left -= (size_t)w; } while (0)
        if (d < 0)
            PUT("-");
        if (exp >= -4 && exp < 16) {
            if (exp < 0) {
                PUT("0.");
                for (int i = 0; i < -exp - 1; i++)
                    PUT("0");
                PUT("%s", digits);
            } else {
                for (int i = 0; i <= exp; i++)
                    PUT("%c", i < nd ? digits[i] : '0');
                PUT(".");
                if (nd > exp + 1)
                    PUT("%s", digits + exp + 1);
                else
                    PUT("0");
            }
        } else {
            PUT("%c", digits[0]);
            if (nd > 1)
                PUT(".%s", digits + 1);
            PUT("e%c%02d", exp < 0 ? '-' : '+', exp < 0 ? -exp : exp);
        }
#undef PUT
    }
}

static void encode_float(text *t, double d)
{
    char repr[64];
    uint64_t u;

    if (isnan(d)) {
        memcpy(&u, &d, sizeof u);
        snprintf(repr, sizeof repr, "%016" PRIx64, u);
        text_put(t, "{\"float\":\"nan\",\"bits\":\"");
        text_put(t, repr);
        text_put(t, "\"}");
        return;
    }
    if (isinf(d)) {
        text_put(t, d < 0 ? "{\"float\":\"-inf\"}" : "{\"float\":\"inf\"}");
        return;
    }
    float_repr(d, repr, sizeof repr);
    text_put(t, "{\"float\":\"");
    text_put(t, repr);   /* digits, '.', '-', 'e', '+': nothing to escape */
    text_put(t, "\"}");
}

/* A JSON integer when it fits in 64 bits, as readers expect, else its
   digits as text. */
static void encode_int(text *t, const mv_int *i)
{
    if (!i->huge && i->negative && i->magnitude == (uint64_t)INT64_MAX + 1) {
        text_int(t, INT64_MIN);
        return;
    }
    if (!i->huge && i->magnitude <= (uint64_t)INT64_MAX) {
        text_int(t, i->negative ? -(long long)i->magnitude
                                : (long long)i->magnitude);
        return;
    }
    text_put(t, "{\"int\":\"");
    if (i->huge) {   /* its text may be longer than any buffer here */
        if (i->negative)
            text_put(t, "-");
        text_put(t, i->digits);
    } else {
        char digits[64];
        text_put(t, mv_int_text(i, digits, sizeof digits));
    }
    text_put(t, "\"}");
}

static void encode_bytes(text *t, const unsigned char *data, size_t len)
{
    text_put(t, "{\"bytes\":\"");
    text_hex(t, data, len);
    text_put(t, "\"}");
}

static void encode_items(text *t, const mv_value *v, const env *e)
{
    text_put(t, "[");
    for (size_t i = 0; i < v->as.seq.len; i++) {
        if (i > 0)
            text_put(t, ",");
        encode_value(t, &v->as.seq.items[i], e);
    }
    text_put(t, "]");
}

/* {"key":"s"}, for the encodings that are one string in an object */
static void encode_tagged(text *t, const char *key, const char *s)
{
    text_put(t, "{\"");
    text_put(t, key);
    text_put(t, "\":");
    text_string(t, s, strlen(s));
    text_put(t, "}");
}

/* The first name bound to this very object, or NULL. */
static const char *name_of(const mv_value *v, const env *e)
{
    for (size_t i = 0; i < e->len; i++) {
        const mv_value *b = &e->items[i].value;
        if (b->kind == v->kind
            && ((v->kind == MV_OBJECT && b->as.object == v->as.object)
                || (v->kind == MV_HOST && b->as.host.obj == v->as.host.obj)
                || v->kind == MV_ELLIPSIS))
            return e->items[i].name;
    }
    return NULL;
}

void encode_value(text *t, const mv_value *v, const env *e)
{
    const char *name;
    const unsigned char *data;
    size_t len;

    switch (v->kind) {
    case MV_NONE: text_put(t, "null"); return;
    case MV_BOOL: text_put(t, v->as.boolean ? "true" : "false"); return;
    case MV_INT: encode_int(t, &v->as.integer); return;
    case MV_FLOAT: encode_float(t, v->as.real); return;
    case MV_STR: text_string(t, v->as.str.data, v->as.str.len); return;
    case MV_BYTES: encode_bytes(t, v->as.bytes.data, v->as.bytes.len); return;
    case MV_LIST: encode_items(t, v, e); return;
    case MV_TUPLE:
        text_put(t, "{\"tuple\":");
        encode_items(t, v, e);
        text_put(t, "}");
        return;
    case MV_OPAQUE: encode_tagged(t, "object", v->as.str.data); return;
    default:
        break;
    }
    /* a bytes object is a bytes value, whatever its name; reading it
       allocates nothing in the library, which the allocation check fails */
    if (mv_bytes_of(v, &data, &len)) {
        encode_bytes(t, data, len);
        return;
    }
    name = name_of(v, e);
    if (name != NULL)
        encode_tagged(t, "ref", name);
    else
        encode_tagged(t, "object", mv_type_name(v));
}
