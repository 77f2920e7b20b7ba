/*
 * view.h -- managed buffers and the views that share them (view.c).
 */
#ifndef MV_VIEW_H
#define MV_VIEW_H

#include "mvint.h"
#include "layout.h"
#include "refcount.h"

typedef struct mv_managed {
    long refcount;           /* views pointing at this struct */
    mv_ssize exports;        /* views not yet released: the loan */
    long pins;               /* operations (before 3.10) that still use
                                the memory across a conversion */
    bool released;           /* the loan was given back */
    mv_buffer master;        /* as the lender gave it */
} mv_managed;

enum {
    MV_FLAG_C = 0x01,        /* C-contiguous */
    MV_FLAG_F = 0x02,        /* Fortran-contiguous */
    MV_FLAG_PIL = 0x04,      /* has suboffsets */
    MV_FLAG_RELEASED = 0x08
};

struct mv_view {
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
};

mv_value mv_view_value(mv_view *v);       /* takes v's reference */
/* A new view on the same managed buffer as base, with its layout. */
int mv_view_derive(mv_view *base, mv_view **out, mv_error *err);
/* A new view of a buffer just lent (by an exporter or by a view). */
int mv_view_from_buffer(const mv_buffer *b, mv_view **out, mv_error *err);
void mv_view_init_flags(mv_view *v);

int mv_view_check_released(const mv_view *v, mv_error *err);
/* CONVERT-009: around a conversion that may run Python code, which may
   release v.  From 3.10 the view is checked again after it (and a pin does
   nothing); before, nothing is checked and the memory is used regardless,
   so the pin keeps the loan until the operation ends. */
int mv_view_check_again(const mv_view *v, mv_error *err);
void mv_view_pin(mv_view *v);
void mv_view_unpin(mv_view *v);
/* Release v, which is not released yet: its share of the loan goes back. */
void mv_view_give_back(mv_view *v);
/* len(m): SEQ-001, SEQ-002, with the released check. */
int mv_view_length(const mv_view *v, mv_ssize *out, mv_error *err);

/* The view as a lender (PEP 3118's bf_getbuffer, bf_releasebuffer). */
int mv_view_getbuffer(mv_view *v, mv_buffer *b, int flags, mv_error *err);
void mv_view_releasebuffer(mv_view *v);
/* Give a loan back to its lender, a view or an exporter, keeping the
   reference the loan holds (the first half of PyBuffer_Release). */
void mv_loan_return(mv_object *lender);

#endif /* MV_VIEW_H */
