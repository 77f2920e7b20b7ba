/*
 * layout.c -- what the checker and the ndarray need to know of a layout:
 * its number of items, its address range, its contiguity; and how to read
 * its items without ever touching memory that is not there.
 *
 * A layout addresses item (i0, ..., in-1) at
 *
 *     p = buf;  for each dimension d:  p += id * strides[d];
 *                                      if suboffsets[d] >= 0:
 *                                          p = *(char **)p + suboffsets[d];
 *
 *       buf ──▶ ┌──────┬──────┐      (suboffsets[0] = 0: the first dimension
 *               │ ptr0 │ ptr1 │       is an array of pointers, each to a row)
 *               └──┬───┴──┬───┘
 *                  ▼      ▼
 *               [row 0] [row 1]    rows anywhere in memory
 *
 * An exporter under test may describe memory it does not have (a wrong
 * stride, a wrong length, a pointer to nowhere).  So nothing here reads a
 * byte the probe has not first found readable: a wrong layout is reported,
 * never a crash.
 */
#include "exporter.h"     /* Python.h first: it sets the feature macros */

#include <errno.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>

/* ---- numbers ------------------------------------------------------------ */

Py_ssize_t mvx_nitems(const mvx_layout *l)
{
    Py_ssize_t n = 1;

    for (int d = 0; d < l->ndim; d++)
        if (__builtin_mul_overflow(n, l->shape[d], &n))
            return -1;
    return n;
}

void mvx_contiguous_strides(int ndim, const Py_ssize_t *shape,
                            Py_ssize_t itemsize, char order,
                            Py_ssize_t *strides)
{
    Py_ssize_t step = itemsize;

    for (int k = 0; k < ndim; k++) {
        int d = order == 'C' ? ndim - 1 - k : k;
        strides[d] = step;
        step *= shape[d];     /* 0 after a dimension of length 0, as CPython's */
    }
}

/* The strides of order `order` are those of the layout, ignoring
   dimensions of length 1 (any stride walks the one item they have). */
static bool strides_are(const mvx_layout *l, char order)
{
    Py_ssize_t want[MVX_LAYOUT_NDIM];

    mvx_contiguous_strides(l->ndim, l->shape, l->itemsize, order, want);
    for (int d = 0; d < l->ndim; d++)
        if (l->shape[d] > 1 && l->strides[d] != want[d])
            return false;
    return true;
}

bool mvx_is_contiguous(const mvx_layout *l, char order)
{
    if (l->has_suboffsets)
        return false;
    if (!l->has_strides || !l->has_shape)
        return true;           /* no strides: C order, by definition */
    if (mvx_nitems(l) == 0)
        return true;           /* no item: nothing can be out of order */
    if (order == 'A')
        return strides_are(l, 'C') || strides_are(l, 'F');
    return strides_are(l, order);
}

bool mvx_range_of(const mvx_layout *l, mvx_range *r)
{
    Py_ssize_t low = 0, high = l->itemsize, n = mvx_nitems(l);

    if (n == 0) {
        r->lo = r->hi = l->buf;
        return true;
    }
    if (n < 0)
        return false;
    if (!l->has_strides || !l->has_shape) {
        if (__builtin_mul_overflow(n, l->itemsize, &high))
            return false;
    } else {
        for (int d = 0; d < l->ndim; d++) {
            Py_ssize_t extent;
            if (__builtin_mul_overflow(l->strides[d], l->shape[d] - 1, &extent))
                return false;
            if (__builtin_add_overflow(extent < 0 ? low : high, extent,
                                       extent < 0 ? &low : &high))
                return false;
        }
    }
    /* Addresses may wrap on their own: compute them as integers. */
    uintptr_t base = (uintptr_t)l->buf;
    if ((low < 0 && base < (uintptr_t)-low)
        || (high > 0 && UINTPTR_MAX - base < (uintptr_t)high))
        return false;
    r->lo = (char *)(base + (uintptr_t)low);
    r->hi = (char *)(base + (uintptr_t)high);
    return true;
}

/* ---- the probe ---------------------------------------------------------- */

int mvx_probe_open(mvx_probe *p)
{
    memset(p, 0, sizeof *p);
    if (pipe(p->fds) < 0) {
        PyErr_SetFromErrno(PyExc_OSError);
        return -1;
    }
    long page = sysconf(_SC_PAGESIZE);
    p->page = page > 0 ? (size_t)page : 4096;
    return 0;
}

