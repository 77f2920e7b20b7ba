/*
 * mvint.h -- what the library's files share and a user of mvref.h never
 * sees: the layout of objects, buffers, managed buffers and views, and the
 * functions one chapter offers another.
 *
 * Naming, as everywhere in reference/src:
 *   mv_xxx        shared between files (declared here) or public (mvref.h)
 *   static xxx    private to one file
 *   buf, len, itemsize, format, ndim, shape, strides, suboffsets
 *                 the buffer protocol's own words, with its meanings
 *   nitems        product(shape), the number of items a buffer holds
 *
 * Files, one per chapter of spec/memoryview.md, and what they rest on:
 *
 *   construct.c   1  memoryview(), managed buffers, views
 *   ndarray.c     1  _testbuffer.ndarray and numpy arrays
 *   layout.c      2  attributes, contiguity; addresses and copies
 *   formats.c     3  native struct codes: sizes, pack, unpack
 *   indexing.c    4  m[i], m[i, j], m[()], m[...]
 *   slicing.c     5  m[a:b:c]
 *   assign.c      6  m[key] = v, del m[key]
 *   readonly.c    7  the read-only flag, toreadonly()
 *   export.c      8  exporters: lending memory, refusing to resize
 *   release.c     9  release(), the context manager, freeing
 *   tolist.c     10  tolist()
 *   tobytes.c    11  tobytes(), hex(), bytes(m)
 *   cast.c       12  cast()
 *   compare.c    13  ==, !=, orderings, hash()
 *   sequence.c   14  len, bool, iteration, in, count(), index()
 *   object.c     15  pickling, copying, the method table, __buffer__
 *
 *   value.c  Python values     struct.c  the struct module's formats
 *   args.c   argument parsing  version.c CPython versions and platforms
 *   alloc.c  the allocator     error.c   exceptions
 */
#ifndef MVINT_H
#define MVINT_H

#include <assert.h>
#include <string.h>

#include "mvref.h"

/* ------------------------------------------------------------------ */
/* Invariants and boundaries, the way SQLite marks them               */
/* ------------------------------------------------------------------ */

/* ALWAYS(X) and NEVER(X) wrap a condition that no Python program can make
   false (for ALWAYS) or true (for NEVER): the code that handles the other
   case is a guard against a bug in this library, not behaviour.  Debug
   builds assert the condition; coverage builds (MV_COVERAGE) replace it
   by its constant, so that the guard is not counted as untested code;
   other builds test it.

   testcase(X) marks a boundary value the suite must reach: in coverage
   builds it is a branch of its own, so lcov shows whether some case makes
   X true; elsewhere it is nothing.

   None of the three may have side effects: X is not evaluated in every
   build. */
#if defined(MV_COVERAGE)
# define ALWAYS(X) (1 || (X))
# define NEVER(X) (0 && (X))
extern unsigned mv_testcase_hits;
# define testcase(X) do { if (X) mv_testcase_hits += (unsigned)__LINE__; } while (0)
#elif !defined(NDEBUG)
# define ALWAYS(X) ((X) ? 1 : (assert(0), 0))
# define NEVER(X) ((X) ? (assert(0), 1) : 0)
# define testcase(X) ((void)0)
#else
# define ALWAYS(X) (X)
# define NEVER(X) (X)
# define testcase(X) ((void)0)
#endif

/* ------------------------------------------------------------------ */
/* alloc.c: the one allocation wrapper                                 */
/* ------------------------------------------------------------------ */

/* Each allocation names its call site, so that the allocation-failure
   gate can tell which sites it has made fail (mv_alloc_failed_site). */
#define mv_alloc(size) mv_alloc_at((size), __FILE__, __LINE__)
#define mv_alloc_zeroed(count, size) \
    mv_alloc_zeroed_at((count), (size), __FILE__, __LINE__)
#define mv_realloc(ptr, size) mv_realloc_at((ptr), (size), __FILE__, __LINE__)
#define mv_strdup(s) mv_strdup_at((s), __FILE__, __LINE__)

void *mv_alloc_at(size_t size, const char *file, int line);   /* NULL: failed */
void *mv_alloc_zeroed_at(size_t count, size_t size, const char *file,
                         int line);
/* On failure ptr is unchanged and still owned by the caller. */
void *mv_realloc_at(void *ptr, size_t size, const char *file, int line);
char *mv_strdup_at(const char *s, const char *file, int line);
void mv_free(void *ptr);

/* ------------------------------------------------------------------ */
/* Objects                                                             */
/* ------------------------------------------------------------------ */

struct mv_object {
    mv_type type;
    long refcount;
    const mv_config *cfg;   /* the version and platform it lives in */
};

/* ------------------------------------------------------------------ */
/* The buffer: one loan of memory (PEP 3118's Py_buffer); layout.c    */
/* draws it.                                                           */
/* ------------------------------------------------------------------ */

