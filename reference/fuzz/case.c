/*
 * case.c -- a libFuzzer target: case lines through the driver.
 *
 * The input is what mvref-driver reads on its standard input: lines, each
 * answered as main() answers it (run.c's answer_line: decode the case,
 * build its setup, run its steps, write the result line).  The model of
 * CPython it runs under (3.9 to 3.14, 64 or 32 bits) is picked by a hash
 * of the input, so that every model is fuzzed and an input always meets
 * the same one.
 *
 * Beyond the sanitizers' own findings, each answer must hold what the
 * protocol promises (spec/protocol.md, section 7): one line of JSON text
 * that begins {"id": -- never a crash, whatever the line -- and every
 * object the library made for a case must be freed when the case ends
 * (mv_alloc_live() back to 0).
 *
 *     build/fuzz/case-fuzzer -dict=reference/fuzz/case.dict CORPUS
 *
 * The seed corpus is the suite's case lines (harness/fuzzc.py writes one a
 * file into build/fuzz/corpus/case/); reference/fuzz/regressions/case/
 * holds every input that once made a report, replayed by make check.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "driver.h"

static const struct { const char *python; int word_size; } models[] = {
    { "3.9", 64 }, { "3.10", 64 }, { "3.11", 64 }, { "3.12", 64 },
    { "3.13", 64 }, { "3.14", 64 }, { "3.14", 32 }, { "3.11", 32 },
};
#define NMODELS (sizeof models / sizeof models[0])

static mv_config configs[NMODELS];
static text answer = TEXT_EMPTY;   /* kept from input to input, as main's */

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    mv_error err;

    (void)argc;
    (void)argv;
    for (size_t i = 0; i < NMODELS; i++)
        if (mv_config_init(&configs[i], models[i].python, models[i].word_size,
                           &err) < 0)
            abort();
    arena_install();
    return 0;
}

/* FNV-1a: which model an input meets. */
static size_t model_of(const uint8_t *data, size_t size)
{
    uint32_t h = 2166136261u;

    for (size_t i = 0; i < size; i++)
        h = (h ^ data[i]) * 16777619u;
    return h % NMODELS;
}

/* What every answer must be: one line of JSON text, an object that names
   the case's id first. */
static void check_answer(const text *t)
{
    static const char start[] = "{\"id\":";

    if (t->failed)
        return;   /* main() prints its own fixed answer then */
    if (t->len < sizeof start - 1 || memcmp(t->data, start, sizeof start - 1)
        || t->data[t->len - 1] != '}' || memchr(t->data, '\n', t->len)) {
        fprintf(stderr, "case-fuzzer: a malformed answer: %.*s\n",
                (int)(t->len > 500 ? 500 : t->len), t->data);
        abort();
    }
}

/* The input's lines, each answered as main() answers it. */
static void answer_lines(const mv_config *cfg, const char *s, size_t n)
{
    static const run_options options;   /* no allocation failures */

    while (n > 0) {
        const char *nl = memchr(s, '\n', n);
        size_t len = nl ? (size_t)(nl - s) : n;

        if (!blank_line(s, len)) {
            answer_line(cfg, s, len, &options, &answer);
            check_answer(&answer);
            if (mv_alloc_live() != 0) {
                fprintf(stderr, "case-fuzzer: %ld allocations of the "
                        "library outlive their case\n", mv_alloc_live());
                abort();
            }
        }
        s += len + (nl != NULL);
        n -= len + (nl != NULL);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    answer_lines(&configs[model_of(data, size)], (const char *)data, size);
    return 0;
}
