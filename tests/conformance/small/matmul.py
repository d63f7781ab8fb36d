# Reduced input: bench/heldout/matmul with smaller sizes (tests/conformance/small/make_small.py)
# Python twin of matmul.cpasm: float matrix product of 60 x 60 matrices
# stored as lists of row lists, repeated with one element of A nudged each
# time; prints the sum of the traces and checksums of the last product.


def make(n, s):
    m = []
    i = 0
    while i < n:
        row = []
        j = 0
        while j < n:
            row.append(((i * 7 + j * s) % 19 - 9) * 0.125)
            j = j + 1
        m.append(row)
        i = i + 1
    return m


def matmul(a, b, n):
    c = []
    i = 0
    while i < n:
        ai = a[i]
        row = []
        j = 0
        while j < n:
            s = 0.0
            k = 0
            while k < n:
                s = s + ai[k] * b[k][j]
                k = k + 1
            row.append(s)
            j = j + 1
        c.append(row)
        i = i + 1
    return c


def main():
    n = 32
    reps = 4
    a = make(n, 3)
    b = make(n, 5)
    c = None
    tr = 0.0
    r = 0
    while r < reps:
        c = matmul(a, b, n)
        i = 0
        while i < n:
            tr = tr + c[i][i]
            i = i + 1
        row = a[r % n]
        j = (r * 11) % n
        row[j] = row[j] + 0.1
        r = r + 1
    total = 0.0
    weighted = 0.0
    i = 0
    while i < n:
        j = 0
        while j < n:
            total = total + c[i][j]
            weighted = weighted + c[i][j] * (i - j)
            j = j + 1
        i = i + 1
    print(tr)
    print(total)
    print(weighted)
    print(c[0][0])
    print(c[n - 1][n - 1])
    print(c[7][31] / 3)


main()
