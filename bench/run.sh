#!/usr/bin/env bash
# Benchmarks kith's cold load on generated workspaces (10,000 and 100,000 records by default).
#
#   bench/run.sh [RECORDS...]          e.g. bench/run.sh 100000
#
# For each size it generates a workspace with a fixed seed (once; kept under bench/.work/),
# then reports:
#   - `kith bench`: the load's phases in-process, median and minimum of 7 runs, and peak memory;
#   - `kith check` as a user runs it: median wall time of 7 runs and peak memory (GNU time).
# Medians, because machines are noisy. The files are in the page cache after the first run,
# so "cold" means a fresh process with no cache of kith's own, not a cold disk.
set -euo pipefail
cd "$(dirname "$0")/.."
sizes=("$@")
[ ${#sizes[@]} -gt 0 ] || sizes=(10000 100000)
runs=7

cargo build --release --quiet --features devtools
kith="$PWD/target/release/kith"
work="$PWD/bench/.work"
mkdir -p "$work"

median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

echo "machine: $(nproc) cores, $(uname -sr), $(grep -m1 'model name' /proc/cpuinfo 2>/dev/null | cut -d: -f2- | xargs)"
for n in "${sizes[@]}"; do
    ws="$work/ws-$n"
    if [ ! -f "$ws/kith.yaml" ]; then
        KITH_TODAY=2026-11-25 "$kith" gen "$ws" --records "$n" --seed 42
    fi
    echo
    echo "== $n records ($(du -sh "$ws" | cut -f1) on disk)"
    "$kith" bench "$ws" --runs "$runs"
    times=()
    mems=()
    for _ in $(seq "$runs"); do
        /usr/bin/time -f "%e %M" -o "$work/time.txt" "$kith" -C "$ws" check >/dev/null 2>&1 || true
        out=$(tail -1 "$work/time.txt")
        times+=("$(echo "$out" | cut -d' ' -f1)")
        mems+=("$(echo "$out" | cut -d' ' -f2)")
    done
    t=$(printf '%s\n' "${times[@]}" | median)
    m=$(printf '%s\n' "${mems[@]}" | median)
    echo "  kith check (process)  median ${t} s  peak memory $((m / 1024)) MB"
done
