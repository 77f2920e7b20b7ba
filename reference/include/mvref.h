/*
 * mvref.h -- the mvspec reference implementation of Python's memoryview.
 *
 * This header reads top to bottom like a manual:
 *
 *   1. Concepts        what an exporter, a buffer, a managed buffer and a
 *                      view are
 *   2. Ownership       who frees what, and when a pointer stops being valid
 *   3. Errors          how a failing operation reports itself
 *   4. Configuration   the Python version and platform being modelled
 *   5. Values          the Python values that flow in and out
 *   6. Objects         exporters, views and iterators
 *   7. Operations      what a Python program does with a view
 *   8. Test hooks      failing an allocation on purpose
 *   9. Embedding       views over a host's memory, and lending to a host
 *  10. The host        objects only the host knows: how the library asks
 *                      them for an index, a float, a truth value
 *
 * The library is written to be read and taught from, not to be fast.
 * Every function that realises a rule of spec/memoryview.md names the rule
 * in a comment (INDEX-001); the behaviour, down to each exception's type
 * and message, is CPython's.  The source files follow the spec's chapters;
 * reference/src/mvint.h lists them.
 *
 * A short session, memoryview(b'Hello')[1]:
 *
 *     mv_config cfg;  mv_error err;  mv_value x, m, key, item;
 *     mv_config_init(&cfg, "3.12", 64, &err);
 *     mv_bytes_object(&cfg, (const unsigned char *)"Hello", 5, &x, &err);
 *     mv_args a = { &x, 1, NULL, 0 };
 *     mv_memoryview(&cfg, &a, &m, &err);         m = memoryview(x)
 *     key = mv_int_from_i64(1);
 *     mv_getitem(&m, &key, &item, &err);         item = m[1]: the int 101
 *     mv_value_clear(&item);  mv_value_clear(&m);  mv_value_clear(&x);
 *
 * (each call returns 0, or -1 with err filled in: see 3.)
 *
 * ---------------------------------------------------------------------------
 * 1. Concepts (named as in the buffer protocol, PEP 3118)
 * ---------------------------------------------------------------------------
 *
 *   exporter         an object that owns memory and lends it out: bytes,
 *                    bytearray, array.array, _testbuffer.ndarray,
 *                    numpy.ndarray.  It counts the buffers it has lent
 *                    ("exports") and refuses to move or resize its memory
 *                    while any is outstanding.
 *
 *   buffer           one loan: where the memory is (buf), how long it is
 *                    (len), and how to read it (itemsize, format, ndim,
 *                    shape, strides, suboffsets, readonly).  layout.c draws
 *                    one.
 *
 *   managed buffer   one buffer obtained from an exporter and shared by
 *                    every view derived from it (slices, casts,
 *                    toreadonly(), views of views).  It gives the buffer
 *                    back to the exporter when the last of those views is
 *                    released.
 *
 *   view             a memoryview: a managed buffer plus its own shape,
 *                    strides, suboffsets and format, which slicing and
 *                    casting change without touching the memory.
 *
 * ---------------------------------------------------------------------------
 * 2. Ownership
 * ---------------------------------------------------------------------------
 *
 *   Objects (exporters, views, iterators) are reference counted.  A
 *   function that returns an object in an mv_value hands the caller one
 *   reference; the caller drops it with mv_value_clear().  A view holds its
 *   managed buffer, and the managed buffer holds its exporter, so an
 *   exporter lives at least as long as any view of it.
 *
 *   An mv_value owns everything inside it (strings, bytes, list items, and
 *   one reference to an object).  Clear every value you were given,
 *   exactly once; clearing an MV_NONE value is harmless, so a
 *   zero-initialised value may always be cleared.  Arguments are borrowed:
 *   no operation keeps or clears what it was passed.
 *
 *   On error an operation has changed nothing that a later operation can
 *   see, and any output value is left as MV_NONE.
 *
 * ---------------------------------------------------------------------------
 * 3. Errors
 * ---------------------------------------------------------------------------
 *
 *   Errors a Python program can cause are returned, never kept in a
 *   global: a fallible function returns 0 on success and -1 on failure,
 *   and fills the mv_error its caller passed in.  The error carries
 *   CPython's exception type name and its exact message.  A second kind of
 *   failure, MV_UNSUPPORTED, says "this reference does not model that": a
 *   caller must report it as such, never as a Python outcome.
 *
 *   Broken invariants (bugs in this library, or a caller breaking a rule
 *   of this header) are assert()s, never errors.
 */
