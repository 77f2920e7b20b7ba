/*
 * readonly.c -- chapter 7 of the spec: whether a view may be written.
 *
 * The exporter decides, once, when it lends its memory: bytes never lends
 * it writable, bytearray, array.array and writable arrays do
 * (READONLY-003).  Every view made from a view inherits its flag
 * (READONLY-005), and toreadonly() makes a read-only view of writable
 * memory without protecting that memory from anyone else: the exporter
 * and other views may still write it, and the read-only view sees those
 * writes (READONLY-004, EXPORT-007).
 *
 *     ba ◀── m = memoryview(ba)       readonly False
 *        ◀── r = m.toreadonly()      readonly True, same memory
 *     ba[0] = 122  ->  r[0] == 122
 */
#include "mvint.h"
#include "chapters.h"
#include "refcount.h"
#include "view.h"

/* READONLY-001, READONLY-002: a read-only view refuses every write, before
   looking at its key or value. */
int mv_check_writable(const mv_view *v, mv_error *err)
{
    if (v->view.readonly)
        return mv_raise(err, "READONLY-001", "TypeError", "cannot modify read-only memory");
    return 0;
}

/* READONLY-004, READONLY-006: a new read-only view of the same memory,
   with everything but the flag of v's description, even when v is
   read-only already. */
int mv_view_toreadonly(mv_view *v, mv_value *result, mv_error *err)
{
    mv_view *ro;

    if (mv_view_check_released(v, err) < 0
        || mv_view_derive(v, 0, &ro, err) < 0)
        return -1;
    ro->view.readonly = true;
    *result = mv_view_value(ro);
    return 0;
}
