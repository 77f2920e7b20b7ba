/*
 * main.c -- mvref-driver: the reference library behind spec/protocol.md.
 *
 *     mvref-driver [--python 3.11] [--word-size 64] [--fail-alloc N]
 *                  [--fail-setup-alloc N] [--trace-alloc]
 *
 * --fail-alloc N makes the N-th allocation the library makes during each
 * case's steps fail, that one only (alloc.c's test hook; the setup is
 * built first and is never failed), so that a gate can walk the
 * out-of-memory paths under Valgrind: the step that hit the failure must
 * answer MemoryError, the steps after it run on a consistent state, and
 * nothing may crash or leak.  Each result line then says which allocation
 * failed, in an extra field the harness ignores: "failed_alloc":
 * "reference/src/view.c:123".  --fail-setup-alloc N fails the N-th
 * allocation of the setup instead, which must make the case
 * "unsupported", cleanly: building an exporter is not memoryview's
 * business, but its error paths must not leak either.  --trace-alloc
 * lists where each allocation is made ("setup_alloc_sites" and
 * "alloc_sites": [...], in order), so that the gate can pick cases that
 * reach every allocation site.
 *
 * It prints the hello line, then reads one case a line from standard input
 * and writes one result line for each, flushing after every line, until the
 * input ends.  A line that is not a JSON object is reported on standard
 * error and answered as well as it can be: with the case's id when one can
 * be found, so that the harness's bookkeeping stays in step.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "driver.h"

#define DRIVER_VERSION "0.1.0"

static void usage(void)
{
    fprintf(stderr, "usage: mvref-driver [--python X.Y] [--word-size 64|32]"
            " [--fail-alloc N] [--fail-setup-alloc N] [--trace-alloc]\n");
    exit(2);
}

/* A line of input, in a buffer kept from line to line: a fresh block for
   each line cost more than reading it. */
typedef struct line {
    char *text;     /* '\0'-terminated; the '\n' kept */
    size_t len, cap;
} line;

/* Read the next line of any length into l; false at end of input (or
   when memory runs out: then the line is not read, and the run ends). */
static bool read_line(FILE *in, line *l)
{
    l->len = 0;
    if (l->cap == 0) {
        l->text = malloc(4096);
        if (l->text == NULL)
            return false;
        l->cap = 4096;
    }
    while (fgets(l->text + l->len, (int)(l->cap - l->len), in) != NULL) {
        l->len += strlen(l->text + l->len);
        if (l->text[l->len - 1] == '\n')
            return true;
        if (l->len + 1 == l->cap) {   /* full: room for the rest */
            char *bigger = realloc(l->text, l->cap * 2);
            if (bigger == NULL)
                return false;
            l->text = bigger;
            l->cap *= 2;
        }
    }
    return l->len > 0;   /* a last line without '\n' */
}

/* Print a result line, or, when it could not be written, an
   "unsupported" answer for the same id. */
static void emit(const text *result, const char *id)
{
    text fallback = TEXT_EMPTY;

    if (result->failed) {
        fprintf(stderr, "mvref-driver: case %s: result not encodable\n", id);
        text_put(&fallback, "{\"id\":");
        text_string(&fallback, id, strlen(id));
        text_put(&fallback, ",\"unsupported\":"
                 "\"a result the driver cannot encode\"}");
        result = &fallback;
    }
    if (result->failed)
        fputs("{\"id\":\"\",\"unsupported\":\"driver failure\"}", stdout);
    else
        fwrite(result->data, 1, result->len, stdout);
    fputc('\n', stdout);
    fflush(stdout);
    text_free(&fallback);
}

static run_options options;   /* --fail-alloc, --trace-alloc */

static void handle_line(const mv_config *cfg, const line *l, text *result)
{
    json_error_t jerr;
    json_t *c = json_loadb(l->text, l->len, JSON_ALLOW_NUL, &jerr);
    const char *id;

    text_rewind(result, 0);
    if (!json_is_object(c)) {
        fprintf(stderr, "mvref-driver: not a case line (%s at column %d)\n",
                c ? "not an object" : jerr.text, c ? 0 : jerr.column);
        json_decref(c);
        arena_empty();
        text_put(result, "{\"id\":\"\",\"unsupported\":\"not a case line\"}");
        emit(result, "");
        return;
    }
    id = json_string_value(json_object_get(c, "id"));
    run_case(cfg, c, &options, result);
    emit(result, id ? id : "");
    json_decref(c);
    arena_empty();
}

/* The exporters: numpy is modelled as 64-bit Linux's (mv_numpy_object),
   so a 32-bit reference says it has none, as Pyodide does. */
static void hello(const mv_config *cfg, const char *language)
{
    text h = TEXT_EMPTY;

    text_put(&h, "{\"mvspec\":1,\"implementation\":\"mvspec-reference\","
             "\"version\":\"" DRIVER_VERSION "\",\"language\":");
    text_string(&h, language, strlen(language));
    text_put(&h, ",\"platform\":{\"word_size\":");
    text_int(&h, cfg->platform.word_size);
    text_put(&h, ",\"byteorder\":\"little\"},\"exporters\":[\"bytes\","
             "\"bytearray\",\"array\",\"ndarray\",\"value\"");
    if (cfg->platform.word_size == 64)
        text_put(&h, ",\"numpy\"");
    text_put(&h, "]}");
    emit(&h, "");
    text_free(&h);
}

int main(int argc, char **argv)
{
    const char *language = "3.11";
    int word_size = 64;
    mv_config cfg;
    mv_error err;
    line l = { NULL, 0, 0 };
    text result = TEXT_EMPTY;   /* kept from case to case, as l is */

    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--python") == 0 && i + 1 < argc)
            language = argv[++i];
        else if (strcmp(argv[i], "--word-size") == 0 && i + 1 < argc)
            word_size = atoi(argv[++i]);
        else if (strcmp(argv[i], "--fail-alloc") == 0 && i + 1 < argc)
            options.fail_alloc = atol(argv[++i]);
        else if (strcmp(argv[i], "--fail-setup-alloc") == 0 && i + 1 < argc)
            options.fail_setup_alloc = atol(argv[++i]);
        else if (strcmp(argv[i], "--trace-alloc") == 0)
            options.trace_alloc = true;
        else
            usage();
    }
    if (mv_config_init(&cfg, language, word_size, &err) < 0) {
        fprintf(stderr, "mvref-driver: %s is not modelled\n", err.message);
        return 2;
    }
    arena_install();
    hello(&cfg, language);
    while (read_line(stdin, &l)) {
        if (strspn(l.text, " \t\r\n") != l.len)
            handle_line(&cfg, &l, &result);
    }
    free(l.text);
    text_free(&result);
    arena_release();
    if (mv_alloc_live() != 0) {   /* the library's own leak check */
        fprintf(stderr, "mvref-driver: %ld allocations never freed\n",
                mv_alloc_live());
        return 3;
    }
    return 0;
}
