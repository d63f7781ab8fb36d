#!/usr/bin/env bash
# A fuzzing campaign: every libFuzzer target and the in-process differential
# driver, each for a given time, resuming from a corpus kept outside the
# source tree. See docs/reliability.md.
set -uo pipefail

usage() {
    cat <<'EOF'
usage: tests/fuzz/campaign.sh [OPTIONS]

Runs each target for SECONDS (at most JOBS at a time), resuming from the
campaign corpus, then prints per target: executions, execs/s, coverage
(libFuzzer's cov/ft), corpus size and new entries, failures. Exits 1 when
any target failed (crash, sanitizer report, leak, tier mismatch, hang), 2 on
bad usage or a missing binary.

targets:
  fuzz_text_loader, fuzz_binary_loader, fuzz_differential
                      libFuzzer + ASan/UBSan, from FUZZ_BUILD (tools/setup.sh --fuzz)
  diff_driver         the release in-process differential driver, from BUILD;
                      its "corpus" is the next seed (diff_driver.state)

options:
  --seconds N         time per target (default 600)
  --jobs J            targets run at the same time (default: nproc)
  --targets LIST      comma-separated subset (default: all four)
  --fuzz-build DIR    default build-fuzz
  --build DIR         default build
  --dir DIR           corpus, logs and failing inputs (default FUZZ_BUILD/campaign-corpus):
                      DIR/TARGET/ corpus, DIR/logs/TARGET.log, DIR/artifacts/
  --help              this text

Run it niced on a shared machine, e.g.  nice -n 10 tests/fuzz/campaign.sh --seconds 3600 --jobs 1
EOF
}

cd "$(dirname "$0")/../.."
secs=600
jobs=$(nproc)
targets=fuzz_text_loader,fuzz_binary_loader,fuzz_differential,diff_driver
fuzz_build=build-fuzz
build=build
dir=
while (($#)); do
    case "$1" in
        --seconds) secs=${2:?}; shift 2 ;;
        --jobs) jobs=${2:?}; shift 2 ;;
        --targets) targets=${2:?}; shift 2 ;;
        --fuzz-build) fuzz_build=${2:?}; shift 2 ;;
        --build) build=${2:?}; shift 2 ;;
        --dir) dir=${2:?}; shift 2 ;;
        --help|-h) usage; exit 0 ;;
        *) echo "campaign: unknown option $1" >&2; usage >&2; exit 2 ;;
    esac
done
[[ "$secs" =~ ^[0-9]+$ && "$jobs" =~ ^[1-9][0-9]*$ ]] || { echo "campaign: --seconds and --jobs take numbers" >&2; exit 2; }
dir=${dir:-$fuzz_build/campaign-corpus}
mkdir -p "$dir/logs" "$dir/artifacts"
IFS=, read -r -a list <<<"$targets"

binary() {  # the executable of a target
    case "$1" in
        diff_driver) echo "$build/tests/diff_driver" ;;
        fuzz_*) echo "$fuzz_build/tests/fuzz/$1" ;;
        *) return 1 ;;
    esac
}
for t in "${list[@]}"; do
    b=$(binary "$t") || { echo "campaign: unknown target $t" >&2; exit 2; }
    [ -x "$b" ] || { echo "campaign: $b is missing (build it: tools/setup.sh, tools/setup.sh --fuzz)" >&2; exit 2; }
done

corpus_size() { find "$1" -type f 2>/dev/null | wc -l; }

run_target() {  # run_target TARGET: runs it for $secs, writes its log and exit code
    local t=$1 log=$dir/logs/$1.log
    if [ "$t" = diff_driver ]; then
        "$(binary "$t")" --seconds "$secs" --state "$dir/diff_driver.state" --save "$dir/artifacts" \
            --status-every 60 >"$log" 2>&1
    else
        local max_len=4096
        [ "$t" = fuzz_differential ] || max_len=16384
        mkdir -p "$dir/$t"
        "$(binary "$t")" -max_total_time="$secs" -timeout=60 -rss_limit_mb=2560 -max_len=$max_len \
            -print_final_stats=1 -artifact_prefix="$dir/artifacts/$t-" \
            "$dir/$t" "tests/fuzz/corpus/$t" >"$log" 2>&1
    fi
    echo $? >"$dir/logs/$t.exit"
}

declare -A before
for t in "${list[@]}"; do before[$t]=$(corpus_size "$dir/$t"); done
echo "campaign: ${list[*]}; ${secs}s each, $jobs at a time; corpus in $dir"
start=$(date +%s)
running=0
for t in "${list[@]}"; do
    if ((running >= jobs)); then wait -n; running=$((running - 1)); fi
    echo "campaign: starting $t"
    run_target "$t" &
    running=$((running + 1))
done
wait

# One line per target, from libFuzzer's final stats and last status line, or
# from diff_driver's summary line.
report() {
    local t=$1 log=$dir/logs/$1.log code
    code=$(cat "$dir/logs/$t.exit" 2>/dev/null || echo 99)
    if [ "$t" = diff_driver ]; then
        local line
        line=$(grep '^diff_driver:' "$log" | tail -1)
        printf '%-20s %s\n' "$t" "${line:-no summary line}"
        printf '%-20s programs: %s, configurations each: %s, programs/s: %s, next seed: %s\n' "" \
            "$(sed -nE 's/.* ([0-9]+) programs x.*/\1/p' <<<"$line")" \
            "$(sed -nE 's/.* x ([0-9]+) configurations.*/\1/p' <<<"$line")" \
            "$(sed -nE 's/.* ([0-9.]+) programs\/s.*/\1/p' <<<"$line")" "$(cat "$dir/diff_driver.state" 2>/dev/null)"
    else
        local execs rate cov ft now
        execs=$(sed -nE 's/^stat::number_of_executed_units: +([0-9]+)/\1/p' "$log")
        rate=$(sed -nE 's/^stat::average_exec_per_sec: +([0-9]+)/\1/p' "$log")
        cov=$(grep -E '^#[0-9]+' "$log" | tail -1 | sed -nE 's/.*cov: ([0-9]+) ft: ([0-9]+).*/cov \1, ft \2/p')
        now=$(corpus_size "$dir/$t")
        printf '%-20s executions %s, execs/s %s, %s, corpus %s (+%s new)\n' "$t" "${execs:-?}" "${rate:-?}" \
            "${cov:-cov ?}" "$now" "$((now - ${before[$t]}))"
    fi
    if [ "$code" -ne 0 ]; then
        echo "    FAILED (exit $code); log: $log"
        grep -E -A30 'ERROR:|FUZZ CHECK FAILED|MISMATCH|HANG|GENERATOR BUG|==[0-9]+==' "$log" | head -60 | sed 's/^/    /'
        return 1
    fi
    echo "    failures: 0"
}

echo "campaign: done in $(($(date +%s) - start))s"
status=0
for t in "${list[@]}"; do report "$t" || status=1; done
((status)) && echo "campaign: FAILURES (inputs in $dir/artifacts)" || echo "campaign: no failures"
exit $status
