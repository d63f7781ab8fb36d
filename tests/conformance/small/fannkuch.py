# Reduced input: examples/fannkuch with smaller sizes (tests/conformance/small/make_small.py)
# Python twin of fannkuch.cpasm: fannkuch-redux (pancake flips over all
# permutations of 0..n-1, in the benchmark-game order), n = 9.
def fannkuch(n):
    perm1 = [0] * n
    i = 0
    while i < n:
        perm1[i] = i
        i = i + 1
    perm = [0] * n
    count = [0] * n
    maxflips = 0
    checksum = 0
    permcount = 0
    r = n
    while True:
        while r != 1:
            count[r - 1] = r
            r = r - 1
        i = 0
        while i < n:
            perm[i] = perm1[i]
            i = i + 1
        flips = 0
        k = perm[0]
        while k != 0:
            i = 0
            j = k
            while i < j:
                t = perm[i]
                perm[i] = perm[j]
                perm[j] = t
                i = i + 1
                j = j - 1
            flips = flips + 1
            k = perm[0]
        if flips > maxflips:
            maxflips = flips
        if permcount % 2 == 0:
            checksum = checksum + flips
        else:
            checksum = checksum - flips
        while True:
            if r == n:
                return [checksum, maxflips]
            perm0 = perm1[0]
            i = 0
            while i < r:
                perm1[i] = perm1[i + 1]
                i = i + 1
            perm1[r] = perm0
            count[r] = count[r] - 1
            if count[r] > 0:
                break
            r = r + 1
        permcount = permcount + 1


def main():
    n = 7
    res = None
    k = 0
    while k < 2:
        res = fannkuch(n)
        k = k + 1
    print(res[0])
    print("Pfannkuchen(" + str(n) + ") = " + str(res[1]))


main()