#ifndef MVREF_H
#define MVREF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* A Py_ssize_t.  Always 64 bits wide here, so that one build models both
   64-bit and 32-bit platforms; the modelled platform's limits are checked
   explicitly where CPython would overflow (see mv_platform). */
typedef int64_t mv_ssize;

/* CPython's PyBUF_MAX_NDIM: no view has more dimensions (CONSTRUCT-009). */
#define MV_MAX_NDIM 64
/* _testbuffer.ndarray allows twice as many, so that a view can refuse them. */
#define MV_MAX_EXPORTER_NDIM 128

/* --------------------------------------------------------------------- */
/* 3. Errors                                                              */
/* --------------------------------------------------------------------- */

typedef enum mv_failure {
    MV_RAISED = 1,      /* a Python exception: type and message are set */
    MV_UNSUPPORTED = 2  /* not modelled by this reference: message says what */
} mv_failure;

#define MV_MESSAGE_MAX 512

typedef struct mv_host mv_host;     /* section 10 */

typedef struct mv_error {
    mv_failure failure;
    const char *rule;               /* "INDEX-003": the rule of spec/memoryview.md
                                       that raised; static storage; NULL for
                                       MemoryError, for what is not modelled,
                                       for an exporter's own errors and for
                                       the host's (section 10) */
    const char *type;               /* "IndexError"; static storage, or the
                                       host's while it keeps the exception */
    char message[MV_MESSAGE_MAX];   /* str(exception), exactly as CPython */
    const mv_host *host;            /* non-NULL: the host's own code raised
                                       it (a method of one of its objects),
                                       and the host keeps the exception
                                       itself, to raise it again as it is
                                       (section 10); NULL: the library's */
} mv_error;

/* Fill err and return -1, so that callers can write `return mv_raise(...)`:
   mv_raise(err, "INDEX-003", "IndexError", "index out of bounds on
   dimension %d", 1) for a Python exception, naming the rule that raises it
   (mvref shows it as the exception's note), mv_unsupported(err, "what",
   ...) for what is not modelled.  Both are the one function mv_fail, which
   makes the error the library's (err->host NULL). */
int mv_fail(mv_error *err, mv_failure failure, const char *rule,
            const char *type, const char *fmt, ...);
#define mv_raise(err, rule, type, ...) \
    mv_fail((err), MV_RAISED, (rule), (type), __VA_ARGS__)
#define mv_unsupported(err, ...) \
    mv_fail((err), MV_UNSUPPORTED, NULL, "unsupported", __VA_ARGS__)
/* MemoryError with an empty message, as PyErr_NoMemory() gives. */
int mv_no_memory(mv_error *err);
/* isinstance(exception, type) for a builtin exception type ("TypeError"):
   the host answers for an exception its code raised (a UnicodeError is a
   ValueError), the library's own errors are of their type exactly. */
bool mv_error_matches(const mv_error *err, const char *type);

/* --------------------------------------------------------------------- */
/* 4. Configuration: which CPython, on which platform                     */
/* --------------------------------------------------------------------- */

/* Native sizes of the modelled C platform.  The sizes of the struct codes
   l L n N P, and the bounds of Py_ssize_t, come from here and nowhere
   else. */
typedef struct mv_platform {
    int word_size;          /* 64 or 32 */
    mv_ssize sizeof_long;   /* 'l' 'L' */
    mv_ssize sizeof_ssize;  /* 'n' 'N' */
    mv_ssize sizeof_ptr;    /* 'P', and the slots of suboffsets */
    mv_ssize ssize_max;     /* PY_SSIZE_T_MAX */
} mv_platform;

/* Everything that differs between CPython versions (version.c).  Each
   field names the rule whose **Versions.** note it follows. */
