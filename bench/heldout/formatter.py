# Python twin of formatter.cpasm: numbers turned into text by string
# building alone (str, +, len, comparisons): right-aligned padded columns,
# zero-padded and thousands-grouped decimals, hexadecimal through an array of
# digit strings, fixed-point with two decimals from ints; one report line per
# LCG-drawn record; the longest line (the greatest of equal length), the
# total length and a checksum whose update a string comparison chooses.
# Prints every 60000th line and the totals.


def pad_left(text, width, fill):
    while len(text) < width:
        text = fill + text
    return text


def grouped(n):
    if n < 0:
        return "-" + grouped(0 - n)
    if n < 1000:
        return str(n)
    return grouped(n // 1000) + "," + pad_left(str(n % 1000), 3, "0")


def hex_text(n, digits):
    if n == 0:
        return "0x0"
    text = ""
    while n > 0:
        text = digits[n & 15] + text
        n = n >> 4
    return "0x" + text


def fixed2(cents):
    sign = ""
    if cents < 0:
        sign = "-"
        cents = 0 - cents
    return sign + str(cents // 100) + "." + pad_left(str(cents % 100), 2, "0")


def report(count, seed, digits):
    x = seed
    total_len = 0
    longest = ""
    widest = 0
    check = 0
    k = 0
    while k < count:
        x = (x * 1103515245 + 12345) & 0x7fffffff
        amount = (x >> 3) - 134217728
        x = (x * 1103515245 + 12345) & 0x7fffffff
        ident = x >> 7
        line = pad_left(str(k), 7, " ") + " | " + pad_left(grouped(amount), 14, " ") + " | "
        line = line + pad_left(hex_text(ident, digits), 10, " ") + " | " + pad_left(fixed2(amount), 13, " ")
        n = len(line)
        total_len = total_len + n
        if n > widest or (n == widest and line > longest):
            widest = n
            longest = line
        if line < "   1000":
            check = (check * 3 + n) & 0xffffffff
        else:
            check = (check * 5 + n + 1) & 0xffffffff
        if k % 60000 == 0:
            print(line)
        k = k + 1
    print(longest)
    print(total_len)
    print(check)


def main():
    digits = []
    digits.append("0")
    digits.append("1")
    digits.append("2")
    digits.append("3")
    digits.append("4")
    digits.append("5")
    digits.append("6")
    digits.append("7")
    digits.append("8")
    digits.append("9")
    digits.append("a")
    digits.append("b")
    digits.append("c")
    digits.append("d")
    digits.append("e")
    digits.append("f")
    report(300000, 31337, digits)


main()
