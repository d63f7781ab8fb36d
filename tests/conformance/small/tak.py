# Reduced input: bench/heldout/tak with smaller sizes (tests/conformance/small/make_small.py)
# Python twin of tak.cpasm: the Takeuchi function, deep non-tail recursion
# with three arguments, plus a global call counter.
calls = 0


def tak(x, y, z):
    global calls
    calls = calls + 1
    if y < x:
        return tak(tak(x - 1, y, z), tak(y - 1, z, x), tak(z - 1, x, y))
    return z


def run(x, y, z):
    global calls
    calls = 0
    r = tak(x, y, z)
    print("tak(" + str(x) + ", " + str(y) + ", " + str(z) + ") = " + str(r) + " calls " + str(calls))
    return r


def main():
    total = 0
    total = total + run(9, 6, 3)
    total = total + run(16, 8, 2)
    total = total + run(10, 5, 2)
    total = total + run(11, 7, 3)
    total = total + run(10, 6, 2)
    total = total + run(12, 8, 4)
    print(total)


main()
