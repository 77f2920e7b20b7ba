/*
 * struct.c -- just enough of Python's struct module: formats memoryview
 * cannot read itself but must still compare (COMPARE-007), and the formats
 * of _testbuffer.ndarray and numpy arrays, which are built and read with
 * struct.pack_into and struct.unpack_from.
 *
 * A struct format is an optional byte-order character followed by items,
 * each an optional count and a code:
 *
 *     '<'  little-endian, standard sizes      '@'  native order, sizes and
 *     '>'  big-endian, standard sizes              alignment (the default)
 *     '!'  network (= big-endian)             '='  native order, standard
 *                                                  sizes, no alignment
 *
 *     x pad byte   c char   b B ? h H i I l L q Q n N P e f d   s p strings
 *
 * Under '@' each item is aligned to its own size, so '@bi' is 8 bytes,
 * while '=bi' is 5.  'n', 'N' and 'P' exist only under '@'.
 *
 * unpack gives one value when the format has one item, else a tuple: the
 * shape in which memoryview and ndarray see items of such formats.
 */
#include <stdio.h>

#include "mvint.h"
#include "formats.h"
#include "value.h"

typedef mv_struct_field field;   /* formats.h */
typedef mv_struct layout;

static mv_ssize standard_size(char c)
{
    switch (c) {
    case 'x': case 'c': case 'b': case 'B': case '?': case 's': case 'p':
        return 1;
    case 'h': case 'H': case 'e': return 2;
    case 'i': case 'I': case 'l': case 'L': case 'f': return 4;
    case 'q': case 'Q': case 'd': return 8;
    default: return -1;
    }
}

static mv_ssize native_size(const mv_config *cfg, char c)
{
    const mv_platform *p = &cfg->platform;

    switch (c) {
    case 'l': case 'L': return p->sizeof_long;
    case 'n': case 'N': return p->sizeof_ssize;
    case 'P': return p->sizeof_ptr;
    default: return standard_size(c);
    }
}

/* Parse a struct format; false when struct.Struct would refuse it. */
static bool parse(const mv_config *cfg, const char *f, layout *out)
{
    mv_ssize offset = 0;

    memset(out, 0, sizeof *out);
    out->native = true;
    if (*f && strchr("@=<>!", *f)) {
        out->native = *f == '@';
        out->big_endian = *f == '>' || *f == '!';
        f++;
    }
    while (*f) {
        mv_ssize count = 1, size;
        field *fd;

        if (*f == ' ' || *f == '\t' || *f == '\n' || *f == '\r') {
            f++;
            continue;
        }
        if (*f >= '0' && *f <= '9') {
            count = 0;
            while (*f >= '0' && *f <= '9') {
                if (count > 1000000)
                    return false;
                count = count * 10 + (*f++ - '0');
            }
        }
        if (*f == '\0')
            return false;
        size = out->native ? native_size(cfg, *f) : standard_size(*f);
        if (size < 0 || out->nfields == 32)
            return false;
        if (out->native && *f != 's' && *f != 'p' && *f != 'x')
            offset = (offset + size - 1) / size * size;   /* align */
        fd = &out->fields[out->nfields++];
        fd->code = *f++;
        fd->count = count;
        fd->size = size;
        fd->offset = offset;
        if (fd->code == 's' || fd->code == 'p') {
            offset += count;
            out->nitems++;
        } else {
            offset += count * size;
            if (fd->code != 'x')
                out->nitems += (int)count;
        }
    }
    out->size = offset;
    return true;
}

bool mv_struct_parse(const mv_config *cfg, const char *format,
                     mv_struct *out)
{
    return parse(cfg, format, out);
}

bool mv_struct_known(const mv_config *cfg, const char *format)
{
    layout l;
    return parse(cfg, format, &l);
}

/* The size of an item of a format struct knows (a caller asks
   mv_struct_known() first, or has the format from a recorded case). */
mv_ssize mv_struct_calcsize(const mv_config *cfg, const char *format,
                            mv_error *err)
{
    layout l;
    bool known = parse(cfg, format, &l);

    if (NEVER(!known))
        return mv_unsupported(err, "struct format '%s'", format);
    return l.size;
}

/* Bytes of one item in native (little-endian) order. */
static void load(const layout *l, const unsigned char *p, mv_ssize size,
                 unsigned char *out)
{
    for (mv_ssize i = 0; i < size; i++)
        out[i] = l->big_endian ? p[size - 1 - i] : p[i];
}

static void store(const layout *l, unsigned char *p, mv_ssize size,
                  const unsigned char *in)
{
    for (mv_ssize i = 0; i < size; i++)
        p[i] = l->big_endian ? in[size - 1 - i] : in[i];
}

static int unpack_one(const mv_config *cfg, const layout *l, char code,
                      mv_ssize size, const unsigned char *p, mv_value *out,
                      mv_error *err)
{
    unsigned char raw[8];
    mv_config sized = *cfg;

    load(l, p, size, raw);
    if (code == '?') {   /* the struct module tests the byte itself */
        *out = mv_bool(raw[0] != 0);
        return 0;
    }
    if (code == 'l' || code == 'L')   /* read at this size, whatever 'l' is */
        sized.platform.sizeof_long = size;
    sized.behaviour.half_float = true;  /* struct has always known 'e' */
    /* the native size of the code is the one laid out: under '=', '<',
       '>', '!' only the codes of standard size exist, 'l' was set above */
    return mv_unpack_native(&sized, code, raw, out, err);
}

