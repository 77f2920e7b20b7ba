/*
 * chapters.h -- what a chapter's file offers the files above it (the
 * method table, methods.c; a host, external.c; the driver) and the few
 * chapters that build on it, along the edges mvint.h lists.  Each
 * chapter's public operations (mv_getitem, mv_eq...) are in mvref.h.
 */
#ifndef MV_CHAPTERS_H
#define MV_CHAPTERS_H

#include "mvint.h"
#include "layout.h"
#include "refcount.h"

/* 4. indexing.c: keys, and the addresses they select */
bool mv_has_index(const mv_value *key);        /* an int, a numpy array */
int mv_key_index(const mv_config *cfg, const mv_value *key, mv_ssize *out,
                 mv_error *err);
bool mv_is_multi_index(const mv_value *key);   /* a tuple of those */
bool mv_is_multi_slice(const mv_value *key);   /* a tuple of slices */
int mv_tuple_address(mv_view *v, const mv_value *key, unsigned char **out,
                     mv_error *err);
int mv_lookup_dimension(const mv_buffer *b, unsigned char *ptr, int dim,
                        mv_ssize index, unsigned char **out, mv_error *err);

/* 5. slicing.c: slices, and the views they make */
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

/* 7. readonly.c */
int mv_check_writable(const mv_view *v, mv_error *err);
int mv_view_toreadonly(mv_view *v, mv_value *result, mv_error *err);

/* 8. export.c: EXPORT-003, EXPORT-004, the question every resize asks
   first (then mv_exporter_resize, exporter.h) */
int mv_exporter_can_resize(const mv_exporter *e, mv_error *err);

/* 9. release.c */
int mv_view_release(mv_view *v, mv_error *err);
int mv_view_enter(mv_view *v, mv_value *result, mv_error *err);
int mv_view_exit(mv_view *v, mv_value *result, mv_error *err);

/* 10. tolist.c */
int mv_view_tolist(mv_view *v, mv_value *result, mv_error *err);
int mv_view_tolist_to(mv_view *v, const mv_list_sink *sink, mv_error *err);

/* 11. tobytes.c */
int mv_buffer_tobytes(const mv_buffer *b, char order, mv_value *out,
                      mv_error *err);
int mv_view_tobytes(mv_view *v, const mv_value *order, mv_value *result,
                    mv_error *err);
int mv_view_hex(mv_view *v, const mv_value *sep, const mv_value *per_sep,
                mv_value *result, mv_error *err);

/* 12. cast.c */
int mv_view_cast(mv_view *v, const mv_value *format, const mv_value *shape,
                 mv_value *result, mv_error *err);

/* 13. compare.c: a == b, by Python's rules; a host's hash(m) */
int mv_values_equal(const mv_value *a, const mv_value *b, bool *out,
                    mv_error *err);
int mv_view_host_hash(mv_view *v, mv_hash_fn hash, void *ctx, int64_t *out,
                      mv_error *err);

/* 14. sequence.c */
int mv_view_count(mv_view *v, const mv_value *x, mv_value *result,
                  mv_error *err);
int mv_view_index(mv_view *v, const mv_value *x, const mv_value *start,
                  const mv_value *stop, mv_value *result, mv_error *err);

/* 15. object.c: m.__buffer__(flags), m.__release_buffer__(view) */
int mv_view_dunder_buffer(mv_view *v, const mv_value *arg, mv_value *result,
                          mv_error *err);
int mv_view_dunder_release_buffer(mv_view *v, const mv_value *arg,
                                  mv_value *result, mv_error *err);

#endif /* MV_CHAPTERS_H */
