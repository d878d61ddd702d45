/* Parses one file repeatedly with jansson (json_loadb, JSON_REJECT_DUPLICATES) and prints the
 * best time. Part of scripts/bench-parse.sh. */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static double now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

int main(int argc, char **argv) {
    if (argc < 2) { fprintf(stderr, "usage: jansson_parse FILE [ITERATIONS]\n"); return 2; }
    int iterations = argc > 2 ? atoi(argv[2]) : 20;
    FILE *f = fopen(argv[1], "rb");
    if (!f) { perror(argv[1]); return 1; }
    fseek(f, 0, SEEK_END);
    long size = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *buffer = malloc(size);
    if (fread(buffer, 1, size, f) != (size_t)size) { perror("read"); return 1; }
    fclose(f);
    double best = 1e30;
    for (int i = 0; i < iterations; i++) {
        double start = now();
        json_error_t error;
        json_t *root = json_loadb(buffer, size, JSON_REJECT_DUPLICATES, &error);
        if (!root) { fprintf(stderr, "jansson: %s at line %d\n", error.text, error.line); return 1; }
        json_decref(root);
        double elapsed = now() - start;
        if (elapsed < best) best = elapsed;
    }
    printf("jansson_seconds=%f\n", best);
    printf("jansson_mb_per_s=%f\n", size / 1e6 / best);
    free(buffer);
    return 0;
}
