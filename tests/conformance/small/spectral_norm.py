# Reduced input: examples/spectral_norm with smaller sizes (tests/conformance/small/make_small.py)
# Python twin of spectral_norm.cpasm: the spectral norm of the infinite
# matrix A(i, j) = 1 / ((i + j) * (i + j + 1) / 2 + i + 1), power method.
import math


def eval_a(i, j):
    ij = i + j
    return 1.0 / (ij * (ij + 1) // 2 + i + 1)


def mul_av(n, v, out):
    i = 0
    while i < n:
        s = 0.0
        j = 0
        while j < n:
            s = s + eval_a(i, j) * v[j]
            j = j + 1
        out[i] = s
        i = i + 1


def mul_atv(n, v, out):
    i = 0
    while i < n:
        s = 0.0
        j = 0
        while j < n:
            s = s + eval_a(j, i) * v[j]
            j = j + 1
        out[i] = s
        i = i + 1


def mul_atav(n, v, out, tmp):
    mul_av(n, v, tmp)
    mul_atv(n, tmp, out)


def main():
    n = 40
    u = [1.0] * n
    v = [0.0] * n
    tmp = [0.0] * n
    k = 0
    while k < 10:
        mul_atav(n, u, v, tmp)
        mul_atav(n, v, u, tmp)
        k = k + 1
    vbv = 0.0
    vv = 0.0
    i = 0
    while i < n:
        vbv = vbv + u[i] * v[i]
        vv = vv + v[i] * v[i]
        i = i + 1
    print(math.sqrt(vbv / vv))


main()
