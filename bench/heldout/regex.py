# Python twin of regex.cpasm: a regular-expression matcher without
# backtracking (Thompson's NFA simulation). Patterns of a small language
# (letters, '.', '*', '+', '?', '|', parentheses) are drawn from an LCG by a
# recursive generator and held as int arrays of character codes; a
# recursive-descent parser turns each into NFA states in parallel arrays
# (kind, code, two successors), joining fragments through lists of dangling
# successor fields threaded through those fields themselves. Matching keeps
# the current and next state lists in arrays and adds a state at most once
# per step by stamping it with a generation number (the epsilon closure
# follows splits recursively). Every pattern is matched against every
# subject text (LCG-drawn codes), both as a whole-text match and as a search
# for the earliest end of a match. Prints counts and checksums, and some
# patterns through a table of one-character strings.

seed = 0
pat = []
pp = 0
frag_out = 0
kind = []
code = []
out1 = []
out2 = []
mark = []
gen = 0
clist = []
ccount = 0
nlist = []
ncount = 0
nhit = 0


def rand(n):
    global seed
    seed = (seed * 1103515245 + 12345) & 0x7fffffff
    return (seed >> 8) % n


def gen_alt(depth):
    gen_concat(depth)
    while rand(5) == 0:
        pat.append(124)
        gen_concat(depth)


def gen_concat(depth):
    if rand(15) == 0:
        return
    k = 1 + rand(5)
    while k > 0:
        gen_repeat(depth)
        k = k - 1


def gen_repeat(depth):
    if depth > 0 and rand(4) == 0:
        pat.append(40)
        gen_alt(depth - 1)
        pat.append(41)
    elif rand(7) == 0:
        pat.append(46)
    else:
        pat.append(97 + rand(3))
    r = rand(16)
    if r == 0:
        pat.append(42)
    elif r == 1:
        pat.append(43)
    elif r == 2:
        pat.append(63)
    elif r == 3:
        pat.append(42)
        if rand(3) == 0:
            pat.append(43)


def new_state(k, c, a, b):
    kind.append(k)
    code.append(c)
    out1.append(a)
    out2.append(b)
    mark.append(0)
    return len(kind) - 1


# A dangling successor is named p = 2 * state + field (field 0: out1,
# 1: out2); until patched, the field holds the next dangling p, or -1.
def get_field(p):
    if p & 1 == 0:
        return out1[p >> 1]
    return out2[p >> 1]


def set_field(p, v):
    if p & 1 == 0:
        out1[p >> 1] = v
    else:
        out2[p >> 1] = v


def patch(p, s):
    while p >= 0:
        nxt = get_field(p)
        set_field(p, s)
        p = nxt


def append_list(p, q):
    if p < 0:
        return q
    first = p
    nxt = get_field(p)
    while nxt >= 0:
        p = nxt
        nxt = get_field(p)
    set_field(p, q)
    return first


def at(c):
    return pp < len(pat) and pat[pp] == c


def parse_alt():
    global frag_out
    s = parse_concat()
    outs = frag_out
    while at(124):
        parse_skip()
        t = parse_concat()
        outs = append_list(outs, frag_out)
        s = new_state(2, 0, s, t)
    frag_out = outs
    return s


def parse_skip():
    global pp
    pp = pp + 1


def parse_concat():
    global frag_out
    start = -1
    outs = -1
    while pp < len(pat) and pat[pp] != 124 and pat[pp] != 41:
        s = parse_repeat()
        if start < 0:
            start = s
        else:
            patch(outs, s)
        outs = frag_out
    if start < 0:
        start = new_state(4, 0, -1, -1)
        outs = 2 * start
    frag_out = outs
    return start


def parse_repeat():
    global frag_out
    s = parse_atom()
    outs = frag_out
    while at(42) or at(43) or at(63):
        op = pat[pp]
        parse_skip()
        split = new_state(2, 0, s, -1)
        if op == 42:
            patch(outs, split)
            s = split
            outs = 2 * split + 1
        elif op == 43:
            patch(outs, split)
            outs = 2 * split + 1
        else:
            outs = append_list(outs, 2 * split + 1)
            s = split
    frag_out = outs
    return s


