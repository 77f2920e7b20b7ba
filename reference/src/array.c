/*
 * array.c -- array.array, an exporter of chapter 1 of the spec: a row of
 * C numbers (or characters) of one typecode, lent under a format of one
 * character.
 *
 *     array('h', [1, -2])     memory 01 00 fe ff     format 'h', itemsize 2
 *     array('u', 'hé')        memory 68 00 00 00 e9 00 00 00     format 'w'
 *
 * Its items are packed as memoryview would pack them (formats.c), from
 * values array accepted when the case was recorded (ndarray.c says why).
 * What an array does with its own methods, resizing among them
 * (EXPORT-004, EXPORT-011), is the driver's (reference/driver/).
 */
#include "mvint.h"
#include "exporter.h"
#include "formats.h"
#include "value.h"

/* CONSTRUCT-004: an array lends its items under a one-character format
   equal to its typecode, except the character types 'u' (wchar_t) and
   'w' (3.13+), lent as 'w' (UCS-4): 4 bytes on both recorded platforms. */
static const char *array_format(const mv_config *cfg, char typecode)
{
    if (typecode == 'u' || (typecode == 'w'
                            && cfg->behaviour.array_w_and_clear))
        return "w";
    if (strchr("bBhHiIlLqQfd", typecode) != NULL)
        return mv_native_format(typecode, false);
    return NULL;
}

/* The items of a character array: a str's code points, as UCS-4 in the
   platform's byte order (a block from malloc is aligned for them). */
static int fill_characters(mv_exporter *e, const mv_value *items,
                           mv_error *err)
{
    size_t n = mv_str_code_points(items, NULL, 0);

    if (mv_exporter_resize(e, (mv_ssize)n * 4, err) < 0)
        return -1;
    mv_str_code_points(items, (uint32_t *)(void *)e->data, n);
    return 0;
}

/* The items of a numeric array, each packed as its typecode's C type:
   items array accepted when the case was recorded (ndarray.c says why). */
static int fill_numbers(mv_exporter *e, const mv_value *items, mv_error *err)
{
    mv_ssize n = (mv_ssize)items->as.seq.len;
    char code = e->format[0];
    int status = mv_exporter_resize(e, n * e->itemsize, err);

    for (mv_ssize i = 0; i < n && status == 0; i++)
        status = mv_pack_native(e->base.cfg, code, e->data + i * e->itemsize,
                                &items->as.seq.items[i], err);
    if (NEVER(status < 0 && strcmp(err->type, "MemoryError") != 0))
        return mv_unsupported(err, "array('%c') items", code);
    return status;
}

/* array.array(typecode, items).  The typecode and the kind of items are
   ones array accepted when the case was recorded (ndarray.c says why). */
int mv_array_object(const mv_config *cfg, const char *typecode,
                    const mv_value *items, mv_value *out, mv_error *err)
{
    const char *format = array_format(cfg, typecode[0]);
    bool characters = format != NULL && format[0] == 'w';
    mv_exporter *e = NULL;
    char code;
    int status;

    if (NEVER(format == NULL || typecode[1] != '\0'
              || items->kind != (characters ? MV_STR : MV_LIST)))
        return mv_unsupported(err, "array('%s') from %s", typecode,
                              mv_type_name(items));
    if (mv_exporter_1d(cfg, MV_TYPE_ARRAY, format,
                       characters ? 4 : mv_native_itemsize(cfg, format, &code),
                       0, &e, err) < 0)
        return -1;
    e->typecode = typecode[0];
    status = characters ? fill_characters(e, items, err)
                        : fill_numbers(e, items, err);
    if (status < 0) {
        mv_exporter_dealloc(e);
        return -1;
    }
    *out = mv_exporter_value(e);
    return 0;
}
