/*
 * value.h -- Python values as the library's files need them (value.c),
 * beyond the constructors mvref.h gives everyone.
 */
#ifndef MV_VALUE_H
#define MV_VALUE_H

#include "mvint.h"

/* obj as a value that takes over the caller's reference; mv_object_value()
   is the one that adds a reference.  Inline, as mvref.h's constructors. */
static inline mv_value mv_object_owned(mv_object *obj)
{
    mv_value v = mv_none();
    v.kind = MV_OBJECT;
    v.as.object = obj;
    return v;
}

bool mv_is_index(const mv_value *v);         /* has __index__: int, bool */
/* operator.index(v) as a Py_ssize_t: TypeError for non-ints; for ints out
   of range, overflow_type ("IndexError", "OverflowError") with CPython's
   "cannot fit 'int' into an index-sized integer". */
int mv_as_ssize(const mv_config *cfg, const mv_value *v,
                const char *overflow_type, const char *rule, mv_ssize *out,
                mv_error *err);
bool mv_int_to_i64(const mv_value *v, int64_t *out);
bool mv_int_to_u64(const mv_value *v, uint64_t *out);
/* float(v) for int and float values; OverflowError for huge ints. */
int mv_as_double(const mv_value *v, double *out, mv_error *err);
bool mv_same_object(const mv_value *a, const mv_value *b);
int mv_bytes_zeroed(mv_value *out, size_t len, mv_error *err);
/* A new bytes or ASCII str of len bytes at *data, to be filled in: the
   host's object when it allocates (a fast path). */
int mv_text_new(mv_value *out, mv_kind kind, size_t len, unsigned char **data,
                mv_error *err);
/* The code points of a str (UTF-8) as UCS-4, into out (n of them at
   most); the number of code points. */
size_t mv_str_code_points(const mv_value *s, uint32_t *out, size_t n);
/* The position of the first code point of a str beyond ASCII, setting
   *cp; -1 when the str is all ASCII. */
long mv_str_non_ascii(const mv_value *s, uint32_t *cp);

#endif /* MV_VALUE_H */
