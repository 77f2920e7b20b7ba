/*
 * exporters.h -- what the cases do to exporters themselves, one exporter a
 * file, and what those files share (exporters.c):
 *
 *   bytes.c       bytes: items and slices read, never written
 *   bytearray.c   bytearray: its items, its slices, its methods
 *   array.c       array.array: the same, under its typecode
 *   ndarray.c     _testbuffer.ndarray and numpy arrays: one item by index
 *   exporters.c   the entry points of driver.h, which pick the exporter's
 *                 kind, and the helpers the one-dimensional ones share
 *
 * None of this is memoryview's behaviour, so none of it is the library's:
 * the library models exporters only as far as a view sees them (lending,
 * counting loans, refusing to resize while lent: reference/src/export.c),
 * and these files build each method on top of that, the way bytearray and
 * array do in CPython.  They reach into the library's internal headers for
 * the exporter's memory, as SQLite's test harness reaches into
 * sqliteInt.h.
 *
 * One rule shapes everything here, EXPORT-003: memory that is lent out
 * must not move.  A change that keeps the size (ba[0] = 104, reverse())
 * is always allowed, and every view sees it at once, because views hold
 * no copy (EXPORT-002).  A change of size asks mv_exporter_can_resize()
 * first and fails with BufferError while any view is unreleased; a change
 * to the same size is no resize and is allowed (ba += b'') -- except
 * where array counts it as one anyway (EXPORT-011).  Each method converts
 * and checks its arguments before it asks to resize, as CPython does, so
 * a bad argument is reported before a BufferError (EXPORT-006).
 *
 * Only the methods, keys and argument types the suite uses are modelled;
 * anything else is MV_UNSUPPORTED rather than a guess.
 */
#ifndef MVREF_DRIVER_EXPORTERS_H
#define MVREF_DRIVER_EXPORTERS_H

#include "driver.h"
#include "mvint.h"
#include "exporter.h"

/* What one kind of exporter does; NULL where it does nothing of the sort. */
typedef struct exporter_kind {
    /* e.method(*arg), for a method has_method() says e has */
    int (*call)(mv_exporter *e, const char *method, const mv_value **arg,
                size_t nargs, mv_value *result, mv_error *err);
    int (*getitem)(mv_exporter *e, const mv_value *key, mv_value *result,
                   mv_error *err);
    /* value NULL: del e[key] */
    int (*setitem)(mv_exporter *e, const mv_value *key, const mv_value *value,
                   mv_error *err);
    /* bytes(e) for bytes and bytearray, e.tolist() for the others */
    int (*contents)(mv_exporter *e, mv_value *result, mv_error *err);
} exporter_kind;

extern const exporter_kind bytes_kind;       /* bytes.c */
extern const exporter_kind bytearray_kind;   /* bytearray.c */
extern const exporter_kind array_kind;       /* array.c */
extern const exporter_kind ndarray_kind;     /* ndarray.c: numpy's too */

/* ---- exporters.c: what the one-dimensional exporters share ---------------- */

/* Set why (size bytes) to a reason, formatted as by printf; true: the
   setup is refused (array_refused, ndarray_refused). */
bool refuse(char *why, size_t size, const char *fmt, ...);

mv_ssize nitems(const mv_exporter *e);
/* Insert n zeroed items at index i, or remove them when n < 0, after
   asking whether the memory may move (EXPORT-003, EXPORT-004). */
int resize_at(mv_exporter *e, mv_ssize i, mv_ssize n, mv_error *err);
/* Grow or shrink to `count` items at the end. */
int resize_to(mv_exporter *e, mv_ssize count, mv_error *err);
/* x *= k, once x has grown to k times its `unit` first bytes: those bytes
   copied over the rest of its memory. */
void repeat_in_place(mv_exporter *e, mv_ssize unit);
/* A normalised index for insert(): clamped, never an error. */
mv_ssize clamp_index(mv_ssize i, mv_ssize n);
int index_arg(const mv_config *cfg, const mv_value *v, mv_ssize *out,
              mv_error *err);
/* The index pop() removes from a sequence of n items: the argument, if
   any, else the last; `what` names the sequence in the empty error. */
int pop_index(const mv_config *cfg, const mv_value **arg, size_t nargs,
              mv_ssize n, const char *what, mv_ssize *out, mv_error *err);
/* bytes(x) of a bytes or a bytearray, and x.tobytes() of an array: its
   memory as it is. */
int memory_bytes(mv_exporter *e, mv_value *result, mv_error *err);
/* Bytes to add from an argument that lends a buffer. */
int buffer_bytes(const mv_config *cfg, const mv_value *v, mv_value *out,
                 mv_error *err);

/* x[key] of a one-dimensional exporter: an int key gives its index
   (*index, *slice false; IndexError with `range` when out of range), a
   slice the bytes of the items it selects (*bytes, *slice true); any
   other key is refused. */
int select_items(mv_exporter *e, const mv_value *key, const char *range,
                 mv_ssize *index, mv_value *bytes, bool *slice,
                 mv_error *err);
/* An int key as an index into n items; IndexError with `message`. */
int item_index(const mv_exporter *e, const mv_value *key, mv_ssize n,
               const char *message, mv_ssize *out, mv_error *err);
int bad_key(const mv_exporter *e, const mv_value *key, mv_error *err);

/* The bytes a slice of e is assigned from, converted from value. */
typedef int (*slice_source)(const mv_exporter *e, const mv_value *value,
                            mv_value *out, mv_error *err);
/* e[slice] = value, or del e[slice] when value is NULL, for bytearray
   (array false) and array (true, which counts more as resizing). */
int assign_slice_items(mv_exporter *e, const mv_value *key,
                       const mv_value *value, slice_source source, bool array,
                       mv_error *err);

#endif /* MVREF_DRIVER_EXPORTERS_H */
