/*
 * arena.c -- jansson's memory: each case line's tree, made and dropped whole.
 *
 * Parsing a case line makes a hundred small blocks (every object, its
 * table, every key, string and array), and all of them are freed together
 * once the case has run.  Through malloc and free, one by one, that cost
 * as much as the parsing itself.  So jansson takes its memory from an
 * arena instead: a block handed out in turn, front to back, and taken
 * back all at once between cases.  Its free() only counts.
 *
 *     block 1 (the first, kept)          block 2 (this case ran out)
 *     +------+-----+---------+------+    +------+------------+--------+
 *     | hdr  | obj | "key"   | free |    | hdr  | arr table  | free   |
 *     +------+-----+---------+------+    +------+------------+--------+
 *                                 ^ used                        ^ used
 *
 * When a case needs more than the current block, another is chained on;
 * between cases the chain is replaced by one block as large as all of it,
 * so the arena soon settles at what the largest case needs.  Nothing of
 * jansson's may outlive the case that made it -- asserted: the count of
 * blocks not yet freed must be zero when the arena is emptied, so a
 * forgotten json_decref still shows up, as a leak would under Valgrind.
 */
#include <assert.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "driver.h"

typedef struct block {
    struct block *prev;   /* the block filled before this one, or NULL */
    size_t size, used;    /* bytes of data, and bytes handed out */
    max_align_t data[];   /* aligned for anything, as malloc's are */
} block;

static struct {
    block *top;   /* the block handed out from */
    long live;    /* handed out and not yet freed */
} arena;

/* A block of size bytes of data on top of the chain; false without memory. */
static bool push_block(size_t size)
{
    block *b = malloc(offsetof(block, data) + size);

    if (b == NULL)
        return false;
    b->prev = arena.top;
    b->size = size;
    b->used = 0;
    arena.top = b;
    return true;
}

static void *arena_malloc(size_t size)
{
    const size_t align = _Alignof(max_align_t);
    void *p;

    /* every block starts aligned; rounding each size keeps the next so */
    if (size > SIZE_MAX - align)
        return NULL;
    size = (size + align - 1) / align * align;
    if (arena.top == NULL || arena.top->size - arena.top->used < size) {
        /* twice the last block, so that a large case needs few */
        size_t grown = arena.top == NULL ? 16 * 1024
                       : arena.top->size < SIZE_MAX / 2 ? 2 * arena.top->size
                       : SIZE_MAX / 2;
        if (!push_block(grown > size ? grown : size))
            return NULL;
    }
    p = (char *)arena.top->data + arena.top->used;
    arena.top->used += size;
    arena.live++;
    return p;
}

static void arena_free(void *p)
{
    (void)p;   /* given back with the rest, when the case is done */
    arena.live--;
}

void arena_install(void)
{
    json_set_alloc_funcs(arena_malloc, arena_free);
}

void arena_empty(void)
{
    size_t total = 0;

    assert(arena.live == 0);   /* jansson holds nothing between cases */
    if (arena.top == NULL || arena.top->prev == NULL) {
        if (arena.top != NULL)
            arena.top->used = 0;
        return;
    }
    while (arena.top != NULL) {   /* a chain: one block as large instead */
        block *prev = arena.top->prev;
        total += arena.top->size;
        free(arena.top);
        arena.top = prev;
    }
    (void)push_block(total);   /* without memory, the next case asks again */
}

void arena_release(void)
{
    arena_empty();
    free(arena.top);
    arena.top = NULL;
}
