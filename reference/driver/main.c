/*
 * main.c -- mvref-driver: the reference library behind spec/protocol.md.
 *
 *     mvref-driver [--python 3.11] [--word-size 64] [--fail-alloc N]
 *                  [--fail-setup-alloc N] [--trace-alloc]
 *
 * --fail-alloc N makes the N-th allocation the library makes during each
 * case's steps fail, that one only (alloc.c's test hook; the setup is
 * built first and is never failed), so that a check can walk the
 * out-of-memory paths under Valgrind: the step that hit the failure must
 * answer MemoryError, the steps after it run on a consistent state, and
 * nothing may crash or leak.  Each result line then says which allocation
 * failed, in an extra field the harness ignores: "failed_alloc":
 * "reference/src/view.c:123".  --fail-setup-alloc N fails the N-th
 * allocation of the setup instead, which must make the case
 * "unsupported", cleanly: building an exporter is not memoryview's
 * business, but its error paths must not leak either.  --trace-alloc
 * lists where each allocation is made ("setup_alloc_sites" and
 * "alloc_sites": [...], in order), so that the check can pick cases that
 * reach every allocation site.
 *
 * It prints the hello line, then reads one case a line from standard input
 * and writes one result line for each, until the input ends.  Result lines
 * are gathered while the cases already read are run, and written out all
 * together before the driver reads more input: never held while it waits
 * (the harness may be waiting for them before it sends more).  The price:
 * should the driver crash or hang, the lines it held are lost with it, and
 * the harness blames the first of their cases.  A line that is not a JSON
 * object is reported on standard error and answered as well as it can be:
 * with the case's id when one can be found, so that the harness's
 * bookkeeping stays in step.  (How a line is answered is run.c's
 * answer_line, which the fuzz target reference/fuzz/case.c calls too.)
 */
#define _POSIX_C_SOURCE 200809L   /* read(2): see `input` below */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "driver.h"

#define DRIVER_VERSION "0.1.0"

static void usage(void)
{
    fprintf(stderr, "usage: mvref-driver [--python X.Y] [--word-size 64|32]"
            " [--fail-alloc N] [--fail-setup-alloc N] [--trace-alloc]\n");
    exit(2);
}

/*
 * Standard input, read with read(2) in large pieces that hold many lines.
 * read() is the one place where the driver waits, so it is also where the
 * result lines held in stdout's buffer are written out: just before it.
 * Held any longer, they might be what the harness waits for before it
 * sends more input, and each would wait for the other forever.
 */
typedef struct input {
    int fd;
    char *buf;
    size_t start, end, cap;   /* buf[start, end): read, not yet returned */
    bool eof;
} input;

/* Room at the end of the buffer: the line begun is moved to the front,
   and the buffer doubled if that line fills it.  False without memory. */
static bool make_room(input *in)
{
    if (in->start > 0) {
        memmove(in->buf, in->buf + in->start, in->end - in->start);
        in->end -= in->start;
        in->start = 0;
    }
    if (in->end == in->cap) {
        size_t cap = in->cap > 0 ? 2 * in->cap : 1 << 16;
        char *bigger = realloc(in->buf, cap);
        if (bigger == NULL)
            return false;
        in->buf = bigger;
        in->cap = cap;
    }
    return true;
}

/* The next line of any length, *len bytes without its '\n' (and not
   '\0'-terminated), valid until the next call; NULL at the end of input,
   or when memory runs out (then the run ends as if input had). */
static const char *next_line(input *in, size_t *len)
{
    for (;;) {
        ssize_t n;

        if (in->end > in->start) {   /* (else buf may still be NULL) */
            const char *line = in->buf + in->start;
            const char *nl = memchr(line, '\n', in->end - in->start);
            if (nl != NULL || in->eof) {   /* the last may lack its '\n' */
                *len = nl != NULL ? (size_t)(nl - line) : in->end - in->start;
                in->start += *len + (nl != NULL);
                return line;
            }
        }
        if (in->eof || !make_room(in))
            return NULL;
        fflush(stdout);   /* about to wait: hold nothing back (above) */
        n = read(in->fd, in->buf + in->end, in->cap - in->end);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            in->eof = true;   /* a read error ends input, as its end does */
        else
            in->end += (size_t)n;
    }
}

/* Print a line: the text, or, when even its fallback could not be
   written (answer_line), a last answer that needs no memory. */
static void emit(const text *line)
{
    if (line->failed)
        fputs("{\"id\":\"\",\"unsupported\":\"driver failure\"}", stdout);
    else
        fwrite(line->data, 1, line->len, stdout);
    fputc('\n', stdout);   /* written out before input is awaited */
}

/* stdout's buffer: ours, for glibc gives a stream its own size (4 KiB on
   a pipe) whatever setvbuf asks, unless setvbuf is given the buffer too.
   Static, so that it outlives the stream, which is flushed at exit. */
static char out_buffer[1 << 16];

static run_options options;   /* --fail-alloc, --trace-alloc */

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
             "\"bytearray\",\"array\",\"ndarray\",\"value\",\"object\"");
    if (cfg->platform.word_size == 64)
        text_put(&h, ",\"numpy\"");
    text_put(&h, "]}");
    emit(&h);
    text_free(&h);
}

int main(int argc, char **argv)
{
    const char *language = "3.11";
    int word_size = 64;
    mv_config cfg;
    mv_error err;
    input in = { STDIN_FILENO, NULL, 0, 0, 0, false };
    text result = TEXT_EMPTY;   /* kept from case to case, as in's buffer */
    const char *line;
    size_t len;

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
    /* Result lines are gathered into one write for as long as the input
       already read holds more cases (next_line flushes before it reads):
       a write each cost the driver, and the harness reading them, more
       than running the cases did. */
    setvbuf(stdout, out_buffer, _IOFBF, sizeof out_buffer);
    arena_install();
    hello(&cfg, language);
    while ((line = next_line(&in, &len)) != NULL)
        if (!blank_line(line, len)) {
            answer_line(&cfg, line, len, &options, &result);
            emit(&result);
        }
    fflush(stdout);
    free(in.buf);
    text_free(&result);
    arena_release();
    if (mv_alloc_live() != 0) {   /* the library's own leak check */
        fprintf(stderr, "mvref-driver: %ld allocations never freed\n",
                mv_alloc_live());
        return 3;
    }
    return 0;
}
