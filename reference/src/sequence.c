/*
 * sequence.c -- chapter 14 of the spec: a view as a sequence of its first
 * dimension: len(m), bool(m), iteration, `x in m`, m.count(x), m.index(x).
 *
 * Iteration is where the versions part most.  3.9 gives memoryview no
 * iterator of its own, so iter(m) is Python's generic sequence iterator,
 * which reads m[0], m[1], ... until an IndexError, and checks nothing
 * when it is made.  From 3.10 iter(m) is a memory_iterator, which checks
 * the view when it is made (dimensions, then format; from 3.14 the
 * release first) and reads item after item as next() reaches it:
 *
 *                         3.9: iterator           3.10+: memory_iterator
 *     iter(m)             never fails             0-dim: TypeError
 *                                                 N-D:   NotImplementedError
 *                                                 '<i':  NotImplementedError
 *     next(it)            m[index], and on        released? ValueError;
 *                         success index += 1      index += 1, then the item
 *     past the end        StopIteration, for good
 *
 * list(m) and `x in m` iterate (SEQ-004, SEQ-009); list() asks len(m)
 * for a length hint right after iter(m), which is where a released 1-D
 * view is refused (SEQ-011).  `in` turns a TypeError from iter(m) into
 * its own message.
 */
#include "mvint.h"
#include "abstract.h"
#include "chapters.h"
#include "convert.h"
#include "formats.h"
#include "layout.h"
#include "refcount.h"
#include "value.h"
#include "view.h"

/* ---- len and bool ----------------------------------------------------------- */

/* SEQ-001, SEQ-002, SEQ-011: len(m), as view.c measures it. */
int mv_len(const mv_value *obj, mv_value *result, mv_error *err)
{
    mv_view *v = mv_as_view(obj);
    mv_ssize n;

    if (NEVER(v == NULL))
        return mv_unsupported(err, "len() of %s", mv_type_name(obj));
    if (mv_view_length(v, &n, err) < 0)
        return -1;
    *result = mv_int_from_i64(n);
    return 0;
}

/* SEQ-003: bool(m) is len(m) != 0, with len's errors. */
int mv_truth(const mv_value *obj, mv_value *result, mv_error *err)
{
    bool truth;

    if (mv_truthy(obj, &truth, err) < 0)
        return -1;
    *result = mv_bool(truth);
    return 0;
}

/* ---- iterators -------------------------------------------------------------- */

typedef struct mv_iterator {
    mv_object base;          /* type ITERATOR */
    mv_view *seq;            /* one reference; NULL once exhausted */
    mv_ssize index;          /* the next item's */
    mv_ssize length;         /* 3.10+: len(m) when iter(m) was made */
    char code;               /* 3.10+: the format, checked by iter(m) */
} mv_iterator;

static void iterator_dealloc(mv_object *obj)
{
    mv_iterator *it = (mv_iterator *)obj;

    if (it->seq != NULL)
        mv_object_decref(&it->seq->base);
    mv_free(it);
}

/* SEQ-005, SEQ-006, SEQ-007, SEQ-011: the checks iter(m) makes from 3.10.
   *released says that m was released before them; 3.10 to 3.13 go on
   regardless, and their iterator then refuses it (see start()). */
static int iter_checks(mv_view *v, char *code, bool *released, mv_error *err)
{
    const mv_buffer *b = &v->view;

    *released = mv_view_check_released(v, err) < 0;
    if (*released && v->base.cfg->behaviour.iter_released_first)
        return -1;
    if (b->ndim == 0)   /* SEQ-005 */
        return mv_raise(err, "SEQ-005", "TypeError", "invalid indexing of 0-dim memory");
    if (b->ndim > 1)    /* SEQ-006 */
        return mv_raise(err, "SEQ-006", "NotImplementedError",
                        "multi-dimensional sub-views are not implemented");
    return mv_adjust_format(v->base.cfg, b->format, code, err);   /* SEQ-007 */
}

/* iter(m), as the iteration of `what` needs it: "iter" for iter(m) alone,
   "list" for list(m), "in" for `x in m`, "slot" for a host's iteration
   slot (mv_iter_slot).  A released 1-D view passes 3.10-3.13's checks,
   but its iterator is made with an error pending (memory_length failed);
   iter() reports that as a SystemError, list(), `in` and a for loop as
   the ValueError it is (SEQ-011).  The SystemError is a CPython defect
   the spec leaves out, so it is not modelled. */
static int start(mv_view *v, const char *what, mv_iterator **out,
                 mv_error *err)
{
    const mv_behaviour *vb = &v->base.cfg->behaviour;
    mv_iterator *it;
    bool released = false;
    char code = 0;

    if (vb->iter_protocol && iter_checks(v, &code, &released, err) < 0)
        return -1;
    if (released && strcmp(what, "iter") == 0)
        return mv_unsupported(err, "iter() of a released view (SystemError)");
    if (released)
        return mv_view_check_released(v, err);
    if (!vb->iter_protocol && strcmp(what, "list") == 0
        && mv_view_check_released(v, err) < 0)
        return -1;   /* list() asks len(m) first */
    it = mv_alloc_zeroed(1, sizeof *it);
    if (it == NULL)
        return mv_no_memory(err);
    mv_object_init(&it->base, MV_TYPE_ITERATOR, v->base.cfg,
                   iterator_dealloc);
    it->seq = v;
    mv_object_incref(&v->base);
    it->code = code;
    it->length = v->view.ndim > 0 ? v->view.shape[0] : 0;
    *out = it;
    return 0;
}

