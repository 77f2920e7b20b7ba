/*
 * value.c -- the Python values that flow in and out of the library.
 *
 * A memoryview is fed Python objects (keys, items to store, arguments) and
 * answers with Python objects (items, lists, bytes, new views).  mv_value
 * models just the types that appear there: None, bool, int, float, str,
 * bytes, list, tuple, slice, Ellipsis, and references to the objects of
 * this library (exporters and views).  Any other object is the host's
 * (MV_HOST): a reference to it, and the host's functions for the few
 * questions a view asks of it (mvref.h, section 10; abstract.c asks).
 *
 * Ints deserve a word.  A memoryview never stores more than 64 bits, but
 * Python hands it ints of any size, and the size decides the error:
 * m[2**64] is an IndexError, m[0] = 2**64 a ValueError.  So an mv_int is
 * exact up to 2**64 (a sign and a 64-bit magnitude) and beyond that keeps
 * only its sign and decimal text, enough to print it and to know it fits
 * nothing.
 *
 * Ownership: a value owns its strings, bytes and items, and one reference to
 * its object.  mv_value_clear() gives all of that back and leaves MV_NONE.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "mvint.h"
#include "refcount.h"
#include "value.h"

/* ---- constructors that cannot fail -------------------------------- */

mv_value mv_object_value(mv_object *obj)
{
    mv_object_incref(obj);
    return mv_object_owned(obj);
}

mv_value mv_host_value(const mv_host *host, void *obj)
{
    mv_value v = mv_none();

    host->incref(obj);
    v.kind = MV_HOST;
    v.as.host.host = host;
    v.as.host.obj = obj;
    return v;
}

/* ---- constructors that allocate ----------------------------------- */

int mv_str_new(mv_value *out, const char *data, size_t len, mv_error *err)
{
    char *copy = mv_alloc(len + 1);
    if (copy == NULL)
        return mv_no_memory(err);
    memcpy(copy, data, len);
    copy[len] = '\0';   /* for convenience; len counts, NULs may be inside */
    *out = mv_none();
    out->kind = MV_STR;
    out->as.str.data = copy;
    out->as.str.len = len;
    return 0;
}

int mv_bytes_new(mv_value *out, const unsigned char *data, size_t len,
                 mv_error *err)
{
    unsigned char *copy = mv_alloc(len);
    if (copy == NULL)
        return mv_no_memory(err);
    if (len > 0)
        memcpy(copy, data, len);
    *out = mv_none();
    out->kind = MV_BYTES;
    out->as.bytes.data = copy;
    out->as.bytes.len = len;
    return 0;
}

/* len zero bytes, to be filled in. */
int mv_bytes_zeroed(mv_value *out, size_t len, mv_error *err)
{
    unsigned char *data = mv_alloc_zeroed(len, 1);

    if (data == NULL)
        return mv_no_memory(err);
    *out = mv_none();
    out->kind = MV_BYTES;
    out->as.bytes.data = data;
    out->as.bytes.len = len;
    return 0;
}

/* TOBYTES-001, HEX-001, fast: a new bytes (MV_BYTES) or ASCII str
   (MV_STR) of len bytes, at *data for the caller to fill in; made by the
   host when it allocates (mvref.h, section 9), so that what the caller
   writes is the very object the host hands its program. */
int mv_text_new(mv_value *out, mv_kind kind, size_t len, unsigned char **data,
                mv_error *err)
{
    void *host = NULL;
    unsigned char *p;

    assert(kind == MV_BYTES || kind == MV_STR);
    if (MV_FAST() && mv_host_allocates()) {
        host = mv_alloc_host(kind, len, &p);
        if (host == NULL)
            return mv_no_memory(err);
    } else {
        p = mv_alloc(len + 1);
        if (p == NULL)
            return mv_no_memory(err);
        p[len] = '\0';   /* as mv_str_new ends a str */
    }
    *out = mv_none();
    out->kind = kind;
    if (kind == MV_BYTES) {
        out->as.bytes.data = p;
        out->as.bytes.len = len;
        out->as.bytes.host = host;
    } else {
        out->as.str.data = (char *)p;
        out->as.str.len = len;
        out->as.str.host = host;
    }
    *data = p;
    return 0;
}

