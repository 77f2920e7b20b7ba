/*
 * formats.c -- chapter 3 of the spec: native struct codes, their sizes,
 * and how items are read from memory (unpacked) and written to it
 * (packed).
 *
 * A memoryview reads and writes items itself only when its format is one
 * native struct character, optionally after '@':
 *
 *     ?  _Bool          c  char (bytes of length 1)
 *     b  signed char    B  unsigned char
 *     h  short          H  unsigned short
 *     i  int            I  unsigned int
 *     l  long           L  unsigned long        (platform: 8 or 4 bytes)
 *     q  long long      Q  unsigned long long
 *     n  Py_ssize_t     N  size_t               (platform: 8 or 4 bytes)
 *     f  float          d  double
 *     e  half float (3.12+)
 *     P  void *         (platform: 8 or 4 bytes)
 *     Zd double complex, Zf float complex (3.15, two characters)
 *
 * Every other format ('<i', 'hh', '3s', 'w'...) can be viewed, sliced,
 * cast to bytes and compared, but not indexed (FORMAT-020); the two
 * refusals have two different messages: a format of several characters
 * fails in mv_adjust_format, before anything else ("unsupported format",
 * FORMAT-019), a single unknown character only when an item is actually
 * read or written ("format %s not supported", FORMAT-018).
 *
 * Memory is read and written with memcpy into a C object of the right
 * width, in the host's byte order, which is the modelled platform's: the
 * reference models little-endian CPythons only.  Packing errors follow
 * CPython's pattern: the conversion of the Python value fails or is out of
 * range, and the error is reworded as "memoryview: invalid type for format
 * 'x'" (a TypeError) or "memoryview: invalid value for format 'x'" (a
 * ValueError).  '?' is the exception: any object has a truth value, and an
 * error while computing it is passed on unchanged.  So is any exception
 * but those three that an object's own __index__ or __float__ raises.
 *
 * The switches over format characters below are flat on purpose: one case
 * per code reads like the table above.
 */
#include <float.h>
#include <math.h>
#include <stdio.h>

#include "mvint.h"
#include "abstract.h"
#include "convert.h"
#include "formats.h"
#include "value.h"

/* FORMAT-001: 3.15's complex formats, by their code; 0 for another. */
static char complex_code(const mv_config *cfg, const char *format)
{
    if (!cfg->behaviour.complex_formats)
        return 0;
    if (strcmp(format, "Zd") == 0)
        return MV_CODE_ZD;
    return strcmp(format, "Zf") == 0 ? MV_CODE_ZF : 0;
}

/* FORMAT-002: the item size of a one-character native format c, or -1
   for a character that is none. */
static mv_ssize char_itemsize(const mv_config *cfg, char c)
{
    const mv_platform *p = &cfg->platform;

    switch (c) {
    case 'c': case 'b': case 'B': case '?': return 1;
    case 'h': case 'H': return 2;
    case 'i': case 'I': case 'f': return 4;
    case 'q': case 'Q': case 'd': return 8;
    case 'l': case 'L': return p->sizeof_long;
    case 'n': case 'N': return p->sizeof_ssize;
    case 'P': return p->sizeof_ptr;
    case 'e': return cfg->behaviour.half_float ? 2 : -1;
    default: return -1;
    }
}

/* FORMAT-001, FORMAT-002: the item size of a native code (as
   mv_native_itemsize sets it), or -1 for a character that is none. */
static mv_ssize code_itemsize(const mv_config *cfg, char code)
{
    if (!MV_IS_COMPLEX_CODE(code))
        return char_itemsize(cfg, code);
    assert(cfg->behaviour.complex_formats);   /* where the codes come from */
    return code == MV_CODE_ZD ? 16 : 8;
}

/* FORMAT-001, FORMAT-002: the item size of a native format, or -1. */
mv_ssize mv_native_itemsize(const mv_config *cfg, const char *format,
                            char *code)
{
    mv_ssize size;

    if (format[0] == '@')
        format++;
    *code = complex_code(cfg, format);
    if (*code)
        return code_itemsize(cfg, *code);
    size = char_itemsize(cfg, format[0]);
    if (size < 0 || format[1] != '\0')
        return -1;
    *code = format[0];
    return size;
}

