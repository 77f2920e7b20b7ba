/*
 * export.c -- chapter 8 of the spec: why an exporter refuses to resize
 * while its memory is lent.
 *
 * A view holds no copy: it points into the exporter's memory (exporter.c
 * lends it), so a write through a view reaches the exporter and a write
 * to the exporter shows through every view at once.  The price is that
 * the memory must stay where it is while any view can reach it: a
 * bytearray that grew would move its memory and leave the view pointing
 * at freed bytes.  So every operation that would move or resize the
 * memory asks first, and while any loan is outstanding the answer is a
 * BufferError:
 *
 *     ba = bytearray(b'abc');  m = memoryview(ba)
 *     ba.append(100)        BufferError: Existing exports of data: ...
 *     m.release()
 *     ba.append(100)        fine: no loan is outstanding
 *
 * The exporters' own methods, and which of them resize, are theirs: the
 * driver models them (reference/driver/) on top of this question.
 */
#include "mvint.h"
#include "chapters.h"
#include "exporter.h"

/* EXPORT-003 (bytearray), EXPORT-004 (array): no resizing while memory
   is lent, each in its own words. */
int mv_exporter_can_resize(const mv_exporter *e, mv_error *err)
{
    assert(e->base.type == MV_TYPE_BYTEARRAY || e->base.type == MV_TYPE_ARRAY);
    if (e->exports == 0)
        return 0;
    if (e->base.type == MV_TYPE_ARRAY)                   /* EXPORT-004 */
        return mv_raise(err, "EXPORT-004", "BufferError",
                        "cannot resize an array that is exporting buffers");
    return mv_raise(err, "EXPORT-003", "BufferError",                  /* EXPORT-003 */
                    "Existing exports of data: object cannot be re-sized");
}
