/*
 * replay.c -- the fuzz targets without libFuzzer: each file named on the
 * command line is read and given to the target once, as libFuzzer would.
 *
 *     build/fuzz-lcov/case-replay FILE...
 *
 * So that any compiler can build a target (reference/fuzz/build.mk): gcc
 * with --coverage, for the library's lcov coverage from a fuzzer's corpus
 * (harness/fuzzc.py --lcov), or a plain build to debug an input in.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The whole of a file, in a block of the caller's; NULL if unreadable. */
static uint8_t *slurp(const char *path, size_t *size)
{
    FILE *f = fopen(path, "rb");
    uint8_t *data = NULL;
    long n;

    if (f != NULL && fseek(f, 0, SEEK_END) == 0 && (n = ftell(f)) >= 0
        && fseek(f, 0, SEEK_SET) == 0 && (data = malloc((size_t)n + 1)) != NULL
        && fread(data, 1, (size_t)n, f) != (size_t)n) {
        free(data);
        data = NULL;
    }
    if (data != NULL)
        *size = (size_t)n;
    if (f != NULL)
        fclose(f);
    return data;
}

int main(int argc, char **argv)
{
    LLVMFuzzerInitialize(&argc, &argv);
    for (int i = 1; i < argc; i++) {
        size_t size = 0;
        uint8_t *data = slurp(argv[i], &size);
        if (data == NULL) {
            fprintf(stderr, "replay: cannot read %s\n", argv[i]);
            return 2;
        }
        LLVMFuzzerTestOneInput(data, size);
        free(data);
    }
    return 0;
}
