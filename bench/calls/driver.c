/* driver LIB ITERATIONS: load a consumer library, run its loop, print nanoseconds. */
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

int main(int argc, char **argv) {
    if (argc != 3) {
        fprintf(stderr, "usage: %s LIB ITERATIONS\n", argv[0]);
        return 2;
    }
    void *lib = dlopen(argv[1], RTLD_NOW | RTLD_LOCAL);
    if (lib == NULL) {
        fprintf(stderr, "%s\n", dlerror());
        return 1;
    }
    void (*init)(void) = (void (*)(void))dlsym(lib, "consumer_init");
    long (*run)(long) = (long (*)(long))dlsym(lib, "consumer_run");
    long iterations = atol(argv[2]);
    init();
    run(1000); /* binds a lazily bound PLT entry before timing */
    struct timespec a, b;
    clock_gettime(CLOCK_MONOTONIC, &a);
    long result = run(iterations);
    clock_gettime(CLOCK_MONOTONIC, &b);
    long long ns = (b.tv_sec - a.tv_sec) * 1000000000LL + (b.tv_nsec - a.tv_nsec);
    printf("%lld %ld\n", ns, result);
    return 0;
}
