/*
 * main.c -- mvref-driver: the reference library behind spec/protocol.md.
 *
 *     mvref-driver [--python 3.11] [--word-size 64] [--fail-alloc N]
 *
 * --fail-alloc N makes the N-th allocation the library makes during each
 * case's steps fail, that one only (alloc.c's test hook; the setup is
 * built first and is never failed), so that a gate can walk the
 * out-of-memory paths under Valgrind: the step that hit the failure must
 * answer MemoryError, the steps after it run on a consistent state, and
 * nothing may crash or leak.  Each result line then says which allocation
 * failed, in an extra field the harness ignores: "failed_alloc":
 * "reference/src/view.c:123".
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
            " [--fail-alloc N]\n");
    exit(2);
}

/* One line of any length; NULL at end of input.  The caller frees it. */
static char *read_line(FILE *in)
{
    size_t cap = 4096, len = 0;
    char *buf = malloc(cap);

    if (buf == NULL)
        return NULL;
    while (fgets(buf + len, (int)(cap - len), in) != NULL) {
        len += strlen(buf + len);
        if (len > 0 && buf[len - 1] == '\n')
            return buf;
        if (len + 1 == cap) {
            char *bigger = realloc(buf, cap * 2);
            if (bigger == NULL) {
                free(buf);
                return NULL;
            }
            buf = bigger;
            cap *= 2;
        }
    }
    if (len > 0)
        return buf;   /* a last line without '\n' */
    free(buf);
    return NULL;
}

/* Print a result line, or, when it cannot be encoded, an "unsupported"
   answer for the same id. */
static void emit(json_t *result, const char *id)
{
    char *text = result ? json_dumps(result, JSON_COMPACT) : NULL;
    json_t *fallback;

    if (text == NULL) {
        fprintf(stderr, "mvref-driver: case %s: result not encodable\n", id);
        fallback = json_pack("{s:s, s:s}", "id", id, "unsupported",
                             "a result the driver cannot encode");
        text = fallback ? json_dumps(fallback, JSON_COMPACT) : NULL;
        json_decref(fallback);
    }
    if (text == NULL) {
        fputs("{\"id\":\"\",\"unsupported\":\"driver failure\"}\n", stdout);
    } else {
        fputs(text, stdout);
        fputc('\n', stdout);
        free(text);
    }
    fflush(stdout);
}

static long fail_alloc;   /* --fail-alloc: 0, or which allocation fails */

static void handle_line(const mv_config *cfg, const char *line)
{
    json_error_t jerr;
    json_t *c = json_loads(line, JSON_ALLOW_NUL, &jerr), *result;
    const char *id;

    if (!json_is_object(c)) {
        fprintf(stderr, "mvref-driver: not a case line (%s at column %d)\n",
                c ? "not an object" : jerr.text, c ? 0 : jerr.column);
        json_decref(c);
        result = json_pack("{s:s, s:s}", "id", "", "unsupported",
                           "not a case line");
        emit(result, "");
        json_decref(result);
        return;
    }
    id = json_string_value(json_object_get(c, "id"));
    result = run_case(cfg, c, fail_alloc);
    emit(result, id ? id : "");
    json_decref(result);
    json_decref(c);
}

/* The exporters: numpy is modelled as 64-bit Linux's (mv_numpy_object),
   so a 32-bit reference says it has none, as Pyodide does. */
static void hello(const mv_config *cfg, const char *language)
{
    json_t *h = json_pack("{s:i, s:s, s:s, s:s, s:{s:i, s:s}, s:[sssss]}",
                          "mvspec", 1,
                          "implementation", "mvspec-reference",
                          "version", DRIVER_VERSION,
                          "language", language,
                          "platform", "word_size", cfg->platform.word_size,
                          "byteorder", "little",
                          "exporters", "bytes", "bytearray", "array",
                          "ndarray", "value");
    if (h != NULL && cfg->platform.word_size == 64)
        json_array_append_new(json_object_get(h, "exporters"),
                              json_string("numpy"));
    emit(h, "");
    json_decref(h);
}

int main(int argc, char **argv)
{
    const char *language = "3.11";
    int word_size = 64;
    mv_config cfg;
    mv_error err;
    char *line;

    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--python") == 0 && i + 1 < argc)
            language = argv[++i];
        else if (strcmp(argv[i], "--word-size") == 0 && i + 1 < argc)
            word_size = atoi(argv[++i]);
        else if (strcmp(argv[i], "--fail-alloc") == 0 && i + 1 < argc)
            fail_alloc = atol(argv[++i]);
        else
            usage();
    }
    if (mv_config_init(&cfg, language, word_size, &err) < 0) {
        fprintf(stderr, "mvref-driver: %s is not modelled\n", err.message);
        return 2;
    }
    hello(&cfg, language);
    while ((line = read_line(stdin)) != NULL) {
        if (strspn(line, " \t\r\n") != strlen(line))
            handle_line(&cfg, line);
        free(line);
    }
    if (mv_alloc_live() != 0) {   /* the library's own leak check */
        fprintf(stderr, "mvref-driver: %ld allocations never freed\n",
                mv_alloc_live());
        return 3;
    }
    return 0;
}
