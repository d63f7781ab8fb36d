# Reduced input: bench/heldout/strings with smaller sizes (tests/conformance/small/make_small.py)
# Python twin of strings.cpasm: string processing with the language's string
# operations only (concat, len, tostr, eq/ne, lt/gt): words built from
# syllables picked by an LCG, counted in a sorted table of distinct words
# (binary search with string comparisons, insertion by shifting), short
# report lines built with tostr and concat.
SYL = ["ka", "lo", "mi", "ne", "ru", "sa", "to", "vi"]


def make_word(x):
    nsyl = 1 + ((x >> 10) & 3)
    w = ""
    s = 0
    while s < nsyl:
        w = w + SYL[(x >> (13 + 3 * s)) & 7]
        s = s + 1
    return w


# index of the first word not below w
def find(words, w):
    lo = 0
    hi = len(words)
    while lo < hi:
        mid = (lo + hi) >> 1
        if words[mid] < w:
            lo = mid + 1
        else:
            hi = mid
    return lo


def main():
    words = []
    counts = []
    n = 5000
    x = 7
    total_len = 0
    line = ""
    lines = 0
    longest = ""
    i = 0
    while i < n:
        x = (x * 69069 + 12345) & 0xffffffff
        w = make_word(x)
        total_len = total_len + len(w)
        p = find(words, w)
        if p < len(words) and words[p] == w:
            counts[p] = counts[p] + 1
        else:
            words.append(None)
            counts.append(None)
            j = len(words) - 1
            while j > p:
                words[j] = words[j - 1]
                counts[j] = counts[j - 1]
                j = j - 1
            words[p] = w
            counts[p] = 1
        if i % 997 == 0:
            line = line + w + ":" + str(i) + " "
            if len(line) > 60:
                lines = lines + 1
                if line > longest:
                    longest = line
                line = ""
        i = i + 1
    best = 0
    k = 1
    while k < len(words):
        if counts[k] > counts[best]:
            best = k
        k = k + 1
    check = 0
    k = 0
    while k < len(words):
        check = (check * 7 + counts[k] * len(words[k])) & 0xffffffff
        k = k + 1
    print("words " + str(n) + " distinct " + str(len(words)) + " total length " + str(total_len))
    print("most frequent " + words[best] + " x" + str(counts[best]))
    print("first " + words[0] + " last " + words[len(words) - 1])
    head = ""
    k = 0
    while k < 5:
        head = head + words[k] + "=" + str(counts[k]) + " "
        k = k + 1
    print(head)
    probe = "mi" + "ka" + "vi"
    p = find(words, probe)
    if p < len(words) and words[p] == probe:
        print(probe + " at " + str(p) + " seen " + str(counts[p]))
    else:
        print(probe + " missing")
    print("lines " + str(lines) + " checksum " + str(check))
    print(longest)


main()
