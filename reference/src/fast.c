/*
 * fast.c -- the switch of the fast paths.
 *
 * The library is written to be read: each operation walks the items as
 * the spec describes it, one at a time (the generic path).  A few
 * operations also have a fast path beside it, a short function citing its
 * rule that gets the same outcome sooner (issue 16):
 *
 *   layout.c   copy_row      a row copied with one memcpy where packed,
 *                            with moves of a constant size where strided
 *              copy_tiles    a transposing copy by cache-blocked tiles
 *   compare.c  rows_equal    == by rows: memcmp where equal bytes are equal
 *                            items, C's == for doubles and floats
 *              ints_equal    two ints by value, not by their digits
 *              hash_in_place hash(m) of the memory where it lies
 *   value.c    mv_text_new   a result made in the host's own object
 *   tobytes.c  hex_fast      hex() straight from the memory into the str
 *   tolist.c   stream_rec    tolist() streamed to the host, no tree
 *
 * and a few that take the per-call work out of the small operations
 * (m[i], m[i] = v, m[a:b], m.cast(f)), where the cost is the walk's
 * steps, not the items:
 *
 *   indexing.c int_getitem   m[i], an int i of a 1-D view: no __index__
 *   assign.c   view_setitem  m[i] = v likewise
 *   convert.c  mv_index_ssize  an int key read where it is, not copied
 *   formats.c  convert_integer an int item likewise
 *   slicing.c  mv_clamped_index, mv_slice_unpack  int or None bounds
 *                            read where they are
 *   cast.c     ascii_format  a one-character format taken as it is
 *   methods.c  mv_cast       cast() with no argument list to bind (the
 *                            host takes it only while the switch is on)
 *   alloc.c    the spare block  a freed view's block given again
 *
 * and in the Python binding (reference/python/), beside the conversions:
 *
 *   values.c   plain_part    an int or None key, or slice part, made
 *                            without the general conversion's dispatch
 *   view.c     take_spare    a freed view's object given again
 *              m_cast        bound in each version's own type, which the
 *                            interpreter calls straight
 *
 * The generic path stays the definition, and the suite proves the two
 * agree by running both ways: this switch turns every fast path off.
 *
 *   MVREF_GENERIC=1         in the environment when the library first asks:
 *                           off for the whole process (the driver, mvref)
 *   mv_fast_paths_set()     off or on again from now on (a test, a fuzzer
 *                           comparing the two in one process)
 *   cc -DMV_GENERIC         off, and compiled out (mvint.h's MV_FAST)
 *
 * Like the allocation hooks (alloc.c), the switch is process-wide: it is a
 * test facility, and no Python program can reach it.
 */
#include <stdlib.h>

#include "mvint.h"

signed char mv_fast_state = -1;   /* -1: not asked yet; else 0 or 1 */

bool mv_fast_paths(void)
{
    if (mv_fast_state < 0) {
        const char *generic = getenv("MVREF_GENERIC");
        mv_fast_paths_set(!(generic != NULL && strcmp(generic, "1") == 0));
    }
    return mv_fast_state != 0;
}

void mv_fast_paths_set(bool on)
{
    mv_fast_state = on;
}