static int pack_one(const mv_config *cfg, const layout *l, char code,
                    mv_ssize size, unsigned char *p, const mv_value *v,
                    mv_error *err)
{
    unsigned char raw[8];
    mv_config sized = *cfg;

    if (code == 'l' || code == 'L')
        sized.platform.sizeof_long = size;
    sized.behaviour.half_float = true;
    if (mv_pack_native(&sized, code, raw, v, err) < 0)
        return -1;
    store(l, p, size, raw);
    return 0;
}

/* struct.unpack_from(format, ptr)[0], or the whole tuple when the format
   has several items; the format is one struct knows. */
int mv_struct_unpack(const mv_config *cfg, const char *format,
                     const unsigned char *ptr, mv_value *out, mv_error *err)
{
    layout l;
    bool known = parse(cfg, format, &l);

    if (NEVER(!known))
        return mv_unsupported(err, "struct format '%s'", format);
    return mv_struct_unpack_parsed(cfg, &l, ptr, out, err);
}

int mv_struct_unpack_parsed(const mv_config *cfg, const mv_struct *st,
                            const unsigned char *ptr, mv_value *out,
                            mv_error *err)
{
    mv_value tuple;
    size_t k = 0;

    if (mv_seq_new(&tuple, MV_TUPLE, (size_t)st->nitems, err) < 0)
        return -1;
    for (int f = 0; f < st->nfields; f++) {
        const field *fd = &st->fields[f];
        const unsigned char *p = ptr + fd->offset;
        int status = 0;

        if (fd->code == 'x')
            continue;
        if (fd->code == 's' || fd->code == 'p') {
            mv_ssize n = fd->count;
            if (fd->code == 'p') {   /* a length byte, then the string */
                mv_ssize m = n > 0 ? p[0] : 0;
                n = n > 0 ? (m < n - 1 ? m : n - 1) : 0;
                p++;
            }
            status = mv_bytes_new(&tuple.as.seq.items[k++], p, (size_t)n, err);
        } else {
            for (mv_ssize i = 0; i < fd->count && status == 0; i++)
                status = unpack_one(cfg, st, fd->code, fd->size,
                                    p + i * fd->size,
                                    &tuple.as.seq.items[k++], err);
        }
        if (status < 0) {
            mv_value_clear(&tuple);
            return -1;
        }
    }
    if (st->nitems == 1) {
        *out = tuple.as.seq.items[0];
        tuple.as.seq.items[0] = mv_none();
        mv_value_clear(&tuple);
    } else {
        *out = tuple;
    }
    return 0;
}

/* The answer to an item struct cannot pack: not modelled (MemoryError
   passes through). */
static int unpackable(const char *format, mv_error *err)
{
    if (err->failure == MV_RAISED && strcmp(err->type, "MemoryError") == 0)
        return -1;
    return mv_unsupported(err, "an item struct.pack refuses under format "
                          "'%.100s'", format);
}

/* struct.pack_into(format, ptr, *item): item is a tuple (or a list) when
   the format has several values.  A format struct does not know, or an
   item it cannot pack, is not modelled: MV_UNSUPPORTED, with ptr's bytes
   undefined.  (Where struct raises for it, so does _testbuffer.ndarray,
   whose setup then failed: a case the driver answers as unsupported.) */
int mv_struct_pack(const mv_config *cfg, const char *format,
                   unsigned char *ptr, const mv_value *item, mv_error *err)
{
    layout l;

    if (!parse(cfg, format, &l))
        return mv_unsupported(err, "struct format '%.100s'", format);
    return mv_struct_pack_parsed(cfg, &l, format, ptr, item, err);
}

int mv_struct_pack_parsed(const mv_config *cfg, const mv_struct *st,
                          const char *format, unsigned char *ptr,
                          const mv_value *item, mv_error *err)
{
    const mv_value *values = item;
    size_t k = 0;

    if (st->nitems != 1) {   /* several values: a tuple or list of as many */
        if ((item->kind != MV_TUPLE && item->kind != MV_LIST)
            || item->as.seq.len != (size_t)st->nitems)
            return mv_unsupported(err, "an item of the wrong shape for "
                                  "format '%.100s'", format);
        values = item->as.seq.items;
    }
    memset(ptr, 0, (size_t)st->size);
    for (int f = 0; f < st->nfields; f++) {
        const field *fd = &st->fields[f];
        unsigned char *p = ptr + fd->offset;

        if (fd->code == 's' || fd->code == 'p') {
            const mv_value *v = &values[k++];
            mv_ssize n = fd->count - (fd->code == 'p');
            if (v->kind != MV_BYTES)
                return mv_unsupported(err, "an item that is not bytes for "
                                      "format '%.100s'", format);
            if ((mv_ssize)v->as.bytes.len < n)
                n = (mv_ssize)v->as.bytes.len;
            if (fd->code == 'p' && fd->count > 0)
                *p++ = (unsigned char)(n > 255 ? 255 : n);
            if (n > 0)
                memcpy(p, v->as.bytes.data, (size_t)n);
            continue;
        }
        for (mv_ssize i = 0; fd->code != 'x' && i < fd->count; i++)
            if (pack_one(cfg, st, fd->code, fd->size, p + i * fd->size,
                         &values[k++], err) < 0)
                return unpackable(format, err);
    }
    return 0;
}
