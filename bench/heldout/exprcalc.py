# Python twin of exprcalc.cpasm: a calculator over expression texts held as
# arrays of character codes (the language has no character access on
# strings): a generator writes random expressions (numbers, variables a-h,
# unary minus, + - * / %, parentheses, spaces) from an LCG; a tokenizer turns
# the codes into parallel arrays of token kinds and values; a
# recursive-descent parser evaluates them with the usual precedence, modulo
# 1000003 (a division or modulo by zero gives 0); some texts are printed
# through a table of one-character strings. Prints checksums.

seed = 0
text = []
kinds = []
values = []
pos = 0
env = []


def rand(n):
    global seed
    seed = (seed * 1103515245 + 12345) & 0x7fffffff
    return (seed >> 8) % n


def put(c):
    text.append(c)
    if rand(6) == 0:
        text.append(32)


def gen_number():
    digits = 1 + rand(4)
    first = 49 + rand(9)
    text.append(first)
    k = 1
    while k < digits:
        text.append(48 + rand(10))
        k = k + 1
    if rand(4) == 0:
        text.append(32)


def gen(depth):
    r = rand(10)
    if depth == 0 or r < 2:
        if rand(3) == 0:
            put(97 + rand(8))
        else:
            gen_number()
        return
    if r == 2:
        put(45)
        gen(depth - 1)
        return
    if r < 5:
        put(40)
        gen(depth - 1)
        put(41)
        return
    gen(depth - 1)
    op = rand(5)
    if op == 0:
        put(43)
    elif op == 1:
        put(45)
    elif op == 2:
        put(42)
    elif op == 3:
        put(47)
    else:
        put(37)
    gen(depth - 1)


def tokenize():
    i = 0
    n = len(text)
    while i < n:
        c = text[i]
        if c == 32:
            i = i + 1
        elif c >= 48 and c <= 57:
            v = 0
            while i < n and text[i] >= 48 and text[i] <= 57:
                v = v * 10 + (text[i] - 48)
                i = i + 1
            kinds.append(1)
            values.append(v)
        elif c >= 97 and c <= 122:
            kinds.append(2)
            values.append(c - 97)
            i = i + 1
        else:
            kinds.append(3)
            values.append(c)
            i = i + 1
    kinds.append(0)
    values.append(0)


def peek_op():
    if kinds[pos] == 3:
        return values[pos]
    return 0


def parse_primary():
    global pos
    k = kinds[pos]
    v = values[pos]
    pos = pos + 1
    if k == 1:
        return v % 1000003
    if k == 2:
        return env[v]
    if v == 45:
        return (0 - parse_primary()) % 1000003
    r = parse_sum()
    pos = pos + 1
    return r


def parse_product():
    global pos
    v = parse_primary()
    while True:
        op = peek_op()
        if op == 42:
            pos = pos + 1
            v = (v * parse_primary()) % 1000003
        elif op == 47 or op == 37:
            pos = pos + 1
            d = parse_primary()
            if d == 0:
                v = 0
            elif op == 47:
                v = v // d
            else:
                v = v % d
        else:
            return v


def parse_sum():
    global pos
    v = parse_product()
    while True:
        op = peek_op()
        if op == 43:
            pos = pos + 1
            v = (v + parse_product()) % 1000003
        elif op == 45:
            pos = pos + 1
            v = (v - parse_product()) % 1000003
        else:
            return v


def show(chars):
    s = ""
    i = 0
    while i < len(text):
        s = s + chars[text[i]]
        i = i + 1
    return s


def char_table():
    chars = [None] * 128
    chars[32] = " "
    chars[37] = "%"
    chars[40] = "("
    chars[41] = ")"
    chars[42] = "*"
    chars[43] = "+"
    chars[45] = "-"
    chars[47] = "/"
    chars[48] = "0"
    chars[49] = "1"
    chars[50] = "2"
    chars[51] = "3"
    chars[52] = "4"
    chars[53] = "5"
    chars[54] = "6"
    chars[55] = "7"
    chars[56] = "8"
    chars[57] = "9"
    chars[97] = "a"
    chars[98] = "b"
    chars[99] = "c"
    chars[100] = "d"
    chars[101] = "e"
    chars[102] = "f"
    chars[103] = "g"
    chars[104] = "h"
    return chars


def main():
    global seed, text, kinds, values, pos, env
    seed = 2718
    chars = char_table()
    env = [None] * 8
    total = 0
    chars_seen = 0
    tokens_seen = 0
    zeros = 0
    count = 0
    while count < 40000:
        k = 0
        while k < 8:
            env[k] = rand(1000003)
            k = k + 1
        text = []
        gen(2 + rand(7))
        kinds = []
        values = []
        tokenize()
        pos = 0
        v = parse_sum()
        if kinds[pos] != 0:
            print("parse stopped early")
        chars_seen = chars_seen + len(text)
        tokens_seen = tokens_seen + len(kinds)
        if v == 0:
            zeros = zeros + 1
        total = (total * 131 + v) & 0xffffffffff
        if count % 5000 == 0:
            print(show(chars))
            print(v)
        count = count + 1
    print(chars_seen)
    print(tokens_seen)
    print(zeros)
    print(total)


main()
