/*
 * formats.h -- items: the native struct codes memoryview reads and writes
 * itself (formats.c), and the struct module for the formats it cannot
 * (struct.c).
 */
#ifndef MV_FORMATS_H
#define MV_FORMATS_H

#include "mvint.h"

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

/* Packing in its two steps (formats.c says why): an item converted for a
   code, then stored. */
typedef struct mv_item {
    char code;
    union {
        int64_t i;           /* signed codes */
        uint64_t u;          /* unsigned codes, 'P' */
        double d;            /* 'f' 'd' 'e' */
        bool b;              /* '?' */
        unsigned char c;     /* 'c' */
    } as;
} mv_item;

int mv_convert_item(const mv_config *cfg, char code, const mv_value *item,
                    mv_item *out, mv_error *err);
int mv_store_item(const mv_config *cfg, const mv_item *item,
                  unsigned char *ptr, mv_error *err);

/* The struct module, for formats memoryview cannot read itself. */
bool mv_struct_known(const mv_config *cfg, const char *format);
mv_ssize mv_struct_calcsize(const mv_config *cfg, const char *format,
                            mv_error *err);
int mv_struct_unpack(const mv_config *cfg, const char *format,
                     const unsigned char *ptr, mv_value *out, mv_error *err);
int mv_struct_pack(const mv_config *cfg, const char *format,
                   unsigned char *ptr, const mv_value *item, mv_error *err);

#endif /* MV_FORMATS_H */
