/*
 * abstract.h -- what the library asks of any value, whatever it is
 * (abstract.c): a loan of its memory, its bytes.
 */
#ifndef MV_ABSTRACT_H
#define MV_ABSTRACT_H

#include "mvint.h"
#include "layout.h"

/* PyObject_GetBuffer: borrow the buffer of any value, and give it back. */
int mv_getbuffer(const mv_config *cfg, const mv_value *v, mv_buffer *b,
                 int flags, mv_error *err);
void mv_releasebuffer(mv_buffer *b);
/* The bytes of a bytes value or of a bytes object (the two are one type
   in Python); false for anything else. */
bool mv_bytes_of(const mv_value *v, const unsigned char **data, size_t *len);

#endif /* MV_ABSTRACT_H */