/* What the pointer slot of an indirect dimension holds (ATTR-006).
   layout.c draws both kinds and says why there are two. */
typedef enum mv_slots {
    MV_SLOTS_DISTANCE = 0,   /* the library's own memory (ndarray.c): the
                                distance from the slot to its row */
    MV_SLOTS_ADDRESS         /* a host's memory (external.c): the row's
                                address, as in CPython */
} mv_slots;

typedef struct mv_buffer {
    mv_object *obj;          /* the lender, holding one reference */
    unsigned char *buf;      /* address of item [0, 0, ..., 0] */
    mv_ssize len;            /* nitems * itemsize */
    mv_ssize itemsize;
    bool readonly;
    int ndim;
    const char *format;      /* struct syntax, owned by the lender; NULL:
                                not asked for, read as "B" */
    mv_ssize *shape;         /* ndim entries; NULL: not asked for */
    mv_ssize *strides;       /* ndim entries; NULL: C order */
    mv_ssize *suboffsets;    /* ndim entries, or NULL: no indirection */
    mv_slots slots;          /* what suboffsets' pointer slots hold */
} mv_buffer;

/* The requests a consumer may make (PyBUF_*); memoryview() asks FULL_RO. */
enum {
    MV_BUF_WRITABLE = 0x0001,
    MV_BUF_FORMAT = 0x0004,
    MV_BUF_ND = 0x0008,
    MV_BUF_STRIDES = 0x0010 | MV_BUF_ND,
    MV_BUF_C_CONTIGUOUS = 0x0020 | MV_BUF_STRIDES,
    MV_BUF_F_CONTIGUOUS = 0x0040 | MV_BUF_STRIDES,
    MV_BUF_ANY_CONTIGUOUS = 0x0080 | MV_BUF_STRIDES,
    MV_BUF_INDIRECT = 0x0100 | MV_BUF_STRIDES,
    MV_BUF_FULL_RO = MV_BUF_INDIRECT | MV_BUF_FORMAT
};

/* ------------------------------------------------------------------ */
/* export.c, ndarray.c: the objects that own memory                    */
/* ------------------------------------------------------------------ */

typedef struct mv_exporter {
    mv_object base;          /* type: BYTES .. NUMPY */
    unsigned char *data;     /* owned: the whole allocation */
    mv_ssize size;           /* bytes in data */
    mv_ssize exports;        /* buffers lent and not yet given back */
    /* What a buffer request is answered with.  bytes, bytearray and
       array are one-dimensional: their shape and strides are derived
       from size on each request, because they can change size between
       requests. */
    char typecode;           /* array: its typecode */
    char *format;            /* owned */
    mv_ssize itemsize;
    bool readonly;
    int ndim;
    mv_ssize *shape, *strides, *suboffsets;   /* owned, ndim entries */
    mv_slots slots;          /* with suboffsets: what its pointer slots hold */
    mv_ssize offset;         /* ndarray: buf = data + offset */
} mv_exporter;

mv_exporter *mv_as_exporter(const mv_value *v);  /* NULL if not one */
/* A new exporter of `size` zeroed bytes, with room for ndim dimensions;
   the caller fills in the layout.  NULL (and *err set) on failure. */
mv_exporter *mv_exporter_new(const mv_config *cfg, mv_type type,
                             mv_ssize size, int ndim, mv_error *err);
/* obj as a value that takes over the caller's reference (value.c);
   mv_object_value() is the one that adds a reference. */
mv_value mv_object_owned(mv_object *obj);
mv_value mv_exporter_value(mv_exporter *e);    /* takes e's reference */
int mv_exporter_getbuffer(mv_exporter *e, mv_buffer *b, int flags,
                          mv_error *err);
void mv_exporter_releasebuffer(mv_exporter *e);
void mv_exporter_dealloc(mv_exporter *e);
const char *mv_exporter_name(const mv_exporter *e, bool qualified);
/* EXPORT-003, EXPORT-004: the question every resize asks first. */
int mv_exporter_can_resize(const mv_exporter *e, mv_error *err);
/* Resize after mv_exporter_can_resize() said yes; new bytes are zero. */
int mv_exporter_resize(mv_exporter *e, mv_ssize size, mv_error *err);

/* ------------------------------------------------------------------ */
/* construct.c, release.c: managed buffers and views                   */
/* ------------------------------------------------------------------ */

typedef struct mv_managed {
    long refcount;           /* views pointing at this struct */
    mv_ssize exports;        /* views not yet released: the loan */
    bool released;           /* the loan was given back */
    mv_buffer master;        /* as the lender gave it */
} mv_managed;

