# Reduced input: bench/heldout/hash_table with smaller sizes (tests/conformance/small/make_small.py)
# Python twin of hash_table.cpasm: an open-addressing hash table of int keys
# built from two arrays (linear probing, tombstones, growth and rehash),
# driven by an LCG through inserts, updates, lookups and deletes.
# A table is a list [keys, vals, count, used, cap]; an empty slot holds None,
# a deleted one the key -1.


def ht_new(cap):
    return [[None] * cap, [None] * cap, 0, 0, cap]


def slot_of(k, mask):
    return ((k * 40503) ^ (k >> 9)) & mask


def ht_resize(t):
    cap = t[4]
    count = t[2]
    if count * 2 >= cap:
        cap = cap * 2
    keys = t[0]
    vals = t[1]
    nkeys = [None] * cap
    nvals = [None] * cap
    mask = cap - 1
    i = 0
    n = t[4]
    while i < n:
        k = keys[i]
        if k is not None and k != -1:
            j = slot_of(k, mask)
            while nkeys[j] is not None:
                j = (j + 1) & mask
            nkeys[j] = k
            nvals[j] = vals[i]
        i = i + 1
    t[0] = nkeys
    t[1] = nvals
    t[3] = count
    t[4] = cap


# returns 1 when k was new, 0 when its value was updated
def ht_put(t, k, v):
    if (t[3] + 1) * 4 > t[4] * 3:
        ht_resize(t)
    keys = t[0]
    mask = t[4] - 1
    i = slot_of(k, mask)
    tomb = -1
    while True:
        kk = keys[i]
        if kk is None:
            break
        if kk == k:
            t[1][i] = v
            return 0
        if kk == -1 and tomb < 0:
            tomb = i
        i = (i + 1) & mask
    if tomb >= 0:
        i = tomb
    else:
        t[3] = t[3] + 1
    keys[i] = k
    t[1][i] = v
    t[2] = t[2] + 1
    return 1


def ht_find(t, k):
    keys = t[0]
    mask = t[4] - 1
    i = slot_of(k, mask)
    while True:
        kk = keys[i]
        if kk is None:
            return -1
        if kk == k:
            return i
        i = (i + 1) & mask


def ht_get(t, k):
    i = ht_find(t, k)
    if i < 0:
        return None
    return t[1][i]


def ht_del(t, k):
    i = ht_find(t, k)
    if i < 0:
        return 0
    t[0][i] = -1
    t[1][i] = None
    t[2] = t[2] - 1
    return 1


def main():
    t = ht_new(8)
    n = 20000
    x = 12345
    ins = 0
    upd = 0
    dels = 0
    found = 0
    missed = 0
    sumv = 0
    i = 0
    while i < n:
        x = (x * 69069 + 1) & 0xffffff
        k = (x >> 4) & 0x3fff
        op = (x >> 20) & 7
        if op < 4:
            if ht_put(t, k, i):
                ins = ins + 1
            else:
                upd = upd + 1
        elif op < 7:
            v = ht_get(t, k)
            if v is None:
                missed = missed + 1
            else:
                found = found + 1
                sumv = sumv + v
        else:
            dels = dels + ht_del(t, k)
        i = i + 1
    print("inserted " + str(ins) + " updated " + str(upd) + " deleted " + str(dels))
    print("found " + str(found) + " missed " + str(missed) + " sum " + str(sumv))
    print("count " + str(t[2]) + " used " + str(t[3]) + " capacity " + str(t[4]))
    present = 0
    total = 0
    k = 0
    while k < 0x4000:
        v = ht_get(t, k)
        if v is not None:
            present = present + 1
            total = total + v * (k & 15)
        k = k + 1
    print("present " + str(present) + " weighted " + str(total))


main()