static void exhaust(mv_iterator *it)
{
    mv_object_decref(&it->seq->base);
    it->seq = NULL;
}

static int stop_iteration(mv_error *err)
{
    return mv_raise(err, "SEQ-008", "StopIteration", "%s", "");
}

/* SEQ-005, SEQ-006, SEQ-007, SEQ-008 in 3.9: m[index], as memory_item
   reads it (the release, the format, the dimensions, the bounds); an
   IndexError ends the iteration, and index moves on only past an item
   read. */
static int legacy_next(mv_iterator *it, mv_value *result, mv_error *err)
{
    mv_view *v = it->seq;
    const mv_buffer *b = &v->view;
    unsigned char *ptr;
    char code;

    if (mv_view_check_released(v, err) < 0
        || mv_adjust_format(v->base.cfg, b->format, &code, err) < 0)
        return -1;
    if (b->ndim == 0)
        return mv_raise(err, "SEQ-005", "TypeError", "invalid indexing of 0-dim memory");
    if (b->ndim > 1)
        return mv_raise(err, "SEQ-006", "NotImplementedError",
                        "multi-dimensional sub-views are not implemented");
    if (it->index >= b->shape[0]) {
        exhaust(it);
        return stop_iteration(err);
    }
    ptr = mv_adjust_ptr(b, b->buf + it->index * b->strides[0], 0);
    if (mv_unpack_native(v->base.cfg, code, ptr, result, err) < 0)
        return -1;
    it->index++;
    return 0;
}

/* SEQ-007, SEQ-008 from 3.10: the item at index, read now; a released
   view is refused without moving on, an item that cannot be unpacked
   after moving on. */
static int iterator_next(mv_iterator *it, mv_value *result, mv_error *err)
{
    mv_view *v = it->seq;
    const mv_buffer *b = &v->view;
    unsigned char *ptr;

    if (it->index >= it->length) {
        exhaust(it);
        return stop_iteration(err);
    }
    if (mv_view_check_released(v, err) < 0)
        return -1;
    ptr = mv_adjust_ptr(b, b->buf + it->index++ * b->strides[0], 0);
    return mv_unpack_native(v->base.cfg, it->code, ptr, result, err);
}

static int iterator_step(mv_iterator *it, mv_value *result, mv_error *err)
{
    if (it->seq == NULL)
        return stop_iteration(err);
    if (it->base.cfg->behaviour.iter_protocol)
        return iterator_next(it, result, err);
    return legacy_next(it, result, err);
}

/* The items an iterator has left, each given to visit() until it says
   stop (1) or fails (-1). */
static int for_each(mv_iterator *it,
                    int (*visit)(void *ctx, mv_value *item, mv_error *err),
                    void *ctx, mv_error *err)
{
    mv_value item;
    int status = 0;

    while (status == 0) {
        if (iterator_step(it, &item, err) < 0)
            return it->seq == NULL ? 0 : -1;   /* exhausted: StopIteration */
        status = visit(ctx, &item, err);
        mv_value_clear(&item);
    }
    return status < 0 ? -1 : 0;
}

/* An iterator of obj as `what` makes it (start()), as a value. */
static int iterator_for(const mv_value *obj, const char *what,
                        mv_value *result, mv_error *err)
{
    mv_view *v = mv_as_view(obj);
    mv_iterator *it = NULL;   /* set by start() when it succeeds, which gcc
                                 -O3 cannot follow through its strcmp()s */

    if (NEVER(v == NULL))
        return mv_unsupported(err, "iter() of %s", mv_type_name(obj));
    if (start(v, what, &it, err) < 0)
        return -1;
    *result = mv_none();
    result->kind = MV_OBJECT;
    result->as.object = &it->base;
    return 0;
}

/* SEQ-004, SEQ-008: iter(m) */
int mv_iter(const mv_value *obj, mv_value *result, mv_error *err)
{
    return iterator_for(obj, "iter", result, err);
}

/* SEQ-004, SEQ-011: iter(m) as a host's iteration slot makes it (CPython's
   tp_iter, which iter(m), list(m) and a for loop all call, and cannot tell
   apart).  It differs from mv_iter only where they do: a released view in
   3.10 to 3.13 raises the ValueError that list(m) and a for loop meet. */
int mv_iter_slot(const mv_value *obj, mv_value *result, mv_error *err)
{
    return iterator_for(obj, "slot", result, err);
}

/* SEQ-008: next(it) */
int mv_next(const mv_value *obj, mv_value *result, mv_error *err)
{
    if (NEVER(obj->kind != MV_OBJECT
              || obj->as.object->type != MV_TYPE_ITERATOR))
        return mv_unsupported(err, "next() of %s", mv_type_name(obj));
    return iterator_step((mv_iterator *)obj->as.object, result, err);
}

