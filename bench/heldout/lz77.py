# Python twin of lz77.cpasm: an LZSS-style compressor and decompressor over
# a text of byte codes in an int array. The text is built from a word list
# (words of LCG-chosen letters, picked with a skew towards the first words,
# separated by spaces and some punctuation, with runs of dashes, runs of
# random digits and copies of recent stretches), so it repeats itself. The compressor finds matches with a hash
# chain: a hash of the next 3 codes indexes head, prev (a ring as large as
# the window) links each position to the previous one with the same hash;
# the walk is bounded in length and stops early at a long enough match.
# Tokens are literals and (distance, length) pairs in three parallel arrays.
# The decompressor copies matches code by code, overlapping ones included;
# the round trip is checked against the text. Prints counts and checksums.

seed = 0


def rand(n):
    global seed
    seed = (seed * 1103515245 + 12345) & 0x7fffffff
    return (seed >> 8) % n


def make_words(nwords, codes, starts, lens):
    w = 0
    while w < nwords:
        starts.append(len(codes))
        length = 2 + rand(7)
        lens.append(length)
        k = 0
        while k < length:
            c = rand(26)
            d = rand(26)
            if d < c:
                c = d
            codes.append(97 + c)
            k = k + 1
        w = w + 1


def put(text, c, n):
    if len(text) < n:
        text.append(c)


def make_text(text, n, nwords, codes, starts, lens):
    while len(text) < n:
        a = rand(nwords)
        b = rand(nwords)
        if b < a:
            a = b
        s = starts[a]
        e = s + lens[a]
        while s < e:
            put(text, codes[s], n)
            s = s + 1
        r = rand(20)
        if r == 0:
            put(text, 46, n)
            put(text, 10, n)
        elif r == 1:
            put(text, 44, n)
            put(text, 32, n)
        elif r == 2:
            put(text, 32, n)
            k = 5 + rand(40)
            while k > 0:
                put(text, 45, n)
                k = k - 1
            put(text, 32, n)
        elif r == 3 and len(text) > 100:
            back = 1 + rand(len(text) - 1)
            if back > 3000:
                back = 3000 - rand(100)
            s = len(text) - back
            k = 10 + rand(80)
            while k > 0:
                put(text, text[s], n)
                s = s + 1
                k = k - 1
        elif r == 4:
            put(text, 32, n)
            k = 3 + rand(5)
            while k > 0:
                put(text, 48 + rand(10), n)
                k = k - 1
            put(text, 32, n)
        else:
            put(text, 32, n)


def hash3(text, p):
    return ((text[p] << 10) ^ (text[p + 1] << 5) ^ text[p + 2]) & 32767


def compress(text, window, max_chain, nice, lit, dist, mlen):
    n = len(text)
    head = [None] * 32768
    i = 0
    while i < 32768:
        head[i] = -1
        i = i + 1
    wmask = window - 1
    prev = [None] * window
    steps = 0
    pos = 0
    while pos < n:
        best_len = 0
        best_dist = 0
        if pos + 3 <= n:
            limit = n - pos
            if limit > 258:
                limit = 258
            cand = head[hash3(text, pos)]
            chain = 0
            while cand >= 0 and pos - cand < window and chain < max_chain:
                steps = steps + 1
                if text[cand + best_len] == text[pos + best_len]:
                    m = 0
                    while m < limit and text[cand + m] == text[pos + m]:
                        m = m + 1
                    if m > best_len:
                        best_len = m
                        best_dist = pos - cand
                        if m >= nice or m == limit:
                            break
                cand = prev[cand & wmask]
                chain = chain + 1
        if best_len >= 3:
            lit.append(-1)
            dist.append(best_dist)
            mlen.append(best_len)
            end = pos + best_len
        else:
            lit.append(text[pos])
            dist.append(0)
            mlen.append(1)
            end = pos + 1
        while pos < end:
            if pos + 3 <= n:
                h = hash3(text, pos)
                prev[pos & wmask] = head[h]
                head[h] = pos
            pos = pos + 1
    return steps


def decompress(lit, dist, mlen, out):
    count = len(lit)
    t = 0
    while t < count:
        d = dist[t]
        if d == 0:
            out.append(lit[t])
        else:
            s = len(out) - d
            m = mlen[t]
            k = 0
            while k < m:
                out.append(out[s + k])
                k = k + 1
        t = t + 1


def squeeze(text, window, max_chain, nice):
    n = len(text)
    lit = []
    dist = []
    mlen = []
    steps = compress(text, window, max_chain, nice, lit, dist, mlen)
    out = []
    decompress(lit, dist, mlen, out)
    bad = 0
    if len(out) != len(text):
        bad = -1
    else:
        i = 0
        while i < n:
            if out[i] != text[i]:
                bad = bad + 1
            i = i + 1
    wbits = 0
    w = 1
    while w < window:
        w = w * 2
        wbits = wbits + 1
    buckets = [None] * 6
    i = 0
    while i < 6:
        buckets[i] = 0
        i = i + 1
    literals = 0
    matches = 0
    longest = 0
    far = 0
    bits = 0
    check = 0
    t = 0
    count = len(lit)
    while t < count:
        d = dist[t]
        m = mlen[t]
        if d == 0:
            literals = literals + 1
            bits = bits + 9
        else:
            matches = matches + 1
            bits = bits + 9 + wbits
            if m > longest:
                longest = m
            if d > far:
                far = d
            b = 0
            limit = 4
            while b < 5 and m >= limit:
                b = b + 1
                limit = limit * 4
            buckets[b] = buckets[b] + 1
        check = (check * 31 + d * 263 + m + lit[t] + 1) & 0xffffffff
        t = t + 1
    print("  window " + str(window) + " chain " + str(max_chain) + " nice " + str(nice) + ": tokens " + str(count) + " literals " + str(literals) + " matches " + str(matches))
    print("  longest " + str(longest) + " farthest " + str(far) + " steps " + str(steps) + " token check " + str(check))
    print("  lengths by 4^k: " + str(buckets))
    print("  bits " + str(bits) + " per mille " + str(bits * 1000 // (n * 8)) + " round trip mismatches " + str(bad))


def run(n, nwords, s):
    global seed
    seed = s
    codes = []
    starts = []
    lens = []
    make_words(nwords, codes, starts, lens)
    text = []
    make_text(text, n, nwords, codes, starts, lens)
    text_sum = 0
    i = 0
    while i < n:
        text_sum = (text_sum * 131 + text[i]) & 0xffffffff
        i = i + 1
    print("text of " + str(n) + " codes from " + str(nwords) + " words, sum " + str(text_sum))
    return text


def main():
    text = run(150000, 40, 7)
    squeeze(text, 1024, 4, 16)
    squeeze(text, 4096, 64, 258)
    text = run(300000, 600, 11)
    squeeze(text, 256, 8, 32)
    squeeze(text, 4096, 32, 128)
    squeeze(text, 32768, 128, 258)
    text = run(200000, 2000, 37)
    squeeze(text, 32768, 512, 258)


main()
