/*
 * mvint.h -- what the library's files share and a user of mvref.h never sees:
 * the layout of objects, buffers, managed buffers and views, and the
 * functions one chapter offers another.
 *
 * Naming, as everywhere in reference/src:
 *   mv_xxx        shared between files (declared here) or public (mvref.h)
 *   static xxx    private to one file
 *   buf, len, itemsize, format, ndim, shape, strides, suboffsets
 *                 the buffer protocol's own words, used with its meanings
 *   nitems        product(shape), the number of items a buffer holds
 */
#ifndef MVINT_H
#define MVINT_H

#include <assert.h>
#include <string.h>

#include "mvref.h"

/* ------------------------------------------------------------------ */
/* alloc.c: the one allocation wrapper                                 */
/* ------------------------------------------------------------------ */

void *mv_alloc(size_t size);               /* NULL on failure */
void *mv_alloc_zeroed(size_t count, size_t size);
void *mv_realloc(void *ptr, size_t size);  /* ptr unchanged on failure */
void mv_free(void *ptr);
char *mv_strdup(const char *s);

/* ------------------------------------------------------------------ */
/* Objects                                                             */
/* ------------------------------------------------------------------ */

struct mv_object {
    mv_type type;
    long refcount;
    const mv_config *cfg;   /* the version and platform it lives in */
};

/* ------------------------------------------------------------------ */
/* The buffer: one loan of memory (PEP 3118's Py_buffer).  layout.c   */
/* draws it.                                                           */
/* ------------------------------------------------------------------ */

