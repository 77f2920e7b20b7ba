/*
 * mvint.h -- the inside of the library: how its files are layered, the
 * conventions they share, and what every file uses (the invariant and
 * boundary markers, checked arithmetic, the allocator).  A user of mvref.h
 * never sees it.
 *
 * Naming, as everywhere in reference/src:
 *   mv_xxx        shared between files (declared in a header here) or
 *                 public (mvref.h)
 *   static xxx    private to one file
 *   buf, len, itemsize, format, ndim, shape, strides, suboffsets
 *                 the buffer protocol's own words, with its meanings
 *   nitems        product(shape), the number of items a buffer holds
 *
 * The files, read bottom-up.  Each file calls only files of the layers
 * below its own: the base calls nothing above it, and the chapters, one
 * file (or more) per chapter of spec/memoryview.md, call down into the
 * base.  The top layer, the interface, calls into the chapters.
 *
 *  ┌────────────┬──────────────┬────┬──────────────────────────────────────┐
 *  │ layer      │ file         │ ch │ what it is                           │
 *  ╞════════════╪══════════════╪════╪══════════════════════════════════════╡
 *  │ interface  │ methods.c    │    │ the method table: m.name(...)        │
 *  │            │ external.c   │    │ a host: its memory in, views out     │
 *  ├────────────┼──────────────┼────┼──────────────────────────────────────┤
 *  │ chapters   │ construct.c  │  1 │ memoryview()                         │
 *  │            │ array.c      │  1 │ the exporter array.array             │
 *  │            │ ndarray.c    │  1 │ _testbuffer.ndarray, numpy arrays    │
 *  │            │ attributes.c │  2 │ m.shape, m.strides..., contiguity    │
 *  │            │ indexing.c   │  4 │ m[i], m[i, j], m[()], m[...]         │
 *  │            │ slicing.c    │  5 │ m[a:b:c]                             │
 *  │            │ assign.c     │  6 │ m[key] = v, del m[key]               │
 *  │            │ readonly.c   │  7 │ the read-only flag, toreadonly()     │
 *  │            │ export.c     │  8 │ no resizing while memory is lent     │
 *  │            │ release.c    │  9 │ release(), the context manager       │
 *  │            │ tolist.c     │ 10 │ tolist()                             │
 *  │            │ tobytes.c    │ 11 │ tobytes(), hex(), bytes(m)           │
 *  │            │ cast.c       │ 12 │ cast()                               │
 *  │            │ compare.c    │ 13 │ ==, !=, orderings, hash()            │
 *  │            │ sequence.c   │ 14 │ len, bool, iteration, in, count()... │
 *  │            │ object.c     │ 15 │ pickling, copying, __buffer__        │
 *  ╞════════════╪══════════════╪════╪═════════════════════════════ base ═══╡
 *  │ struct     │ struct.c     │    │ the struct module's formats          │
 *  │ items      │ formats.c    │  3 │ native codes: sizes, pack, unpack    │
 *  │ numbers    │ convert.c    │ 17 │ index(), float(), bool(), len() and  │
 *  │            │              │    │ == of any value: asks the host       │
 *  │ any value  │ abstract.c   │    │ a loan, the bytes of any value       │
 *  │ views      │ view.c       │    │ views, managed buffers, the released │
 *  │            │              │    │ check, len(), lending a view         │
 *  │ exporters  │ exporter.c   │    │ objects that own memory; bytes       │
 *  │ layout     │ layout.c     │    │ addresses, contiguity, copies        │
 *  │ arguments  │ args.c       │    │ binding arguments as CPython does    │
 *  │ values     │ value.c      │    │ Python values                        │
 *  │ objects    │ refcount.c   │    │ kinds of object, reference counts    │
 *  │ config     │ version.c    │    │ CPython versions and platforms       │
 *  │ memory     │ alloc.c      │    │ the one allocator (its spare block   │
 *  │            │              │    │ is a fast path)                      │
 *  │ foundation │ error.c      │    │ exceptions                           │
 *  │            │ fast.c       │    │ the fast paths' switch               │
 *  └────────────┴──────────────┴────┴──────────────────────────────────────┘
 *
 * The host.  A Python program hands a view objects the library does not
 * model (an object with __index__, a Decimal): they are its host's
 * (mvref.h, section 10), and convert.c asks the host what CPython asks
 * them -- a call into the program's own code, the one there is.  It sits
 * in the base, below every file that converts a key, an item or an
 * argument; what the program's code may do meanwhile (release the view)
 * each caller then checks for, with view.c (mv_view_check_again).
 *
 * Where the exporters are.  bytes and bytearray are in the base
 * (exporter.c), because memoryview(b'...') of a bytes value makes one.
 * array.array, _testbuffer.ndarray and numpy arrays (array.c, ndarray.c)
 * are chapter 1's: a case's setup builds them (the driver calls them),
 * and nothing in the library does.  external.c, the exporter over a
 * host's memory and the loans of a view to a host, is interface: only a
 * host calls it, and it calls down into the chapters (hash, compare.c).
 * What the exporters do with their own methods (ba.append(), chapter 8)
 * is the driver's, reference/driver/.
 *
 * A chapter calls another only where the spec builds one operation on
 * another; these are all such calls (tests/test_layering.py reads the
 * calls from the object files, and fails on any other that is not
 * downwards):
 *
 *   indexing.c -> slicing.c   m[a:b] is a slice (INDEX-017, SLICE-001)
 *   assign.c -> indexing.c    m[key] = v writes the item m[key] reads
 *                             (ASSIGN-006, ASSIGN-015)
 *   assign.c -> slicing.c     m[a:b] = v writes the items m[a:b] selects
 *                             (ASSIGN-005, ASSIGN-015)
 *   assign.c -> readonly.c    every write asks first whether the view may
 *                             be written (READONLY-001, ASSIGN-015)
 *   compare.c -> tobytes.c    hash(m) is hash(m.tobytes()) (HASH-001);
 *                             a bytearray compares a buffer's bytes
 *   sequence.c -> compare.c   `in`, count() and index() compare items with
 *                             == (SEQ-009, SEQ-010)
 *   sequence.c -> slicing.c   index()'s start and stop are slice bounds
 *                             (SEQ-010)
 *   object.c -> release.c     m.__release_buffer__(v) is v.release()
 *                             (OBJECT-010)
 *
 * The headers follow the layers, and each file includes those of the
 * layers it calls, so that what a file rests on shows at its top:
 *
 *   mvint.h      this: layers, conventions, ALWAYS/NEVER/testcase,
 *                mv_ckd_*, alloc.c, MV_FAST (fast.c)
 *   refcount.h   objects (refcount.c)        value.h     values (value.c)
 *   args.h       arguments (args.c)          layout.h    the buffer (layout.c)
 *   exporter.h   exporters (exporter.c)      view.h      views (view.c)
 *   abstract.h   any value (abstract.c)      formats.h   items (formats.c,
 *   convert.h    numbers (convert.c)                     struct.c)
 *   chapters.h   what chapters offer the
 *                files above them
 */
