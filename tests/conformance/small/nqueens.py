# Reduced input: bench/heldout/nqueens with smaller sizes (tests/conformance/small/make_small.py)
# Python twin of nqueens.cpasm: backtracking N-queens with the board state in
# global arrays (queen column per row, used columns, both diagonals); counts
# the solutions for N = 4 .. 11 and sums a weight of each solution.
n = 0
pos = None
cols = None
d1 = None
d2 = None
count = 0
weight = 0


def place(row):
    global count, weight
    if row == n:
        count = count + 1
        w = 0
        i = 0
        while i < n:
            w = w + pos[i] * (i + 1)
            i = i + 1
        weight = weight + w
        return
    c = 0
    while c < n:
        if not cols[c]:
            a = row + c
            b = row - c + n - 1
            if not d1[a]:
                if not d2[b]:
                    cols[c] = True
                    d1[a] = True
                    d2[b] = True
                    pos[row] = c
                    place(row + 1)
                    cols[c] = False
                    d1[a] = False
                    d2[b] = False
        c = c + 1


def main():
    global n, pos, cols, d1, d2, count, weight
    rounds = 0
    total = 0
    while rounds < 3:
        size = 4
        while size <= 7:
            n = size
            pos = [None] * n
            cols = [None] * n
            d1 = [None] * (2 * n - 1)
            d2 = [None] * (2 * n - 1)
            count = 0
            weight = 0
            place(0)
            print(str(n) + " queens: " + str(count) + " solutions, weight " + str(weight))
            total = total + count
            size = size + 1
        rounds = rounds + 1
    print("total " + str(total))


main()
