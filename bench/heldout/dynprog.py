# Python twin of dynprog.cpasm: dynamic programming over int arrays. The
# length of a longest common subsequence of two LCG sequences over a small
# alphabet (two rolling rows, swapped each row), the 0/1 knapsack best value
# for several capacities (one row updated from high to low capacity), and the
# number of ways to make change for amounts up to a limit (int counts masked
# to 40 bits). Prints the results and checksums of the final rows.


def lcg_seq(n, seed, alphabet):
    a = [None] * n
    x = seed
    i = 0
    while i < n:
        x = (x * 1103515245 + 12345) & 0x7fffffff
        a[i] = (x >> 16) % alphabet
        i = i + 1
    return a


def lcs(a, b):
    n = len(a)
    m = len(b)
    prev = [None] * (m + 1)
    cur = [None] * (m + 1)
    j = 0
    while j <= m:
        prev[j] = 0
        cur[j] = 0
        j = j + 1
    i = 1
    while i <= n:
        ai = a[i - 1]
        j = 1
        while j <= m:
            if ai == b[j - 1]:
                cur[j] = prev[j - 1] + 1
            else:
                up = prev[j]
                left = cur[j - 1]
                if up >= left:
                    cur[j] = up
                else:
                    cur[j] = left
            j = j + 1
        t = prev
        prev = cur
        cur = t
        i = i + 1
    check = 0
    j = 0
    while j <= m:
        check = (check * 7 + prev[j]) & 0xffffffff
        j = j + 1
    print(check)
    return prev[m]


def knapsack(weights, values, count, cap):
    best = [None] * (cap + 1)
    c = 0
    while c <= cap:
        best[c] = 0
        c = c + 1
    k = 0
    while k < count:
        wk = weights[k]
        vk = values[k]
        c = cap
        while c >= wk:
            v = best[c - wk] + vk
            if v > best[c]:
                best[c] = v
            c = c - 1
        k = k + 1
    return best[cap]


def change_ways(coins, ncoins, limit):
    ways = [None] * (limit + 1)
    ways[0] = 1
    i = 1
    while i <= limit:
        ways[i] = 0
        i = i + 1
    k = 0
    while k < ncoins:
        coin = coins[k]
        i = coin
        while i <= limit:
            ways[i] = (ways[i] + ways[i - coin]) & 0xffffffffff
            i = i + 1
        k = k + 1
    check = 0
    i = 0
    while i <= limit:
        check = check ^ (ways[i] + i)
        i = i + 1
    print(check)
    return ways[limit]


def main():
    a = lcg_seq(2400, 17, 4)
    b = lcg_seq(2000, 4242, 4)
    print(lcs(a, b))
    count = 250
    weights = lcg_seq(count, 5, 97)
    values = lcg_seq(count, 6, 1000)
    k = 0
    while k < count:
        weights[k] = weights[k] + 3
        k = k + 1
    cap = 1000
    while cap <= 7000:
        print(knapsack(weights, values, count, cap))
        cap = cap + 3000
    coins = [None] * 8
    coins[0] = 1
    coins[1] = 2
    coins[2] = 5
    coins[3] = 10
    coins[4] = 20
    coins[5] = 50
    coins[6] = 100
    coins[7] = 200
    print(change_ways(coins, 8, 100000))


main()
