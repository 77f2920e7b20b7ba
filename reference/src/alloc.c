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
 * And a budget.  A caller may cap the bytes the library holds at
 * once (mv_alloc_budget; the driver caps each case, so that a case asking
 * for more memory than a test machine should give costs that case, not the
 * run).  A request that would go beyond the budget fails as running out of
 * memory does, and is remembered (mv_alloc_over_budget), so that the caller
 * can tell it from a real MemoryError.  While a budget is set, the size of
 * each live block is kept in a table keyed by its address, so that freeing
 * it gives its bytes back.
 *
 * The counters are process-wide.  That is a deliberate exception to "no
 * globals": they belong to the test harness, not to any Python semantics,
 * just as SQLite's fault injector is global.  Nothing a Python program can
 * do reaches them.
 */
#include <stdint.h>
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

/* ---- the budget ------------------------------------------------------------ */

/* The size of one live block made under the budget. */
typedef struct block_size {
    const void *block;   /* NULL: a free slot */
    size_t size;
} block_size;

/* The table of live blocks: open addressing with linear probing, at most
   half full; an entry removed is filled by moving back the entries after
   it that belong earlier, so that no probe sequence is cut.  Its own
   memory is the allocator's, not the library's: plain malloc, counted by
   nothing. */
static struct {
    size_t limit;          /* 0: no budget */
    size_t held;           /* bytes of the live blocks in the table */
    bool refused;          /* a request went beyond the limit */
    block_size *slots;     /* nslots of them, a power of two */
    size_t nslots, used;
} budget;

static size_t slot_of(const void *block)
{
    uint64_t h = (uint64_t)(uintptr_t)block * UINT64_C(0x9E3779B97F4A7C15);
    return (size_t)(h >> 32) & (budget.nslots - 1);
}

/* Where block's entry is, or the free slot where it would go. */
static size_t find(const void *block)
{
    size_t i = slot_of(block);

    while (budget.slots[i].block != NULL && budget.slots[i].block != block)
        i = (i + 1) & (budget.nslots - 1);
    return i;
}

static bool table_insert(const void *block, size_t size);

/* Twice the slots (16 at first), every entry moved over; false without
   memory, the table as it was. */
static bool table_grow(void)
{
    block_size *old = budget.slots;
    size_t n = budget.nslots;
    block_size *bigger = calloc(n ? 2 * n : 16, sizeof *bigger);

    if (bigger == NULL)
        return false;
    budget.slots = bigger;
    budget.nslots = n ? 2 * n : 16;
    budget.used = 0;
    for (size_t i = 0; i < n; i++)
        if (old[i].block != NULL)
            table_insert(old[i].block, old[i].size);
    free(old);
    return true;
}

static bool table_insert(const void *block, size_t size)
{
    size_t i;

    if (2 * (budget.used + 1) > budget.nslots && !table_grow())
        return false;
    i = find(block);
    assert(budget.slots[i].block == NULL);
    budget.slots[i].block = block;
    budget.slots[i].size = size;
    budget.used++;
    return true;
}

/* Remove block's entry and give back its size; 0 for a block the table
   does not hold (made before the budget was set). */
static size_t table_remove(const void *block)
{
    size_t i, j, size;

    if (budget.nslots == 0 || budget.slots[i = find(block)].block == NULL)
        return 0;
    size = budget.slots[i].size;
    budget.slots[i].block = NULL;
    budget.used--;
    /* move back each entry of the run after i that belongs at or before i */
    for (j = (i + 1) & (budget.nslots - 1); budget.slots[j].block != NULL;
         j = (j + 1) & (budget.nslots - 1)) {
        size_t home = slot_of(budget.slots[j].block);
        if (((j - home) & (budget.nslots - 1)) >= ((j - i) & (budget.nslots - 1))) {
            budget.slots[i] = budget.slots[j];
            budget.slots[j].block = NULL;
            i = j;
        }
    }
    return size;
}

/* What a block of size bytes costs the budget: its bytes, and what it
   takes beyond them -- malloc's header and rounding, its entry here -- so
   that a million empty lists cost what they take, not nothing. */
#define BLOCK_COST 64
static size_t cost(size_t size)
{
    return size > SIZE_MAX - BLOCK_COST ? SIZE_MAX : size + BLOCK_COST;
}

/* Whether a block of size bytes fits the budget; if not, the refusal is
   remembered. */
static bool affordable(size_t size)
{
    if (budget.limit == 0 || cost(size) <= budget.limit - budget.held)
        return true;
    budget.refused = true;
    return false;
}

/* A block of size bytes just made: into the table, its cost held.  False
   (and the caller frees it) when the table cannot grow. */
