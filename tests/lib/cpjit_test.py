"""What every test script that starts processes shares: how a command runs
(emulator prefix, timeout, captured output, the process group killed whole),
the time-budget rule that makes a hang a failure, the --cpjit/--emulator/--arch
options, how a failure and the closing summary are printed, how two outputs
are shown side by side, and how a check that cannot run here skips.

Import from a script in tests/<layer>/:
    sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
    import cpjit_test

A script in short:
    ap = argparse.ArgumentParser()
    cpjit_test.add_cpjit_arguments(ap)
    args = ap.parse_args()
    tool = cpjit_test.Cpjit.from_args(args)
    checks = cpjit_test.Checks()
    r = tool.run("run", "--jit=off", program, text=True)
    checks.expect(r.code == 0, "%s: %s" % (program, r.status()))
    checks.report()           # the summary line; exits 1 on any failure

The budget rule (docs/reliability.md): a configuration's run of a program may
take HANG_FACTOR times the reference run (--jit=off, the Tier-1 interpreter)
plus HANG_CONSTANT seconds, counted as the CPU time the run uses (so a run
that only waits for a CPU on a loaded machine is not taken for a hang; see
run()). A run past its budget while the reference finished is a HANG, a
failure like a wrong output. Only a program whose
reference run also never ends (a mutated loop, say) may time out everywhere.
"""
import difflib
import os
import platform
import shlex
import signal
import subprocess
import sys
import time

# Ten times the interpreter's time covers the slowest legitimate tier (a
# trace compiled at threshold 1 for straight-line code that runs once); the
# constant covers process start-up, trace compilation and a loaded machine.
HANG_FACTOR = 10.0
HANG_CONSTANT = 5.0
# Under an emulator (qemu-user) start-up and compilation are ~10x slower.
EMULATED_CONSTANT = 30.0
# A reference run that does not end within this is a program that never ends.
DEFAULT_TIMEOUT = float(os.environ.get("CPJIT_TEST_TIMEOUT", "120"))

SKIP = 77  # ctest's SKIP_RETURN_CODE for the checks that may skip


class Result:
    """One finished (or stopped) process: stdout and stderr as bytes (str with
    text=True), exit code (None when it ran past its timeout), wall seconds,
    and the timeout it ran under."""

    def __init__(self, stdout, stderr, code, seconds, timeout=None):
        self.stdout, self.stderr, self.code, self.seconds = stdout, stderr, code, seconds
        self.timeout = timeout

    @property
    def timed_out(self):
        return self.code is None

    def outcome(self):
        """(stdout, stderr, exit code): what must match between tiers."""
        return self.stdout, self.stderr, self.code

    def status(self):
        """How it ended, for a message: "exit 1", "killed by signal 11", or
        "still running after 120 s (stopped)"."""
        if self.code is None:
            return "still running after %.0f s (stopped)" % self.timeout
        if self.code < 0:
            return "killed by signal %d" % -self.code
        return "exit %d" % self.code


# A run whose CPU time stays below its timeout while the wall clock passes it
# was waiting for a CPU (a loaded machine, a parallel ctest), not hanging: it
# may go on until WAIT_CAP times its timeout of wall time.
WAIT_CAP = 4.0


def cpu_seconds(pid):
    """User + system CPU seconds of a running process and its reaped
    children (/proc/PID/stat), or None when it cannot be read."""
    try:
        with open("/proc/%d/stat" % pid) as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return sum(int(x) for x in fields[11:15]) / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, IndexError):
        return None


