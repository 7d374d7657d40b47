#!/usr/bin/env bash
# Benchmarks `kith report` on a generated workspace (100,000 records by default) in a git
# repository whose current week has 1,000 commits by four teammates:
#   - history of the week, cold (no cache under .kith/) and cached;
#   - the weekly pages (index, week, segments) without record pages;
#   - every record page, cold (empty output folder), then again with nothing changed.
# Medians of 5 runs. KITH_TRACE shows the phases of one run.
#
#   bench/report.sh [RECORDS] [COMMITS]
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-100000}
commits=${2:-1000}
runs=${RUNS:-5}
cargo build --release --quiet
kith="$PWD/target/release/kith"
work="$PWD/bench/.work/report-$n"
export GIT_CONFIG_NOSYSTEM=1 KITH_TODAY=2026-11-25
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
if [ ! -d "$work/.git" ]; then
    rm -rf "$work"
    "$kith" gen "$work" --records "$n" --seed 42 >/dev/null
    git -C "$work" init -q -b main
    git -C "$work" add -A
    GIT_AUTHOR_DATE="2026-11-01T09:00:00Z" GIT_COMMITTER_DATE="2026-11-01T09:00:00Z" \
        git -c user.name=Import -c user.email=import@brightwave.example -C "$work" commit -q -m "import"
    python3 bench/history.py "$work" "$commits" 2026-11-23 | git -C "$work" fast-import --quiet
    git -C "$work" reset -q --hard main
fi
time_of() { local s e; s=$(date +%s.%N); "$@" >/dev/null 2>&1; e=$(date +%s.%N); echo "$e - $s" | bc; }
report() { "$kith" -C "$work" report --out "$work/../report-out-$n" "$@"; }
declare -A results
for run in $(seq "$runs"); do
    rm -rf "$work/.kith" "$work/../report-out-$n"
    results[cold]+="$(time_of report --no-records) "
    results[cached]+="$(time_of report --no-records) "
    rm -rf "$work/../report-out-$n"
    results[records_cold]+="$(time_of report) "
    results[records_same]+="$(time_of report) "
done
for k in cold cached records_cold records_same; do
    echo "$k: median $(printf '%s\n' ${results[$k]} | median) s (runs: ${results[$k]})"
done
echo "phases of one cached run without record pages:"
KITH_TRACE=1 report --no-records 2>&1 | grep '^\['
