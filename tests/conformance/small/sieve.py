# Reduced input: examples/sieve with smaller sizes (tests/conformance/small/make_small.py)
# Python twin of sieve.cpasm: sieve of Eratosthenes, repeated.
# flags[i] is None (falsy) for "maybe prime", True once crossed out.
def sieve(n):
    flags = [None] * (n + 1)
    count = 0
    total = 0
    i = 2
    while i <= n:
        if not flags[i]:
            count = count + 1
            total = total + i
            j = i * i
            while j <= n:
                flags[j] = True
                j = j + i
        i = i + 1
    return [count, total]


def main():
    r = None
    k = 0
    while k < 10:
        r = sieve(20000)
        k = k + 1
    print(r)
    print(sieve(100))


main()