#ifndef MVINT_H
#define MVINT_H

#include <assert.h>
#include <string.h>

#include "mvref.h"

/* ------------------------------------------------------------------ */
/* Invariants and boundaries, the way SQLite marks them               */
/* ------------------------------------------------------------------ */

/* ALWAYS(X) and NEVER(X) wrap a condition that no Python program can make
   false (for ALWAYS) or true (for NEVER): the code that handles the other
   case is a guard against a bug in this library, not behaviour.  Debug
   builds assert the condition; coverage builds (MV_COVERAGE) replace it
   by its constant, so that the guard is not counted as untested code;
   other builds test it.

   testcase(X) marks a boundary value the suite must reach: in coverage
   builds it is a branch of its own, so lcov shows whether some case makes
   X true; elsewhere it is nothing.

   None of the three may have side effects: X is not evaluated in every
   build. */
#if defined(MV_COVERAGE)
# define ALWAYS(X) (1 || (X))
# define NEVER(X) (0 && (X))
extern unsigned mv_testcase_hits;
# define testcase(X) do { if (X) mv_testcase_hits += (unsigned)__LINE__; } while (0)
#elif !defined(NDEBUG)
# define ALWAYS(X) ((X) ? 1 : (assert(0), 0))
# define NEVER(X) ((X) ? (assert(0), 1) : 0)
# define testcase(X) ((void)0)
#else
# define ALWAYS(X) (X)
# define NEVER(X) (X)
# define testcase(X) ((void)0)
#endif

/* ------------------------------------------------------------------ */
/* Arithmetic that says when it overflows: C23's ckd_add, ckd_sub and  */
/* ckd_mul, for mv_ssize, written for C11                              */
/* ------------------------------------------------------------------ */

/* mv_ckd_mul(&r, a, b) stores a * b in r and returns false; when the
   exact product does not fit an mv_ssize it returns true, and r holds it
   wrapped (two's complement), as C23 leaves it.  Likewise mv_ckd_add and
   mv_ckd_sub.  Sizes and distances the library computes from layouts go
   through them (layout.c), so that a layout too large to describe is
   seen, never undefined behaviour.  gcc and clang give the operation
   itself; elsewhere it is done in unsigned arithmetic, where wrapping is
   defined, and the overflow is found from the operands. */
