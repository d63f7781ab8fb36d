# Python twin of life.cpasm: Conway's game of life on a torus (64 x 64, then
# 48 x 80) stored as a list of row lists of 0/1 ints, two grids swapped each
# generation; the neighbours of a cell are read through the rows above, at and
# below it with wrapped column indices. Starts from an LCG-filled grid plus a
# glider; prints the population every 100 generations, the total and a hash
# of the final grid.


def make_grid(h, w):
    g = []
    y = 0
    while y < h:
        row = [None] * w
        x = 0
        while x < w:
            row[x] = 0
            x = x + 1
        g.append(row)
        y = y + 1
    return g


def seed_grid(g, h, w, seed):
    s = seed
    y = 0
    while y < h:
        row = g[y]
        x = 0
        while x < w:
            s = (s * 1103515245 + 12345) & 0x7fffffff
            if (s >> 16) % 3 == 0:
                row[x] = 1
            else:
                row[x] = 0
            x = x + 1
        y = y + 1
    g[1][2] = 1
    g[2][3] = 1
    g[3][1] = 1
    g[3][2] = 1
    g[3][3] = 1


def step(g, nxt, h, w):
    pop = 0
    y = 0
    while y < h:
        up = g[(y + h - 1) % h]
        row = g[y]
        down = g[(y + 1) % h]
        out = nxt[y]
        x = 0
        while x < w:
            l = (x + w - 1) % w
            r = (x + 1) % w
            n = up[l] + up[x] + up[r] + row[l] + row[r] + down[l] + down[x] + down[r]
            if n == 3 or (n == 2 and row[x] == 1):
                out[x] = 1
                pop = pop + 1
            else:
                out[x] = 0
            x = x + 1
        y = y + 1
    return pop


def grid_hash(g, h, w):
    hsh = 0
    y = 0
    while y < h:
        row = g[y]
        x = 0
        while x < w:
            hsh = ((hsh << 1) ^ (hsh >> 29) ^ row[x]) & 0x3fffffff
            x = x + 1
        y = y + 1
    return hsh


def run(h, w, gens, seed):
    a = make_grid(h, w)
    b = make_grid(h, w)
    seed_grid(a, h, w, seed)
    pops = 0
    gen = 1
    while gen <= gens:
        pop = step(a, b, h, w)
        pops = pops + pop
        t = a
        a = b
        b = t
        if gen % 100 == 0:
            print(pop)
        gen = gen + 1
    print(pops)
    print(grid_hash(a, h, w))


def main():
    run(64, 64, 600, 2024)
    run(48, 80, 300, 7)


main()
