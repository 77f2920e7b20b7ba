/*
 * version.c -- the one place where CPython versions and platforms differ.
 *
 * memoryview has changed little since its PEP 3118 rewrite in 3.3, but it
 * has changed: 3.10 gave it a real iterator, 3.12 taught it the half float
 * 'e' and made len() of a 0-dim view an error, 3.14 added count() and
 * index(), and 3.15 (modelled from its pre-release, 3.15.0rc1 on wasm32)
 * the complex formats 'Zd' and 'Zf'.  Rather than scatter
 * `if (minor >= 12)` through the code, each difference is one field of
 * mv_behaviour, set below from the version that introduced it and named
 * after the rule it decides (the spec's
 * **Versions.** notes).  Code elsewhere asks the question ("does len() of
 * a 0-dim view raise?"), never the version.
 *
 * The platform is chosen here too: the native sizes behind l L n N P and
 * the bounds of Py_ssize_t, for a 64-bit or a 32-bit build of CPython.
 * The 64-bit platform is Linux on x86-64 built with gcc, the 32-bit one
 * wasm32 built with clang (Pyodide): the two kinds of build the suite
 * records.
 */
#include <stdio.h>

#include "mvint.h"

static void init_behaviour(mv_behaviour *b, int minor)
{
    memset(b, 0, sizeof *b);
    b->minor = minor;
    /* 3.9: argument parsing of the old kind (args.c) */
    b->legacy_parse = minor <= 9;          /* TOBYTES-007, CAST-014 */
    b->legacy_int_message = minor <= 9;    /* HEX-005 */
    b->arg_int_takes_int = minor <= 9;     /* CONVERT-012 */
    /* 3.10 */
    b->iter_protocol = minor >= 10;        /* SEQ-005 to SEQ-009 */
    b->bytearray_value_first = minor >= 10;
    b->recheck_released = minor >= 10;     /* CONVERT-009 */
    /* 3.11 */
    b->own_reduce = minor >= 11;           /* OBJECT-001 */
    b->qualified_varargs = minor >= 11;
    /* 3.12 */
    b->half_float = minor >= 12;           /* FORMAT-007, FORMAT-016 */
    b->zero_dim_len_raises = minor >= 12;  /* SEQ-002 */
    b->has_buffer_methods = minor >= 12;   /* OBJECT-004 */
    /* 3.13 */
    b->array_w_and_clear = minor >= 13;    /* CONSTRUCT-004 */
    b->unexpected_keyword = minor >= 13;   /* TOBYTES-006, CAST-015 */
    /* 3.14 */
    b->has_count_index = minor >= 14;      /* SEQ-010 */
    b->iter_released_first = minor >= 14;  /* SEQ-011 */
    b->named_wrappers = minor >= 14;       /* OBJECT-009 */
    b->half_nan_payload = minor >= 14;     /* FORMAT-007 */
    b->not_a_container = minor >= 14;      /* SEQ-009 */
    /* 3.15 (the pre-release) */
    b->complex_formats = minor >= 15;      /* CAST-008, FORMAT-001 */
    b->slice_message_no_none = minor >= 15; /* SLICE-007 */
    b->bytes_per_sep_ssize = minor >= 15;  /* HEX-005 */
    b->index_result_named = minor >= 15;   /* CONVERT-002, CONVERT-007 */
    b->hex_exports = minor >= 15;          /* CONVERT-014 */
}

static int init_platform(mv_platform *p, int word_size, mv_error *err)
{
    p->word_size = word_size;
    if (word_size == 64) {
        p->sizeof_long = 8;     /* LP64: Linux, macOS */
        p->sizeof_ssize = 8;
        p->sizeof_ptr = 8;
        p->ssize_max = INT64_MAX;
    } else if (word_size == 32) {
        p->sizeof_long = 4;     /* ILP32: i386, wasm32 (Pyodide) */
        p->sizeof_ssize = 4;
        p->sizeof_ptr = 4;
        p->ssize_max = INT32_MAX;
    } else {
        return mv_unsupported(err, "word size %d", word_size);
    }
    return 0;
}

int mv_config_init(mv_config *cfg, const char *python_version, int word_size,
                   mv_error *err)
{
    int major, minor;
    char tail;

    if (sscanf(python_version, "%d.%d%c", &major, &minor, &tail) != 2
        || major != 3 || minor < 9 || minor > 15)
        return mv_unsupported(err, "Python version '%s'", python_version);
    init_behaviour(&cfg->behaviour, minor);
    return init_platform(&cfg->platform, word_size, err);
}