static bool held(const void *block, size_t size)
{
    if (budget.limit == 0)
        return true;
    if (!table_insert(block, cost(size)))
        return false;
    budget.held += cost(size);
    return true;
}

static void released(const void *block)
{
    if (budget.limit != 0)
        budget.held -= table_remove(block);
}

void mv_alloc_budget(size_t bytes)
{
    budget.limit = bytes;
    budget.held = 0;
    budget.refused = false;
    budget.used = 0;
    free(budget.slots);
    budget.slots = NULL;
    budget.nslots = 0;
}

bool mv_alloc_over_budget(void)
{
    return budget.refused;
}

/* Whether mv_realloc(ptr, size) would fit the budget, asked without
   being a refusal. */
static bool fits(const void *ptr, size_t size)
{
    size_t old = 0;   /* what ptr holds comes back when it is replaced */

    if (budget.limit == 0)
        return true;
    if (budget.nslots > 0) {
        size_t i = find(ptr);
        old = budget.slots[i].block != NULL ? budget.slots[i].size : 0;
    }
    return cost(size) <= budget.limit - (budget.held - old);
}

size_t mv_alloc_room(const void *ptr, size_t need, size_t want)
{
    size_t less = need + need / 8;

    assert(ptr != NULL && want >= need);
    /* never just need: grown by one item at a time near the limit, a
       block was copied once an item again (a list of 1.7 million items,
       61 s under ASan); an eighth more is still O(n) copies in all, and
       what does not fit is the budget's refusal */
    return fits(ptr, want) || less > want ? want : less;
}

/* ---- the allocator --------------------------------------------------------- */

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

/* A block of size bytes from make() (malloc or calloc), counted and
   held; NULL when the budget or memory refuses. */
static void *made(void *p, size_t size)
{
    if (p != NULL && !held(p, size)) {
        free(p);
        p = NULL;
    }
    alloc_state.live += p != NULL;
    return p;
}

/* ---- the spare block (a fast path) ------------------------------------ */

/* One freed block of a size its caller knew (mv_free_sized), kept back
   from the heap: a loop that makes a view and drops it each turn
   (m[1:-1], m.cast('i')) asks for a block of that size again at once,
   and the heap is slower to take a block back and give it again than
   this is.  The spare is no live allocation (mv_alloc_live), and goes
   back to the heap once none is live, so that nothing the library took
   is left when it holds nothing. */
static struct {
    void *block;
    size_t size;
} spare;

static void *take_spare(void)
{
    void *p = spare.block;

    spare.block = NULL;
    return p;
}

static void drop_spare(void)
{
    free(take_spare());
}

void *mv_alloc_at(size_t size, const char *file, int line)
{
    if (injected_failure(file, line) || !affordable(size))
        return NULL;
    if (MV_FAST() && spare.block != NULL && spare.size == size)
        return made(take_spare(), size);
    /* malloc(0) may answer NULL, which is no failure: ask for a byte
       at least (!size is 1 exactly when size is 0) */
    return made(malloc(size + !size), size);
}

void *mv_alloc_zeroed_at(size_t count, size_t size, const char *file,
                         int line)
{
    assert(size > 0);
    if (injected_failure(file, line))
        return NULL;
    if (count > SIZE_MAX / size) {   /* more than memory can hold */
        (void)affordable(SIZE_MAX);
        return NULL;
    }
    if (!affordable(count * size))
        return NULL;
    /* at least one, as mv_alloc */
    return made(calloc(count + !count, size), count * size);
}

void *mv_realloc_at(void *ptr, size_t size, const char *file, int line)
{
    size_t old;
    void *p;

    assert(ptr != NULL);   /* growing starts from a block, never from none */
    if (injected_failure(file, line))
        return NULL;
    assert(size > 0);
    /* out of the table first: ptr is not to be looked at once freed */
    old = budget.limit != 0 ? table_remove(ptr) : 0;   /* its cost */
    budget.held -= old;
    p = affordable(size) ? realloc(ptr, size)   /* one block replaces another */
                         : NULL;
    /* back in: after a removal the table has room, so this cannot fail
       (a block made before the budget was set stays out of it) */
    if (p != NULL)
        (void)held(p, size);
    else if (old > 0 && table_insert(ptr, old))
        budget.held += old;
    return p;
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
    released(ptr);
    alloc_state.live--;
    free(ptr);
    if (alloc_state.live == 0)
        drop_spare();
}

void mv_free_sized(void *ptr, size_t size)
{
    assert(ptr != NULL);
    if (!MV_FAST() || alloc_state.live == 1) {
        mv_free(ptr);
        return;
    }
    released(ptr);
    alloc_state.live--;
    drop_spare();   /* the older one, if any */
    spare.block = ptr;
    spare.size = size;
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