void mvx_probe_close(mvx_probe *p)
{
    close(p->fds[0]);
    close(p->fds[1]);
}

/* One page, by the address of its first byte: the kernel copies a byte
   out of it into the pipe, or says EFAULT; the byte is drained at once. */
static bool page_readable(mvx_probe *p, uintptr_t page)
{
    size_t slot = (page / p->page) % MVX_PROBE_CACHE;
    char byte;
    ssize_t n;

    if (page != 0 && p->cache[slot] == page)
        return true;
    do
        n = write(p->fds[1], (const void *)page, 1);
    while (n < 0 && errno == EINTR);
    if (n != 1)
        return false;
    do
        n = read(p->fds[0], &byte, 1);
    while (n < 0 && errno == EINTR);
    p->cache[slot] = page;
    return true;
}

bool mvx_readable(mvx_probe *p, const void *addr, size_t n)
{
    uintptr_t first = (uintptr_t)addr, last;

    if (n == 0)
        return true;
    if (first == 0 || UINTPTR_MAX - first < n - 1)
        return false;
    last = first + (n - 1);
    for (uintptr_t page = first - first % p->page; ; page += p->page) {
        if (!page_readable(p, page))
            return false;
        if (last - page < p->page)
            return true;
    }
}

bool mvx_read_string(mvx_probe *p, const char *s, char *out, size_t max)
{
    for (size_t i = 0; i < max; i++) {
        if (!mvx_readable(p, s + i, 1))
            return false;
        out[i] = s[i];
        if (out[i] == '\0')
            return true;
    }
    return false;
}

/* ---- reading items ------------------------------------------------------ */

/* The walk of one layout: where items go, and the first reason one could
   not be read. */
typedef struct walk {
    mvx_probe *probe;
    const mvx_layout *l;
    char *out;
    const char *why;
    char *detail;
    size_t size;
} walk;

static bool walk_fail(walk *w, const char *why, const void *at)
{
    w->why = why;
    PyOS_snprintf(w->detail, w->size, "%s at %p", why, at);
    return false;
}

/* Read the items of dimensions d.. of the sub-array at p. */
static bool walk_rec(walk *w, int d, char *p)
{
    const mvx_layout *l = w->l;

    if (d == l->ndim) {
        if (!mvx_readable(w->probe, p, (size_t)l->itemsize))
            return walk_fail(w, "an item is not in readable memory", p);
        memcpy(w->out, p, (size_t)l->itemsize);
        w->out += l->itemsize;
        return true;
    }
    for (Py_ssize_t i = 0; i < l->shape[d]; i++) {
        /* As integers: a wrong stride must not make pointer arithmetic
           undefined before the probe has said no. */
        Py_ssize_t step;
        if (__builtin_mul_overflow(i, l->strides[d], &step))
            return walk_fail(w, "a stride takes an item beyond every address", p);
        char *q = (char *)((uintptr_t)p + (uintptr_t)step);
        if (l->has_suboffsets && l->suboffsets[d] >= 0) {
            char *target;
            if (!mvx_readable(w->probe, q, sizeof target))
                return walk_fail(w, "a pointer (suboffsets) is not in readable memory", q);
            memcpy(&target, q, sizeof target);
            q = (char *)((uintptr_t)target + (uintptr_t)l->suboffsets[d]);
        }
        if (!walk_rec(w, d + 1, q))
            return false;
    }
    return true;
}

const char *mvx_read_items(mvx_probe *p, const mvx_layout *l, char *out,
                           char *why, size_t size)
{
    walk w = { p, l, out, NULL, why, size };
    Py_ssize_t n = mvx_nitems(l);

    assert(n >= 0 && l->itemsize > 0);
    if (!l->has_strides) {
        /* No strides: the items are n * itemsize bytes at buf, C order. */
        size_t bytes = (size_t)n * (size_t)l->itemsize;
        if (!mvx_readable(p, l->buf, bytes)) {
            walk_fail(&w, "the items are not in readable memory", l->buf);
            return w.why;
        }
        memcpy(out, l->buf, bytes);
        return NULL;
    }
    if (n > 0)
        walk_rec(&w, 0, l->buf);
    return w.why;
}
