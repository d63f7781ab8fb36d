# Reduced input: bench/heldout/tree_of_arrays with smaller sizes (tests/conformance/small/make_small.py)
# Python twin of tree_of_arrays.cpasm: an unbalanced binary search tree whose
# nodes are lists [key, left, right, count], built by recursive inserts of
# LCG keys (duplicates bump count), then walked: in-order count, sum and
# order check, height, and many range-count queries.


def insert(node, k):
    if node is None:
        return [k, None, None, 1]
    if k < node[0]:
        node[1] = insert(node[1], k)
    elif k > node[0]:
        node[2] = insert(node[2], k)
    else:
        node[3] = node[3] + 1
    return node


# acc = [nodes, keys counted with multiplicity, weighted sum, previous key, in order?]
def inorder(node, acc):
    if node is None:
        return
    inorder(node[1], acc)
    acc[0] = acc[0] + 1
    acc[1] = acc[1] + node[3]
    acc[2] = (acc[2] + node[0] * node[3] * acc[0]) & 0xffffffffff
    if acc[3] is not None and acc[3] >= node[0]:
        acc[4] = False
    acc[3] = node[0]
    inorder(node[2], acc)


def height(node):
    if node is None:
        return 0
    l = height(node[1])
    r = height(node[2])
    if l > r:
        return l + 1
    return r + 1


# number of keys (with multiplicity) in lo <= key < hi
def count_range(node, lo, hi):
    if node is None:
        return 0
    k = node[0]
    if k < lo:
        return count_range(node[2], lo, hi)
    if k >= hi:
        return count_range(node[1], lo, hi)
    return node[3] + count_range(node[1], lo, hi) + count_range(node[2], lo, hi)


def main():
    rounds = 0
    x = 2024
    while rounds < 2:
        root = None
        n = 2000
        i = 0
        while i < n:
            x = (x * 69069 + 12345) & 0xffffffff
            root = insert(root, (x >> 12) & 0xfffff)
            i = i + 1
        acc = [0, 0, 0, None, True]
        inorder(root, acc)
        if acc[4]:
            ok = "yes"
        else:
            ok = "no"
        q = 0
        hits = 0
        while q < 200:
            x = (x * 69069 + 12345) & 0xffffffff
            lo = (x >> 12) & 0xfffff
            hits = hits + count_range(root, lo, lo + 4096)
            q = q + 1
        print("round " + str(rounds) + ": nodes " + str(acc[0]) + " keys " + str(acc[1]) + " height "
              + str(height(root)) + " in order " + ok + " sum " + str(acc[2]) + " range hits " + str(hits))
        rounds = rounds + 1


main()