typedef struct mv_behaviour {
    int minor;                  /* 3.minor */
    bool half_float;            /* FORMAT-007: 'e' is a native format (3.12+) */
    bool half_nan_payload;      /* FORMAT-007: 'e' NaNs keep their payload
                                   (3.14+) */
    bool zero_dim_len_raises;   /* SEQ-002: len() of a 0-dim view raises
                                   (3.12+) */
    bool has_count_index;       /* SEQ-010: count() and index() (3.14+) */
    bool has_buffer_methods;    /* OBJECT-004: __buffer__ and
                                   __release_buffer__ (3.12+) */
    bool iter_protocol;         /* SEQ-005: a memory_iterator, not the
                                   sequence iterator (3.10+) */
    bool iter_released_first;   /* SEQ-011: the iterator checks release
                                   first (3.14+) */
    bool not_a_container;       /* SEQ-009: "is not a container or
                                   iterable" (3.14+) */
    bool bytearray_value_first; /* ba[i] = x converts x before checking i
                                   (3.10+): bytearray's own, for drivers */
    bool recheck_released;      /* CONVERT-009: after a conversion that
                                   can run Python code, the view is checked
                                   for release again (3.10+) */
    bool arg_int_takes_int;     /* CONVERT-012: an int argument is taken
                                   from __int__ too (3.9) */
    bool array_w_and_clear;     /* CONSTRUCT-004: array typecode 'w', and
                                   array.clear() (3.13+) */
    bool own_reduce;            /* OBJECT-001: "cannot pickle memoryview
                                   objects" from protocol 2 (3.11+) */
    /* How argument errors read (args.c): no rule of their own, but part
       of every method's exact messages. */
    bool legacy_parse;          /* TOBYTES-007, CAST-014: tobytes and cast
                                   parse after the released check (3.9) */
    bool legacy_int_message;    /* HEX-005: "integer argument expected,
                                   got float" (3.9) */
    bool qualified_varargs;     /* "memoryview.__exit__() takes..." (3.11+) */
    bool unexpected_keyword;    /* "got an unexpected keyword argument"
                                   (3.13+) */
    bool named_wrappers;        /* OBJECT-009: "__buffer__ expected 1
                                   argument" (3.14+) */
    bool complex_formats;       /* CAST-008, FORMAT-001: 'Zd' and 'Zf' are
                                   native formats, and the message says "a
                                   native format" (3.15 pre-release) */
    bool slice_message_no_none; /* SLICE-007: "slice indices must be integers
                                   or have an __index__ method", in slices
                                   too (3.15 pre-release) */
    bool bytes_per_sep_ssize;   /* HEX-005: bytes_per_sep is a Py_ssize_t,
                                   not an int (3.15 pre-release) */
    bool index_result_named;    /* CONVERT-002, CONVERT-007: "M.C.__index__()
                                   must return an int, not str", and so
                                   __bool__ (3.15 pre-release) */
    bool hex_exports;           /* CONVERT-014: hex() holds an export of the
                                   view while it reads the separator
                                   (3.15 pre-release) */
} mv_behaviour;

typedef struct mv_config {
    mv_platform platform;
    mv_behaviour behaviour;
} mv_config;

/* Fill cfg for Python "3.minor" (3.9 to 3.15) on a platform of word_size
   bits (64 or 32).  Fails (MV_UNSUPPORTED) for anything else.  Objects
   keep a pointer to the config they were made with: it must outlive
   them. */
int mv_config_init(mv_config *cfg, const char *python_version, int word_size,
                   mv_error *err);

/* --------------------------------------------------------------------- */
/* 5. Values                                                              */
/* --------------------------------------------------------------------- */

typedef struct mv_object mv_object;   /* an exporter, a view, an iterator */

typedef enum mv_kind {
    MV_NONE, MV_BOOL, MV_INT, MV_FLOAT, MV_STR, MV_BYTES,
    MV_LIST, MV_TUPLE, MV_SLICE, MV_ELLIPSIS, MV_OBJECT,
    MV_OPAQUE,  /* a value known only by its type's name (a numpy scalar):
                   it can be reported, never used; as.str holds the name */
    MV_HOST     /* an object of the host's (a Decimal, an object of a
                   class with __index__): as.host, section 10 */
} mv_kind;

/* A Python int.  Exact for |value| < 2**64; beyond that it is "huge" and
   kept as decimal text, which is all a memoryview ever needs of it: it is
   out of range for every format and every index. */
typedef struct mv_int {
    bool negative;        /* never set for zero */
    bool huge;            /* |value| >= 2**64: magnitude unused, digits set */
    uint64_t magnitude;
    char *digits;         /* decimal |value|, only when huge */
} mv_int;

