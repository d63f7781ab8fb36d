/* What the first read of a page of a file costs, page by page: the price a
 * first compile pays for each part of cpjit's tables it reads
 * (docs/compile_time.md, "Where a first compile's time goes").
 *
 *   gcc -O2 tools/bench/first_touch.c -o /tmp/first_touch
 *   /tmp/first_touch build/cpjit
 *
 * Maps FILE (already in the page cache: it is read once first) and reads
 * one byte of each 4 KiB page of 128 KiB, in order, timing each read with
 * the monotonic clock and counting the page faults it took (getrusage).
 * Prints one line per page; then the same walk over pages read before,
 * which is the floor (a read that hits the cache). */
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

static uint64_t now_ns(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (uint64_t)t.tv_sec * 1000000000u + (uint64_t)t.tv_nsec;
}

static long minor_faults(void) {
    struct rusage r;
    getrusage(RUSAGE_SELF, &r);
    return r.ru_minflt;
}

enum { kPage = 4096, kPages = 32, kWindow = 64 * 1024 };

static void walk(const volatile unsigned char* at, const char* what) {
    unsigned sum = 0;
    printf("%s\n  page  offset     ns  faults\n", what);
    (void)minor_faults();  /* the timing calls' own first use, outside the walk */
    (void)now_ns();
    for (int p = 0; p < kPages; ++p) {
        const long f0 = minor_faults();
        const uint64_t t0 = now_ns();
        sum += at[(size_t)p * kPage + 64];
        const uint64_t t1 = now_ns();
        const long f1 = minor_faults();
        printf("  %4d  %6d %6llu  %ld\n", p, p * kPage, (unsigned long long)(t1 - t0), f1 - f0);
    }
    if (sum == 12345) puts("");  /* keeps the reads */
}

int main(int argc, char** argv) {
    if (argc != 2) {
        fprintf(stderr, "usage: %s FILE  (a file of at least 1 MiB, e.g. build/cpjit)\n", argv[0]);
        return 2;
    }
    const int fd = open(argv[1], O_RDONLY);
    if (fd < 0) {
        perror(argv[1]);
        return 1;
    }
    const off_t size = lseek(fd, 0, SEEK_END);
    if (size < 1024 * 1024) {
        fprintf(stderr, "%s: %lld bytes; need at least 1 MiB\n", argv[1], (long long)size);
        return 1;
    }
    /* Bring the file into the page cache, so no read below waits for a disk. */
    static char buffer[1 << 16];
    for (off_t at = 0; pread(fd, buffer, sizeof buffer, at) > 0; at += (off_t)sizeof buffer) {}
    const volatile unsigned char* map = mmap(NULL, (size_t)size, PROT_READ, MAP_PRIVATE, fd, 0);
    if (map == MAP_FAILED) {
        perror("mmap");
        return 1;
    }
    /* Start at a 64 KiB boundary half way in (the kernel maps up to 64 KiB
     * of cached pages around a faulting one: fault_around_bytes). */
    const volatile unsigned char* at = map + ((size_t)size / 2 / kWindow) * kWindow;
    walk(at, "first read of each page:");
    walk(at, "second read of each page:");
    return 0;
}