/* A static copy of a native format, for views whose format is not their
   exporter's (casts); with_at keeps a leading '@' as the caller wrote it.
   Each literal is the format with its '@': one character on, without. */
const char *mv_native_format(char code, bool with_at)
{
    const char *at;

    switch (code) {
    case 'c': at = "@c"; break;
    case 'b': at = "@b"; break;
    case 'B': at = "@B"; break;
    case '?': at = "@?"; break;
    case 'h': at = "@h"; break;
    case 'H': at = "@H"; break;
    case 'i': at = "@i"; break;
    case 'I': at = "@I"; break;
    case 'l': at = "@l"; break;
    case 'L': at = "@L"; break;
    case 'q': at = "@q"; break;
    case 'Q': at = "@Q"; break;
    case 'n': at = "@n"; break;
    case 'N': at = "@N"; break;
    case 'f': at = "@f"; break;
    case 'd': at = "@d"; break;
    case 'e': at = "@e"; break;
    case MV_CODE_ZD: at = "@Zd"; break;
    case MV_CODE_ZF: at = "@Zf"; break;
    default: assert(code == 'P'); at = "@P"; break;
    }
    return with_at ? at : at + 1;
}

/* A format's name in a message: the complex codes stand for two letters. */
static const char *code_name(char code, char one[2])
{
    if (MV_IS_COMPLEX_CODE(code))
        return mv_native_format(code, false);
    one[0] = code;
    one[1] = '\0';
    return one;
}

/* FORMAT-019: items can be read only under a one-character format (or,
   from 3.15, a complex one). */
int mv_adjust_format(const mv_config *cfg, const char *format, char *code,
                     mv_error *err)
{
    const char *f = format[0] == '@' ? format + 1 : format;

    assert(f[0] != '\0');   /* a format of no item has no itemsize either */
    *code = complex_code(cfg, f);
    if (*code)
        return 0;
    if (f[1] == '\0') {
        *code = f[0];
        return 0;
    }
    return mv_raise(err, "FORMAT-019", "NotImplementedError",
                    "memoryview: unsupported format %s", format);
}

static int format_not_supported(char code, mv_error *err)
{
    return mv_raise(err, "FORMAT-018", "NotImplementedError",
                    "memoryview: format %c not supported", code);
}

/* The rule that refuses a value of the wrong type, and one out of range,
   for the code being packed. */
static const char *type_rule(char code)
{
    switch (code) {
    case 'c': return "FORMAT-013";
    case 'f': case 'd': case 'e': return "FORMAT-014";
    default: return "FORMAT-010";
    }
}

static const char *value_rule(char code)
{
    switch (code) {
    case 'c': return "FORMAT-013";
    case 'e': return "FORMAT-016";
    case 'f': case 'd': return "FORMAT-014";
    case 'P': return "FORMAT-011";
    default: return "FORMAT-009";
    }
}

static int invalid_type(char code, mv_error *err)
{
    char one[2];

    return mv_raise(err, type_rule(code), "TypeError", "memoryview: invalid type for format "
                    "'%s'", code_name(code, one));
}

static int invalid_value(char code, mv_error *err)
{
    char one[2];

    return mv_raise(err, value_rule(code), "ValueError", "memoryview: invalid value for format "
                    "'%s'", code_name(code, one));
}

/* ---- raw integers of 1, 2, 4 or 8 bytes, in host order ------------ */

static uint64_t read_unsigned(const unsigned char *ptr, mv_ssize size)
{
    uint8_t u8; uint16_t u16; uint32_t u32; uint64_t u64;

    switch (size) {
    case 1: memcpy(&u8, ptr, 1); return u8;
    case 2: memcpy(&u16, ptr, 2); return u16;
    case 4: memcpy(&u32, ptr, 4); return u32;
    default: assert(size == 8); memcpy(&u64, ptr, 8); return u64;
    }
}

static int64_t read_signed(const unsigned char *ptr, mv_ssize size)
{
    int8_t i8; int16_t i16; int32_t i32; int64_t i64;

    switch (size) {
    case 1: memcpy(&i8, ptr, 1); return i8;
    case 2: memcpy(&i16, ptr, 2); return i16;
    case 4: memcpy(&i32, ptr, 4); return i32;
    default: assert(size == 8); memcpy(&i64, ptr, 8); return i64;
    }
}

