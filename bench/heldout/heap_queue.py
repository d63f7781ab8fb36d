# Python twin of heap_queue.cpasm: a binary min-heap priority queue in an
# int array whose length only grows (the live size is kept apart; sift-up on
# push, sift-down on pop), driven by an LCG: each step pushes two keys and
# pops the smallest, then the queue is drained. Then an in-place heapsort
# (max-heap, sift-down) of LCG ints. Prints checksums of the popped orders.


def next_rand(x):
    return (x * 1103515245 + 12345) & 0x7fffffff


def push(heap, size, key):
    if size < len(heap):
        heap[size] = key
    else:
        heap.append(key)
    i = size
    while i > 0:
        parent = (i - 1) >> 1
        p = heap[parent]
        if p <= key:
            break
        heap[i] = p
        i = parent
    heap[i] = key


def pop_min(heap, size):
    top = heap[0]
    size = size - 1
    last = heap[size]
    i = 0
    while True:
        child = 2 * i + 1
        if child >= size:
            break
        c = heap[child]
        if child + 1 < size:
            r = heap[child + 1]
            if r < c:
                child = child + 1
                c = r
        if last <= c:
            break
        heap[i] = c
        i = child
    heap[i] = last
    return top


def queue_round(steps, seed):
    heap = []
    size = 0
    x = seed
    check = 0
    inversions = 0
    prev = -1
    k = 0
    while k < steps:
        x = next_rand(x)
        push(heap, size, x >> 12)
        size = size + 1
        x = next_rand(x)
        push(heap, size, (x >> 12) + k)
        size = size + 1
        v = pop_min(heap, size)
        size = size - 1
        if v < prev:
            inversions = inversions + 1
        prev = v
        check = (check * 31 + v) & 0xffffffffff
        k = k + 1
    drained = 0
    prev = -1
    sorted_ok = 1
    while size > 0:
        v = pop_min(heap, size)
        size = size - 1
        if v < prev:
            sorted_ok = 0
        prev = v
        drained = (drained * 17 + v) & 0xffffffffff
    print(check)
    print(inversions)
    print(drained)
    print(sorted_ok)
    print(len(heap))


def sift_down(a, start, end):
    root = start
    v = a[root]
    while True:
        child = 2 * root + 1
        if child > end:
            break
        if child + 1 <= end and a[child] < a[child + 1]:
            child = child + 1
        if a[child] <= v:
            break
        a[root] = a[child]
        root = child
    a[root] = v


def heapsort(a, n):
    start = (n - 2) >> 1
    while start >= 0:
        sift_down(a, start, n - 1)
        start = start - 1
    end = n - 1
    while end > 0:
        t = a[end]
        a[end] = a[0]
        a[0] = t
        sift_down(a, 0, end - 1)
        end = end - 1


def sort_round(n, seed):
    a = [None] * n
    x = seed
    i = 0
    while i < n:
        x = next_rand(x)
        a[i] = (x >> 4) - 67108864
        i = i + 1
    heapsort(a, n)
    ok = 1
    check = 0
    i = 0
    while i < n:
        if i > 0 and a[i - 1] > a[i]:
            ok = 0
        check = (check + a[i] * (i + 1)) & 0xffffffffffff
        i = i + 1
    print(ok)
    print(a[0])
    print(a[n >> 1])
    print(a[n - 1])
    print(check)


def main():
    steps = 60000
    queue_round(steps, 7)
    queue_round(steps, 12345)
    sort_round(steps, 99)


main()
