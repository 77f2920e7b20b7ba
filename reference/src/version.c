/*
 * version.c -- the one place where CPython versions differ.
 *
 * memoryview has changed little since its PEP 3118 rewrite in 3.3, but it
 * has changed: 3.10 gave it a real iterator, 3.12 taught it the half float
 * 'e' and made len() of a 0-dim view an error, 3.14 added count() and
 * index().  Rather than scatter `if (minor >= 12)` through the code, each
 * difference is one field of mv_behaviour, set here from one table row per
 * version and named after the rule it decides.  Code asks the question
 * ("does len() of a 0-dim view raise?"), never the version.
 *
 * The platform is chosen here too: the native sizes behind l L n N P and
 * the bounds of Py_ssize_t, for a 64-bit or a 32-bit build of CPython.
 */
#include <stdio.h>
#include <stdlib.h>

#include "mvint.h"

static const mv_behaviour versions[] = {
    /*      'e'    0-dim  count  buffer iter   ba     own     legacy legacy qual.  unexp.
                   len                         value  reduce  parse  int    vararg kw   */
    {  9,  false, false, false, false, false, false, false,  true,  true,  false, false },
    { 10,  false, false, false, false, true,  true,  false,  false, false, false, false },
    { 11,  false, false, false, false, true,  true,  true,   false, false, true,  false },
    { 12,  true,  true,  false, true,  true,  true,  true,   false, false, true,  false },
    { 13,  true,  true,  false, true,  true,  true,  true,   false, false, true,  true  },
    { 14,  true,  true,  true,  true,  true,  true,  true,   false, false, true,  true  },
};

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
    size_t i;

    if (sscanf(python_version, "%d.%d%c", &major, &minor, &tail) != 2
        || major != 3)
        return mv_unsupported(err, "Python version '%s'", python_version);
    for (i = 0; i < sizeof versions / sizeof versions[0]; i++) {
        if (versions[i].minor == minor) {
            cfg->behaviour = versions[i];
            return init_platform(&cfg->platform, word_size, err);
        }
    }
    return mv_unsupported(err, "Python version '%s'", python_version);
}
