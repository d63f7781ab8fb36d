# Held-out benchmark (twin of sketch.cpasm; see README.md here): a count-min
# sketch over generated int keys. Each key is hashed twice, by 32-bit FNV-1a
# over its four low bytes and by a multiplicative hash; four rows of 4096
# counters are indexed by double hashing. Both hashes multiply 32-bit values
# by large constants, so their products pass 48 bits (they stay inside
# int64). A 48-bit running checksum of a mixed hash per key, then point
# queries of the sketch: the heavy keys, then random ones.

seed = 12345


def rand():
    global seed
    seed = (seed * 1103515245 + 12345) & 0x7fffffff
    return seed


def fnv1a(k):
    h = 2166136261
    i = 0
    while i < 4:
        h = ((h ^ (k & 255)) * 16777619) & 0xffffffff
        k = k >> 8
        i = i + 1
    return h


def mulhash(k):
    return (k * 2654435761) & 0xffffffff


def mix(h):
    h = ((h ^ (h >> 16)) * 73244475) & 0xffffffff
    h = ((h ^ (h >> 16)) * 73244475) & 0xffffffff
    return h ^ (h >> 16)


def draw():
    r = rand()
    if (r & 3) == 0:
        return (r >> 4) % 64
    return r >> 1


def slot(h1, h2, j):
    return j * 4096 + ((h1 + j * h2) >> 7) % 4096


def add_key(table, key):
    h1 = fnv1a(key)
    h2 = mulhash(key) | 1
    j = 0
    while j < 4:
        s = slot(h1, h2, j)
        table[s] = table[s] + 1
        j = j + 1
    return mix(h1 ^ h2)


def estimate(table, key):
    h1 = fnv1a(key)
    h2 = mulhash(key) | 1
    best = table[slot(h1, h2, 0)]
    j = 1
    while j < 4:
        c = table[slot(h1, h2, j)]
        if c < best:
            best = c
        j = j + 1
    return best


def main():
    table = [None] * 16384
    i = 0
    while i < 16384:
        table[i] = 0
        i = i + 1
    acc = 0
    n = 0
    while n < 360000:
        acc = (acc * 31 + add_key(table, draw())) & 0xffffffffffff
        n = n + 1
    print(acc)
    heavy = 0
    k = 0
    while k < 64:
        heavy = heavy + estimate(table, k)
        k = k + 1
    print(heavy)
    total = 0
    most = 0
    q = 0
    while q < 120000:
        e = estimate(table, draw())
        total = total + e
        if e > most:
            most = e
        q = q + 1
    print(total)
    print(most)
    sums = 0
    i = 0
    while i < 16384:
        sums = (sums * 7 + table[i] * (i + 1)) & 0xffffffffffff
        i = i + 1
    print(sums)


main()
