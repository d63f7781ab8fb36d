#!/usr/bin/env python3
"""Structure-aware generator of random, valid, terminating .cpasm programs.

  gen_program.py --seed N            print the program for seed N
  gen_program.py --seed N -o F       write it to F

The same seed always gives the same program (the generator uses only its own
random.Random(seed)). Programs are built for differential testing of the
tiers (`--jit=off` against `--jit=uops` ...), so they aim at what Tier 2 does
differently: hot loops (hundreds of iterations), calls of small helpers that
get inlined, recursion, guards that fail (type changes mid-loop, globals that
flip type, branches that alternate), ints around the 48-bit inline boundary
(+-2^47) and the int64 edges, floats with nan/inf/-0.0, strings, arrays
(nested, self-containing) and, sometimes, a runtime error raised inside a
loop or a call.

Why every program is valid:
  * every statement leaves the operand stack as it found it and every
    expression pushes exactly one value, so every label is reached with the
    same depth on every path (branches are only at statement level, or in the
    `select`/`and`/`or` expression forms that join with one value on both
    sides);
  * every function ends with `ret`;
  * only declared locals, globals, labels and functions are named.
Why every program terminates:
  * loops count with an int counter that no other code writes, with a fixed
    trip count;
  * helper k only calls helpers with a larger index (no cycles), except
    bounded self-recursion on a depth parameter that decreases by one and
    stops at <= 0 (the depth argument at a call site is bounded by `band`);
  * a cost estimate (instructions x enclosing trip counts, callee costs)
    keeps the whole run small.
Runtime errors (type, overflow, index, division by zero, stack overflow ...)
come either from a deliberate "bad" statement behind a condition (an
iteration count, a call count) or naturally (e.g. a product overflowing); a
program ends at its first error, so they are kept occasional.
"""
import argparse
import random
import sys

P47 = 1 << 47
I64_MAX = (1 << 63) - 1
I64_MIN = -(1 << 63)

EDGE_INTS = [
    P47 - 1, P47, P47 + 1, -P47, -P47 - 1, -P47 + 1, P47 - 2, -P47 + 2,
    I64_MAX, I64_MIN, I64_MAX - 1, I64_MIN + 1, 1 << 53, (1 << 53) + 1,
    1 << 31, -(1 << 31), 1 << 32, (1 << 62), -(1 << 62), 0x7FFFFFFF, 0,
]
SMALL_INTS = [0, 1, 2, 3, -1, -2, 5, 7, 10, 16, 100, 255, -100, 1000, 65535]
FLOATS = ["0.0", "-0.0", "1.0", "-1.0", "0.5", "2.5", "-3.75", "0.1", "1e+16", "1e-05",
          "1e300", "-1e300", "1e-300", "inf", "-inf", "nan", "3.141592653589793",
          "9007199254740992.0", "140737488355328.0", "1.5e-07", "123456.789"]
STRINGS = ['""', '"a"', '"abc"', '"x y"', '"tab\\there"', '"q\\"uote"', '"back\\\\slash"',
           '"nl\\nx"', '"\\x01\\x1f"', '"\\xc3\\xa9"', '"zz"', '"A"', '"0"', '"-1"']

TYPES_VAL = ["int", "float", "num", "str", "arr", "box", "any", "bool"]


class Func:
    def __init__(self, name, params, ret, is_main=False):
        self.name = name
        self.params = params            # [(name, type)]
        self.ret = ret                  # return type
        self.is_main = is_main
        self.locals = []                # [(name, type)] beyond params
        self.lines = []
        self.cost = 0                   # estimated instructions per call
        self.rec = None                 # "lin" / "bin" when self-recursive
        self.rec_calls_left = 0
        self.error_site = False