typedef struct mv_value mv_value;
struct mv_value {
    mv_kind kind;
    union {
        bool boolean;                                      /* MV_BOOL */
        mv_int integer;                                    /* MV_INT */
        double real;                                       /* MV_FLOAT */
        struct { char *data; size_t len; void *host; } str;
                                       /* MV_STR, UTF-8; MV_OPAQUE */
        struct { unsigned char *data; size_t len; void *host; } bytes;
                                       /* MV_BYTES */
        struct { mv_value *items; size_t len; size_t room; } seq;
                                       /* LIST, TUPLE, SLICE (3); room: the
                                          items allocated, if known (else 0) */
        mv_object *object;                                 /* MV_OBJECT */
        struct { const mv_host *host; void *obj; } host;   /* MV_HOST: one
                                                              reference */
    } as;
};

/* A str or bytes value's `host` is NULL, or the host's own object that
   holds its data (section 9: the host allocates). */

/* Constructors that cannot fail.  Inline, so that the compiler writes a
   value straight into its place, field by field: a struct returned from a
   function of another file is built in a temporary, in stores of several
   sizes, and copied whole, and reading back at once what was just stored
   in other sizes stalls the processor (these are the library's busiest
   functions).  mv_none() sets every byte of the union, so that a value
   made from it and given only some fields has the others NULL. */
static inline mv_value mv_none(void)
{
    return (mv_value){ .kind = MV_NONE, .as.str = { NULL, 0, NULL } };
}

static inline mv_value mv_bool(bool b)
{
    mv_value v = mv_none();
    v.kind = MV_BOOL;
    v.as.boolean = b;
    return v;
}

static inline mv_value mv_int_from_u64(uint64_t u)
{
    mv_value v = mv_none();
    v.kind = MV_INT;
    v.as.integer.magnitude = u;
    return v;
}

static inline mv_value mv_int_from_i64(int64_t i)
{
    /* negated in unsigned arithmetic: -INT64_MIN does not fit an int64_t.
       Every field given at once: a bool stored into a word just zeroed,
       then the word read back whole to copy the value, stalls the store
       buffer (a fifth of m[i] = v's time in mvref). */
    return (mv_value){ .kind = MV_INT, .as.integer = {
        .negative = i < 0, .huge = false,
        .magnitude = i < 0 ? 0 - (uint64_t)i : (uint64_t)i, .digits = NULL } };
}

static inline mv_value mv_float(double d)
{
    mv_value v = mv_none();
    v.kind = MV_FLOAT;
    v.as.real = d;
    return v;
}

static inline mv_value mv_ellipsis(void)
{
    mv_value v = mv_none();
    v.kind = MV_ELLIPSIS;
    return v;
}

/* A new reference to obj. */
mv_value mv_object_value(mv_object *obj);
/* A host's object, with a new reference to it (host->incref). */
mv_value mv_host_value(const mv_host *host, void *obj);

/* Constructors that allocate.  They copy their input. */
int mv_str_new(mv_value *out, const char *data, size_t len, mv_error *err);
int mv_bytes_new(mv_value *out, const unsigned char *data, size_t len,
                 mv_error *err);
/* An int from decimal text ("-123", any size). */
int mv_int_from_text(mv_value *out, const char *text, mv_error *err);
/* A list, tuple or slice of len items, all MV_NONE, to be filled in. */
int mv_seq_new(mv_value *out, mv_kind kind, size_t len, mv_error *err);
/* Append item (taking it over, even on failure) to a list. */
int mv_list_append(mv_value *list, mv_value *item, mv_error *err);

void mv_value_clear(mv_value *v);
int mv_value_copy(mv_value *dst, const mv_value *src, mv_error *err);

/* Decimal text of an int, into buf (at least 24 bytes; more for a huge
   int, whose digits are copied and cut to fit). */
const char *mv_int_text(const mv_int *i, char *buf, size_t size);

/* type(v).__name__ ("array", "memory_iterator") and the C-level tp_name
   CPython puts in messages ("array.array"). */
const char *mv_type_name(const mv_value *v);
const char *mv_type_qualname(const mv_value *v);

/* --------------------------------------------------------------------- */
/* 6. Objects                                                             */
/* --------------------------------------------------------------------- */

typedef enum mv_type {
    MV_TYPE_BYTES, MV_TYPE_BYTEARRAY, MV_TYPE_ARRAY,
    MV_TYPE_NDARRAY, MV_TYPE_NUMPY, MV_TYPE_MEMORYVIEW,
    MV_TYPE_ITERATOR   /* what iter(m) returns */
} mv_type;

mv_type mv_object_type(const mv_object *obj);
void mv_object_incref(mv_object *obj);
void mv_object_decref(mv_object *obj);

/* -- Making exporters (exporter.c, array.c, ndarray.c).  Each returns a
   new object in *out.  A case's setup builds these; a failure there is
   MV_UNSUPPORTED, since it is not memoryview's to report. -- */