int mv_seq_new(mv_value *out, mv_kind kind, size_t len, mv_error *err)
{
    mv_value *items;
    size_t i;

    assert(kind == MV_LIST || kind == MV_TUPLE || kind == MV_SLICE);
    assert(kind != MV_SLICE || len == 3);
    items = len <= SIZE_MAX / sizeof *items ? mv_alloc(len * sizeof *items)
                                             : NULL;
    if (items == NULL)
        return mv_no_memory(err);
    for (i = 0; i < len; i++)
        items[i] = mv_none();
    *out = mv_none();
    out->kind = kind;
    out->as.seq.items = items;
    out->as.seq.len = len;
    out->as.seq.room = len;
    return 0;
}

int mv_list_append(mv_value *list, mv_value *item, mv_error *err)
{
    /* Room doubles when full, so that a list of n items costs n moves at
       most (list(m) of a long view; the fuzzer found one of millions of
       items growing one by one, each realloc a copy under ASan) -- or
       by an eighth where the budget has no more (mv_alloc_room), so
       that a list is refused for room it did not need only within an
       eighth of the limit. */
    size_t n = list->as.seq.len;
    size_t room = list->as.seq.room;
    mv_value *items = list->as.seq.items;

    assert(list->kind == MV_LIST);
    if (n >= room) {
        if (NEVER(n > SIZE_MAX / (4 * sizeof *items))) {   /* held */
            mv_value_clear(item);
            return mv_no_memory(err);
        }
        room = mv_alloc_room(items, (n + 1) * sizeof *items,
                             (n < 2 ? 4 : 2 * n) * sizeof *items)
               / sizeof *items;
        items = mv_realloc(items, room * sizeof *items);
        if (items == NULL) {
            mv_value_clear(item);
            return mv_no_memory(err);
        }
        list->as.seq.items = items;
        list->as.seq.room = room;
    }
    items[n] = *item;
    *item = mv_none();
    list->as.seq.len = n + 1;
    return 0;
}

/* Decimal text to an int ("-123", as Python's str() writes ints): exact
   below 2**64, "huge" text above. */
int mv_int_from_text(mv_value *out, const char *text, mv_error *err)
{
    bool negative = text[0] == '-';
    const char *digits = text + negative;
    uint64_t mag = 0;
    bool huge = false;

    if (digits[0] == '\0' || strspn(digits, "0123456789") != strlen(digits))
        return mv_unsupported(err, "int text '%s'", text);
    for (const char *q = digits; *q; q++) {
        unsigned d = (unsigned)(*q - '0');
        huge = huge || mag > (UINT64_MAX - d) / 10;
        mag = mag * 10 + d;   /* meaningless once huge, and then unused */
    }
    *out = mv_none();
    out->kind = MV_INT;
    out->as.integer.negative = negative && (huge || mag != 0);
    out->as.integer.huge = huge;
    out->as.integer.magnitude = huge ? 0 : mag;
    if (huge) {
        out->as.integer.digits = mv_strdup(digits);
        if (out->as.integer.digits == NULL) {
            *out = mv_none();
            return mv_no_memory(err);
        }
    }
    return 0;
}

const char *mv_int_text(const mv_int *i, char *buf, size_t size)
{
    if (i->huge) {
        snprintf(buf, size, "%s%s", i->negative ? "-" : "", i->digits);
        return buf;
    }
    snprintf(buf, size, "%s%llu", i->negative ? "-" : "",
             (unsigned long long)i->magnitude);
    return buf;
}

/* ---- ownership ---------------------------------------------------- */

