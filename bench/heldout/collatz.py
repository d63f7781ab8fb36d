# Python twin of collatz.cpasm: int tables filled on demand. Collatz chain
# lengths for every start below a limit, memoized in an int array: each chain
# is walked until it meets a known length (values beyond the table are not
# stored), its path kept in a reused array, then the lengths are written back
# along the path. Then a smallest-prime-factor table (a sieve storing ints)
# used to count distinct prime factors of every number below the limit.
# Prints the longest chain, its start, checksums and counts.


def collatz_table(limit):
    memo = [None] * limit
    i = 0
    while i < limit:
        memo[i] = 0
        i = i + 1
    memo[1] = 1
    path = [None] * 1000
    best = 1
    best_start = 1
    total = 0
    peak = 0
    n = 2
    while n < limit:
        x = n
        depth = 0
        while x >= limit or memo[x] == 0:
            path[depth] = x
            depth = depth + 1
            if x % 2 == 0:
                x = x >> 1
            else:
                x = 3 * x + 1
                if x > peak:
                    peak = x
        length = memo[x]
        while depth > 0:
            depth = depth - 1
            length = length + 1
            y = path[depth]
            if y < limit:
                memo[y] = length
        if length > best:
            best = length
            best_start = n
        total = total + length
        n = n + 1
    print(best)
    print(best_start)
    print(total)
    print(peak)
    check = 0
    i = 1
    while i < limit:
        check = (check * 3 + memo[i]) & 0xfffffffff
        i = i + 7
    print(check)


def factor_counts(limit):
    spf = [None] * limit
    i = 0
    while i < limit:
        spf[i] = 0
        i = i + 1
    p = 2
    while p < limit:
        if spf[p] == 0:
            m = p
            while m < limit:
                if spf[m] == 0:
                    spf[m] = p
                m = m + p
        p = p + 1
    hist = [None] * 10
    i = 0
    while i < 10:
        hist[i] = 0
        i = i + 1
    weighted = 0
    n = 2
    while n < limit:
        x = n
        distinct = 0
        last = 0
        while x > 1:
            q = spf[x]
            if q != last:
                distinct = distinct + 1
                last = q
            x = x // q
        hist[distinct] = hist[distinct] + 1
        weighted = (weighted + distinct * n) & 0xffffffffff
        n = n + 1
    i = 1
    while i < 10:
        print(hist[i])
        i = i + 1
    print(weighted)


def main():
    collatz_table(1000000)
    factor_counts(600000)


main()