enum {
    MV_FLAG_C = 0x01,        /* C-contiguous */
    MV_FLAG_F = 0x02,        /* Fortran-contiguous */
    MV_FLAG_PIL = 0x04,      /* has suboffsets */
    MV_FLAG_RELEASED = 0x08
};

typedef struct mv_view {
    mv_object base;          /* type MEMORYVIEW */
    mv_managed *mbuf;        /* shared with every view of the same loan */
    mv_buffer view;          /* shape, strides, suboffsets point below */
    mv_ssize shape[MV_MAX_NDIM];
    mv_ssize strides[MV_MAX_NDIM];
    mv_ssize suboffsets[MV_MAX_NDIM];
    unsigned flags;
    mv_ssize exports;        /* buffers this view has lent (RELEASE-008) */
    bool hashed;             /* hash() computed once and kept (HASH-005) */
    mv_value hash_key;       /* what was hashed: the bytes */
} mv_view;

mv_view *mv_as_view(const mv_value *v);   /* NULL if not a memoryview */
mv_value mv_view_value(mv_view *v);       /* takes v's reference */
/* A new view on the same managed buffer as base, with its layout. */
int mv_view_derive(mv_view *base, mv_view **out, mv_error *err);
/* A new view of a buffer just lent (by an exporter or by a view). */
int mv_view_from_buffer(const mv_buffer *b, mv_view **out, mv_error *err);
/* PyObject_GetBuffer: borrow the buffer of any value, and give it back. */
int mv_getbuffer(const mv_config *cfg, const mv_value *v, mv_buffer *b,
                 int flags, mv_error *err);
void mv_releasebuffer(mv_buffer *b);

int mv_view_check_released(const mv_view *v, mv_error *err);
int mv_view_release(mv_view *v, mv_error *err);
int mv_view_enter(mv_view *v, mv_value *result, mv_error *err);
int mv_view_exit(mv_view *v, mv_value *result, mv_error *err);
void mv_view_dealloc(mv_view *v);
void mv_managed_decref(mv_managed *mb);
int mv_view_getbuffer(mv_view *v, mv_buffer *b, int flags, mv_error *err);
void mv_view_releasebuffer(mv_view *v);

/* ------------------------------------------------------------------ */
/* layout.c: shape, strides, suboffsets                                */
/* ------------------------------------------------------------------ */

/* ptr is where item i of dimension dim of b lies (its start plus i
   strides): follow the pointer there when that dimension is indirect. */
unsigned char *mv_adjust_ptr(const mv_buffer *b, unsigned char *ptr, int dim);
/* Write the pointer slot an indirect dimension of the library's own memory
   reads (ndarray.c): MV_SLOTS_DISTANCE. */
void mv_store_pointer(unsigned char *slot, mv_ssize width,
                      const unsigned char *target);
bool mv_is_contiguous(const mv_buffer *b, char order);
void mv_view_init_flags(mv_view *v);
void mv_strides_from_shape(int ndim, const mv_ssize *shape, mv_ssize itemsize,
                           char order, mv_ssize *strides);
mv_ssize mv_nitems(int ndim, const mv_ssize *shape);
/* Copy the items of b, in order 'C', 'F' or 'A', to contiguous dst. */
void mv_to_contiguous(unsigned char *dst, const mv_buffer *b, char order);
/* Copy items between two buffers of the same shape and itemsize. */
int mv_copy_items(const mv_buffer *dst, const mv_buffer *src, mv_error *err);
int mv_view_getattr(mv_view *v, const char *name, mv_value *result,
                    mv_error *err);

/* ------------------------------------------------------------------ */
/* formats.c, struct.c: items                                          */
/* ------------------------------------------------------------------ */

/* The size of a native single-character format ("B", "@l"), setting
   *code; -1 for any other format. */
mv_ssize mv_native_itemsize(const mv_config *cfg, const char *format,
                            char *code);
const char *mv_native_format(char code, bool with_at);
#define MV_IS_BYTE_FORMAT(c) ((c) == 'b' || (c) == 'B' || (c) == 'c')
/* FORMAT-019: the format minus a leading '@', if it is one character. */
int mv_adjust_format(const char *format, char *code, mv_error *err);
int mv_unpack_native(const mv_config *cfg, char code,
                     const unsigned char *ptr, mv_value *out, mv_error *err);
int mv_pack_native(const mv_config *cfg, char code, unsigned char *ptr,
                   const mv_value *item, mv_error *err);

/* The struct module, for formats memoryview cannot read itself. */
bool mv_struct_known(const mv_config *cfg, const char *format);
mv_ssize mv_struct_calcsize(const mv_config *cfg, const char *format,
                            mv_error *err);
int mv_struct_unpack(const mv_config *cfg, const char *format,
                     const unsigned char *ptr, mv_value *out, mv_error *err);
int mv_struct_pack(const mv_config *cfg, const char *format,
                   unsigned char *ptr, const mv_value *item, mv_error *err);

