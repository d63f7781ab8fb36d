# Python twin of graph.cpasm: a random directed graph in compressed adjacency
# arrays (offsets, targets, weights) built from an LCG by counting, prefix
# sums and filling; breadth-first search with an array queue (hop counts),
# Dijkstra's shortest paths with a lazy binary heap of (distance, node)
# pairs in two parallel arrays, and connected components of the undirected
# graph by union-find with path halving. Prints counts and checksums.

seed = 0


def rand(n):
    global seed
    seed = (seed * 1103515245 + 12345) & 0x7fffffff
    return (seed >> 8) % n


def build(n, m, offsets, targets, weights, src, dst):
    k = 0
    while k < m:
        src[k] = rand(n)
        dst[k] = rand(n)
        k = k + 1
    v = 0
    while v <= n:
        offsets[v] = 0
        v = v + 1
    k = 0
    while k < m:
        offsets[src[k] + 1] = offsets[src[k] + 1] + 1
        k = k + 1
    v = 0
    while v < n:
        offsets[v + 1] = offsets[v + 1] + offsets[v]
        v = v + 1
    fill = [None] * n
    v = 0
    while v < n:
        fill[v] = offsets[v]
        v = v + 1
    k = 0
    while k < m:
        s = src[k]
        targets[fill[s]] = dst[k]
        weights[fill[s]] = 1 + rand(100)
        fill[s] = fill[s] + 1
        k = k + 1


def bfs(n, offsets, targets, start, hops):
    v = 0
    while v < n:
        hops[v] = -1
        v = v + 1
    queue = [None] * n
    head = 0
    tail = 0
    queue[tail] = start
    tail = tail + 1
    hops[start] = 0
    while head < tail:
        u = queue[head]
        head = head + 1
        e = offsets[u]
        end = offsets[u + 1]
        while e < end:
            w = targets[e]
            if hops[w] < 0:
                hops[w] = hops[u] + 1
                queue[tail] = w
                tail = tail + 1
            e = e + 1
    return tail


def heap_push(keys, vals, size, key, val):
    if size == len(keys):
        keys.append(key)
        vals.append(val)
    else:
        keys[size] = key
        vals[size] = val
    i = size
    while i > 0:
        parent = (i - 1) // 2
        if keys[parent] <= keys[i]:
            break
        t = keys[parent]
        keys[parent] = keys[i]
        keys[i] = t
        t = vals[parent]
        vals[parent] = vals[i]
        vals[i] = t
        i = parent
    return size + 1


def heap_pop(keys, vals, size):
    size = size - 1
    keys[0] = keys[size]
    vals[0] = vals[size]
    i = 0
    while True:
        c = 2 * i + 1
        if c >= size:
            break
        if c + 1 < size and keys[c + 1] < keys[c]:
            c = c + 1
        if keys[i] <= keys[c]:
            break
        t = keys[c]
        keys[c] = keys[i]
        keys[i] = t
        t = vals[c]
        vals[c] = vals[i]
        vals[i] = t
        i = c
    return size


def dijkstra(n, offsets, targets, weights, start, dist):
    v = 0
    while v < n:
        dist[v] = -1
        v = v + 1
    keys = []
    vals = []
    size = heap_push(keys, vals, 0, 0, start)
    settled = 0
    while size > 0:
        d = keys[0]
        u = vals[0]
        size = heap_pop(keys, vals, size)
        if dist[u] >= 0:
            continue
        dist[u] = d
        settled = settled + 1
        e = offsets[u]
        end = offsets[u + 1]
        while e < end:
            w = targets[e]
            if dist[w] < 0:
                size = heap_push(keys, vals, size, d + weights[e], w)
            e = e + 1
    return settled


def find(parent, x):
    while parent[x] != x:
        parent[x] = parent[parent[x]]
        x = parent[x]
    return x


def components(n, m, src, dst):
    parent = [None] * n
    v = 0
    while v < n:
        parent[v] = v
        v = v + 1
    count = n
    k = 0
    while k < m:
        a = find(parent, src[k])
        b = find(parent, dst[k])
        if a != b:
            if a < b:
                parent[b] = a
            else:
                parent[a] = b
            count = count - 1
        k = k + 1
    return count


def run(n, m, starts, rounds):
    global seed
    seed = n * 7 + m
    offsets = [None] * (n + 1)
    targets = [None] * m
    weights = [None] * m
    src = [None] * m
    dst = [None] * m
    build(n, m, offsets, targets, weights, src, dst)
    print(components(n, m, src, dst))
    hops = [None] * n
    dist = [None] * n
    r = 0
    while r < rounds:
        s = 0
        while s < starts:
            start = rand(n)
            reached = bfs(n, offsets, targets, start, hops)
            settled = dijkstra(n, offsets, targets, weights, start, dist)
            far = 0
            total = 0
            sum_hops = 0
            v = 0
            while v < n:
                if dist[v] > far:
                    far = dist[v]
                if dist[v] > 0:
                    total = (total * 31 + dist[v]) & 0xffffffff
                    sum_hops = sum_hops + hops[v]
                v = v + 1
            if r == 0:
                print(str(start) + " " + str(reached) + " " + str(settled) + " " + str(far) + " " + str(sum_hops) + " " + str(total))
            s = s + 1
        r = r + 1


def main():
    run(20000, 60000, 6, 2)
    run(3000, 4000, 8, 2)


main()
