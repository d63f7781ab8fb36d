#!/usr/bin/env bash
# Runs every libFuzzer target for a bounded time from its seed corpus
# (tests/fuzz/corpus/TARGET) and fails on any crash, sanitizer report, leak,
# timeout or tier mismatch. Used by .ci/run; see docs/reliability.md.
#
#   tests/fuzz/run_fuzzers.sh [BUILD_DIR [SECONDS]]      (defaults: build-fuzz 60)
#
# Two cores: the two loader targets run side by side for SECONDS, then two
# fuzz_differential processes (different seeds, shared corpus) for SECONDS.
# New corpus entries go to BUILD_DIR/fuzz-corpus/TARGET (the seed folders are
# never written); a failing input is saved as
# BUILD_DIR/fuzz-artifacts/TARGET-crash-... (or -leak-, -timeout-, -oom-);
# replay it with `BUILD_DIR/tests/fuzz/TARGET FILE`.
set -uo pipefail
cd "$(dirname "$0")/../.."
build=${1:-build-fuzz}
secs=${2:-60}
src=tests/fuzz
mkdir -p "$build/fuzz-artifacts" "$build/fuzz-logs"

run() {  # run TARGET LOGNAME [extra libFuzzer flags...]
    local target=$1 log=$2
    shift 2
    mkdir -p "$build/fuzz-corpus/$target"
    "$build/tests/fuzz/$target" -max_total_time="$secs" -timeout=25 -rss_limit_mb=2560 \
        -print_final_stats=1 -artifact_prefix="$build/fuzz-artifacts/$target-" "$@" \
        "$build/fuzz-corpus/$target" "$src/corpus/$target" >"$build/fuzz-logs/$log.log" 2>&1
}

summary() {  # the last status line: coverage, features, corpus, exec/s
    grep -E '^#[0-9]+' "$build/fuzz-logs/$1.log" | tail -1
}

status=0
check() {  # check LOGNAME EXIT_CODE
    if [ "$2" -ne 0 ]; then
        echo "FUZZ FAILURE in $1 (exit $2); log: $build/fuzz-logs/$1.log"
        grep -E -A40 'ERROR:|FUZZ CHECK FAILED|MISMATCH|==[0-9]+==' "$build/fuzz-logs/$1.log" | head -80
        status=1
    else
        echo "$1: $(summary "$1")"
    fi
}

echo "fuzzing: loaders for ${secs}s"
run fuzz_text_loader fuzz_text_loader -max_len=16384 & p1=$!
run fuzz_binary_loader fuzz_binary_loader -max_len=16384 & p2=$!
wait $p1; r1=$?
wait $p2; r2=$?
check fuzz_text_loader $r1
check fuzz_binary_loader $r2

echo "fuzzing: differential (two processes) for ${secs}s"
run fuzz_differential fuzz_differential.1 -seed=1 -max_len=4096 & p1=$!
run fuzz_differential fuzz_differential.2 -seed=2 -max_len=4096 & p2=$!
wait $p1; r1=$?
wait $p2; r2=$?
check fuzz_differential.1 $r1
check fuzz_differential.2 $r2
exit $status