void mv_value_clear(mv_value *v)
{
    size_t i;

    switch (v->kind) {
    case MV_INT:
        if (v->as.integer.digits != NULL)   /* only when huge */
            mv_free(v->as.integer.digits);
        break;
    case MV_STR: case MV_OPAQUE:
        if (v->as.str.host != NULL)
            mv_free_host(v->as.str.host);
        else
            mv_free(v->as.str.data);
        break;
    case MV_BYTES:
        if (v->as.bytes.host != NULL)
            mv_free_host(v->as.bytes.host);
        else
            mv_free(v->as.bytes.data);
        break;
    case MV_LIST: case MV_TUPLE: case MV_SLICE:
        for (i = 0; i < v->as.seq.len; i++)
            mv_value_clear(&v->as.seq.items[i]);
        mv_free(v->as.seq.items);
        break;
    case MV_OBJECT:
        mv_object_decref(v->as.object);
        break;
    case MV_HOST:
        v->as.host.host->decref(v->as.host.obj);
        break;
    default:
        break;
    }
    *v = mv_none();
}

int mv_value_copy(mv_value *dst, const mv_value *src, mv_error *err)
{
    size_t i;

    switch (src->kind) {
    case MV_INT:
        *dst = *src;
        if (src->as.integer.huge) {
            dst->as.integer.digits = mv_strdup(src->as.integer.digits);
            if (dst->as.integer.digits == NULL) {
                *dst = mv_none();
                return mv_no_memory(err);
            }
        }
        return 0;
    case MV_STR: case MV_OPAQUE:
        if (mv_str_new(dst, src->as.str.data, src->as.str.len, err) < 0)
            return -1;
        dst->kind = src->kind;
        return 0;
    case MV_BYTES:
        return mv_bytes_new(dst, src->as.bytes.data, src->as.bytes.len, err);
    case MV_LIST: case MV_TUPLE: case MV_SLICE:
        if (mv_seq_new(dst, src->kind, src->as.seq.len, err) < 0)
            return -1;
        for (i = 0; i < src->as.seq.len; i++) {
            if (mv_value_copy(&dst->as.seq.items[i], &src->as.seq.items[i],
                              err) < 0) {
                mv_value_clear(dst);
                return -1;
            }
        }
        return 0;
    case MV_OBJECT:
        *dst = mv_object_value(src->as.object);
        return 0;
    case MV_HOST:
        *dst = mv_host_value(src->as.host.host, src->as.host.obj);
        return 0;
    default:
        *dst = *src;
        return 0;
    }
}

/* ---- names -------------------------------------------------------- */

static const char *const kind_names[] = {
    "NoneType", "bool", "int", "float", "str", "bytes",
    "list", "tuple", "slice", "ellipsis", "object", "object", "object"
};

const char *mv_type_name(const mv_value *v)
{
    if (v->kind == MV_OPAQUE)
        return v->as.str.data;
    if (v->kind == MV_OBJECT)
        return mv_object_name(v->as.object, false);
    if (v->kind == MV_HOST)
        return v->as.host.host->type_name(v->as.host.obj, false);
    return kind_names[v->kind];
}

const char *mv_type_qualname(const mv_value *v)
{
    if (v->kind == MV_OBJECT)
        return mv_object_name(v->as.object, true);
    if (v->kind == MV_HOST)
        return v->as.host.host->type_name(v->as.host.obj, true);
    return mv_type_name(v);
}

/* ---- ints as indices and as C numbers ----------------------------- */

bool mv_is_index(const mv_value *v)
{
    return v->kind == MV_INT || v->kind == MV_BOOL;
}

bool mv_int_to_i64(const mv_value *v, int64_t *out)
{
    const mv_int *i;

    if (v->kind == MV_BOOL) {
        *out = v->as.boolean;
        return true;
    }
    assert(v->kind == MV_INT);
    i = &v->as.integer;
    if (i->huge)
        return false;
    if (i->negative) {
        if (i->magnitude > (uint64_t)INT64_MAX + 1)
            return false;
        *out = i->magnitude == (uint64_t)INT64_MAX + 1
                   ? INT64_MIN : -(int64_t)i->magnitude;
        return true;
    }
    if (i->magnitude > (uint64_t)INT64_MAX)
        return false;
    *out = (int64_t)i->magnitude;
    return true;
}

