# Python twin of bignum.cpasm: arbitrary-precision non-negative integers as
# arrays of base-10000 limbs, least significant first, each result a new
# array grown with append: factorials by limb-times-small multiplication,
# Fibonacci numbers by limb addition with carries, schoolbook products of
# two big numbers, and comparison by length then limbs. Prints digit counts,
# digit sums and low limbs (ints only).


def from_int(n):
    r = []
    r.append(n % 10000)
    n = n // 10000
    while n > 0:
        r.append(n % 10000)
        n = n // 10000
    return r


def mul_small(a, m):
    r = []
    carry = 0
    i = 0
    n = len(a)
    while i < n:
        t = a[i] * m + carry
        r.append(t % 10000)
        carry = t // 10000
        i = i + 1
    while carry > 0:
        r.append(carry % 10000)
        carry = carry // 10000
    return r


def add_big(a, b):
    if len(a) < len(b):
        t = a
        a = b
        b = t
    r = []
    carry = 0
    i = 0
    nb = len(b)
    na = len(a)
    while i < nb:
        t = a[i] + b[i] + carry
        if t >= 10000:
            r.append(t - 10000)
            carry = 1
        else:
            r.append(t)
            carry = 0
        i = i + 1
    while i < na:
        t = a[i] + carry
        if t >= 10000:
            r.append(t - 10000)
            carry = 1
        else:
            r.append(t)
            carry = 0
        i = i + 1
    if carry > 0:
        r.append(carry)
    return r


def mul_big(a, b):
    na = len(a)
    nb = len(b)
    r = [None] * (na + nb)
    k = 0
    while k < na + nb:
        r[k] = 0
        k = k + 1
    i = 0
    while i < na:
        carry = 0
        ai = a[i]
        j = 0
        while j < nb:
            t = r[i + j] + ai * b[j] + carry
            r[i + j] = t % 10000
            carry = t // 10000
            j = j + 1
        k = i + nb
        while carry > 0:
            t = r[k] + carry
            r[k] = t % 10000
            carry = t // 10000
            k = k + 1
        i = i + 1
    top = na + nb
    while top > 1 and r[top - 1] == 0:
        top = top - 1
    s = []
    k = 0
    while k < top:
        s.append(r[k])
        k = k + 1
    return s


def compare_big(a, b):
    if len(a) != len(b):
        if len(a) < len(b):
            return -1
        return 1
    i = len(a) - 1
    while i >= 0:
        if a[i] != b[i]:
            if a[i] < b[i]:
                return -1
            return 1
        i = i - 1
    return 0


def digit_count(a):
    top = a[len(a) - 1]
    d = 1
    while top >= 10:
        top = top // 10
        d = d + 1
    return (len(a) - 1) * 4 + d


def digit_sum(a):
    s = 0
    i = 0
    while i < len(a):
        v = a[i]
        while v > 0:
            s = s + v % 10
            v = v // 10
        i = i + 1
    return s


def describe(a):
    print(digit_count(a))
    print(digit_sum(a))
    i = 0
    while a[i] == 0:
        i = i + 1
    print(i)
    print(a[i])


def main():
    f = from_int(1)
    k = 2
    while k <= 2500:
        f = mul_small(f, k)
        if k % 500 == 0:
            describe(f)
        k = k + 1
    a = from_int(0)
    b = from_int(1)
    k = 1
    while k < 12000:
        c = add_big(a, b)
        a = b
        b = c
        k = k + 1
    describe(b)
    p = mul_big(f, b)
    describe(p)
    q = mul_big(b, f)
    print(compare_big(p, q))
    sq = mul_big(b, b)
    describe(sq)
    print(compare_big(sq, p))
    print(compare_big(f, b))
    x = from_int(3)
    k = 0
    while k < 11:
        x = mul_big(x, x)
        k = k + 1
    describe(x)
    y = from_int(1)
    k = 0
    while k < 2048:
        y = mul_small(y, 3)
        k = k + 1
    print(compare_big(x, y))
    print(compare_big(x, mul_small(y, 3)))


main()