static void write_unsigned(unsigned char *ptr, mv_ssize size, uint64_t u)
{
    /* the low `size` bytes of u; two's complement makes this serve the
       signed codes too */
    uint8_t u8 = (uint8_t)u; uint16_t u16 = (uint16_t)u;
    uint32_t u32 = (uint32_t)u;

    switch (size) {
    case 1: memcpy(ptr, &u8, 1); break;
    case 2: memcpy(ptr, &u16, 2); break;
    case 4: memcpy(ptr, &u32, 4); break;
    default: assert(size == 8); memcpy(ptr, &u, 8); break;
    }
}

/* ---- half floats (IEEE 754 binary16), for 'e' ---------------------- */

static uint64_t double_bits(double d)
{
    uint64_t u;
    memcpy(&u, &d, 8);
    return u;
}

static double bits_double(uint64_t u)
{
    double d;
    memcpy(&d, &u, 8);
    return d;
}

/* m / 2**shift, rounded to nearest, ties to even (shift >= 1). */
static uint64_t shift_round_even(uint64_t m, int shift)
{
    uint64_t q, rest, half;

    assert(shift >= 1);
    if (shift >= 64)
        return 0;            /* m < 2**53: far below one half */
    q = m >> shift;
    rest = m & ((UINT64_C(1) << shift) - 1);
    half = UINT64_C(1) << (shift - 1);
    if (rest > half || (rest == half && (q & 1)))
        q++;
    return q;
}

/* FORMAT-016: d as binary16 bits, rounded to nearest, ties to even; -1
   when it is too large (|d| rounds to 65536 or more).  A NaN keeps its
   sign; before 3.14 it becomes the quiet NaN, from 3.14 it keeps the top
   ten bits of its payload, or is the quiet NaN when those are all zero
   (as PyFloat_Pack2 does). */
static int32_t half_from_double(double d, bool keep_payload)
{
    uint64_t bits = double_bits(d);
    uint32_t sign = (uint32_t)(bits >> 63) << 15;
    int exp = (int)((bits >> 52) & 0x7ff);
    uint64_t mant = bits & ((UINT64_C(1) << 52) - 1);
    uint32_t payload = (uint32_t)(mant >> 42);
    uint64_t q;

    if (exp == 0x7ff && mant == 0)
        return (int32_t)(sign | 0x7c00);                  /* infinity */
    if (exp == 0x7ff)
        return (int32_t)(sign | 0x7c00
                         | (keep_payload && payload ? payload : 0x200));
    if (exp == 0)
        return (int32_t)sign;     /* double subnormals are far below 2**-25 */
    mant |= UINT64_C(1) << 52;    /* the implicit leading one */
    exp -= 1023;                  /* d = mant * 2**(exp - 52) */
    if (exp >= -14) {
        /* normal: keep 11 significant bits */
        q = shift_round_even(mant, 42);
        if (q == 0x800) {         /* rounding carried into a new bit */
            q >>= 1;
            exp++;
        }
        if (exp > 15)
            return -1;
        return (int32_t)(sign | (uint32_t)(exp + 15) << 10 | (q & 0x3ff));
    }
    /* subnormal: count units of 2**-24 */
    q = shift_round_even(mant, 52 - 24 - exp);
    return (int32_t)(sign | (uint32_t)q);   /* q == 0x400 is the smallest
                                               normal, bits and all */
}

/* FORMAT-007: binary16 bits as a double, exactly.  A NaN reads as the
   quiet NaN of its sign before 3.14, and keeps its payload from 3.14
   (PyFloat_Unpack2 shifts it into the double's). */
static double half_to_double(uint32_t h, bool keep_payload)
{
    uint64_t sign = (uint64_t)(h >> 15) << 63;
    uint32_t exp = (h >> 10) & 0x1f;
    uint32_t mant = h & 0x3ff;
    double mag;

    if (exp == 0x1f && mant == 0)
        return bits_double(sign | UINT64_C(0x7ff0000000000000));
    if (exp == 0x1f)
        return bits_double(sign | (keep_payload
                                   ? UINT64_C(0x7ff0000000000000)
                                     | (uint64_t)mant << 42
                                   : UINT64_C(0x7ff8000000000000)));
    if (exp == 0)
        mag = mant * (1.0 / 16777216.0);             /* mant * 2**-24 */
    else
        mag = bits_double((uint64_t)(exp - 15 + 1023) << 52
                          | (uint64_t)mant << 42);
    return sign ? -mag : mag;
}

