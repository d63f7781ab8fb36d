# Reduced input: bench/heldout/quicksort with smaller sizes (tests/conformance/small/make_small.py)
# Python twin of quicksort.cpasm: in-place recursive quicksort (Hoare
# partition, middle pivot, recursing into the smaller part and looping on the
# larger) of LCG-generated int arrays; checks sortedness, prints checksums.


def fill(a, n, seed):
    x = seed
    i = 0
    while i < n:
        x = (x * 1103515245 + 12345) & 0x7fffffff
        a.append((x >> 8) - 4194304)
        i = i + 1


def qsort(a, lo, hi):
    while lo < hi:
        p = a[(lo + hi) >> 1]
        i = lo
        j = hi
        while i <= j:
            while a[i] < p:
                i = i + 1
            while a[j] > p:
                j = j - 1
            if i <= j:
                t = a[i]
                a[i] = a[j]
                a[j] = t
                i = i + 1
                j = j - 1
        if j - lo < hi - i:
            qsort(a, lo, j)
            lo = i
        else:
            qsort(a, i, hi)
            hi = j


def check(a):
    n = len(a)
    ok = True
    s = 0
    i = 0
    while i < n:
        if i > 0 and a[i - 1] > a[i]:
            ok = False
        s = (s * 31 + a[i]) & 0xffffffffff
        i = i + 1
    return [ok, s]


def main():
    n = 3000
    seed = 1
    r = 0
    while r < 4:
        a = []
        fill(a, n, seed)
        qsort(a, 0, n - 1)
        c = check(a)
        if c[0]:
            ok = "yes"
        else:
            ok = "no"
        print("run " + str(r) + ": sorted " + ok + " min " + str(a[0]) + " median " + str(a[n >> 1])
              + " max " + str(a[n - 1]) + " checksum " + str(c[1]))
        seed = seed + 7919
        r = r + 1


main()
