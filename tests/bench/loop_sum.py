# Python twin of loop_sum.cpasm.
def main():
    s = 0
    i = 0
    while i < 50000:
        s += i
        i += 1
    print(s)


main()
