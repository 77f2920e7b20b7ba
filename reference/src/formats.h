/*
 * formats.h -- items: the native struct codes memoryview reads and writes
 * itself (formats.c), and the struct module for the formats it cannot
 * (struct.c).
 */
#ifndef MV_FORMATS_H
#define MV_FORMATS_H

#include "mvint.h"

/* The codes of 3.15's two-character native formats, the complex 'Zd' and
   'Zf' (FORMAT-001): bytes that no one-character format (UTF-8 text) can
   be, so that a code always names the one format it came from. */
#define MV_CODE_ZD '\x91'
#define MV_CODE_ZF '\x92'
#define MV_IS_COMPLEX_CODE(c) ((c) == MV_CODE_ZD || (c) == MV_CODE_ZF)

/* The size of a native format ("B", "@l", and in 3.15 "Zd"), setting
   *code; -1 for any other format. */
mv_ssize mv_native_itemsize(const mv_config *cfg, const char *format,
                            char *code);
const char *mv_native_format(char code, bool with_at);
#define MV_IS_BYTE_FORMAT(c) ((c) == 'b' || (c) == 'B' || (c) == 'c')
/* FORMAT-019: the code of the format minus a leading '@', if it is one
   character (or, in 3.15, "Zd" or "Zf"). */
int mv_adjust_format(const mv_config *cfg, const char *format, char *code,
                     mv_error *err);
/* COMPARE-001: two items of one complex code, equal as Python's complex
   numbers are (part by part, as doubles). */
bool mv_complex_equal(char code, const unsigned char *a,
                      const unsigned char *b);
int mv_unpack_native(const mv_config *cfg, char code,
                     const unsigned char *ptr, mv_value *out, mv_error *err);
int mv_pack_native(const mv_config *cfg, char code, unsigned char *ptr,
                   const mv_value *item, mv_error *err);

/* Packing in its two steps (formats.c says why): an item converted for a
   code, then stored. */
typedef struct mv_item {
    char code;
    mv_ssize size;           /* the code's item size */
    union {
        int64_t i;           /* signed codes */
        uint64_t u;          /* unsigned codes, 'P' */
        double d;            /* 'f' 'd' 'e'; the real part of 'Zd' 'Zf' */
        bool b;              /* '?' */
        unsigned char c;     /* 'c' */
    } as;
} mv_item;

int mv_convert_item(const mv_config *cfg, char code, const mv_value *item,
                    mv_item *out, mv_error *err);
int mv_store_item(const mv_config *cfg, const mv_item *item,
                  unsigned char *ptr, mv_error *err);

/* The struct module, for formats memoryview cannot read itself. */
typedef struct mv_struct_field {
    char code;
    mv_ssize count;     /* repeat count; for 's' and 'p' the string length */
    mv_ssize size;      /* bytes of one item */
    mv_ssize offset;    /* of the first item */
} mv_struct_field;

/* A format parsed once, as struct.Struct(format) is: a walk over many
   items reads them all with one (a format is as long as its case makes
   it: 100000 spaces and a 'B', parsed again for each of 100000 items,
   took 47 s to compare). */
typedef struct mv_struct {
    bool native;        /* '@': native sizes and alignment */
    bool big_endian;
    int nfields;
    mv_struct_field fields[32];
    mv_ssize size;
    int nitems;         /* values unpacked */
} mv_struct;

/* false when struct.Struct would refuse the format */
bool mv_struct_parse(const mv_config *cfg, const char *format,
                     mv_struct *out);
int mv_struct_unpack_parsed(const mv_config *cfg, const mv_struct *st,
                            const unsigned char *ptr, mv_value *out,
                            mv_error *err);
/* format: st's text, for the messages */
int mv_struct_pack_parsed(const mv_config *cfg, const mv_struct *st,
                          const char *format, unsigned char *ptr,
                          const mv_value *item, mv_error *err);
bool mv_struct_known(const mv_config *cfg, const char *format);
mv_ssize mv_struct_calcsize(const mv_config *cfg, const char *format,
                            mv_error *err);
int mv_struct_unpack(const mv_config *cfg, const char *format,
                     const unsigned char *ptr, mv_value *out, mv_error *err);
int mv_struct_pack(const mv_config *cfg, const char *format,
                   unsigned char *ptr, const mv_value *item, mv_error *err);

#endif /* MV_FORMATS_H */
