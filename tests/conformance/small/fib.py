# Reduced input: examples/fib with smaller sizes (tests/conformance/small/make_small.py)
# Python twin of fib.cpasm: naive doubly recursive Fibonacci.
def fib(n):
    if n < 2:
        return n
    return fib(n - 1) + fib(n - 2)


def main():
    print(fib(20))


main()