/* ------------------------------------------------------------------ */
/* The chapters' operations on views                                   */
/* ------------------------------------------------------------------ */

/* indexing.c */
bool mv_has_index(const mv_value *key);        /* an int, a numpy array */
int mv_key_index(const mv_config *cfg, const mv_value *key, mv_ssize *out,
                 mv_error *err);
bool mv_is_multi_index(const mv_value *key);   /* a tuple of those */
bool mv_is_multi_slice(const mv_value *key);   /* a tuple of slices */
int mv_tuple_address(mv_view *v, const mv_value *key, unsigned char **out,
                     mv_error *err);
int mv_lookup_dimension(const mv_buffer *b, unsigned char *ptr, int dim,
                        mv_ssize index, unsigned char **out, mv_error *err);
/* slicing.c */
int mv_clamped_index(const mv_config *cfg, const mv_value *v, bool none_ok,
                     mv_ssize *out, mv_error *err);
int mv_slice_unpack(const mv_config *cfg, const mv_value *slice,
                    mv_ssize *start, mv_ssize *stop, mv_ssize *step,
                    mv_error *err);
mv_ssize mv_slice_adjust(mv_ssize length, mv_ssize *start, mv_ssize *stop,
                         mv_ssize step);
int mv_slice_first_dimension(const mv_config *cfg, mv_buffer *b,
                             const mv_value *slice, mv_error *err);
int mv_view_slice(mv_view *v, const mv_value *key, mv_value *result,
                  mv_error *err);
/* readonly.c */
int mv_check_writable(const mv_view *v, mv_error *err);
int mv_view_toreadonly(mv_view *v, mv_value *result, mv_error *err);
/* tolist.c */
int mv_view_tolist(mv_view *v, mv_value *result, mv_error *err);
/* tobytes.c */
int mv_buffer_tobytes(const mv_buffer *b, char order, mv_value *out,
                      mv_error *err);
int mv_view_tobytes(mv_view *v, const mv_value *order, mv_value *result,
                    mv_error *err);
int mv_view_hex(mv_view *v, const mv_value *sep, const mv_value *per_sep,
                mv_value *result, mv_error *err);
/* cast.c */
int mv_view_cast(mv_view *v, const mv_value *format, const mv_value *shape,
                 mv_value *result, mv_error *err);
/* compare.c */
int mv_values_equal(const mv_value *a, const mv_value *b, bool *out,
                    mv_error *err);
/* sequence.c */
int mv_view_count(mv_view *v, const mv_value *x, mv_value *result,
                  mv_error *err);
int mv_view_index(mv_view *v, const mv_value *x, const mv_value *start,
                  const mv_value *stop, mv_value *result, mv_error *err);
void mv_iterator_dealloc(mv_object *it);
/* object.c */
int mv_view_call(mv_view *v, const char *name, const mv_args *a,
                 mv_value *result, mv_error *err);

/* ------------------------------------------------------------------ */
/* value.c: Python values                                              */
/* ------------------------------------------------------------------ */

bool mv_is_index(const mv_value *v);         /* has __index__: int, bool */
/* operator.index(v) as a Py_ssize_t: TypeError for non-ints; for ints out
   of range, overflow_type ("IndexError", "OverflowError") with CPython's
   "cannot fit 'int' into an index-sized integer". */
int mv_as_ssize(const mv_config *cfg, const mv_value *v,
                const char *overflow_type, mv_ssize *out, mv_error *err);
bool mv_int_to_i64(const mv_value *v, int64_t *out);
bool mv_int_to_u64(const mv_value *v, uint64_t *out);
/* float(v) for int and float values; OverflowError for huge ints. */
int mv_as_double(const mv_value *v, double *out, mv_error *err);
/* bool(v) for the values a '?' item may be set from (FORMAT-012) */
int mv_truthy(const mv_value *v, bool *out, mv_error *err);
bool mv_same_object(const mv_value *a, const mv_value *b);
/* The bytes of a bytes value or of a bytes object (the two are one type
   in Python); false for anything else. */
bool mv_bytes_of(const mv_value *v, const unsigned char **data, size_t *len);
int mv_bytes_zeroed(mv_value *out, size_t len, mv_error *err);
/* The code points of a str (UTF-8) as UCS-4, into out (n of them at
   most); the number of code points. */
size_t mv_str_code_points(const mv_value *s, uint32_t *out, size_t n);
/* The position of the first code point of a str beyond ASCII, setting
   *cp; -1 when the str is all ASCII. */
long mv_str_non_ascii(const mv_value *s, uint32_t *cp);

/* args.c: argument parsing as CPython's method wrappers do it */
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
int mv_arg_int(const mv_config *cfg, const mv_value *v, int *out,
               mv_error *err);

#endif /* MVINT_H */