int mv_bytes_object(const mv_config *cfg, const unsigned char *data,
                    size_t len, mv_value *out, mv_error *err);
int mv_bytearray_object(const mv_config *cfg, const unsigned char *data,
                        size_t len, mv_value *out, mv_error *err);
/* array.array(typecode, items): items a list of numbers, or for 'u' and
   'w' a str. */
int mv_array_object(const mv_config *cfg, const char *typecode,
                    const mv_value *items, mv_value *out, mv_error *err);

/* The description of an ndarray (or a numpy array) to build. */
typedef struct mv_ndarray_spec {
    const mv_value *items;  /* flat list, or one value for 0 dims */
    const char *format;     /* struct format; numpy's comes from its dtype */
    int ndim;
    mv_ssize shape[MV_MAX_EXPORTER_NDIM];
    bool has_strides;
    mv_ssize strides[MV_MAX_EXPORTER_NDIM];
    mv_ssize offset;
    bool readonly;
    bool fortran;           /* ndarray: ND_FORTRAN; numpy: order='F' */
    bool pil;               /* ndarray: ND_PIL (suboffsets) */
} mv_ndarray_spec;

/* _testbuffer.ndarray(items, shape, strides, offset, format, flags) */
int mv_ndarray_object(const mv_config *cfg, const mv_ndarray_spec *spec,
                      mv_value *out, mv_error *err);
/* numpy.array(items, dtype).reshape(shape, order); dtype like "int64".
   Modelled on 64-bit platforms only (64-bit Linux's dtype formats). */
int mv_numpy_object(const mv_config *cfg, const char *dtype,
                    const mv_ndarray_spec *spec, mv_value *out,
                    mv_error *err);

/* --------------------------------------------------------------------- */
/* 7. Operations                                                          */
/* --------------------------------------------------------------------- */

/* Each behaves as the Python expression in its comment and fills *result
   on success.  Unless it says otherwise, obj must hold a memoryview:
   what other objects do (bytearray.append, ba[0] = 1) is not memoryview's
   behaviour, and is left to the caller. */

typedef struct mv_kwarg {
    const char *name;
    mv_value value;
} mv_kwarg;

typedef struct mv_args {
    const mv_value *args;
    size_t nargs;
    const mv_kwarg *kwargs;
    size_t nkwargs;
} mv_args;

/* memoryview(*args, **kwargs), of any object */
int mv_memoryview(const mv_config *cfg, const mv_args *a, mv_value *result,
                  mv_error *err);
int mv_getitem(const mv_value *obj, const mv_value *key, mv_value *result,
               mv_error *err);                          /* obj[key] */
int mv_setitem(const mv_value *obj, const mv_value *key,
               const mv_value *value, mv_error *err);   /* obj[key] = value */
int mv_delitem(const mv_value *obj, const mv_value *key,
               mv_error *err);                          /* del obj[key] */
int mv_getattr(const mv_value *obj, const char *name, mv_value *result,
               mv_error *err);                          /* obj.name */
/* obj.method(*args, **kwargs): tolist, tobytes, hex, cast, release,
   toreadonly, __enter__, __exit__, count, index, __buffer__,
   __release_buffer__; any other name is an AttributeError */
int mv_call(const mv_value *obj, const char *method, const mv_args *a,
            mv_value *result, mv_error *err);
int mv_len(const mv_value *obj, mv_value *result, mv_error *err);   /* len(obj) */
int mv_truth(const mv_value *obj, mv_value *result, mv_error *err); /* bool(obj) */
int mv_list(const mv_value *obj, mv_value *result, mv_error *err);  /* list(obj) */
/* bytes(obj), of any object that exports a buffer */
int mv_bytes(const mv_value *obj, mv_value *result, mv_error *err);
int mv_iter(const mv_value *obj, mv_value *result, mv_error *err);  /* iter(obj) */
/* next(it), it an iterator from mv_iter; an exhausted iterator raises
   StopIteration (message "") */
int mv_next(const mv_value *it, mv_value *result, mv_error *err);
/* value in obj */
int mv_contains(const mv_value *obj, const mv_value *value, mv_value *result,
                mv_error *err);
/* hash(obj) == hash(like), like any value */
int mv_hash_equal(const mv_value *obj, const mv_value *like, mv_value *result,
                  mv_error *err);
