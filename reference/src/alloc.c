/*
 * alloc.c -- the one allocation wrapper.
 *
 * Every byte the library takes from the heap goes through mv_alloc() and
 * comes back through mv_free().  Two things follow from having one door:
 *
 *   - a test can make one chosen allocation fail (mv_alloc_fail_at), and so
 *     walk every error path that running out of memory opens, while
 *     Valgrind checks that each path gives back what it took;
 *   - the count of live allocations is a leak check that needs no tool.
 *
 * The failure is one-shot: the n-th allocation after the hook is armed
 * fails, and every later one succeeds again, as memory does when a large
 * request was refused.  So a failure surfaces as the MemoryError of the
 * one operation that hit it, and the operations after it run normally on
 * whatever state that failure left -- which must be a consistent one.
 * Each allocation names its call site (the macros in mvint.h), and the
 * site of the failed one can be asked for, so that a check can tell which
 * sites it has walked.
 *
 * A host may allocate too (mvref.h, section 9): the bytes and str results
 * of a view can be made in the host's own objects, so that they are
 * copied once.  That door is here as well, counted with this one.
 *
 * The counters are process-wide.  That is a deliberate exception to "no
 * globals": they belong to the test harness, not to any Python semantics,
 * just as SQLite's fault injector is global.  Nothing a Python program can
 * do reaches them.
 */
#include <stdio.h>
#include <stdlib.h>

#include "mvint.h"

#if defined(MV_COVERAGE)
unsigned mv_testcase_hits;   /* testcase(): see mvint.h */
#endif

static struct {
    long made;       /* allocations made so far */
    long live;       /* made and not yet freed */
    long fail_at;    /* 0: never fail; else the number of the one to fail */
    char failed_site[128];  /* "reference/src/view.c:123": the one failed */
    mv_alloc_tracer trace;  /* told of every allocation, if set */
    void *trace_ctx;
} alloc_state;

void mv_alloc_fail_at(long n)
{
    alloc_state.fail_at = n > 0 ? alloc_state.made + n : 0;
    alloc_state.failed_site[0] = '\0';
}

long mv_alloc_live(void) { return alloc_state.live; }

void mv_alloc_trace(mv_alloc_tracer fn, void *ctx)
{
    alloc_state.trace = fn;
    alloc_state.trace_ctx = ctx;
}

const char *mv_alloc_failed_site(void)
{
    return alloc_state.failed_site[0] ? alloc_state.failed_site : NULL;
}

/* Count one allocation; true when the test hook says it must fail. */
static bool injected_failure(const char *file, int line)
{
    if (alloc_state.trace != NULL)
        alloc_state.trace(alloc_state.trace_ctx, file, line);
    if (++alloc_state.made != alloc_state.fail_at)
        return false;
    snprintf(alloc_state.failed_site, sizeof alloc_state.failed_site,
             "%s:%d", file, line);
    return true;
}

void *mv_alloc_at(size_t size, const char *file, int line)
{
    void *p;

    if (injected_failure(file, line))
        return NULL;
    /* malloc(0) may answer NULL, which is no failure: ask for a byte
       at least (!size is 1 exactly when size is 0) */
    p = malloc(size + !size);
    alloc_state.live += p != NULL;
    return p;
}

void *mv_alloc_zeroed_at(size_t count, size_t size, const char *file,
                         int line)
{
    void *p;

    if (injected_failure(file, line))
        return NULL;
    assert(size > 0);
    p = calloc(count + !count, size);   /* at least one, as mv_alloc */
    alloc_state.live += p != NULL;
    return p;
}

void *mv_realloc_at(void *ptr, size_t size, const char *file, int line)
{
    assert(ptr != NULL);   /* growing starts from a block, never from none */
    if (injected_failure(file, line))
        return NULL;
    assert(size > 0);
    return realloc(ptr, size);   /* one block replaces another */
}

char *mv_strdup_at(const char *s, const char *file, int line)
{
    size_t n = strlen(s) + 1;
    char *p = mv_alloc_at(n, file, line);

    if (p != NULL)
        memcpy(p, s, n);
    return p;
}

void mv_free(void *ptr)
{
    if (ptr == NULL)
        return;
    alloc_state.live--;
    free(ptr);
}

/* ---- the host allocates (mvref.h, section 9) ---------------------------- */

/* The host's allocator, if it set one: a second door, counted with the
   first, so that the test hook can fail it too. */
static mv_host_allocator host_allocator;

void mv_host_allocator_set(const mv_host_allocator *a)
{
    static const mv_host_allocator library_heap = { NULL, NULL, NULL };

    host_allocator = a != NULL ? *a : library_heap;
}

bool mv_host_allocates(void)
{
    return host_allocator.make != NULL;
}

void *mv_alloc_host_at(mv_kind kind, size_t len, unsigned char **data,
                       const char *file, int line)
{
    assert(mv_host_allocates() && (kind == MV_BYTES || kind == MV_STR));
    if (injected_failure(file, line))
        return NULL;
    return host_allocator.make(host_allocator.ctx, kind, len, data);
}

void mv_free_host(void *object)
{
    assert(mv_host_allocates() && object != NULL);
    host_allocator.drop(host_allocator.ctx, object);
}