typedef struct mv_buffer {
    mv_object *obj;          /* the lender, holding one reference; NULL when
                                the memory belongs to a plain bytes value */
    unsigned char *buf;      /* address of item [0, 0, ..., 0] */
    mv_ssize len;            /* nitems * itemsize */
    mv_ssize itemsize;
    bool readonly;
    int ndim;
    const char *format;      /* struct syntax; owned by the lender */
    mv_ssize *shape;         /* ndim entries (NULL when ndim == 0) */
    mv_ssize *strides;       /* ndim entries (NULL when ndim == 0) */
    mv_ssize *suboffsets;    /* ndim entries, or NULL: no indirection */
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
/* exporter.c, ndarray.c: objects that own memory                      */
/* ------------------------------------------------------------------ */

typedef struct mv_exporter {
    mv_object base;          /* type: BYTES .. NUMPY */
    unsigned char *data;     /* owned: the whole allocation */
    mv_ssize size;           /* bytes in data */
    mv_ssize exports;        /* buffers lent and not yet given back */
    /* What a buffer request is answered with.  For bytes, bytearray and
       array the layout is derived from size on each request, because
       those can change size between requests. */
    char typecode;           /* array: its typecode */
    char *format;            /* owned */
    mv_ssize itemsize;
    bool readonly;
    int ndim;
    mv_ssize *shape, *strides, *suboffsets;   /* owned, ndim entries */
    mv_ssize offset;         /* ndarray: buf = data + offset */
} mv_exporter;

mv_exporter *mv_as_exporter(const mv_value *v);  /* NULL if not one */
int mv_exporter_getbuffer(mv_exporter *e, mv_buffer *b, int flags,
                          mv_error *err);
void mv_exporter_releasebuffer(mv_exporter *e);
void mv_exporter_dealloc(mv_exporter *e);
int mv_exporter_contents(mv_exporter *e, mv_value *result, mv_error *err);
const char *mv_exporter_qualname(const mv_exporter *e);
const char *mv_exporter_name(const mv_exporter *e);
/* The one question every resize asks first (EXPORT-?). */
int mv_exporter_can_resize(const mv_exporter *e, mv_error *err);
int mv_exporter_resize(mv_exporter *e, mv_ssize size, mv_error *err);

/* mutate.c: operations on the exporters themselves */
int mv_exporter_getitem(mv_exporter *e, const mv_value *key, mv_value *result,
                        mv_error *err);
int mv_exporter_setitem(mv_exporter *e, const mv_value *key,
                        const mv_value *value, mv_error *err);
int mv_exporter_call(mv_exporter *e, const char *method, const mv_args *a,
                     mv_value *result, mv_error *err);
int mv_exporter_len(mv_exporter *e, mv_ssize *n, mv_error *err);

/* array.array's own item conversions (mutate.c): its messages differ from
   memoryview's. */
int mv_array_store(mv_exporter *e, unsigned char *ptr, const mv_value *item,
                   mv_error *err);
int mv_array_load(mv_exporter *e, const unsigned char *ptr, mv_value *out,
                  mv_error *err);
int mv_array_from_bytes(const mv_exporter *e, const mv_value *bytes,
                        mv_value *out, mv_error *err);
int mv_ndarray_tolist(mv_exporter *e, mv_value *result, mv_error *err);

int mv_ndarray_build(const mv_config *cfg, mv_type type,
                     const mv_ndarray_spec *spec, mv_value *out,
                     mv_error *err);

/* ------------------------------------------------------------------ */
/* view.c: managed buffers and views                                   */
/* ------------------------------------------------------------------ */

typedef struct mv_managed {
    long refcount;           /* views holding this struct: its memory */
    mv_ssize exports;        /* views not yet released: the loan */
    bool released;           /* the loan was given back */
    mv_buffer master;        /* as the lender gave it */
} mv_managed;

enum {
    MV_FLAG_C = 0x01,        /* C-contiguous */
    MV_FLAG_F = 0x02,        /* Fortran-contiguous */
    MV_FLAG_SCALAR = 0x04,   /* ndim == 0 */
    MV_FLAG_PIL = 0x08,      /* has suboffsets */
    MV_FLAG_RELEASED = 0x10
};

typedef struct mv_view {
    mv_object base;          /* type MEMORYVIEW */
    mv_managed *mbuf;        /* shared with every view of the same loan */
    mv_buffer view;          /* shape, strides, suboffsets point below */
    mv_ssize shape[MV_MAX_NDIM];
    mv_ssize strides[MV_MAX_NDIM];
    mv_ssize suboffsets[MV_MAX_NDIM];
    unsigned flags;
    mv_ssize exports;        /* buffers this view has lent */
    bool hashed;             /* hash() computed once and kept (HASH-?) */
    mv_value hash_key;       /* what was hashed: the bytes */
} mv_view;

mv_view *mv_as_view(const mv_value *v);   /* NULL if not a memoryview */
int mv_view_from_object(const mv_config *cfg, const mv_value *obj,
                        mv_value *out, mv_error *err);
/* A new view on the same managed buffer as base, copying its layout. */
int mv_view_derive(mv_view *base, mv_view **out, mv_error *err);
void mv_view_init_flags(mv_view *v);
void mv_view_dealloc(mv_view *v);
int mv_view_check_released(const mv_view *v, mv_error *err);
int mv_view_release(mv_view *v, mv_error *err);
int mv_view_getbuffer(mv_view *v, mv_buffer *b, int flags, mv_error *err);
void mv_view_releasebuffer(mv_view *v);
int mv_view_dunder_buffer(mv_view *v, int flags, mv_value *result,
                          mv_error *err);
int mv_view_dunder_release_buffer(mv_view *v, const mv_value *arg,
                                  mv_error *err);
int mv_view_getattr(mv_view *v, const char *name, mv_value *result,
                    mv_error *err);
int mv_view_toreadonly(mv_view *v, mv_value *result, mv_error *err);
int mv_view_len(mv_view *v, mv_value *result, mv_error *err);

/* Borrow the buffer of any value (memoryview's and bytes' alike), as
   PyObject_GetBuffer does, and give it back. */
int mv_getbuffer(const mv_config *cfg, const mv_value *v, mv_buffer *b,
                 int flags, mv_error *err);
void mv_releasebuffer(mv_buffer *b);

/* ------------------------------------------------------------------ */
/* format.c: struct codes                                              */
/* ------------------------------------------------------------------ */

/* The size of a native single-character format ("B", "@l"), setting
   *code; -1 for any other format. */
mv_ssize mv_native_itemsize(const mv_config *cfg, const char *format,
                            char *code);
const char *mv_native_format(char code, bool with_at);
/* The format minus a leading '@', if it is one character; else raise. */
int mv_adjust_format(const char *format, char *code, mv_error *err);
int mv_unpack_native(const mv_config *cfg, char code,
                     const unsigned char *ptr, mv_value *out, mv_error *err);
int mv_pack_native(const mv_config *cfg, char code, unsigned char *ptr,
                   const mv_value *item, mv_error *err);
#define MV_IS_BYTE_FORMAT(c) ((c) == 'b' || (c) == 'B' || (c) == 'c')

/* The struct module, for formats memoryview does not unpack natively
   (comparison, and building and reading ndarrays). */
bool mv_struct_known(const mv_config *cfg, const char *format);
mv_ssize mv_struct_calcsize(const mv_config *cfg, const char *format,
                            mv_error *err);
int mv_struct_unpack(const mv_config *cfg, const char *format,
                     const unsigned char *ptr, mv_value *out, mv_error *err);
int mv_struct_pack(const mv_config *cfg, const char *format,
                   unsigned char *ptr, const mv_value *item, mv_error *err);

/* ------------------------------------------------------------------ */
/* layout.c: shape, strides, suboffsets                                */
/* ------------------------------------------------------------------ */

unsigned char *mv_adjust_ptr(unsigned char *ptr, const mv_ssize *suboffsets,
                             int dim);
bool mv_is_contiguous(const mv_buffer *b, char order);
void mv_strides_from_shape(int ndim, const mv_ssize *shape, mv_ssize itemsize,
                           char order, mv_ssize *strides);
int mv_lookup_dimension(const mv_buffer *b, unsigned char *ptr, int dim,
                        mv_ssize index, unsigned char **out, mv_error *err);
/* Copy the items of b, in order 'C' or 'F', to contiguous memory dst. */
void mv_to_contiguous(unsigned char *dst, const mv_buffer *b, char order);
/* Copy items between two buffers of the same shape and itemsize. */
int mv_copy_items(const mv_buffer *dst, const mv_buffer *src, mv_error *err);

/* ------------------------------------------------------------------ */
/* index.c, assign.c, convert.c, cast.c, compare.c                     */
/* ------------------------------------------------------------------ */

int mv_slice_unpack(const mv_config *cfg, const mv_value *slice,
                    mv_ssize *start, mv_ssize *stop, mv_ssize *step,
                    mv_error *err);
mv_ssize mv_slice_adjust(mv_ssize length, mv_ssize *start, mv_ssize *stop,
                         mv_ssize step);
bool mv_is_multi_index(const mv_value *key);   /* a tuple of ints */
bool mv_is_multi_slice(const mv_value *key);   /* a tuple of slices */
int mv_slice_dimension(const mv_config *cfg, mv_buffer *b,
                       const mv_value *slice, int dim, mv_error *err);
int mv_tuple_address(mv_view *v, const mv_value *key, unsigned char **out,
                     mv_error *err);
int mv_view_getitem(mv_view *v, const mv_value *key, mv_value *result,
                    mv_error *err);
int mv_view_setitem(mv_view *v, const mv_value *key, const mv_value *value,
                    mv_error *err);
int mv_view_tolist(mv_view *v, mv_value *result, mv_error *err);
int mv_view_tobytes(mv_view *v, const mv_value *order, mv_value *result,
                    mv_error *err);
int mv_view_hex(mv_view *v, const mv_value *sep, const mv_value *per_sep,
                mv_value *result, mv_error *err);
int mv_view_iterate(mv_view *v, mv_value *result, mv_error *err);
int mv_view_count(mv_view *v, const mv_value *x, mv_value *result,
                  mv_error *err);
int mv_view_index(mv_view *v, const mv_value *x, const mv_value *start,
                  const mv_value *stop, mv_value *result, mv_error *err);
int mv_view_cast(mv_view *v, const mv_value *format, const mv_value *shape,
                 mv_value *result, mv_error *err);
/* 1 equal, 0 not equal, -1 error; *not_implemented when == falls back */
int mv_view_richcompare(mv_view *v, const mv_value *w, bool *not_implemented,
                        mv_error *err);
int mv_view_hash_key(mv_view *v, const mv_value **key, mv_error *err);
/* bytes(b): a copy of the buffer's items in C order */
int mv_buffer_tobytes(const mv_buffer *b, mv_value *out, mv_error *err);

/* ------------------------------------------------------------------ */
/* value.c: helpers over Python values                                 */
/* ------------------------------------------------------------------ */

bool mv_is_index(const mv_value *v);         /* has __index__: int, bool */
/* operator.index(v) as a Py_ssize_t: TypeError for non-ints; for ints out
   of range, overflow_type ("IndexError", "OverflowError") with CPython's
   "cannot fit 'int' into an index-sized integer". */
int mv_as_ssize(const mv_config *cfg, const mv_value *v,
                const char *overflow_type, mv_ssize *out, mv_error *err);
/* An int value's range checks for packing. */
bool mv_int_to_i64(const mv_value *v, int64_t *out);
bool mv_int_to_u64(const mv_value *v, uint64_t *out);
/* float(v) for int and float values; OverflowError for huge ints. */
int mv_as_double(const mv_value *v, double *out, mv_error *err);
/* bool(v) for plain values and views (PyObject_IsTrue) */
int mv_truthy(const mv_value *v, bool *out, mv_error *err);
/* a == b for values, by Python's rules (numbers across types) */
int mv_values_equal(const mv_value *a, const mv_value *b, bool *out,
                    mv_error *err);
bool mv_same_object(const mv_value *a, const mv_value *b);
/* Append item (taking it over) to a list being built. */
int mv_list_append(mv_value *list, mv_value *item, mv_error *err);

/* args.c: argument parsing as CPython's method wrappers do it */
typedef struct mv_signature {
    const char *name;        /* "tobytes" */
    const char *qualname;    /* "memoryview.tobytes" */
    int kind;                /* MV_SIG_* */
    int nrequired;
    int nparams;
    const char *params[4];   /* positional-or-keyword names, in order */
} mv_signature;
enum { MV_SIG_NOARGS, MV_SIG_CLINIC, MV_SIG_VARARGS };
/* Bind a's arguments to sig's parameters; unbound ones are NULL. */
int mv_parse_args(const mv_config *cfg, const mv_signature *sig,
                  const mv_args *a, const mv_value *bound[], mv_error *err);
int mv_arg_int(const mv_config *cfg, const mv_value *v, int *out,
               mv_error *err);

#endif /* MVINT_H */
