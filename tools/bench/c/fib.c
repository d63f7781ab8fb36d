/* C twin of examples/fib.cpasm, for the "physical limit" line of
 * docs/benchmarks.md: the same computation compiled with gcc -O2. */
#include <stdio.h>

static long fib(long n) { return n < 2 ? n : fib(n - 1) + fib(n - 2); }

int main(void) {
    /* volatile: gcc must not fold the call away */
    volatile long n = 35;
    printf("%ld\n", fib(n));
    return 0;
}