/* a == b and a != b, of any values */
int mv_eq(const mv_value *a, const mv_value *b, mv_value *result,
          mv_error *err);
int mv_ne(const mv_value *a, const mv_value *b, mv_value *result,
          mv_error *err);
/* a < b, a <= b, a > b, a >= b for op "<", "<=", ">", ">=", with a view
   on at least one side */
int mv_order(const mv_value *a, const char *op, const mv_value *b,
             mv_value *result, mv_error *err);
/* a is b, of any values */
int mv_is(const mv_value *a, const mv_value *b, mv_value *result,
          mv_error *err);
/* pickle.dumps(obj, protocol) succeeds: result True.  protocol is one of
   pickle's (0 to 5), or negative for the highest. */
int mv_pickle(const mv_value *obj, int protocol, mv_value *result,
              mv_error *err);
/* copy.copy(obj), or copy.deepcopy(obj) when deep */
int mv_copy(const mv_value *obj, bool deep, mv_value *result, mv_error *err);

/* --------------------------------------------------------------------- */
/* 8. Test hooks (alloc.c)                                                */
/* --------------------------------------------------------------------- */

/* Make the n-th allocation from now fail (n >= 1), and only that one: the
   allocations after it succeed again.  n = 0 turns failures off.
   Process-wide: a test facility, like SQLite's fault injector, not
   something a program would use. */
void mv_alloc_fail_at(long n);
/* "reference/src/view.c:123", the call site of the allocation the hook
   made fail since it was armed; NULL if none failed yet. */
const char *mv_alloc_failed_site(void);
/* Call fn(ctx, file, line) for every allocation from now on, with the
   call site ("reference/src/view.c", 123); NULL stops it.  The check that
   fails allocations uses it to find which case reaches which site. */
typedef void (*mv_alloc_tracer)(void *ctx, const char *file, int line);
void mv_alloc_trace(mv_alloc_tracer fn, void *ctx);
/* Allocations not yet freed: a leak check that needs no tool. */
long mv_alloc_live(void);
/* Hold the library to `bytes` bytes of memory at once from now on (0: no
   limit): a request beyond it fails as running out of memory does.  Set
   it while the library holds nothing, as between a driver's cases:
   blocks made before are not counted. */
void mv_alloc_budget(size_t bytes);
/* Whether a request went beyond the budget since it was set: the
   MemoryError it made is the budget's, not the program's. */
bool mv_alloc_over_budget(void);
/* The bytes to grow the library's block ptr to when it must hold `need`
   and the caller would take `want` (more: room, so that growing it item
   by item costs no copy per item): want if the budget has it, else need
   and an eighth (which the budget may refuse in turn: never less, or
   growth near the limit would be a copy per item).  Asking is no
   request: it never counts as going beyond the budget. */
size_t mv_alloc_room(const void *ptr, size_t need, size_t want);

/* The fast paths (reference/src/fast.c): short routes to the outcomes of
   the generic walks beside them, which stay the definition.  On unless
   MVREF_GENERIC=1 was in the environment when the library first asked (or
   it was built with -DMV_GENERIC); mv_fast_paths_set() turns them off or
   on from now on, process-wide, so that a test can run an operation both
   ways and compare. */
bool mv_fast_paths(void);
void mv_fast_paths_set(bool on);

/* --------------------------------------------------------------------- */
/* 9. Embedding: the library inside a host such as CPython (external.c)  */
/* --------------------------------------------------------------------- */

/* Memory a host owns and lends to the library, described as PEP 3118 does
   (a CPython Py_buffer).  NULL format means "B"; NULL shape (ndim 1 only)
   means len / itemsize items; NULL strides mean C order. */
typedef struct mv_external_buffer {
    void *buf;
    mv_ssize len;
    mv_ssize itemsize;
    bool readonly;
    const char *format;
    int ndim;
    const mv_ssize *shape;
    const mv_ssize *strides;
    const mv_ssize *suboffsets;    /* NULL: no indirection; else the
                                      pointer slots hold addresses, as
                                      CPython's do, and are followed so */
    mv_value object;               /* the host's object that lends, an
                                      MV_HOST value (borrowed until
                                      detached), or MV_NONE: asked what the
                                      library's model of `like` does not
                                      say (section 10) */
} mv_external_buffer;

/* An exporter over the host's memory b, behaving as the library's model of
   the exporter class `like` (MV_TYPE_BYTES .. MV_TYPE_NUMPY; typecode: an
   array's).  The layout is copied; the memory stays the host's and must
   stay valid until mv_external_detach(), and so must b->object, which
   answers as the host's object where the model says nothing (a numpy
   scalar's __index__, a numpy array's ==).  context is the host's own. */