def parse_atom():
    global frag_out
    c = pat[pp]
    parse_skip()
    if c == 40:
        s = parse_alt()
        parse_skip()
        return s
    if c == 46:
        s = new_state(1, 0, -1, -1)
    else:
        s = new_state(0, c, -1, -1)
    frag_out = 2 * s
    return s


def compile_pattern():
    global pp, kind, code, out1, out2, mark, frag_out
    kind = []
    code = []
    out1 = []
    out2 = []
    mark = []
    pp = 0
    start = parse_alt()
    patch(frag_out, new_state(3, 0, -1, -1))
    return start


def add_state(s):
    global ncount, nhit
    if s < 0 or mark[s] == gen:
        return
    mark[s] = gen
    k = kind[s]
    if k == 2:
        add_state(out1[s])
        add_state(out2[s])
    elif k == 4:
        add_state(out1[s])
    else:
        if k == 3:
            nhit = 1
        nlist[ncount] = s
        ncount = ncount + 1


def begin_step():
    global gen, ncount, nhit
    gen = gen + 1
    ncount = 0
    nhit = 0


def swap_lists():
    global clist, nlist, ccount
    t = clist
    clist = nlist
    nlist = t
    ccount = ncount


# Whole-text match (search 0): the length of the text if it matches, else
# -1. Search (search 1): how many prefixes of the text end with a match.
# work[0] counts the states stepped over.
def run_nfa(subj, start, search, work):
    begin_step()
    add_state(start)
    swap_lists()
    hit = nhit
    ends = 0
    n = len(subj)
    i = 0
    while True:
        if hit == 1:
            ends = ends + 1
        if i == n or (search == 0 and ccount == 0):
            break
        c = subj[i]
        begin_step()
        j = 0
        while j < ccount:
            s = clist[j]
            k = kind[s]
            if k == 1 or (k == 0 and code[s] == c):
                add_state(out1[s])
            j = j + 1
        work[0] = work[0] + ccount
        if search == 1:
            add_state(start)
        swap_lists()
        hit = nhit
        i = i + 1
    if search == 1:
        return ends
    if i == n and hit == 1:
        return n
    return -1


def show(chars):
    s = ""
    i = 0
    while i < len(pat):
        s = s + chars[pat[i]]
        i = i + 1
    return s


def char_table():
    chars = [None] * 128
    chars[40] = "("
    chars[41] = ")"
    chars[42] = "*"
    chars[43] = "+"
    chars[46] = "."
    chars[63] = "?"
    chars[97] = "a"
    chars[98] = "b"
    chars[99] = "c"
    chars[100] = "d"
    chars[124] = "|"
    return chars


def round_of(npat, nsubj, maxlen, letters, s, chars):
    global seed, pat, clist, nlist
    seed = s
    subjects = []
    k = 0
    while k < nsubj:
        t = []
        length = rand(maxlen + 1)
        while len(t) < length:
            t.append(97 + rand(letters))
        subjects.append(t)
        k = k + 1
    work = [None] * 1
    work[0] = 0
    full_total = 0
    found_total = 0
    states_total = 0
    check = 0
    p = 0
    while p < npat:
        pat = []
        gen_alt(3)
        start = compile_pattern()
        states_total = states_total + len(kind)
        clist = [None] * len(kind)
        nlist = [None] * len(kind)
        full = 0
        found = 0
        ends = 0
        k = 0
        while k < nsubj:
            r = run_nfa(subjects[k], start, 0, work)
            if r >= 0:
                full = full + 1
            r = run_nfa(subjects[k], start, 1, work)
            if r > 0:
                found = found + 1
                ends = ends + r
            check = (check * 7 + r + 2) & 0xffffffff
            k = k + 1
        full_total = full_total + full
        found_total = found_total + found
        if p % 10 == 0:
            print("  " + show(chars) + " states " + str(len(kind)) + " whole " + str(full) + " found " + str(found) + " ends " + str(ends))
        p = p + 1
    print("patterns " + str(npat) + " subjects " + str(nsubj) + " states " + str(states_total) + " whole " + str(full_total) + " found " + str(found_total) + " work " + str(work[0]) + " check " + str(check))


def main():
    global gen
    gen = 0
    chars = char_table()
    round_of(60, 600, 12, 3, 5, chars)
    round_of(44, 400, 40, 3, 77, chars)
    round_of(36, 420, 30, 4, 2024, chars)


main()
