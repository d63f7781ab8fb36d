# Python twin of kmeans.cpasm: Lloyd's k-means clustering of 3-D float
# points kept in three parallel coordinate arrays (drawn around hidden
# centres from an LCG): squared distances to every centre, assignment to
# the nearest, centroid update from per-cluster sums and counts, until no
# point changes cluster (at most 60 iterations); then the cost. Floats are
# printed only as ints (scaled and truncated) so no repr is involved.

seed = 0


def rand_unit():
    global seed
    seed = (seed * 1103515245 + 12345) & 0x7fffffff
    return (seed >> 4) / 134217728.0


def make_points(n, k, xs, ys, zs):
    cx = [None] * k
    cy = [None] * k
    cz = [None] * k
    c = 0
    while c < k:
        cx[c] = rand_unit() * 100.0
        cy[c] = rand_unit() * 100.0
        cz[c] = rand_unit() * 100.0
        c = c + 1
    i = 0
    while i < n:
        c = (seed >> 10) % k
        spread = 4.0 + 8.0 * rand_unit()
        xs.append(cx[c] + (rand_unit() - 0.5) * spread)
        ys.append(cy[c] + (rand_unit() - 0.5) * spread)
        zs.append(cz[c] + (rand_unit() - 0.5) * spread)
        i = i + 1


def nearest(x, y, z, mx, my, mz, k):
    best = 0
    best_d = -1.0
    c = 0
    while c < k:
        dx = x - mx[c]
        dy = y - my[c]
        dz = z - mz[c]
        d = dx * dx + dy * dy + dz * dz
        if best_d < 0.0 or d < best_d:
            best_d = d
            best = c
        c = c + 1
    return best


def cluster(xs, ys, zs, k, label):
    n = len(xs)
    mx = [None] * k
    my = [None] * k
    mz = [None] * k
    sx = [None] * k
    sy = [None] * k
    sz = [None] * k
    count = [None] * k
    c = 0
    while c < k:
        mx[c] = xs[c * 7]
        my[c] = ys[c * 7]
        mz[c] = zs[c * 7]
        c = c + 1
    assign = [None] * n
    i = 0
    while i < n:
        assign[i] = -1
        i = i + 1
    rounds = 0
    changed = 1
    while changed > 0 and rounds < 60:
        changed = 0
        i = 0
        while i < n:
            c = nearest(xs[i], ys[i], zs[i], mx, my, mz, k)
            if c != assign[i]:
                assign[i] = c
                changed = changed + 1
            i = i + 1
        c = 0
        while c < k:
            sx[c] = 0.0
            sy[c] = 0.0
            sz[c] = 0.0
            count[c] = 0
            c = c + 1
        i = 0
        while i < n:
            c = assign[i]
            sx[c] = sx[c] + xs[i]
            sy[c] = sy[c] + ys[i]
            sz[c] = sz[c] + zs[i]
            count[c] = count[c] + 1
            i = i + 1
        c = 0
        while c < k:
            if count[c] > 0:
                mx[c] = sx[c] / count[c]
                my[c] = sy[c] / count[c]
                mz[c] = sz[c] / count[c]
            c = c + 1
        rounds = rounds + 1
        if rounds % 5 == 0:
            print(label + " round " + str(rounds) + ": " + str(changed) + " moved")
    cost = 0.0
    i = 0
    while i < n:
        c = assign[i]
        dx = xs[i] - mx[c]
        dy = ys[i] - my[c]
        dz = zs[i] - mz[c]
        cost = cost + (dx * dx + dy * dy + dz * dz)
        i = i + 1
    print(label + " rounds " + str(rounds) + " cost " + str(int(cost * 1000.0)))
    c = 0
    while c < k:
        print(label + " " + str(c) + ": " + str(count[c]) + " at " + str(int(mx[c] * 1000.0)) + " " + str(int(my[c] * 1000.0)) + " " + str(int(mz[c] * 1000.0)))
        c = c + 1


def run(n, k, s, label):
    global seed
    seed = s
    xs = []
    ys = []
    zs = []
    make_points(n, k, xs, ys, zs)
    cluster(xs, ys, zs, k, label)


def main():
    run(30000, 12, 4711, "a")
    run(10000, 24, 99, "b")


main()
