# Reduced input: bench/heldout/bytecode_vm with smaller sizes (tests/conformance/small/make_small.py)
# Python twin of bytecode_vm.cpasm: a tiny register-and-stack virtual
# machine written in the language itself -- a loop that fetches an int opcode
# from an array and dispatches with a chain of comparisons -- running two
# small programs (a sum of squares mod 1009, an iterative Fibonacci mod
# 1000000007) many times with different inputs.
# Opcodes: 0 PUSH imm, 1 LOAD r, 2 STORE r, 3 ADD, 4 SUB, 5 MUL, 6 MOD,
# 7 LT, 8 JF addr, 9 JMP addr, 10 HALT (returns the top of the stack), 11 DUP.
steps = 0


def run(code, regs):
    global steps
    stack = [None] * 16
    sp = 0
    pc = 0
    while True:
        op = code[pc]
        steps = steps + 1
        if op == 0:
            stack[sp] = code[pc + 1]
            sp = sp + 1
            pc = pc + 2
        elif op == 1:
            stack[sp] = regs[code[pc + 1]]
            sp = sp + 1
            pc = pc + 2
        elif op == 2:
            sp = sp - 1
            regs[code[pc + 1]] = stack[sp]
            pc = pc + 2
        elif op == 3:
            sp = sp - 1
            stack[sp - 1] = stack[sp - 1] + stack[sp]
            pc = pc + 1
        elif op == 4:
            sp = sp - 1
            stack[sp - 1] = stack[sp - 1] - stack[sp]
            pc = pc + 1
        elif op == 5:
            sp = sp - 1
            stack[sp - 1] = stack[sp - 1] * stack[sp]
            pc = pc + 1
        elif op == 6:
            sp = sp - 1
            stack[sp - 1] = stack[sp - 1] % stack[sp]
            pc = pc + 1
        elif op == 7:
            sp = sp - 1
            stack[sp - 1] = stack[sp - 1] < stack[sp]
            pc = pc + 1
        elif op == 8:
            sp = sp - 1
            if stack[sp]:
                pc = pc + 2
            else:
                pc = code[pc + 1]
        elif op == 9:
            pc = code[pc + 1]
        elif op == 10:
            return stack[sp - 1]
        else:
            stack[sp] = stack[sp - 1]
            sp = sp + 1
            pc = pc + 1


SUMSQ = [0, 0, 2, 0, 0, 0, 2, 1, 1, 0, 1, 2, 7, 8, 36, 1, 1, 1, 0, 11, 5, 0, 1009, 6, 3, 2, 1,
         1, 0, 0, 1, 3, 2, 0, 9, 8, 1, 1, 10]
FIB = [0, 0, 2, 1, 0, 1, 2, 2, 0, 0, 1, 0, 7, 8, 42, 1, 1, 1, 2, 3, 0, 1000000007, 6, 2, 3,
       1, 2, 2, 1, 1, 3, 2, 2, 1, 0, 0, 1, 4, 2, 0, 9, 8, 1, 1, 10]


def main():
    global steps
    total = 0
    rep = 0
    while rep < 10:
        regs = [0, 0, 100 + rep, 0]
        total = (total + run(SUMSQ, regs)) & 0xffffffff
        regs = [70 + rep, 0, 0, 0]
        total = (total * 3 + run(FIB, regs)) & 0xffffffff
        rep = rep + 1
    print("sumsq(399) = " + str(run(SUMSQ, [0, 0, 399, 0])))
    print("fib(369) mod 1000000007 = " + str(run(FIB, [369, 0, 0, 0])))
    print("checksum " + str(total) + " steps " + str(steps))


main()