class Gen:
    def __init__(self, seed):
        self.r = random.Random(seed)
        self.seed = seed
        self.nlabel = 0
        self.funcs = []                 # helpers, index order
        self.globals = [("g_int", "int"), ("g_num", "num"), ("g_any", "any"), ("g_tick", "int")]
        # program-wide knobs, so programs differ in character
        r = self.r
        self.p_error = 0.35             # chance the program has a deliberate error site
        self.p_edge = r.choice([0.03, 0.08, 0.15])
        self.p_float = r.choice([0.2, 0.4, 0.6])
        self.max_expr_depth = r.choice([2, 3, 3, 4])
        self.hot = r.choice([70, 100, 150, 200, 300, 400])
        self.errors_planted = 0
        self.max_errors = 1 if r.random() < self.p_error else 0

    # ---- emission ----------------------------------------------------
    def label(self):
        self.nlabel += 1
        return "L%d" % self.nlabel

    def emit(self, *ins):
        for i in ins:
            self.f.lines.append("    " + i)
            self.f.cost += self.mult

    def place(self, lab):
        self.f.lines.append(lab + ":")

    # ---- variables ---------------------------------------------------
    def vars_of(self, t):
        """Locals/params readable as type t (loop counters read as int)."""
        out = []
        for n, vt in self.f.params + self.f.locals:
            if n not in self.inited:
                continue
            if vt == t or (t == "num" and vt in ("int", "float")) or (t == "any" and vt not in ("ctr", "depth")) \
                    or (t == "int" and vt == "ctr" and n in self.live_ctrs) or (t == "int" and vt == "depth"):
                out.append(n)
        return out

    def gok(self, g):
        return self.ginit is None or g in self.ginit

    def writable(self, t):
        return [n for n, vt in self.f.params + self.f.locals if vt == t and n in self.inited]

    # ---- expressions -------------------------------------------------
    def small_int(self):
        r = self.r
        if r.random() < 0.5:
            return r.choice(SMALL_INTS)
        return r.randint(-3000, 3000)

    def int_lit(self):
        if self.r.random() < self.p_edge:
            return self.r.choice(EDGE_INTS)
        return self.small_int()

    def expr(self, t, d=0):
        """Emit code pushing one value of type t."""
        r = self.r
        leaf = d >= self.max_expr_depth or r.random() < 0.3
        getattr(self, "e_" + t)(d, leaf)

    def e_int(self, d, leaf):
        r = self.r
        vs = self.vars_of("int")
        if leaf:
            c = r.random()
            if vs and c < 0.55:
                self.emit("load " + r.choice(vs))
            elif c < 0.62 and self.gok("g_int"):
                self.emit("gload g_int")
            else:
                self.emit("const %d" % self.int_lit())
            return
        k = r.randrange(16)
        if k < 4:
            self.expr("int", d + 1)
            self.expr("int", d + 1)
            self.emit(r.choice(["add", "sub", "add", "sub", "bxor", "band", "bor"]))
        elif k == 4:
            # mul, one side masked to keep overflow occasional
            self.expr("int", d + 1)
            self.expr("int", d + 1)
            self.emit("const %d" % r.choice([3, 255, 1023]), "band", "mul")
        elif k == 5:
            # floor division / modulo by a divisor that is never 0
            self.expr("int", d + 1)
            self.expr("int", d + 1)
            self.emit("const 7", "band", "const %d" % r.choice([1, 2, -9]), "add")
            self.emit(r.choice(["idiv", "mod"]))
        elif k == 6:
            self.expr("int", d + 1)
            self.emit("const 65535", "band")
            self.expr("int", d + 1)
            self.emit("const 15", "band", "shl")
        elif k == 7:
            self.expr("int", d + 1)
            self.expr("int", d + 1)
            self.emit("const 63", "band", "shr")
        elif k == 8:
            self.expr("int", d + 1)
            self.emit(r.choice(["neg", "bnot"]))
        elif k == 9:
            self.expr(r.choice(["str", "arr", "box"]), d + 1)
            self.emit("len")
        elif k == 10:
            # toint of a float that is finite and in range
            self.expr("num" if r.random() < 0.1 else "int", d + 1)
            self.emit("tofloat", "const 1e6", "mod", "toint")
        elif k == 11:
            self.call_expr("int", d)
        elif k == 12:
            self.select("int", d)
        elif k == 13:
            # stack shuffles
            self.expr("int", d + 1)
            self.expr("int", d + 1)
            form = r.randrange(3)
            if form == 0:
                self.emit("swap", "sub")
            elif form == 1:
                self.emit("over", "add", "add")
            else:
                self.emit("pop", "dup", "add")
        elif k == 14:
            # arithmetic that crosses the 48-bit boundary
            self.expr("int", d + 1)
            self.emit("const 1023", "band")
            self.emit("const %d" % r.choice([P47 - 1, P47 - 512, -P47, -P47 + 300, P47]))
            self.emit(*r.choice([["add"], ["sub"], ["swap", "sub"]]))
        else:
            self.emit("load " + r.choice(vs) if vs else "const %d" % self.int_lit())

    def e_float(self, d, leaf):
        r = self.r
        vs = self.vars_of("float")
        if leaf:
            if vs and r.random() < 0.5:
                self.emit("load " + r.choice(vs))
            else:
                self.emit("const " + r.choice(FLOATS))
            return
        k = r.randrange(9)
        if k < 3:
            self.expr("float", d + 1)
            self.expr("num", d + 1)
            if r.random() < 0.5:
                self.emit("swap")
            self.emit(r.choice(["add", "sub", "mul"]))
        elif k == 3:
            self.expr("num", d + 1)
            self.emit("tofloat")
        elif k == 4:
            self.expr("num", d + 1)
            self.emit("sqrt")
        elif k == 5:
            # true division by something that is never 0 (>= 1, inf or nan)
            self.expr("num", d + 1)
            self.expr("num", d + 1)
            self.emit("tofloat", "dup", "mul", "const 1.0", "add", "div")
        elif k == 6:
            self.expr("float", d + 1)
            self.emit(r.choice(["const 2.5", "const -0.75", "const 1e-3", "const inf"]))
            self.emit(r.choice(["idiv", "mod"]))
        elif k == 7:
            self.call_expr("float", d)
        else:
            self.expr("float", d + 1)
            self.emit("neg")

    def e_num(self, d, leaf):
        r = self.r
        vs = self.vars_of("num")
        if leaf:
            c = r.random()
            if vs and c < 0.5:
                self.emit("load " + r.choice(vs))
            elif c < 0.58 and self.gok("g_num"):
                self.emit("gload g_num")
            elif c < 0.58 + self.p_float * 0.4:
                self.emit("const " + r.choice(FLOATS))
            else:
                self.emit("const %d" % self.int_lit())
            return
        k = r.randrange(9)
        if k < 3:
            self.expr("num", d + 1)
            self.expr("num", d + 1)
            self.emit(r.choice(["add", "sub", "add"]))
        elif k == 3:
            self.expr(r.choice(["int", "float"]), d)
        elif k == 4:
            self.aget_num(d)
        elif k == 5:
            self.call_expr("num", d)
        elif k == 6:
            self.select("num", d)
        elif k == 7:
            self.expr("num", d + 1)
            self.expr("int", d + 1)
            self.emit("const 255", "band", "mul")
        else:
            self.expr("num", d + 1)
            self.expr("int", d + 1)
            self.emit("const 7", "band", "const 1", "add", r.choice(["idiv", "mod"]))

    def aget_num(self, d):
        arrs = self.vars_of("arr")
        if not arrs:
            self.emit("const %d" % self.small_int())
            return
        a = self.r.choice(arrs)
        self.emit("load " + a)
        self.expr("int", d + 1)
        self.emit("load " + a, "len", "mod", "aget")

    def e_str(self, d, leaf):
        r = self.r
        vs = self.vars_of("str")
        if leaf:
            if vs and r.random() < 0.5:
                self.emit("load " + r.choice(vs))
            else:
                self.emit("const " + r.choice(STRINGS))
            return
        k = r.randrange(6)
        if k < 2:
            self.expr("str", d + 1)
            self.expr("str", d + 1)
            self.emit("concat")
        elif k == 2:
            self.expr(r.choice(["int", "float", "num", "bool", "any"]), d + 1)
            self.emit("tostr")
        elif k == 3:
            self.call_expr("str", d)
        elif k == 4:
            self.select("str", d)
        else:
            self.expr("str", d + 1)
            self.emit("const " + r.choice(STRINGS), "swap", "concat")

    def e_bool(self, d, leaf):
        r = self.r
        k = r.randrange(8)
        if leaf and k > 2:
            k = 0
        if k == 0:
            self.expr("num", d + 1)
            self.expr("num", d + 1)
            self.emit(r.choice(["lt", "le", "gt", "ge"]))
        elif k == 1:
            t = r.choice(["int", "num", "str", "any", "float"])
            self.expr(t, d + 1)
            self.expr(t if r.random() < 0.7 else "any", d + 1)
            self.emit(r.choice(["eq", "ne"]))
        elif k == 2:
            self.expr(r.choice(TYPES_VAL), d + 1)
            self.emit("not")
        elif k == 3:
            self.expr("str", d + 1)
            self.expr("str", d + 1)
            self.emit(r.choice(["lt", "le", "gt", "ge"]))
        elif k == 4:
            self.emit("const " + r.choice(["true", "false"]))
        elif k == 5:
            # short-circuit and/or, leaving one value on both paths
            end = self.label()
            self.expr(r.choice(["bool", "int", "num"]), d + 1)
            self.emit("dup", "%s %s" % (r.choice(["jf", "jt"]), end), "pop")
            self.expr("bool", d + 1)
            self.place(end)
            self.emit("not", "not")
        else:
            self.expr("int", d + 1)
            self.emit("const 1", "band")
            self.emit("const 0", "eq")

    def e_arr(self, d, leaf):
        vs = self.vars_of("arr")
        if vs and (leaf or self.r.random() < 0.8):
            self.emit("load " + self.r.choice(vs))
        else:
            self.new_num_array(d)

    def new_num_array(self, d):
        n = self.r.randint(1, 4)
        self.emit("const 0", "newarray")
        for _ in range(n):
            self.emit("dup")
            self.expr("num", self.max_expr_depth)
            self.emit("apush")

    def e_box(self, d, leaf):
        vs = self.vars_of("box")
        if vs and (leaf or self.r.random() < 0.8):
            self.emit("load " + self.r.choice(vs))
        else:
            self.emit("const %d" % self.r.randint(1, 3), "newarray")

    def e_any(self, d, leaf):
        r = self.r
        c = r.random()
        vs = self.writable("any")
        if vs and c < 0.35:
            self.emit("load " + r.choice(vs))
        elif c < 0.45 and self.gok("g_any"):
            self.emit("gload g_any")
        elif c < 0.55 and self.vars_of("box"):
            b = r.choice(self.vars_of("box"))
            self.emit("load " + b)
            self.expr("int", d + 1)
            self.emit("load " + b, "len", "mod", "aget")
        elif c < 0.6:
            self.emit("const nil")
        else:
            self.expr(r.choice(["int", "float", "num", "str", "bool", "arr"]), d + 1)

    def select(self, t, d):
        """cond ? a : b with one value on both paths."""
        els, end = self.label(), self.label()
        self.expr("bool", d + 1)
        self.emit("jf " + els)
        self.expr(t, d + 1)
        self.emit("jmp " + end)
        self.place(els)
        self.expr(t, d + 1)
        self.place(end)

    def call_expr(self, t, d):
        """A call of a helper returning t, or of this function recursively."""
        r = self.r
        f = self.f
        if f.rec and f.rec_calls_left > 0 and f.ret == t and self.in_rec_body:
            f.rec_calls_left -= 1
            self.emit("load d", "const 1", "sub")
            for n, pt in f.params[1:]:
                self.expr(pt, self.max_expr_depth)
            self.emit("call " + f.name)
            return
        budget = self.budget_left()
        cands = [h for h in self.callable if h.ret == t and h.cost * self.mult <= budget]
        if not cands or d > self.max_expr_depth:
            self.expr(t, self.max_expr_depth + 1)
            return
        h = r.choice(cands)
        self.emit_call(h)

    def emit_call(self, h):
        for i, (n, pt) in enumerate(h.params):
            if i == 0 and h.rec:
                self.expr("int", self.max_expr_depth)
                self.emit("const %d" % {"lin": 15, "bin": 7, "mut": 31}[h.rec], "band")
            else:
                self.expr(pt, self.max_expr_depth - 1)
        self.f.cost += h.cost * self.mult
        self.emit("call " + h.name)

    def budget_left(self):
        return max(0, self.budget - self.f.cost)

    # ---- statements --------------------------------------------------
    def stmts(self, n, depth):
        for _ in range(n):
            self.stmt(depth)

    def stmt(self, depth):
        r = self.r
        f = self.f
        in_loop = bool(self.live_ctrs)
        choices = [
            ("assign", 10), ("print", 4 if not in_loop else 2), ("if", 4), ("loop", 3 if depth < 2 else 0),
            ("gstore", 3), ("aset", 3), ("box", 2), ("call", 3), ("exprstmt", 2),
            ("flip", 4 if in_loop else 0), ("alt", 4 if in_loop else 0), ("acc", 5 if in_loop else 1),
            ("bad", 2 if self.errors_planted < self.max_errors else 0),
            ("ret", 1 if not f.is_main and depth > 0 else 0),
            ("brk", 1 if in_loop else 0),
            ("churn", 1 if in_loop and self.mult <= 500 else 0),
            ("latecall", 6 if in_loop and self.callable else 0),
        ]
        tot = sum(w for _, w in choices)
        x = r.uniform(0, tot)
        for k, w in choices:
            x -= w
            if x <= 0:
                break
        getattr(self, "s_" + k)(depth)

    def s_assign(self, depth):
        r = self.r
        t = r.choice(["int", "int", "float", "num", "num", "str", "any", "arr", "box"])
        vs = self.writable(t)
        if not vs:
            return
        v = r.choice(vs)
        if t == "arr":
            self.new_num_array(0)
        elif t == "box":
            self.e_box(0, False)
        elif t == "any":
            self.expr(r.choice(["int", "float", "str", "arr", "bool", "any"]), 1)
        else:
            self.expr(t, 0)
        if t in ("str", "any"):
            self.clamp_text()
        elif t in ("int", "num"):
            self.clamp_number()
        self.emit("store " + v)

    def clamp_number(self):
        """Usually keeps a number below 2^50 (still past the 48-bit inline
        range), so repeated updates in a loop rarely overflow int64."""
        if self.r.random() < 0.85:
            self.emit("const %d" % (1 << 50), "mod")

    def clamp_text(self):
        """Keeps text short (no doubling in loops): long values become ""."""
        keep = self.label()
        self.emit("dup", "tostr", "len", "const 60", "gt", "jf " + keep, "pop", "const \"\"")
        self.place(keep)

    def s_print(self, depth):
        t = self.r.choice(TYPES_VAL)
        if t in ("arr", "box") and self.live_ctrs:
            t = "num"
        self.expr(t, 1)
        self.emit("print")

    def s_exprstmt(self, depth):
        self.expr(self.r.choice(TYPES_VAL), 0)
        self.emit("pop")

    def s_if(self, depth):
        els, end = self.label(), self.label()
        self.expr(self.r.choice(["bool", "bool", "int", "any", "num"]), 1)
        self.emit(self.r.choice(["jf ", "jt "]) + els)
        self.stmts(self.r.randint(1, 3), depth + 1)
        if self.r.random() < 0.6:
            self.emit("jmp " + end)
            self.place(els)
            self.stmts(self.r.randint(1, 2), depth + 1)
            self.place(end)
        else:
            self.place(els)

    def s_gstore(self, depth):
        g, t = self.r.choice(self.globals[:3])
        self.expr(t, 1)
        if t == "any":
            self.clamp_text()
        self.emit("gstore " + g)

    def s_aset(self, depth):
        arrs = self.vars_of("arr")
        if not arrs:
            return self.s_assign(depth)
        a = self.r.choice(arrs)
        if self.r.random() < 0.25 and not (self.live_ctrs and self.mult > 50):
            self.emit("load " + a)
            self.expr("num", 1)
            self.emit("apush")
            return
        self.emit("load " + a)
        self.expr("int", 1)
        self.emit("load " + a, "len", "mod")
        self.expr("num", 1)
        self.emit("aset")

    def s_box(self, depth):
        boxes = self.vars_of("box")
        if not boxes:
            return self.s_assign(depth)
        b = self.r.choice(boxes)
        k = self.r.randrange(5)
        if k == 0 and not self.live_ctrs:
            self.emit("load " + b, "dup", "apush")      # contains itself
        elif k == 1 and not self.live_ctrs:
            self.emit("load " + b)
            self.expr("arr", 1)
            self.emit("apush")
        elif k == 2:
            self.emit("load " + b)
            self.expr("int", 1)
            self.emit("load " + b, "len", "mod")
            self.expr(self.r.choice(["int", "float", "str", "arr", "any"]), 1)
            self.emit("aset")
        elif k == 3:
            self.emit("load " + b)
            self.emit("tostr", "len", "pop")
        else:
            self.emit("load " + b)
            if self.live_ctrs:
                self.emit("len")
            self.emit("print")

    def s_call(self, depth):
        budget = self.budget_left()
        cands = [h for h in self.callable if h.cost * self.mult <= budget]
        if not cands:
            return self.s_assign(depth)
        h = self.r.choice(cands)
        self.emit_call(h)
        if self.r.random() < 0.5:
            self.emit("print")
        else:
            self.emit("pop")

    def s_latecall(self, depth):
        """A call made only from some iteration on (or every other one): the
        loop's trace exists before the callee's entry count is hot, so the
        call is inlined, or grows a side trace that inlines it."""
        r = self.r
        c, n, _, _ = self.loop_stack[-1]
        skip = self.label()
        if r.random() < 0.5:
            self.emit("load " + c, "const %d" % r.randint(1, max(1, n // 2)), r.choice(["ge", "gt"]), "jf " + skip)
        else:
            self.emit("load " + c, "const 2", "mod", r.choice(["jt ", "jf "]) + skip)
        budget = self.budget_left()
        cands = [h for h in self.callable if h.cost * self.mult <= budget]
        if not cands:
            self.place(skip)
            return
        h = r.choice(cands)
        self.call_and_use(h)
        self.place(skip)

    def call_and_use(self, h):
        """Calls h and uses the result in typed arithmetic stored to a local,
        then more arithmetic on locals (guards after an inlined frame)."""
        r = self.r
        self.emit_call(h)
        t = h.ret
        vs = self.writable(t) if t in ("int", "num", "float", "str") else []
        if not vs:
            self.emit(r.choice(["print", "pop"]))
        else:
            if t != "str":
                # use the result in typed arithmetic (its guards) and more
                # arithmetic on locals after it
                self.expr("int" if t == "int" else "num", 2)
                self.emit(r.choice(["add", "sub"]))
                self.clamp_number()
            else:
                self.clamp_text()
            self.emit("store " + r.choice(vs))
            if t != "str" and r.random() < 0.7 and self.writable("num"):
                v = r.choice(self.writable("num"))
                self.emit("load " + r.choice(self.writable("num") + self.writable("int")),
                          "load " + r.choice(self.vars_of("num")), "add")
                self.clamp_number()
                self.emit("store " + v)

    def s_ret(self, depth):
        skip = self.label()
        self.expr("bool", 1)
        self.emit("jf " + skip)
        self.expr(self.f.ret, 1)
        self.emit("ret")
        self.place(skip)

    def s_brk(self, depth):
        # leave the innermost loop early at some iteration
        c, n, end, cont = self.loop_stack[-1]
        if self.r.random() < 0.5:
            # continue: skip the rest of this iteration, alternating or late
            self.emit("load " + c, "const %d" % self.r.choice([2, 3, 7]), "mod", "const 0",
                      self.r.choice(["eq", "ne"]), "jt " + cont)
            return
        self.emit("load " + c, "const %d" % self.r.randint(n // 2, n + 5), "eq", "jt " + end)

    def s_acc(self, depth):
        # accumulate into a local: makes values grow (crossing 2^47 sometimes)
        r = self.r
        t = r.choice(["int", "num", "str", "float"])
        vs = self.writable(t)
        if not vs:
            return self.s_assign(depth)
        v = r.choice(vs)
        self.emit("load " + v)
        if t == "str":
            self.expr("int", 2)
            self.emit("const 7", "band", "tostr", "concat")
            # keep strings short: restart them now and then
            self.emit("dup", "len", "const 40", "gt")
            keep = self.label()
            self.emit("jf " + keep, "pop", "const \"\"")
            self.place(keep)
        elif t == "int":
            if r.random() < 0.3:
                self.emit("const %d" % r.choice([P47 // 300 + 1, (1 << 62) // 500, 12345678901, 1 << 40]))
            else:
                self.expr("int", 2)
            self.emit(r.choice(["add", "sub", "add"]))
            self.clamp_number()
        else:
            self.expr(t, 2)
            self.emit(r.choice(["add", "sub", "add", "mul"]) if t == "float" else r.choice(["add", "sub"]))
            if t == "num":
                self.clamp_number()
        self.emit("store " + v)

    def s_churn(self, depth):
        """Allocation in a hot loop: the collector runs while traces run."""
        r = self.r
        size = r.choice([2000, 5000, 12000])
        if self.mult * size // 8 > self.budget_left():
            return self.s_assign(depth)
        self.emit("const %d" % size, "newarray")
        self.f.cost += self.mult * size // 8   # allocating and clearing it is not free
        if r.random() < 0.5:
            self.emit("dup", "const 0")
            self.expr("num", 2)
            self.emit("aset")
        self.emit("len")
        self.expr("int", 2)
        self.emit("add", "pop")

    def s_flip(self, depth):
        """A value changes type mid-loop: a local or a global."""
        r = self.r
        c = self.loop_stack[-1][0]
        n = self.loop_stack[-1][1]
        skip = self.label()
        self.emit("load " + c, "const %d" % r.randint(0, max(1, n)), r.choice(["eq", "ge", "gt"]), "jf " + skip)
        target = r.random()
        if target < 0.4 and self.writable("any"):
            v = r.choice(self.writable("any"))
            self.expr(r.choice(["float", "str", "int", "arr", "bool"]), 1)
            self.clamp_text()
            self.emit("store " + v)
        elif target < 0.6:
            self.expr("float" if r.random() < 0.7 else "int", 1)
            self.emit("gstore g_num")
        elif target < 0.8:
            self.expr(r.choice(["float", "str", "int", "bool"]), 1)
            self.clamp_text()
            self.emit("gstore g_any")
        elif self.writable("num"):
            self.expr("float", 1)
            self.emit("store " + r.choice(self.writable("num")))
        self.place(skip)
        # a use of the flipped value that every type supports
        if r.random() < 0.6:
            src = r.choice(["gload g_any", "gload g_num"] + ["load " + v for v in self.writable("any")])
            iv = self.writable("int")
            if iv:
                self.emit("load " + iv[0], src, "tostr", "len", "add", "store " + iv[0])

    def s_alt(self, depth):
        """A branch / type that alternates every other iteration."""
        r = self.r
        c = self.loop_stack[-1][0]
        els, end = self.label(), self.label()
        self.emit("load " + c, "const %d" % r.choice([2, 2, 3]), "mod", r.choice(["jf ", "jt "]) + els)
        nums = self.writable("num")
        if nums and r.random() < 0.7:
            v = r.choice(nums)
            self.emit("load " + c)
            self.emit("store " + v)
            self.emit("jmp " + end)
            self.place(els)
            self.emit("load " + c, "tofloat", "const 0.5", "mul", "store " + v)
            self.place(end)
            acc = r.choice(nums)
            self.emit("load " + acc, "load " + v, "add", "store " + acc)
        else:
            self.stmts(1, depth + 1)
            self.emit("jmp " + end)
            self.place(els)
            self.stmts(1, depth + 1)
            self.place(end)

    def s_bad(self, depth):
        """A deliberate runtime error, behind a condition so it fires late."""
        r = self.r
        self.errors_planted += 1
        skip = self.label()
        if self.live_ctrs:
            c, n, _, _ = self.loop_stack[-1]
            self.emit("load " + c, "const %d" % r.randint(0, n), "eq", "jf " + skip)
        else:
            # the K-th time this code runs (counts calls of a helper)
            self.emit("gload g_tick", "const 1", "add", "dup", "gstore g_tick",
                      "const %d" % r.randint(1, 150), "eq", "jf " + skip)
        k = r.randrange(12)
        arrs = self.vars_of("arr")
        if k == 0:
            self.emit("const \"s\"")
            self.expr("int", 2)
            self.emit(r.choice(["add", "sub", "lt", "mul"]))
        elif k == 1:
            self.emit("const %d" % r.choice([I64_MAX, I64_MAX - 3]))
            self.expr("int", 2)
            self.emit("const 255", "band", "const 5", "add", "add")
        elif k == 2:
            self.emit("const %d" % I64_MIN, "neg")
        elif k == 3 and arrs:
            a = r.choice(arrs)
            if r.random() < 0.5:
                self.emit("load " + a, "load " + a, "len", "aget")
            else:
                self.emit("load " + a, "const -1", "aget")
        elif k == 4:
            self.expr("num", 2)
            self.emit("const %s" % r.choice(["0", "0.0", "-0.0"]), r.choice(["idiv", "mod", "div"]))
        elif k == 5:
            self.emit("const 1", "const -1", r.choice(["shl", "shr"]))
        elif k == 6:
            self.emit("const %s" % r.choice(["nan", "inf", "-inf", "1e19"]), "toint")
        elif k == 7:
            self.emit("const -3", "newarray")
        elif k == 8:
            self.emit("const nil")
            self.emit(r.choice(["neg", "len", "bnot", "tofloat"]))
        elif k == 9:
            self.emit("const %d" % (1 << 40), "const %d" % (1 << 30), "mul")
        elif k == 10:
            self.emit("const 1", "const 64", "shl")
        else:
            self.emit("const true", "const 1", "add")
        self.emit("pop")
        self.place(skip)

    def s_loop(self, depth):
        r = self.r
        lvl = len(self.live_ctrs)
        c = "c%d" % lvl
        if self.f.is_main and lvl == 0:
            n = self.hot + r.randint(0, 40)
        elif lvl == 0:
            n = r.choice([3, 10, 40, self.hot])
        else:
            n = r.choice([2, 3, 5, 8, 20])
        budget = self.budget_left()
        while n > 2 and self.mult * n * 30 > budget:
            n //= 2
        if n < 2:
            return self.s_assign(depth)
        form = r.randrange(6)
        private = None
        if self.f.is_main and lvl == 0 and getattr(self, "private", None):
            private, self.private = self.private, None
            while n > 2 and self.mult * n * (30 + private.cost) > budget:
                n //= 2
            if self.mult * n * (30 + private.cost) > budget:
                private = None   # too expensive to call in a loop
            else:
                form = 4
        if self.f.is_main and lvl == 0 and r.random() < 0.3:
            form = 4   # entered in the middle: its back edge is hot before the calls in it
        top, end, cont = self.label(), self.label(), self.label()
        old_mult = self.mult
        if form == 5:
            self.expr(r.choice(["int", "num", "float"]), 2)   # the stack-carried accumulator
        self.live_ctrs.append(c)
        self.loop_stack.append((c, n, end, cont))
        nbody = r.randint(1, 5) if r.random() < 0.85 else r.randint(8, 20)
        if form == 0:     # while: test at the top, jmp back
            self.emit("const 0", "store " + c)
            self.place(top)
            self.emit("load " + c, "const %d" % n, "lt", "jf " + end)
            self.mult = old_mult * n
            self.stmts(nbody, depth + 1)
            self.place(cont)
            self.emit("load " + c, "const 1", "add", "store " + c, "jmp " + top)
            self.place(end)
        elif form == 1:   # do-while with jt back
            self.emit("const 0", "store " + c)
            self.place(top)
            self.mult = old_mult * n
            self.stmts(nbody, depth + 1)
            self.place(cont)
            self.emit("load " + c, "const 1", "add", "dup", "store " + c, "const %d" % n, "lt", "jt " + top)
            self.place(end)
        elif form == 2:   # count down, jf back
            self.emit("const %d" % n, "store " + c)
            self.place(top)
            self.mult = old_mult * n
            self.stmts(nbody, depth + 1)
            self.place(cont)
            self.emit("load " + c, "const 1", "sub", "dup", "store " + c, "const 0", "le", "jf " + top)
            self.place(end)
        elif form == 3:   # counter starting past the 48-bit boundary: boxed ints
            base = r.choice([P47 - n // 2, -P47 - n // 2, P47 - 1])
            self.emit("const %d" % base, "store " + c)
            self.place(top)
            self.emit("load " + c, "const %d" % (base + n), "lt", "jf " + end)
            self.mult = old_mult * n
            self.stmts(nbody, depth + 1)
            self.place(cont)
            self.emit("load " + c, "const 1", "add", "store " + c, "jmp " + top)
            self.place(end)
        elif form == 4:   # entered in the middle (the head is not the first block)
            mid = self.label()
            self.emit("const 0", "store " + c, "jmp " + mid)
            self.place(top)
            self.mult = old_mult * n
            if private:
                k = r.randint(0, nbody)
                self.stmts(k, depth + 1)
                self.call_and_use(private)
                self.stmts(nbody - k, depth + 1)
            else:
                self.stmts(nbody, depth + 1)
            self.place(cont)
            self.place(mid)
            self.emit("load " + c, "const 1", "add", "dup", "store " + c, "const %d" % n, "le", "jt " + top)
            self.place(end)
        else:             # an accumulator carried on the operand stack across iterations
            self.emit("const 0", "store " + c)
            self.place(top)
            self.emit("load " + c, "const %d" % n, "lt", "jf " + end)
            self.mult = old_mult * n
            self.stmts(nbody, depth + 1)
            self.expr(r.choice(["int", "num"]), 2)
            self.emit(r.choice(["add", "sub", "add"]))
            self.place(cont)
            self.emit("load " + c, "const 1", "add", "store " + c, "jmp " + top)
            self.place(end)
            nums = self.writable("num")
            if nums and r.random() < 0.7:
                self.emit("store " + r.choice(nums))
            else:
                self.emit("print")
        self.mult = old_mult
        self.live_ctrs.pop()
        self.loop_stack.pop()

    # ---- functions -----------------------------------------------------
    def init_locals(self):
        for n, t in self.f.locals:
            if t == "ctr":
                continue
            if t == "arr":
                self.new_num_array(0)
            elif t == "box":
                self.emit("const %d" % self.r.randint(1, 3), "newarray")
            elif t == "any" and self.r.random() < 0.3:
                self.inited.add(n)
                continue  # stays nil
            else:
                self.expr(t if t != "any" else "int", self.max_expr_depth)
            self.emit("store " + n)
            self.inited.add(n)

    def make_locals(self, f):
        r = self.r
        locs = [("i0", "int"), ("f0", "float"), ("n0", "num"), ("s0", "str"), ("a0", "arr"), ("v0", "any")]
        if r.random() < 0.7:
            locs += [("i1", "int"), ("n1", "num")]
        if r.random() < 0.5:
            locs += [("m0", "box")]
        if r.random() < 0.3:
            locs += [("v1", "any"), ("a1", "arr")]
        pnames = {n for n, _ in f.params}
        locs = [(n, t) for n, t in locs if n not in pnames] + [("c0", "ctr"), ("c1", "ctr"), ("c2", "ctr")]
        if r.random() < 0.6:
            # local indexes differ from function to function (the optimizer
            # tracks facts per frame by index)
            r.shuffle(locs)
        f.locals = locs

    def begin(self, f, budget):
        self.f = f
        self.mult = 1
        self.budget = budget
        self.live_ctrs = []
        self.loop_stack = []
        self.in_rec_body = False
        self.ginit = None
        self.inited = {n for n, _ in f.params} | {n for n, t in f.locals if t == "ctr"}

    def gen_helper(self, idx, n_helpers, name=None):
        r = self.r
        ret = r.choice(["int", "int", "num", "float", "str", "any"])
        rec = None
        if r.random() < 0.25:
            rec = r.choice(["lin", "lin", "bin"])
        params = []
        if rec:
            params.append(("d", "depth"))
        for k in range(r.randint(0 if not rec else 0, 3)):
            params.append(("p%d" % k, r.choice(["int", "int", "num", "float", "str", "arr", "any"])))
        f = Func(name or "h%d" % idx, params, ret)
        f.rec = rec
        self.make_locals(f)
        # helpers are small: loops only sometimes, few statements
        self.begin(f, budget=r.choice([300, 1500, 6000]))
        self.callable = self.funcs[idx + 1:]
        self.init_locals()
        if rec:
            base = self.label()
            self.emit("load d", "const 0", "le", "jf " + base)
            self.expr(ret, 1)
            self.emit("ret")
            self.place(base)
            f.rec_calls_left = 1 if rec == "lin" else 2
        self.stmts(r.randint(1, 4), 0)
        if rec:
            self.in_rec_body = True
            # the return value combines the recursive call(s)
            self.rec_expr(ret)
            self.in_rec_body = False
        elif r.random() < 0.4 and self.vars_of(ret):
            self.emit("load " + r.choice(self.vars_of(ret)))   # return a local as it is
        else:
            self.expr(ret, 0)
        self.emit("ret")
        per_call = f.cost
        if rec == "lin":
            f.cost = per_call * 16
        elif rec == "bin":
            f.cost = per_call * 256
        return f

    def rec_expr(self, ret):
        f = self.f
        while f.rec_calls_left > 0:
            self.call_expr(ret, 0)
            if f.rec_calls_left > 0:
                self.call_expr(ret, 0)
                self.emit({"int": "add", "num": "add", "float": "add", "str": "concat"}.get(ret, "eq"))
        if ret in ("int", "num", "float"):
            self.expr("int" if ret == "int" else "num", 1)
            self.emit("add")
        elif ret == "str":
            self.emit("dup", "len", "const 60", "gt")
            keep = self.label()
            self.emit("jf " + keep, "const 3", "tostr", "concat")
            self.place(keep)

    def gen_deep(self):
        """A helper for deep recursion: depth near the 10000-frame limit."""
        r = self.r
        f = Func("deep", [("d", "int"), ("acc", "num")], "num")
        f.locals = [("t", "any")]
        self.begin(f, budget=10 ** 9)
        base = self.label()
        self.emit("load d", "const 0", "le", "jf " + base, "load acc", "ret")
        self.place(base)
        flip = r.choice([None, 17, 500, 4000])
        self.emit("load d", "const 1", "sub", "load acc", "load d")
        if flip:
            # the accumulator turns float past some depth
            skip = self.label()
            self.emit("load d", "const %d" % flip, "lt", "jf " + skip, "tofloat")
            self.place(skip)
        self.emit("add", "call deep", "ret")
        return f

    def gen_mutual(self):
        """ma and mb call each other with a decreasing depth."""
        r = self.r
        out = []
        flip = r.choice([None, 3, 10, 2500])
        for me, other in (("ma", "mb"), ("mb", "ma")):
            f = Func(me, [("d", "depth"), ("x", "num")], "num")
            f.rec = "mut"
            f.locals = [("y", "num")]
            self.begin(f, budget=10 ** 9)
            base = self.label()
            self.emit("load d", "const 0", "le", "jf " + base, "load x", "ret")
            self.place(base)
            self.emit("load x", *r.choice([["const %d" % r.randint(-3, 9), r.choice(["add", "sub"])], ["neg"]]))
            if flip and me == "ma":
                skip = self.label()
                self.emit("load d", "const %d" % flip, "eq", "jf " + skip, "tofloat")
                self.place(skip)
            self.emit("store y")
            self.emit("load d", "const 1", "sub", "load y", "call " + other)
            if r.random() < 0.5:
                self.emit("load d", "add")
            self.emit("ret")
            f.cost = 32 * 20
            out.append(f)
        return out

    def program(self):
        r = self.r
        n_helpers = r.randint(1, 5) if r.random() < 0.8 else r.randint(6, 11)
        helpers = [None] * n_helpers
        for idx in range(n_helpers - 1, -1, -1):
            self.funcs = helpers
            helpers[idx] = self.gen_helper(idx, n_helpers)
        deep = self.gen_deep() if r.random() < 0.3 else None
        # a helper called from one place only, in a loop entered in the
        # middle: its entry never gets hot, so traces inline it
        private = None
        if r.random() < 0.5:
            self.funcs = helpers
            private = self.gen_helper(n_helpers, n_helpers, name="k0")
        mutual = self.gen_mutual() if r.random() < 0.3 else []
        main = Func("main", [], "any", is_main=True)
        self.make_locals(main)
        self.begin(main, budget=400000)
        self.callable = []
        self.ginit = set()
        for g, t in self.globals:
            if t == "any" and r.random() < 0.5:
                self.ginit.add(g)
                continue
            self.expr(t if t != "any" else "int", self.max_expr_depth)
            self.emit("gstore " + g)
            self.ginit.add(g)
        self.ginit = None
        self.callable = helpers + mutual
        self.private = private
        if mutual and r.random() < 0.3:
            self.emit("const %d" % r.choice([100, 3000, 9997, 9998, 9999]), "const 1", "call ma", "print")
        self.emit("const 0", "gstore g_tick")
        self.init_locals()
        if deep:
            depth = r.choice([10, 100, 3000, 9000, 9997, 9998, 10, 100, 3000, 9000, 9997, 9998, 9999, 12000])
            times = r.choice([1, 1, 3])
            self.emit("const 0", "store c0")
            top = self.label()
            self.place(top)
            self.emit("const %d" % depth, "const %s" % r.choice(["0", "0.5", "1"]), "call deep", "print")
            self.emit("load c0", "const 1", "add", "dup", "store c0", "const %d" % times, "lt", "jt " + top)
        # at least one hot loop
        self.s_loop(0)
        self.stmts(r.randint(2, 7), 0)
        if r.random() < 0.5:
            self.s_loop(0)
        # print a summary of the state
        for n, t in main.locals:
            if t != "ctr" and r.random() < 0.6:
                self.emit("load " + n, "print")
        self.emit("gload g_num", "print", "gload g_any", "print")
        self.emit("const nil", "ret")
        out = ["; generated by tests/differential/gen_program.py --seed %d" % self.seed]
        for g, _ in self.globals:
            out.append(".global " + g)
        for f in helpers + ([deep] if deep else []) + mutual + ([private] if private else []) + [main]:
            out.append("")
            out.append(".func " + " ".join([f.name] + [n for n, _ in f.params]))
            if f.locals:
                out.append(".locals " + " ".join(n for n, _ in f.locals))
            out.extend(f.lines)
            out.append(".end")
        return "\n".join(out) + "\n"


def generate(seed):
    return Gen(seed).program()


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--seed", type=int, required=True)
    ap.add_argument("-o", "--output")
    args = ap.parse_args()
    text = generate(args.seed)
    if args.output:
        with open(args.output, "w") as f:
            f.write(text)
    else:
        sys.stdout.write(text)


if __name__ == "__main__":
    main()
