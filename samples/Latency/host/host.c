/* A C host for the StaticNN Native AOT shared library (samples/Latency published with -p:NativeLib=Shared).
 * Loads the library with dlopen, checks the sizes, runs S2 once on the reference input x[i] = 0.1 * (i - 8) and
 * prints the outputs in the format of the managed sample's "reference:" line, then times single calls.
 *
 *   gcc -O2 -std=c11 -o host host.c -ldl && ./host path/to/Latency.so [calls]
 */
#define _POSIX_C_SOURCE 200809L
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

typedef int (*predict_fn)(const float *input, float *output);
typedef int (*size_fn)(void);

static long long now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static int compare_ll(const void *a, const void *b)
{
    long long x = *(const long long *)a, y = *(const long long *)b;
    return (x > y) - (x < y);
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: %s path/to/Latency.so [calls]\n", argv[0]);
        return 2;
    }
    long calls = argc > 2 ? atol(argv[2]) : 100000;

    void *lib = dlopen(argv[1], RTLD_NOW | RTLD_LOCAL);
    if (!lib) {
        fprintf(stderr, "dlopen failed: %s\n", dlerror());
        return 1;
    }
    /* Function pointers from dlsym: the POSIX way, through a union to stay clear of -Wpedantic. */
    union { void *p; predict_fn f; } predict = { dlsym(lib, "staticnn_predict") };
    union { void *p; size_fn f; } input_size = { dlsym(lib, "staticnn_input_size") };
    union { void *p; size_fn f; } output_size = { dlsym(lib, "staticnn_output_size") };
    if (!predict.p || !input_size.p || !output_size.p) {
        fprintf(stderr, "missing export: %s\n", dlerror());
        return 1;
    }

    int n_in = input_size.f(), n_out = output_size.f();
    float *input = malloc(sizeof(float) * (size_t)n_in);
    float *output = malloc(sizeof(float) * (size_t)n_out);
    long long *ns = malloc(sizeof(long long) * (size_t)(calls > 0 ? calls : 1));
    if (!input || !output || !ns) {
        return 1;
    }
    for (int i = 0; i < n_in; i++) {
        input[i] = 0.1f * (float)(i - 8);
    }

    long long t0 = now_ns();
    int rc = predict.f(input, output); /* the first call also loads the weights embedded in the library */
    long long t1 = now_ns();
    if (rc != 0) {
        fprintf(stderr, "staticnn_predict returned %d\n", rc);
        return 1;
    }
    printf("S2 through the C ABI: %d inputs, %d outputs; first call %.1f us\n", n_in, n_out, (t1 - t0) / 1000.0);
    printf("reference:");
    for (int i = 0; i < n_out; i++) {
        printf(" %.9g", output[i]);
    }
    printf("\n");

    if (calls > 0) {
        for (long i = 0; i < calls; i++) {
            input[i % n_in] += 1e-6f; /* vary the input a little */
            long long start = now_ns();
            predict.f(input, output);
            ns[i] = now_ns() - start;
        }
        qsort(ns, (size_t)calls, sizeof(long long), compare_ll);
        printf("%ld calls, ns per call (timer overhead included): p50 %lld, p99 %lld, p99.9 %lld, max %lld\n", calls,
               ns[(long)(calls * 0.50)], ns[(long)(calls * 0.99)], ns[(long)(calls * 0.999)], ns[calls - 1]);
    }
    free(ns);
    free(output);
    free(input);
    return 0; /* a Native AOT library cannot be unloaded: no dlclose */
}
