"""What every test script that starts processes shares: how a command runs
(emulator prefix, timeout, captured output), the time-budget rule that makes
a hang a failure, and how a check that cannot run here skips.

Import from a script in tests/<layer>/:
    sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
    import cpjit_test

The budget rule (docs/reliability.md): a configuration's run of a program may
take HANG_FACTOR times the reference run (--jit=off, the Tier-1 interpreter)
plus HANG_CONSTANT seconds, counted as the CPU time the run uses (so a run
that only waits for a CPU on a loaded machine is not taken for a hang; see
run()). A run past its budget while the reference finished is a HANG, a
failure like a wrong output. Only a program whose
reference run also never ends (a mutated loop, say) may time out everywhere.
"""
import os
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
    text=True), exit code (None when it ran past its timeout), wall seconds."""

    def __init__(self, stdout, stderr, code, seconds):
        self.stdout, self.stderr, self.code, self.seconds = stdout, stderr, code, seconds

    @property
    def timed_out(self):
        return self.code is None

    @property
    def returncode(self):  # subprocess.CompletedProcess's name for it
        return self.code

    def outcome(self):
        """(stdout, stderr, exit code): what must match between tiers."""
        return self.stdout, self.stderr, self.code


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
    start = time.monotonic()
    p = subprocess.Popen(cmd, cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, stdin=stdin,
                         text=text, start_new_session=True)  # its own process group: killed whole
    used = 0.0
    while True:
        try:
            out, err = p.communicate(timeout=max(0.2, timeout - used))
            return Result(out, err, p.returncode, time.monotonic() - start)
        except subprocess.TimeoutExpired:
            wall = time.monotonic() - start
            cpu = cpu_seconds(p.pid)
            used = wall if cpu is None else cpu
            if used >= timeout or wall >= WAIT_CAP * timeout:
                try:
                    os.killpg(p.pid, signal.SIGKILL)  # children too, or they keep the pipes open
                except OSError:
                    p.kill()
                out, err = p.communicate()
                return Result(out, err, None, time.monotonic() - start)


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
    """The binary under test and the emulator (split like a shell would) put
    before every command of a cross build: cpjit.cmd("run", ...) is
    [*emulator, /abs/cpjit, "run", ...]."""

    def __init__(self, binary, emulator=""):
        self.binary = os.path.abspath(binary)
        self.emulator = shlex.split(emulator)

    @property
    def emulated(self):
        return bool(self.emulator)

    def cmd(self, *args):
        return [*self.emulator, self.binary, *args]

    def run(self, *args, timeout=DEFAULT_TIMEOUT, cwd=None, env=None, text=False):
        return run(self.cmd(*args), timeout=timeout, cwd=cwd, env=env, text=text)

    def budget(self, reference_seconds, **kw):
        return budget(reference_seconds, emulated=self.emulated, **kw)


def add_cpjit_arguments(ap):
    ap.add_argument("--cpjit", required=True, help="the cpjit binary under test")
    ap.add_argument("--emulator", default="",
                    help='command put before every cpjit command, e.g. "qemu-aarch64 -L /usr/aarch64-linux-gnu"')


def tools_required():
    """CI sets CPJIT_REQUIRE_TOOLS=1 where it installed perf, gdb and the
    rest: there a check that would skip fails instead."""
    return os.environ.get("CPJIT_REQUIRE_TOOLS") == "1"


def skip(why, failures=()):
    """Ends a check that cannot run here: exit 77 (ctest: skipped) with one
    line saying why, after printing any failure found before. With earlier
    failures, or under CPJIT_REQUIRE_TOOLS=1, the check fails instead."""
    for f in failures:
        print("FAIL: " + f, file=sys.stderr)
    if failures:
        print("FAILED (%d check(s) failed before: %s)" % (len(failures), why))
        sys.exit(1)
    if tools_required():
        print("FAIL: cannot run here although CPJIT_REQUIRE_TOOLS=1: " + why)
        sys.exit(1)
    print("SKIPPED: " + why)
    sys.exit(SKIP)


def show(b, limit=600):
    s = b.decode("utf-8", "replace") if isinstance(b, bytes) else b
    return s if len(s) <= limit else s[:limit] + "...(%d more bytes)" % (len(s) - limit)