bool mv_int_to_u64(const mv_value *v, uint64_t *out)
{
    if (v->kind == MV_BOOL) {
        *out = v->as.boolean;
        return true;
    }
    assert(v->kind == MV_INT);
    if (v->as.integer.huge || v->as.integer.negative)
        return false;
    *out = v->as.integer.magnitude;
    return true;
}

/* PyNumber_AsSsize_t(v, overflow_type): the key of m[v], an argument n. */
int mv_as_ssize(const mv_config *cfg, const mv_value *v,
                const char *overflow_type, const char *rule, mv_ssize *out,
                mv_error *err)
{
    int64_t i;
    mv_ssize max = cfg->platform.ssize_max;

    if (!mv_is_index(v))
        return mv_raise(err, rule, "TypeError",
                        "'%.200s' object cannot be interpreted as an integer",
                        mv_type_qualname(v));
    if (!mv_int_to_i64(v, &i) || i > max || i < -max - 1)
        return mv_raise(err, rule, overflow_type,
                        "cannot fit 'int' into an index-sized integer");
    *out = i;
    return 0;
}

/* PyFloat_AsDouble for a float, int or bool. */
int mv_as_double(const mv_value *v, double *out, mv_error *err)
{
    const mv_int *i;

    assert(v->kind == MV_FLOAT || mv_is_index(v));
    switch (v->kind) {
    case MV_FLOAT:
        *out = v->as.real;
        return 0;
    case MV_BOOL:
        *out = v->as.boolean;
        return 0;
    default:
        i = &v->as.integer;
        if (!i->huge) {
            /* C rounds to nearest, ties to even: as int.__float__ does */
            *out = (double)i->magnitude;
        } else {
            /* strtod rounds a decimal string correctly and says ERANGE
               exactly when the rounded value would not be finite */
            errno = 0;
            *out = strtod(i->digits, NULL);
            if (errno == ERANGE)
                return mv_raise(err, NULL, "OverflowError",
                                "int too large to convert to float");
        }
        if (i->negative)
            *out = -*out;
        return 0;
    }
}

/* The code point of UTF-8 text at byte i, moving i past it: a lead byte
   says how many continuation bytes follow.  A str holds valid UTF-8
   (mvref.h), so a sequence is never cut short. */
static uint32_t decode(const unsigned char *p, size_t *i)
{
    uint32_t cp = p[(*i)++];
    int extra = cp >= 0xF0 ? 3 : cp >= 0xE0 ? 2 : cp >= 0xC0 ? 1 : 0;

    if (extra > 0)
        cp &= 0x3Fu >> extra;
    for (; extra > 0; extra--)
        cp = cp << 6 | (p[(*i)++] & 0x3Fu);
    return cp;
}

/* The code points of a str; n of them at most are stored in out. */
size_t mv_str_code_points(const mv_value *s, uint32_t *out, size_t n)
{
    const unsigned char *p = (const unsigned char *)s->as.str.data;
    size_t i = 0, k = 0;

    assert(s->kind == MV_STR);
    for (; i < s->as.str.len; k++) {
        uint32_t cp = decode(p, &i);
        if (k < n)
            out[k] = cp;
    }
    return k;
}

/* The position of the first code point of a str beyond ASCII, setting
   *cp; -1 when it is all ASCII. */
long mv_str_non_ascii(const mv_value *s, uint32_t *cp)
{
    const unsigned char *p = (const unsigned char *)s->as.str.data;
    size_t i = 0;

    for (long k = 0; i < s->as.str.len; k++)
        if ((*cp = decode(p, &i)) > 127)
            return k;
    return -1;
}

/* a is b, for objects, the library's or the host's; a plain value is no
   object. */
bool mv_same_object(const mv_value *a, const mv_value *b)
{
    if (a->kind == MV_HOST && b->kind == MV_HOST)
        return a->as.host.obj == b->as.host.obj;
    return a->kind == MV_OBJECT && b->kind == MV_OBJECT
           && a->as.object == b->as.object;
}