int mv_external_object(const mv_config *cfg, mv_type like, char typecode,
                       const mv_external_buffer *b, void *context,
                       mv_value *out, mv_error *err);
/* For exporters made by mv_external_object only: */
void *mv_external_context(const mv_object *obj);
/* Whether the library still borrows the memory: false once every view of
   it is released (or freed).  A host asks after each operation that can
   end a loan, then detaches and gives its own loan back. */
bool mv_external_lent(const mv_object *obj);
/* Forget the memory (only when not lent); the exporter may live on,
   reachable from released views, which touch nothing. */
void mv_external_detach(mv_object *obj);

/* iter(obj) for a host's iteration slot (CPython's tp_iter), which
   iter(), list() and for loops share: as mv_iter, except that a released
   view raises the ValueError list() and for loops meet where iter() alone
   would meet a CPython defect (3.10 to 3.13's SystemError, not modelled). */
int mv_iter_slot(const mv_value *obj, mv_value *result, mv_error *err);
/* The host's own object standing for a library object (mvref: the Python
   object of a view), so that the host finds the one it made again when
   the library hands the object back (m.__enter__() is m), without a
   table of its own.  NULL until the host sets it; the host sets NULL
   again when its object goes, for the library's may live on (lent out,
   or walked by an iterator). */
void mv_host_object_set(mv_object *obj, void *host);
void *mv_host_object(const mv_object *obj);
/* The exporter at the bottom of a view, through views of views. */
mv_object *mv_view_exporter(const mv_object *view);
/* hash(view) for a host, whose own hash function gives the value: the
   library decides whether the view may be hashed (HASH-002 to HASH-004)
   and what is hashed, the bytes of m.tobytes() (HASH-001), which it hands
   to hash(); and it keeps the value in the view, so that hash() is asked
   once, and a released view still answers (HASH-005).  hash() returns 0,
   or -1 with err filled in. */
typedef int (*mv_hash_fn)(void *ctx, const unsigned char *data, size_t len,
                          int64_t *out, mv_error *err);
int mv_view_hash(const mv_value *view, mv_hash_fn hash, void *ctx,
                 int64_t *out, mv_error *err);

/* The host allocates.  The bytes and str a view makes for a host's
   program (m.tobytes(), bytes(m), m.hex()) can be made in objects of the
   host's own, so that the items are copied once, from the buffer straight
   into the object the program gets (a fast path: reference/src/fast.c).
   make() returns a new object of the host's with room at *data for len
   bytes (kind MV_BYTES) or len ASCII characters (MV_STR), for the library
   to fill, or NULL when it has no memory; drop() lets go of one.  A value
   holding such an object says so in its `host` (section 5): the host
   takes that object as the result (a reference of its own is the host's
   to take), and mv_value_clear() drops the value's.  Process-wide, like
   the hooks of section 8: set it before making any value, NULL for the
   library's own heap (the default). */
typedef struct mv_host_allocator {
    void *(*make)(void *ctx, mv_kind kind, size_t len, unsigned char **data);
    void (*drop)(void *ctx, void *object);
    void *ctx;
} mv_host_allocator;

void mv_host_allocator_set(const mv_host_allocator *a);

/* m.tolist() streamed to a host (a fast path): rather than a tree of
   values for the host to convert, and the library to free after, the
   library hands the host's sink each list as it begins (begin(len)) and
   ends (end(): the list begun last is complete), and each item as it is
   unpacked, in order; the host builds its own lists as they come.  An
   item called with no list begun is the whole result (a 0-dim view's,
   TOLIST-002).  item() takes the value over: it is the host's to clear.
   Each returns 0, or -1 with err filled in, which stops the walk. */
typedef struct mv_list_sink {
    int (*begin)(void *ctx, size_t len, mv_error *err);
    int (*item)(void *ctx, mv_value *item, mv_error *err);
    int (*end)(void *ctx, mv_error *err);
    void *ctx;
} mv_list_sink;

/* obj.method(*args, **kwargs) for a method whose result is a list
   (tolist): as mv_call, but the result goes to sink as it is made.  With
   the fast paths off, the library makes it whole first and hands it over
   the same way after.  On error the host throws away what it built. */
