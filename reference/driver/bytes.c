/*
 * bytes.c -- a bytes object, as the cases use it: its items and slices
 * read (b[0] is an int, b[1:3] a new bytes), never written.
 */
#include "exporters.h"
#include "value.h"

/* b[i], b[a:b:c] */
static int bytes_getitem(mv_exporter *e, const mv_value *key, mv_value *result,
                         mv_error *err)
{
    mv_ssize i = 0;
    bool slice;

    if (select_items(e, key, "index out of range", &i, result, &slice,
                     err) < 0)
        return -1;
    if (!slice)
        *result = mv_int_from_i64(e->data[i]);
    return 0;   /* a slice: a new bytes object is a bytes value */
}

/* b[key] = value, del b[key]: bytes is immutable ("doesn't" for sequence
   indices, as CPython words it).  An index is converted first, as for
   every sequence, so one too big for it is an IndexError (EXPORT-012). */
static int bytes_setitem(mv_exporter *e, const mv_value *key,
                         const mv_value *value, mv_error *err)
{
    mv_ssize i;

    if (mv_is_index(key)
        && mv_as_ssize(e->base.cfg, key, "IndexError", &i, err) < 0)
        return -1;
    return mv_raise(err, "TypeError", value
                    ? "'bytes' object does not support item assignment"
                    : mv_is_index(key)
                    ? "'bytes' object doesn't support item deletion"
                    : "'bytes' object does not support item deletion");
}

const exporter_kind bytes_kind = {
    NULL, bytes_getitem, bytes_setitem, memory_bytes
};
