/*
 * abstract.h -- what the library asks of any value, whatever it is
 * (abstract.c): a loan of its memory, its truth, its bytes, the numbers
 * operator.index() and float() make of it.
 */
#ifndef MV_ABSTRACT_H
#define MV_ABSTRACT_H

#include "mvint.h"
#include "layout.h"

/* PyObject_GetBuffer: borrow the buffer of any value, and give it back. */
int mv_getbuffer(const mv_config *cfg, const mv_value *v, mv_buffer *b,
                 int flags, mv_error *err);
void mv_releasebuffer(mv_buffer *b);
/* bool(v) for the values a '?' item may be set from (FORMAT-012) */
int mv_truthy(const mv_value *v, bool *out, mv_error *err);
/* The bytes of a bytes value or of a bytes object (the two are one type
   in Python); false for anything else. */
bool mv_bytes_of(const mv_value *v, const unsigned char **data, size_t *len);

/* Numbers from any value, as CPython's abstract layer makes them; a host's
   object answers by its own methods, which may run any code (mvref.h,
   section 10). */
bool mv_index_check(const mv_value *v);          /* has __index__ */
int mv_index(const mv_value *v, mv_value *out, mv_error *err);
int mv_index_ssize(const mv_config *cfg, const mv_value *v,
                   const char *overflow_type, mv_ssize *out, mv_error *err);
int mv_float_of(const mv_value *v, double *out, mv_error *err);
int mv_arg_int(const mv_config *cfg, const mv_value *v, int *out,
               mv_error *err);
/* A host's object (MV_HOST, or an exporter over its memory, which then
   stands for it), and what it says to len(v), v == other, v < other... */
bool mv_is_host(const mv_value *v);
int mv_host_length(const mv_value *v, mv_ssize *out, mv_error *err);
int mv_host_compare(const mv_value *v, const mv_value *other,
                    mv_compare_op op, mv_value *out, bool *not_implemented,
                    mv_error *err);

#endif /* MV_ABSTRACT_H */
