/*
 * alloc.c -- the one allocation wrapper.
 *
 * Every byte the library takes from the heap goes through mv_alloc() and
 * comes back through mv_free().  Two things follow from having one door:
 *
 *   - a test can make the n-th allocation fail (mv_alloc_fail_at), and so
 *     walk every error path that an out-of-memory condition opens, while
 *     Valgrind checks that each path gives back what it took;
 *   - the count of live allocations is a leak check that needs no tool.
 *
 * The counters are process-wide.  That is a deliberate exception to "no
 * globals": they belong to the test harness, not to any Python semantics,
 * just as SQLite's fault injector is global.  Nothing a Python program can
 * do reaches them.
 */
#include <stdlib.h>

#include "mvint.h"

static struct {
    long made;      /* allocations made so far */
    long live;      /* made and not yet freed */
    long fail_at;   /* 0: never fail; else fail the allocation numbered so */
} alloc_state;

void mv_alloc_fail_at(long n)
{
    alloc_state.fail_at = n > 0 ? alloc_state.made + n : 0;
}

long mv_alloc_count(void) { return alloc_state.made; }
long mv_alloc_live(void) { return alloc_state.live; }

/* True when the test hook says this allocation must fail.  Once the
   chosen allocation has failed, all later ones fail too, so that code
   which retries cannot slip past the fault. */
static bool injected_failure(void)
{
    alloc_state.made++;
    return alloc_state.fail_at != 0 && alloc_state.made >= alloc_state.fail_at;
}

void *mv_alloc(size_t size)
{
    void *p;
    if (injected_failure())
        return NULL;
    p = malloc(size ? size : 1);   /* malloc(0) may return NULL: not a failure */
    if (p != NULL)
        alloc_state.live++;
    return p;
}

void *mv_alloc_zeroed(size_t count, size_t size)
{
    void *p;
    if (injected_failure())
        return NULL;
    p = calloc(count ? count : 1, size ? size : 1);
    if (p != NULL)
        alloc_state.live++;
    return p;
}

void *mv_realloc(void *ptr, size_t size)
{
    void *p;
    if (ptr == NULL)
        return mv_alloc(size);
    if (injected_failure())
        return NULL;
    p = realloc(ptr, size ? size : 1);
    return p;   /* live count unchanged: one block replaces another */
}

void mv_free(void *ptr)
{
    if (ptr == NULL)
        return;
    alloc_state.live--;
    free(ptr);
}

char *mv_strdup(const char *s)
{
    size_t n = strlen(s) + 1;
    char *p = mv_alloc(n);
    if (p != NULL)
        memcpy(p, s, n);
    return p;
}
