/*
 * args.h -- binding a call's arguments as CPython's method wrappers do
 * (args.c).
 */
#ifndef MV_ARGS_H
#define MV_ARGS_H

#include "mvint.h"

typedef struct mv_signature {
    const char *name;        /* "tobytes"; NULL: 3.9's "function" */
    const char *qualname;    /* "memoryview.tobytes" */
    int kind;                /* MV_SIG_* */
    int nrequired;
    int nparams;
    const char *params[4];   /* positional-or-keyword names, in order */
} mv_signature;

enum { MV_SIG_NOARGS, MV_SIG_CLINIC, MV_SIG_VARARGS, MV_SIG_O,
       MV_SIG_POSITIONAL, MV_SIG_WRAPPER };

/* Bind a's arguments to sig's parameters; unbound ones are NULL. */
int mv_parse_args(const mv_config *cfg, const mv_signature *sig,
                  const mv_args *a, const mv_value *bound[], mv_error *err);

#endif /* MV_ARGS_H */