static int append_item(void *list, mv_value *item, mv_error *err)
{
    mv_value taken = *item;

    *item = mv_none();
    return mv_list_append(list, &taken, err);
}

/* SEQ-004, SEQ-011: list(m), by iterating */
int mv_list(const mv_value *obj, mv_value *result, mv_error *err)
{
    mv_view *v = mv_as_view(obj);
    mv_iterator *it;
    int status;

    if (NEVER(v == NULL))
        return mv_unsupported(err, "list() of %s", mv_type_name(obj));
    if (start(v, "list", &it, err) < 0)
        return -1;
    status = mv_seq_new(result, MV_LIST, 0, err);
    if (status == 0 && for_each(it, append_item, result, err) < 0) {
        mv_value_clear(result);
        status = -1;
    }
    mv_object_decref(&it->base);
    return status;
}

/* ---- in, count() ----------------------------------------------------------- */

typedef struct search {
    const mv_value *x;
    bool all;                /* count() goes on; `in` stops at the first */
    mv_ssize found;
} search;

static int compare_item(void *ctx, mv_value *item, mv_error *err)
{
    search *s = ctx;
    bool eq;

    if (mv_values_equal(item, s->x, &eq, err) < 0)
        return -1;
    s->found += eq;
    return eq && !s->all;
}

/* SEQ-009: `value in m` compares value with each item in turn.  A
   TypeError from iter(m) (a 0-dim view, from 3.10) says the view is not
   iterable. */
int mv_contains(const mv_value *obj, const mv_value *value, mv_value *result,
                mv_error *err)
{
    mv_view *v = mv_as_view(obj);
    search s = { value, false, 0 };
    mv_iterator *it;
    int status;

    if (NEVER(v == NULL))
        return mv_unsupported(err, "in %s", mv_type_name(obj));
    if (start(v, "in", &it, err) < 0) {
        if (strcmp(err->type, "TypeError") == 0)
            mv_raise(err, "SEQ-009", "TypeError", "argument of type 'memoryview' is not "
                     "%s", v->base.cfg->behaviour.not_a_container
                     ? "a container or iterable" : "iterable");
        return -1;
    }
    status = for_each(it, compare_item, &s, err);
    mv_object_decref(&it->base);
    if (status < 0)
        return -1;
    *result = mv_bool(s.found > 0);
    return 0;
}

/* SEQ-010: m.count(x) (3.14+): how many items equal x, as iteration finds
   them. */
int mv_view_count(mv_view *v, const mv_value *x, mv_value *result,
                  mv_error *err)
{
    search s = { x, true, 0 };
    mv_iterator *it;
    int status;

    if (start(v, "count", &it, err) < 0)
        return -1;
    status = for_each(it, compare_item, &s, err);
    mv_object_decref(&it->base);
    if (status < 0)
        return -1;
    *result = mv_int_from_i64(s.found);
    return 0;
}

/* SEQ-010, CONVERT-012, CONVERT-016: m.index(x[, start[, stop]]) (3.14+):
   the first position of an item equal to x within [start, stop), bounds
   counted as in a slice but None refused, and converted before m is
   looked at; the format is checked item by item, so an empty range never
   looks at it. */
int mv_view_index(mv_view *v, const mv_value *x, const mv_value *start_arg,
                  const mv_value *stop_arg, mv_value *result, mv_error *err)
{
    const mv_config *cfg = v->base.cfg;
    const mv_buffer *b = &v->view;
    mv_ssize lo = 0, hi = cfg->platform.ssize_max;
    mv_value item;
    char code = 0;
    bool eq;

    if ((start_arg != NULL
         && mv_clamped_index(cfg, start_arg, false, &lo, err) < 0)
        || (stop_arg != NULL
            && mv_clamped_index(cfg, stop_arg, false, &hi, err) < 0)
        || mv_view_check_released(v, err) < 0)
        return -1;
    if (b->ndim == 0)
        return mv_raise(err, "SEQ-010", "TypeError", "invalid lookup on 0-dim memory");
    if (b->ndim > 1)
        return mv_raise(err, "SEQ-010", "NotImplementedError",
                        "multi-dimensional lookup is not implemented");
    mv_slice_adjust(b->shape[0], &lo, &hi, 1);
    for (mv_ssize i = lo; i < hi; i++) {
        unsigned char *p;
        /* CONVERT-016: each item is read as m[i] reads it, the release
           checked first: x's __eq__ may have released m */
        if (mv_view_check_released(v, err) < 0
            || mv_adjust_format(v->base.cfg, b->format, &code, err) < 0)
            return -1;
        p = mv_adjust_ptr(b, b->buf + i * b->strides[0], 0);
        if (mv_unpack_native(cfg, code, p, &item, err) < 0)
            return -1;
        if (mv_values_equal(&item, x, &eq, err) < 0) {
            mv_value_clear(&item);
            return -1;
        }
        mv_value_clear(&item);
        if (eq) {
            *result = mv_int_from_i64(i);
            return 0;
        }
    }
    return mv_raise(err, "SEQ-010", "ValueError", "memoryview.index(x): x not found");
}
