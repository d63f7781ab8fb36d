# Reduced input: examples/binary_trees with smaller sizes (tests/conformance/small/make_small.py)
# Python twin of binary_trees.cpasm: allocate and walk many short-lived
# binary trees. A node is a list [left, right]; a leaf is [None, None].
def make(d):
    if d == 0:
        return [None, None]
    d = d - 1
    return [make(d), make(d)]


def check(t):
    left = t[0]
    if not left:
        return 1
    return 1 + check(left) + check(t[1])


def main():
    min_depth = 4
    max_depth = 8
    stretch = max_depth + 1
    print("stretch tree of depth " + str(stretch) + "\t check: " + str(check(make(stretch))))
    long_lived = make(max_depth)
    d = min_depth
    while d <= max_depth:
        iters = 1 << (max_depth - d + min_depth)
        chk = 0
        i = 0
        while i < iters:
            chk = chk + check(make(d))
            i = i + 1
        print(str(iters) + "\t trees of depth " + str(d) + "\t check: " + str(chk))
        d = d + 2
    print("long lived tree of depth " + str(max_depth) + "\t check: " + str(check(long_lived)))


main()