/* A double narrowed to float as the platform's (float) cast does, without
   C's undefined behaviour for finite values beyond FLT_MAX: those round to
   FLT_MAX or, from halfway to the next power of two on, to infinity. */
static float narrow_to_float(double d)
{
    const double limit = 340282356779733661637539395458142568448.0; /* 2**128 - 2**103 */

    if (isnan(d) || fabs(d) <= FLT_MAX)
        return (float)d;
    if (fabs(d) < limit)
        return d < 0 ? -FLT_MAX : FLT_MAX;
    return d < 0 ? -INFINITY : INFINITY;
}

/* ---- unpack: memory to a Python value ------------------------------ */

/* FORMAT-003, FORMAT-004, FORMAT-005, FORMAT-006, FORMAT-007, FORMAT-008,
   FORMAT-018: the item at ptr, read under a native code (INDEX-001,
   TOLIST-005). */
int mv_unpack_native(const mv_config *cfg, char code,
                     const unsigned char *ptr, mv_value *out, mv_error *err)
{
    mv_ssize size = code_itemsize(cfg, code);
    float f;
    double d;

    if (size < 0)
        return format_not_supported(code, err);
    switch (code) {
    case MV_CODE_ZD: case MV_CODE_ZF:
        /* FORMAT-001: a complex number, which the library has no value
           for: reported by its type's name */
        if (mv_str_new(out, "complex", 7, err) < 0)
            return -1;
        out->kind = MV_OPAQUE;
        return 0;
    case 'b': case 'h': case 'i': case 'l': case 'q': case 'n':
        *out = mv_int_from_i64(read_signed(ptr, size));
        return 0;
    case 'B': case 'H': case 'I': case 'L': case 'Q': case 'N':
        *out = mv_int_from_u64(read_unsigned(ptr, size));
        return 0;
    case 'P':   /* a pointer reads as an unsigned int */
        *out = mv_int_from_u64(read_unsigned(ptr, size));
        return 0;
    case '?':   /* FORMAT-004: any byte but 0 reads as True, as struct
                   reads it; C leaves bytes other than 0 and 1 undefined */
        *out = mv_bool(*ptr != 0);
        return 0;
    case 'c':   /* FORMAT-005 */
        return mv_bytes_new(out, ptr, 1, err);
    case 'f':   /* FORMAT-006: every float is exactly a double */
        memcpy(&f, ptr, 4);
        *out = mv_float(f);
        return 0;
    case 'd':
        memcpy(&d, ptr, 8);
        *out = mv_float(d);
        return 0;
    default:
        assert(code == 'e');
        *out = mv_float(half_to_double((uint32_t)read_unsigned(ptr, 2),
                                       cfg->behaviour.half_nan_payload));
        return 0;
    }
}

/* ---- pack: a Python value to memory -------------------------------- */

/* Packing is two steps, as in CPython, because a Python program may run
   between them (CONVERT-005 to CONVERT-010):

     convert   the value becomes a C number of the code's conversion type
               (a C long for 'b' 'h' 'i' 'l', an unsigned long for 'B' 'H'
               'I' 'L', a double for 'f' 'd' 'e', a truth value for '?'),
               which may call the object's __index__, __float__, __bool__
               or __len__; its errors are reworded (fix_error)
     store     the number is checked against the code's own range and
               written

   A view checks whether it was released in between (view.c,
   mv_view_check_again): a range error comes after that check, a
   conversion error before it. */

/* CONVERT-005: a conversion's TypeError becomes "invalid type", its
   ValueError or OverflowError (or a subclass) "invalid value"; any other
   exception passes through as it is, the host's own. */
static int fix_error(char code, mv_error *err)
{
    if (err->failure != MV_RAISED)
        return -1;
    if (mv_error_matches(err, "TypeError"))
        return invalid_type(code, err);
    if (mv_error_matches(err, "ValueError")
        || mv_error_matches(err, "OverflowError"))
        return invalid_value(code, err);
    return -1;
}

/* The range of the C type a code is converted to first (PyLong_AsLong and
   its kin), in the modelled platform's sizes. */
