# Reduced input: examples/string_builder with smaller sizes (tests/conformance/small/make_small.py)
# Python twin of string_builder.cpasm: build many short strings with
# concatenation and number-to-text conversion; print lengths and a few
# sample strings, never megabytes of text.
def main():
    n = 30000
    s = ""
    last = ""
    lines = 0
    total = 0
    smaller = 0
    i = 0
    while i < n:
        s = s + str(i) + ","
        if i % 7 == 0:
            s = s + str(i * 0.5) + ";"
        if i % 1000 == 0:
            s = s + str([i, i / 8, -i]) + "|"
        if len(s) > 200:
            total = total + len(s)
            lines = lines + 1
            if s < last:
                smaller = smaller + 1
            last = s
            s = ""
        i = i + 1
    print(lines)
    print(total)
    print(smaller)
    print(len(s))
    print(last)
    print(s)


main()