def run(cmd, timeout=DEFAULT_TIMEOUT, cwd=None, env=None, text=False, stdin=subprocess.DEVNULL):
    """Runs cmd (an argv list) to the end or until it has used `timeout`
    seconds: of CPU time, while the process keeps a CPU busy; of wall time
    where its CPU time cannot be read. A process that waits for a CPU gets up
    to WAIT_CAP x timeout of wall time. Past its limit the process is killed
    and the result has code None (with its process group)."""
    begin = time.monotonic()
    # text=True decodes as UTF-8 whatever the locale; a stray byte shows as U+FFFD.
    p = start(cmd, cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, stdin=stdin,
              **({"encoding": "utf-8", "errors": "replace"} if text else {}))
    used = 0.0
    while True:
        try:
            out, err = p.communicate(timeout=max(0.2, timeout - used))
            return Result(out, err, p.returncode, time.monotonic() - begin, timeout)
        except subprocess.TimeoutExpired:
            wall = time.monotonic() - begin
            cpu = cpu_seconds(p.pid)
            used = wall if cpu is None else cpu
            if used >= timeout or wall >= WAIT_CAP * timeout:
                stop(p)
                out, err = p.communicate()
                return Result(out, err, None, time.monotonic() - begin, timeout)


def start(cmd, **popen_args):
    """Starts cmd in a process group of its own, for a check that watches a
    running process (stop() ends it)."""
    return subprocess.Popen(cmd, start_new_session=True, **popen_args)


def stop(p):
    """Kills a process of start() with its whole group (its children too, or
    they would keep the pipes open)."""
    try:
        os.killpg(p.pid, signal.SIGKILL)
    except OSError:
        p.kill()


def budget(reference_seconds, emulated=False, factor=HANG_FACTOR, constant=None):
    """Seconds a configuration may take for a program whose reference run
    took `reference_seconds`."""
    if constant is None:
        constant = EMULATED_CONSTANT if emulated else HANG_CONSTANT
    return factor * reference_seconds + constant


def hang_message(label, limit, reference):
    return "%s: HANG: still running after %.1f s, the budget (--jit=off finished in %.2f s)" % (
        label, limit, reference.seconds)


class Cpjit:
    """The binary under test and the emulator (a string split like a shell
    would, or a list) put before every command of a cross build:
    cpjit.cmd("run", ...) is [*emulator, /abs/cpjit, "run", ...]."""

    def __init__(self, binary, emulator=""):
        self.binary = os.path.abspath(binary)
        self.emulator = shlex.split(emulator) if isinstance(emulator, str) else list(emulator)

    @classmethod
    def from_args(cls, args):
        """The binary of add_cpjit_arguments' options."""
        return cls(args.cpjit, getattr(args, "emulator", ""))

    @property
    def emulated(self):
        return bool(self.emulator)

    def cmd(self, *args):
        return [*self.emulator, self.binary, *args]

    def run(self, *args, timeout=DEFAULT_TIMEOUT, cwd=None, env=None, text=False):
        return run(self.cmd(*args), timeout=timeout, cwd=cwd, env=env, text=text)

    def start(self, *args, **popen_args):
        return start(self.cmd(*args), **popen_args)

    def budget(self, reference_seconds, **kw):
        return budget(reference_seconds, emulated=self.emulated, **kw)


def add_cpjit_arguments(ap, emulator=True, arch=False):
    """--cpjit (required); --emulator unless the check runs natively only
    (emulator=False); with arch=True, --arch (default: this machine's)."""
    ap.add_argument("--cpjit", required=True, help="the cpjit binary under test")
    if emulator:
        ap.add_argument("--emulator", default="",
                        help='command put before every cpjit command, e.g. "qemu-aarch64"')
    if arch:
        ap.add_argument("--arch", default=platform.machine(),
                        help="target of the cpjit binary: x86_64 or aarch64 (default: this machine's)")


def tools_required():
    """CI sets CPJIT_REQUIRE_TOOLS=1 where it installed perf, gdb and the
    rest: there a check that would skip fails instead."""
    return os.environ.get("CPJIT_REQUIRE_TOOLS") == "1"


def skip(why):
    """Ends a check that cannot run here: exit 77 (ctest: skipped) with one
    line saying why; under CPJIT_REQUIRE_TOOLS=1 the check fails instead.
    (Checks.skip fails when a check failed before.)"""
    if tools_required():
        print("FAIL: cannot run here although CPJIT_REQUIRE_TOOLS=1: " + why)
        sys.exit(1)
    print("SKIPPED: " + why)
    sys.exit(SKIP)