static mv_ssize conversion_size(const mv_config *cfg, char code)
{
    switch (code) {
    case 'b': case 'h': case 'i': case 'l':
    case 'B': case 'H': case 'I': case 'L':
        return cfg->platform.sizeof_long;
    case 'n': case 'N':
        return cfg->platform.sizeof_ssize;
    default:
        assert(code == 'q' || code == 'Q');
        return 8;
    }
}

static bool is_signed(char code)
{
    switch (code) {
    case 'b': case 'h': case 'i': case 'l': case 'q': case 'n': return true;
    default: return false;
    }
}

/* FORMAT-009, FORMAT-010: an int i in the range of the C type an integer
   code is converted to first. */
static int integer_in_range(const mv_config *cfg, char code,
                            const mv_value *i, mv_item *out, mv_error *err)
{
    mv_ssize size = conversion_size(cfg, code);
    bool fits;

    if (is_signed(code)) {
        int64_t lim = size == 8 ? INT64_MAX
                                : (INT64_C(1) << (size * 8 - 1)) - 1;
        fits = mv_int_to_i64(i, &out->as.i) && out->as.i <= lim
               && out->as.i >= -lim - 1;
    } else {
        uint64_t lim = size == 8 ? UINT64_MAX
                                 : (UINT64_C(1) << (size * 8)) - 1;
        fits = mv_int_to_u64(i, &out->as.u) && out->as.u <= lim;
    }
    return fits ? 0 : invalid_value(code, err);
}

/* FORMAT-009, FORMAT-010, CONVERT-005: operator.index(item) as the C type
   of an integer code. */
static int convert_integer(const mv_config *cfg, char code,
                           const mv_value *item, mv_item *out, mv_error *err)
{
    mv_value i;
    int status;

    if (MV_FAST() && mv_is_index(item))   /* an int: read where it is */
        return integer_in_range(cfg, code, item, out, err);
    if (mv_index(item, &i, err) < 0)
        return fix_error(code, err);
    status = integer_in_range(cfg, code, &i, out, err);
    mv_value_clear(&i);
    return status;
}

/* FORMAT-011: PyLong_AsVoidPtr takes negative ints as signed, others as
   unsigned, so the range is [-2**(w-1), 2**w); it takes ints only, never
   an __index__ (CONVERT-008). */
static int convert_pointer(const mv_config *cfg, const mv_value *item,
                           mv_item *out, mv_error *err)
{
    mv_ssize size = cfg->platform.sizeof_ptr;
    uint64_t lim = size == 8 ? UINT64_MAX : UINT32_MAX;
    int64_t i;

    if (!mv_is_index(item))
        return invalid_type('P', err);
    if (item->kind == MV_INT && item->as.integer.negative) {
        if (!mv_int_to_i64(item, &i) || (size == 4 && i < INT32_MIN))
            return invalid_value('P', err);
        out->as.u = (uint64_t)i;
        return 0;
    }
    if (!mv_int_to_u64(item, &out->as.u) || out->as.u > lim)
        return invalid_value('P', err);
    testcase(out->as.u == lim);      /* the largest pointer */
    return 0;
}

/* ASSIGN-001, FORMAT-017, FORMAT-018, CONVERT-005 to CONVERT-008: item
   converted for a native code; nothing is written. */
int mv_convert_item(const mv_config *cfg, char code, const mv_value *item,
                    mv_item *out, mv_error *err)
{
    const unsigned char *bytes;
    size_t len;

    out->size = code_itemsize(cfg, code);
    if (out->size < 0)
        return format_not_supported(code, err);
    out->code = code;
    switch (code) {
    case MV_CODE_ZD: case MV_CODE_ZF:
        /* FORMAT-001: a complex item from a complex, which the library
           has no value for, or from what float() takes (the real part) */
        if (item->kind == MV_OBJECT || item->kind == MV_OPAQUE
            || item->kind == MV_HOST)
            return mv_unsupported(err, "a %s item from a %s",
                                  mv_native_format(code, false),
                                  mv_type_name(item));
        if (mv_float_of(item, &out->as.d, err) < 0)
            return fix_error(code, err);
        return 0;
    case 'P':
        return convert_pointer(cfg, item, out, err);
    case 'f': case 'd': case 'e':   /* FORMAT-014, CONVERT-006 */
        if (mv_float_of(item, &out->as.d, err) < 0)
            return fix_error(code, err);
        return 0;
    case '?':   /* FORMAT-012, CONVERT-007: errors from bool(item) pass
                   through */
        return mv_truthy(item, &out->as.b, err);
    case 'c':   /* FORMAT-013: exactly one byte, and only from bytes */
        if (!mv_bytes_of(item, &bytes, &len))
            return invalid_type(code, err);
        if (len != 1)
            return invalid_value(code, err);
        out->as.c = bytes[0];
        return 0;
    default:
        return convert_integer(cfg, code, item, out, err);
    }
}

