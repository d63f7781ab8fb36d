/* C twin of examples/mandelbrot.cpasm (gcc -O2), for docs/benchmarks.md. */
#include <stdio.h>

int main(void) {
    volatile int size_in = 560;
    int size = size_in;
    long count = 0, iters = 0;
    for (int y = 0; y < size; y++) {
        double ci = 2.0 * y / size - 1.0;
        for (int x = 0; x < size; x++) {
            double cr = 2.0 * x / size - 1.5;
            double zr = 0.0, zi = 0.0;
            int i = 0;
            while (i < 50) {
                double tr = zr * zr - zi * zi + cr;
                zi = 2.0 * zr * zi + ci;
                zr = tr;
                if (zr * zr + zi * zi > 4.0) break;
                i++;
            }
            if (i == 50) count++;
            iters += i;
        }
    }
    printf("%ld\n%ld\n", count, iters);
    return 0;
}