int mv_call_to(const mv_value *obj, const char *method, const mv_args *a,
               const mv_list_sink *sink, mv_error *err);

/* obj.cast(format) and obj.cast(format, shape) (shape NULL: not given),
   format a str, for a host that has the two arguments apart (a fast
   path): what mv_call(obj, "cast", ...) does for them, with no list of
   arguments to bind first.  A host takes it only while mv_fast_paths()
   says so. */
int mv_cast(const mv_value *obj, const mv_value *format,
            const mv_value *shape, mv_value *result, mv_error *err);

/* A loan of obj's memory (a view's, usually) to the host, for a request
   with PEP 3118 flags (numbered as CPython's PyBUF_*): what bf_getbuffer
   hands out.  format is NULL when not asked for ("B"), shape and strides
   when not asked for.  The pointers stay valid, and the lender cannot be
   released, until mv_loan_end(). */
typedef struct mv_loan {
    unsigned char *buf;
    mv_ssize len;
    mv_ssize itemsize;
    bool readonly;
    int ndim;
    const char *format;
    const mv_ssize *shape;
    const mv_ssize *strides;
    const mv_ssize *suboffsets;
    mv_object *lender;             /* holds a reference until the loan ends */
} mv_loan;

int mv_lend(const mv_value *obj, int flags, mv_loan *loan, mv_error *err);
void mv_loan_end(mv_loan *loan);

/* --------------------------------------------------------------------- */
/* 10. The host: objects the library does not model                       */
/* --------------------------------------------------------------------- */

/* A Python program hands a view objects of any class: a key with
   __index__, an item value with __float__ or __bool__, a Decimal, a dict.
   The library models none of them.  It holds each as an MV_HOST value,
   and asks the host that made it, through the functions below, exactly
   the questions CPython's memoryview asks of such an object, where it
   asks them (spec chapter 17): has it __index__, what is operator.index()
   of it, float() of it, bool(), len(), and what does its == say.

   Answering may run the object's own code, and that code may do anything
   Python can: raise, release the view being worked on, resize its
   exporter, use the library again.  The library is ready for it: it asks
   at the points CPython asks, and after each answer it checks what
   CPython checks (CONVERT-009).  The host must not free what an operation
   was handed while it runs (its arguments are borrowed).

   Each function returns 0 with its answer, or -1 with err filled and
   err->host set to the host, when the object's code raised: the host
   keeps that exception, so that when the library's operation fails with
   it, the host can raise it again as the very same object.  An error the
   library raises in its place (CONVERT-005 rewords some) has err->host
   NULL; the host then drops the one it kept. */

/* The rich comparisons, numbered as CPython's Py_LT ... Py_GE. */
typedef enum mv_compare_op {
    MV_LT, MV_LE, MV_EQ, MV_NE, MV_GT, MV_GE
} mv_compare_op;

struct mv_host {
    /* type(obj).__name__ ("Decimal"), or with qualified the tp_name
       CPython's messages quote ("decimal.Decimal"); valid while obj is */
    const char *(*type_name)(void *obj, bool qualified);
    /* PyIndex_Check: whether obj's type has __index__ */
    bool (*has_index)(void *obj);
    /* PyNumber_Index: obj.__index__(), an int (MV_INT or MV_BOOL) in
       *out */
    int (*index)(void *obj, mv_value *out, mv_error *err);
    /* an int from __index__, else from __int__, as 3.9's int arguments
       take it (CONVERT-012), in *out */
    int (*to_int)(void *obj, mv_value *out, mv_error *err);
    /* PyFloat_AsDouble: __float__, else __index__ */
    int (*to_float)(void *obj, double *out, mv_error *err);
    /* PyObject_IsTrue: __bool__, else __len__, else true */
    int (*truth)(void *obj, bool *out, mv_error *err);
    /* PyObject_Length: len(obj), a TypeError when it has none */
    int (*length)(void *obj, mv_ssize *out, mv_error *err);
    /* obj.__lt__(other) ... obj.__ge__(other) for op MV_LT ... MV_GE, the
       result as it is, in *out (a new value); 1 (and *out None) for
       NotImplemented */
    int (*compare)(void *obj, const mv_value *other, mv_compare_op op,
                   mv_value *out, mv_error *err);
    /* isinstance(the exception err holds, type), type a builtin
       exception's name: err->host is this host */
    bool (*raised)(const mv_error *err, const char *type);
    void (*incref)(void *obj);
    void (*decref)(void *obj);
};

#endif /* MVREF_H */