#if (defined(__GNUC__) || defined(__clang__)) && !defined(MV_PORTABLE_CKD)
# define MV_BUILTIN_CKD 1
#endif

/* The portable way: the wrapped result in unsigned arithmetic, and
   whether the exact one fits, from the operands alone.  (Compiled
   everywhere, so that a test can hold it to the builtins:
   reference/fuzz/layout.c.) */
static inline bool mv_ckd_portable(char op, mv_ssize *r, mv_ssize a,
                                   mv_ssize b)
{
    const mv_ssize max = INT64_MAX, min = INT64_MIN;
    uint64_t ua = (uint64_t)a, ub = (uint64_t)b;

    *r = (mv_ssize)(op == '+' ? ua + ub : op == '-' ? ua - ub : ua * ub);
    if (op == '+')
        return b > 0 ? a > max - b : a < min - b;
    if (op == '-')
        return b < 0 ? a > max + b : a < min + b;
    if (a == 0 || b == 0)
        return false;
    if (a == -1 || b == -1)
        return a == min || b == min;
    return a > 0 ? (b > 0 ? a > max / b : b < min / a)
                 : (b > 0 ? a < min / b : a < max / b);
}

#if defined(MV_BUILTIN_CKD)
# define MV_CKD(name, op, r, a, b) __builtin_##name##_overflow((a), (b), (r))
#else
# define MV_CKD(name, op, r, a, b) mv_ckd_portable((op), (r), (a), (b))
#endif

static inline bool mv_ckd_add(mv_ssize *r, mv_ssize a, mv_ssize b)
{
    return MV_CKD(add, '+', r, a, b);
}

static inline bool mv_ckd_sub(mv_ssize *r, mv_ssize a, mv_ssize b)
{
    return MV_CKD(sub, '-', r, a, b);
}

static inline bool mv_ckd_mul(mv_ssize *r, mv_ssize a, mv_ssize b)
{
    return MV_CKD(mul, '*', r, a, b);
}

/* ------------------------------------------------------------------ */
/* alloc.c: the one allocation wrapper                                 */
/* ------------------------------------------------------------------ */

/* Each allocation names its call site, so that the allocation-failure
   check can tell which sites it has made fail (mv_alloc_failed_site). */
#define mv_alloc(size) mv_alloc_at((size), __FILE__, __LINE__)
#define mv_alloc_zeroed(count, size) \
    mv_alloc_zeroed_at((count), (size), __FILE__, __LINE__)
#define mv_realloc(ptr, size) mv_realloc_at((ptr), (size), __FILE__, __LINE__)
#define mv_strdup(s) mv_strdup_at((s), __FILE__, __LINE__)

void *mv_alloc_at(size_t size, const char *file, int line);   /* NULL: failed */
void *mv_alloc_zeroed_at(size_t count, size_t size, const char *file,
                         int line);
/* On failure ptr is unchanged and still owned by the caller. */
void *mv_realloc_at(void *ptr, size_t size, const char *file, int line);
char *mv_strdup_at(const char *s, const char *file, int line);
void mv_free(void *ptr);
/* mv_free() of a block of size bytes, which the next mv_alloc() of that
   size may be given again (a fast path: alloc.c's spare block). */
void mv_free_sized(void *ptr, size_t size);

/* The host's allocator (mvref.h, section 9), when it set one: a new object
   of the host's for a bytes or str of len bytes, which go at *data; NULL
   when the host has no memory.  Failed by the test hook like the rest. */
#define mv_alloc_host(kind, len, data) \
    mv_alloc_host_at((kind), (len), (data), __FILE__, __LINE__)
bool mv_host_allocates(void);
void *mv_alloc_host_at(mv_kind kind, size_t len, unsigned char **data,
                       const char *file, int line);
void mv_free_host(void *object);

/* ------------------------------------------------------------------ */
/* fast.c: fast paths, and the switch that turns them off              */
/* ------------------------------------------------------------------ */

/* A fast path is a short function beside a generic walk, citing the rule
   both realise, taken only `if (MV_FAST() && ...)`: the generic path is
   the definition, and the suite must give the same outcomes with the
   fast paths off (fast.c).  A build with -DMV_GENERIC has them off for
   good; the code stays, so that it is still compiled and checked. */
extern signed char mv_fast_state;   /* fast.c: -1 not asked yet, 0, 1 */
#if defined(MV_GENERIC)
# define MV_FAST() (0 && mv_fast_paths())
#else
/* the switch read in place while on: a call for each test was a
   fiftieth of m[1:-1] (issue 16).  Off, or not asked yet, the call
   answers (and asks, the first time). */
# define MV_FAST() (mv_fast_state > 0 || mv_fast_paths())
#endif

#endif /* MVINT_H */