/* FORMAT-009, FORMAT-015, FORMAT-016, CONVERT-010: write a converted item
   at ptr, if it fits the code; on error nothing is written. */
int mv_store_item(const mv_config *cfg, const mv_item *item,
                  unsigned char *ptr, mv_error *err)
{
    mv_ssize size = item->size;
    const double zero = 0.0;
    float f;
    int32_t h;

    assert(size > 0);
    switch (item->code) {
    case MV_CODE_ZD:        /* FORMAT-001: real part, then imaginary */
        memcpy(ptr, &item->as.d, 8);
        memcpy(ptr + 8, &zero, 8);
        return 0;
    case MV_CODE_ZF:
        f = narrow_to_float(item->as.d);
        memcpy(ptr, &f, 4);
        f = 0.0f;
        memcpy(ptr + 4, &f, 4);
        return 0;
    case 'c': *ptr = item->as.c; return 0;
    case '?': *ptr = item->as.b; return 0;
    case 'P': write_unsigned(ptr, size, item->as.u); return 0;
    case 'd': memcpy(ptr, &item->as.d, 8); return 0;
    case 'f':
        f = narrow_to_float(item->as.d);
        memcpy(ptr, &f, 4);
        return 0;
    case 'e':
        h = half_from_double(item->as.d, cfg->behaviour.half_nan_payload);
        if (h < 0)
            return invalid_value('e', err);
        write_unsigned(ptr, 2, (uint64_t)h);
        return 0;
    default:
        break;
    }
    if (is_signed(item->code)) {
        int64_t lim = size == 8 ? INT64_MAX
                                : (INT64_C(1) << (size * 8 - 1)) - 1;
        if (item->as.i > lim || item->as.i < -lim - 1)
            return invalid_value(item->code, err);
        testcase(item->as.i == lim);        /* the largest the code holds */
        testcase(item->as.i == -lim - 1);   /* and the smallest */
        write_unsigned(ptr, size, (uint64_t)item->as.i);
        return 0;
    }
    {
        uint64_t lim = size == 8 ? UINT64_MAX
                                 : (UINT64_C(1) << (size * 8)) - 1;
        if (item->as.u > lim)
            return invalid_value(item->code, err);
        testcase(item->as.u == lim);        /* the largest the code holds */
        write_unsigned(ptr, size, item->as.u);
        return 0;
    }
}

/* ASSIGN-001, ASSIGN-002, ASSIGN-003, FORMAT-017, FORMAT-018: write item
   at ptr under a native code, converted and stored at once (where no view
   can be released in between).  On error nothing is written. */
int mv_pack_native(const mv_config *cfg, char code, unsigned char *ptr,
                   const mv_value *item, mv_error *err)
{
    mv_item converted;

    if (mv_convert_item(cfg, code, item, &converted, err) < 0)
        return -1;
    return mv_store_item(cfg, &converted, ptr, err);
}

/* COMPARE-001: two items of one complex code, equal as Python's complex
   numbers are (part by part, as doubles). */
bool mv_complex_equal(char code, const unsigned char *a,
                      const unsigned char *b)
{
    double x, y;
    float f, g;

    assert(MV_IS_COMPLEX_CODE(code));
    for (int i = 0; i < 2; i++) {
        if (code == MV_CODE_ZD) {
            memcpy(&x, a + 8 * i, 8);
            memcpy(&y, b + 8 * i, 8);
        } else {
            memcpy(&f, a + 4 * i, 4);
            memcpy(&g, b + 4 * i, 4);
            x = f;
            y = g;
        }
        if (!(x == y))
            return false;
    }
    return true;
}
