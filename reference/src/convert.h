/*
 * convert.h -- the numbers and the truth of any value (convert.c).
 */
#ifndef MV_CONVERT_H
#define MV_CONVERT_H

#include "mvint.h"

/* bool(v) for the values a '?' item may be set from (FORMAT-012) */
int mv_truthy(const mv_value *v, bool *out, mv_error *err);
/* Numbers from any value, as CPython's abstract layer makes them; a host's
   object answers by its own methods, which may run any code (mvref.h,
   section 10). */
bool mv_index_check(const mv_value *v);          /* has __index__ */
int mv_index(const mv_value *v, mv_value *out, mv_error *err);
int mv_index_ssize(const mv_config *cfg, const mv_value *v,
                   const char *overflow_type, const char *rule, mv_ssize *out,
                   mv_error *err);
int mv_float_of(const mv_value *v, double *out, mv_error *err);
int mv_arg_int(const mv_config *cfg, const mv_value *v, int *out,
               const char *rule, mv_error *err);
int mv_arg_ssize(const mv_config *cfg, const mv_value *v, mv_ssize *out,
                 const char *rule, mv_error *err);
/* A host's object (MV_HOST, or an exporter over its memory, which then
   stands for it), and what it says to len(v), v == other, v < other... */
bool mv_is_host(const mv_value *v);
int mv_host_length(const mv_value *v, mv_ssize *out, mv_error *err);
int mv_host_compare(const mv_value *v, const mv_value *other,
                    mv_compare_op op, mv_value *out, bool *not_implemented,
                    mv_error *err);

#endif /* MV_CONVERT_H */
