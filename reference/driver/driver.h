/*
 * driver.h -- what the driver's files share.
 *
 *   main.c     the process: options, the hello line, one result line a case
 *   codec.c    protocol values (spec/protocol.md §3) to mv_value and back
 *   pyobject.c the values of other Python types a case describes, and the
 *              driver as their host (mvref.h, section 10)
 *   run.c      a case: build the setup, run each step, collect outcomes
 *   exporters.c, bytes.c, bytearray.c, array.c, ndarray.c
 *              what cases do to exporters themselves (ba.append(1)), which
 *              is theirs and not memoryview's (exporters.h says more)
 *   text.c     JSON text, written as it is made: the result lines
 *   arena.c    jansson's memory, taken back whole between cases
 *
 * Every operation on a view is one call into the reference library.  The
 * driver's own concerns are the protocol's -- names, the encoding of
 * values, outcomes -- and, in exporters.c, the exporters' own methods.
 */
#ifndef MVREF_DRIVER_H
#define MVREF_DRIVER_H

#include <jansson.h>

#include "mvref.h"

/* The names a case has bound, in the order they were first bound (the
   order in which a result's {"ref": name} is looked for). */
typedef struct binding {
    char *name;
    mv_value value;
} binding;

typedef struct env {
    binding *items;
    size_t len, room;   /* room: items has space for so many */
    const mv_config *cfg;
    int methods;        /* described methods running now, one inside
                           another (pyobject.c: at most MAX_METHODS) */
} env;

/* A step cannot run: how the case must be answered instead. */
typedef enum {
    STEP_OK = 0,
    STEP_UNBOUND,       /* a name is not bound: the step's outcome */
    STEP_RAISED,        /* making an operand raised (MemoryError): the
                           step's outcome; the error is in problem.err */
    STEP_UNSUPPORTED,   /* the whole case is unsupported */
    STEP_MALFORMED      /* the case is not well-formed */
} step_status;

typedef struct problem {
    step_status status;
    char text[600];     /* the unbound name, or what is unsupported */
    mv_error err;       /* STEP_RAISED: what was raised */
} problem;

/* text.c: JSON text in a buffer that grows.  Writing to a failed text
   does nothing; `failed` is looked at once, when the text is finished. */
typedef struct text {
    char *data;         /* not '\0'-terminated */
    size_t len, cap;
    bool failed;        /* out of memory, or a string was not UTF-8, or */
    bool too_long;      /* ... longer than TEXT_BYTES */
} text;

#define TEXT_EMPTY { NULL, 0, 0, false, false }
/* The longest text, and so the longest answer: each step's value is held
   to the case's memory limit (CASE_BYTES) while it is made, but a case's
   answer gathers every step's, and the bytes of 64 MiB are 128 MiB of
   hex: 20 such steps were once 670 MB held at once, for a line the
   harness refuses beyond 256 MiB (spec/protocol.md). */
#define TEXT_BYTES ((size_t)192 << 20)

void text_put(text *t, const char *s);          /* JSON syntax, as is */
void text_putn(text *t, const char *s, size_t n);
void text_int(text *t, long long v);            /* a JSON integer */
void text_hex(text *t, const unsigned char *data, size_t len);  /* digits */
void text_string(text *t, const char *s, size_t n);  /* a JSON string */
/* Where a text is, to come back to: undoing what was written since,
   and any failure with it.  Marks are taken only while the text has not
   failed; 0, the empty text, is always one. */
size_t text_mark(const text *t);
void text_rewind(text *t, size_t mark);
void text_free(text *t);

/* arena.c: jansson allocates from an arena once arena_install() is
   called; arena_empty() takes everything back, when no jansson value is
   left; arena_release() frees the arena at exit. */
void arena_install(void);
void arena_empty(void);
void arena_release(void);

/* codec.c */
int decode_value(const json_t *j, const env *e, mv_value *out, problem *p);
void encode_value(text *t, const mv_value *v, const env *e);
const mv_value *env_lookup(const env *e, const char *name);
int env_bind(env *e, const char *name, mv_value *value);  /* takes value */
void env_drop(env *e, const char *name);
void env_clear(env *e);

/* exporters.c: operations on exporters (not views) */
int exporter_call(const mv_value *obj, const char *method, const mv_args *a,
                  mv_value *result, mv_error *err);
int exporter_getitem(const mv_value *obj, const mv_value *key,
                     mv_value *result, mv_error *err);
/* value NULL: del obj[key] */
int exporter_setitem(const mv_value *obj, const mv_value *key,
                     const mv_value *value, mv_error *err);
int object_contents(const mv_value *obj, mv_value *result, mv_error *err);
/* What a case may cost: the bytes of memory the library may hold at once
   while it runs (mv_alloc_budget), and so the most any setup may take.  A
   case that needs more is answered unsupported, saying so: the driver
   answers for memoryview, not for how much memory a machine has. */
#define CASE_BYTES ((size_t)64 << 20)
/* And the most steps a walk over a setup's layout may take (tolist(), ==):
   the items and the rows on the way, each dimension counted as at least 1
   (a walk steps through the rows of a layout with no items too). */
#define CASE_STEPS ((mv_ssize)1 << 20)

/* Whether _testbuffer.ndarray (or numpy) would refuse to build s, or the
   driver does; if so, why (ndarray.c says which kinds of reason). */
bool ndarray_refused(const mv_config *cfg, const mv_ndarray_spec *s,
                     bool numpy, char *why, size_t size);
/* Whether array.array would refuse to build from typecode and items, or
   the driver does; if so, why. */
bool array_refused(const mv_config *cfg, const char *typecode,
                   const mv_value *items, char *why, size_t size);

/* pyobject.c: complex, Decimal, Fraction, dict, set, frozenset, object(),
   a function (1 when j is none of these), an object of a class the setup
   describes, and how often its methods ran. */
int pyobject_decode(const json_t *j, const env *e, mv_value *out,
                    problem *p);
int pyobject_class(const json_t *spec, env *e, mv_value *out, problem *p);
int pyobject_calls(const mv_value *obj, const char *method, mv_value *result,
                   problem *p);

/* How a case is run, for the allocation-failure check (main.c says more). */
typedef struct run_options {
    long fail_alloc;    /* > 0: fail the steps' fail_alloc-th allocation */
    long fail_setup_alloc;  /* > 0: fail the setup's one of that number */
    bool trace_alloc;   /* list the call site of each of their allocations */
} run_options;

/* run.c: write the result line for one case line into out (without its
   '\n'); out->failed if it could not be written */
void run_case(const mv_config *cfg, const json_t *c, const run_options *o,
              text *out);
/* One step of a method of a described object (pyobject.c), in the case's
   names: 0, or -1 with err (an exception, or MV_UNSUPPORTED for a step
   that binds or drops a name, or that cannot run). */
int run_method_step(const json_t *step, env *e, mv_error *err);
/* run.c: a line of nothing but white space is no case: no answer. */
bool blank_line(const char *s, size_t n);
/* run.c: the answer to one line of input that is not blank, as main()
   reads it, into out (without its '\n'): the case's result line; for a
   line that is not a JSON object, "not a case line" with an empty id;
   for a result that cannot be written (no memory, not UTF-8), an
   "unsupported" answer with the same id.  out->failed only if even that
   could not be written. */
void answer_line(const mv_config *cfg, const char *line, size_t len,
                 const run_options *o, text *out);

#endif
