/*
 * text.c -- JSON text, written straight into one growing buffer.
 *
 * A result line's shape is fixed by the protocol, so the driver writes it
 * as text while it runs the case, instead of building a jansson tree of
 * it and dumping that: the tree took a dozen small allocations per
 * outcome, each made only to be freed a moment later, and was most of
 * what answering a case cost.  A buffer is kept from case to case and
 * only ever grows, so a run soon stops allocating for its output at all.
 *
 * A text records its own failure, as a stdio stream records an error:
 * running out of memory, or being given a string that is not UTF-8 (JSON
 * text must be, and jansson refused such strings too), marks it failed;
 * later writes do nothing, and whoever finishes the line looks once
 * instead of after every call.
 *
 *     text t = TEXT_EMPTY;
 *     text_put(&t, "{\"id\":");
 *     text_string(&t, id, strlen(id));
 *     text_put(&t, "}");
 *     if (!t.failed)
 *         fwrite(t.data, 1, t.len, stdout);
 *     text_free(&t);
 */
#include <assert.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "driver.h"

/* Room for n more bytes; false (and the text failed) if there is none. */
static bool reserve(text *t, size_t n)
{
    size_t cap = t->cap ? t->cap : 256;
    char *bigger;

    if (t->failed)
        return false;
    if (n > TEXT_BYTES - t->len) {
        t->failed = t->too_long = true;
        return false;
    }
    if (n <= t->cap - t->len)
        return true;
    while (cap - t->len < n) {
        if (cap > SIZE_MAX / 2) {
            t->failed = true;
            return false;
        }
        cap *= 2;
    }
    bigger = realloc(t->data, cap);
    if (bigger == NULL) {
        t->failed = true;
        return false;
    }
    t->data = bigger;
    t->cap = cap;
    return true;
}

void text_putn(text *t, const char *s, size_t n)
{
    if (n > 0 && reserve(t, n)) {   /* n == 0: data may still be NULL */
        memcpy(t->data + t->len, s, n);
        t->len += n;
    }
}

void text_put(text *t, const char *s)
{
    text_putn(t, s, strlen(s));
}

/* Decimal digits by hand: an outcome is often a list of many ints, and
   snprintf's format parsing cost more than the digits themselves. */
void text_int(text *t, long long v)
{
    char digits[24], *d = digits + sizeof digits;
    /* the magnitude as unsigned, so that LLONG_MIN negates safely */
    unsigned long long m = v < 0 ? 0 - (unsigned long long)v
                                 : (unsigned long long)v;

    do {
        *--d = (char)('0' + m % 10);
        m /= 10;
    } while (m != 0);
    if (v < 0)
        *--d = '-';
    text_putn(t, d, (size_t)(digits + sizeof digits - d));
}

void text_hex(text *t, const unsigned char *data, size_t len)
{
    static const char hex[] = "0123456789abcdef";

    if (len > SIZE_MAX / 2 || !reserve(t, 2 * len))
        return;
    for (size_t i = 0; i < len; i++) {
        t->data[t->len++] = hex[data[i] >> 4];
        t->data[t->len++] = hex[data[i] & 0xf];
    }
}

/* The length of the UTF-8 sequence that starts at p (1 to 4), or 0 when
   it is not one JSON text may hold: a stray continuation byte, a sequence
   cut short, an overlong form, a surrogate, or a code point beyond
   U+10FFFF -- exactly what jansson refused. */
static size_t utf8_length(const unsigned char *p, const unsigned char *end)
{
    size_t size;
    unsigned long cp;

    if (p[0] < 0x80)
        return 1;
    if (p[0] < 0xC2)    /* continuation byte, or overlong 2-byte lead */
        return 0;
    size = p[0] < 0xE0 ? 2 : p[0] < 0xF0 ? 3 : p[0] < 0xF5 ? 4 : 0;
    if (size == 0 || (size_t)(end - p) < size)
        return 0;
    cp = p[0] & (0x7Fu >> size);   /* the lead byte's payload bits */
    for (size_t i = 1; i < size; i++) {
        if ((p[i] & 0xC0) != 0x80)
            return 0;
        cp = cp << 6 | (p[i] & 0x3F);
    }
    if ((size == 3 && cp < 0x800) || (size == 4 && cp < 0x10000)
        || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
        return 0;
    return size;
}

/* The escape of an ASCII character JSON forbids raw in a string, into o
   (6 bytes at most); its length.  The forms are jansson's, so that a
   line reads as it always has. */
static size_t escape(char *o, unsigned char c)
{
    const char *form = c == '"' ? "\\\"" : c == '\\' ? "\\\\"
                     : c == '\b' ? "\\b" : c == '\f' ? "\\f"
                     : c == '\n' ? "\\n" : c == '\r' ? "\\r"
                     : c == '\t' ? "\\t" : NULL;

    if (form != NULL) {
        memcpy(o, form, 2);
        return 2;
    }
    assert(c < 0x20);
    snprintf(o, 7, "\\u%04X", c);
    return 6;
}

void text_string(text *t, const char *s, size_t n)
{
    const unsigned char *p = (const unsigned char *)s, *end = p + n;
    char *o;

    /* the worst case: every byte a 6-byte escape, and two quotes */
    if (n > (SIZE_MAX - 2) / 6 || !reserve(t, 6 * n + 2))
        return;
    o = t->data + t->len;
    *o++ = '"';
    while (p < end) {
        size_t size = utf8_length(p, end);
        if (size == 0) {
            t->failed = true;
            return;
        }
        if (size == 1 && (*p < 0x20 || *p == '"' || *p == '\\')) {
            o += escape(o, *p);
        } else {
            memcpy(o, p, size);
            o += size;
        }
        p += size;
    }
    *o++ = '"';
    t->len = (size_t)(o - t->data);
}

size_t text_mark(const text *t)
{
    assert(!t->failed);   /* rewinding to it would hide the failure */
    return t->len;
}

void text_rewind(text *t, size_t mark)
{
    assert(mark <= t->len);   /* a failed write leaves len as it was */
    t->len = mark;
    t->failed = t->too_long = false;
}

void text_free(text *t)
{
    free(t->data);
    *t = (text)TEXT_EMPTY;
}
