#!/usr/bin/env bash
# The physical limit: each C twin (gcc -O2) against cpjit's tiers on the
# same program, median wall time of N runs each (fresh process per run),
# run interleaved on the same machine. Output must match the example's.
#   tools/bench/c/run.sh [CPJIT [N]]        (defaults: build/cpjit 5)
set -euo pipefail
cd "$(dirname "$0")/../../.."
cpjit=${1:-build/cpjit}
n=${2:-5}
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
time_one() {  # time_one CMD... -> seconds (wall)
    local s e
    s=$(date +%s.%N); "$@" >"$out/stdout"; e=$(date +%s.%N)
    python3 -c "print($e - $s)"
}
printf '%-12s %10s %10s %10s %10s %12s %12s\n' program "C -O2 s" "off s" "uops s" "on s" "off / C" "on / C"
for name in fib mandelbrot nbody; do
    gcc -O2 -o "$out/$name" "tools/bench/c/$name.c" -lm
    declare -A med=()
    for cfg in c off uops on; do
        for ((i = 0; i <= n; i++)); do  # run 0 is a warm-up
            if [ "$cfg" = c ]; then t=$(time_one "$out/$name"); else t=$(time_one "$cpjit" run --jit=$cfg "examples/$name.cpasm"); fi
            cmp -s "$out/stdout" "examples/$name.stdout" || { echo "$name ($cfg): wrong output" >&2; exit 1; }
            ((i > 0)) && echo "$t"
        done >"$out/$cfg.times"
        med[$cfg]=$(median <"$out/$cfg.times")
    done
    printf '%-12s %10.3f %10.3f %10.3f %10.3f %11.1fx %11.1fx\n' "$name" "${med[c]}" "${med[off]}" "${med[uops]}" "${med[on]}" \
        "$(python3 -c "print(${med[off]} / ${med[c]})")" "$(python3 -c "print(${med[on]} / ${med[c]})")"
done