def show(b, limit=600):
    """An output for a message: text, cut after `limit` characters."""
    s = _text(b)
    return s if len(s) <= limit else s[:limit] + "...(%d more bytes)" % (len(s) - limit)


def read_bytes(path, default=None):
    """A file's bytes, or `default` when it does not exist."""
    if not os.path.exists(path):
        return default
    with open(path, "rb") as f:
        return f.read()


def expected_outcome(base):
    """(stdout, stderr, exit code) the program BASE.cpasm (or .cpbc) must
    give: BASE.stdout (None when missing), BASE.stderr (default empty) and
    BASE.exitcode (default 0)."""
    return (read_bytes(base + ".stdout"), read_bytes(base + ".stderr", b""),
            int(read_bytes(base + ".exitcode", b"0").strip()))


def diff(want, got, want_name="expected", got_name="got", limit=40):
    """A unified diff of two outputs (bytes or str), at most `limit` lines,
    indented; a missing last newline shows as a removed empty line."""
    lines = list(difflib.unified_diff(_text(want).split("\n"), _text(got).split("\n"), want_name, got_name,
                                      n=1, lineterm=""))
    if len(lines) > limit:
        lines = lines[:limit] + ["... (%d more diff lines)" % (len(lines) - limit)]
    return "\n".join("    " + line for line in lines)


def _text(b):
    return b.decode("utf-8", "replace") if isinstance(b, bytes) else b


def outcome_differences(got, want, want_name="expected"):
    """What differs between two (stdout, stderr, exit code) triples, one
    message each (a diff for an output); a part of `want` that is None is not
    compared. Empty when they agree."""
    problems = []
    if want[2] is not None and got[2] != want[2]:
        # stderr says why; shown here when no diff of it follows
        why = " (stderr: %s)" % show(got[1]) if want[1] is None or got[1] == want[1] else ""
        problems.append("exit code %s, %s %s%s" % (got[2], want_name, want[2], why))
    for name, g, w in zip(("stdout", "stderr"), got[:2], want[:2]):
        if w is not None and g != w:
            problems.append("%s differs\n%s" % (name, diff(w, g, "%s %s" % (want_name, name), "got " + name)))
    return problems


class Checks:
    """The failures of one check script and its closing summary. fail() and
    expect() print each failure as it is found (so a run that is stopped
    still shows them) and count the checks made; passed() counts a case
    (a program, a configuration) that passed whole. report() prints the
    summary line and exits: 1 on any failure (or, with require_pass, when no
    case passed), else 0."""

    def __init__(self):
        self.failures = []
        self.checked = 0
        self.passes = 0

    def fail(self, what):
        self.checked += 1
        self.failures.append(what)
        print("FAIL: " + what, flush=True)

    def expect(self, ok, what):
        """Records `what` as a failure unless ok; returns ok."""
        if ok:
            self.checked += 1
        else:
            self.fail(what)
        return ok

    def passed(self, label=None):
        self.passes += 1
        if label:
            print("ok   " + label, flush=True)

    def skip(self, why):
        """skip(why), or a failure when a check failed before."""
        if self.failures:
            print("FAILED: %d check(s) failed before it had to stop: %s" % (len(self.failures), why))
            sys.exit(1)
        skip(why)

    def report(self, note="", require_pass=False):
        if self.passes or require_pass:
            counts = "%d passed, %d failed" % (self.passes, len(self.failures))
        else:
            counts = "%d checks, %d failed" % (self.checked, len(self.failures))
        empty = require_pass and not self.passes and not self.failures
        if empty:
            counts += ": nothing was checked"
        bad = self.failures or empty
        print("%s: %s%s" % ("FAILED" if bad else "ok", counts, " (%s)" % note if note else ""))
        sys.exit(1 if bad else 0)
