# Reduced input: examples/mandelbrot with smaller sizes (tests/conformance/small/make_small.py)
# Python twin of mandelbrot.cpasm: count the points of a SIZE x SIZE grid
# over [-1.5, 0.5] x [-1, 1] that stay bounded for 50 iterations, and sum the
# iteration counts as a checksum.
def mandel(size):
    count = 0
    iters = 0
    y = 0
    while y < size:
        ci = 2.0 * y / size - 1.0
        x = 0
        while x < size:
            cr = 2.0 * x / size - 1.5
            zr = 0.0
            zi = 0.0
            i = 0
            while i < 50:
                tr = zr * zr - zi * zi + cr
                zi = 2.0 * zr * zi + ci
                zr = tr
                if zr * zr + zi * zi > 4.0:
                    break
                i = i + 1
            if i == 50:
                count = count + 1
            iters = iters + i
            x = x + 1
        y = y + 1
    print(count)
    print(iters)


mandel(48)
