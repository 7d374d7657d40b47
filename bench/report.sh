#!/usr/bin/env bash
# Benchmarks `kith report` on a generated workspace (100,000 records by default) in a git
# repository of one import commit (in August, before the report's 12-week window) and 1,000
# commits by four teammates in the current week:
#   - history of the week, cold (no cache under .kith/) and cached;
#   - the weekly figures (checks, duplicates, funnel, moves, trend...) and the weekly pages
#     (index, week, segments: rendering and writing) without record pages;
#   - every record page, cold (empty output folder), then again with nothing changed.
# Medians of 5 runs. KITH_TRACE shows the phases of one run.
#
#   bench/report.sh [RECORDS] [COMMITS]
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-100000}
commits=${2:-1000}
runs=${RUNS:-5}
cargo build --release --quiet --features devtools
kith="$PWD/target/release/kith"
work="$PWD/bench/.work/report-$n"
export GIT_CONFIG_NOSYSTEM=1 KITH_TODAY=2026-11-25
median() { sort -n | awk '{a[NR]=$1} END {printf "%.3f", a[int((NR+1)/2)]}'; }
if [ ! -d "$work/.git" ]; then
    rm -rf "$work"
    "$kith" gen "$work" --records "$n" --seed 42 >/dev/null
    git -C "$work" init -q -b main
    git -C "$work" add -A
    GIT_AUTHOR_DATE="2026-08-03T09:00:00Z" GIT_COMMITTER_DATE="2026-08-03T09:00:00Z" \
        git -c user.name=Import -c user.email=import@brightwave.example -C "$work" commit -q -m "import"
    python3 bench/history.py "$work" "$commits" 2026-11-23 | git -C "$work" fast-import --quiet
    git -C "$work" reset -q --hard main
fi
# One run: its wall time, and the phases KITH_TRACE marks (seconds since the start).
run() {
    local s e trace
    s=$(date +%s.%N)
    trace=$(KITH_TRACE=1 "$kith" -C "$work" report --out "$out" "$@" 2>&1 >/dev/null | grep '^\[')
    e=$(date +%s.%N)
    at() { echo "$trace" | grep "] $1\$" | tr -d '[]s' | awk '{print $1}'; }
    wall=$(echo "$e - $s" | bc)
    # History is read from the start, beside loading the records.
    history=$(at history)
    figures=$(echo "$(at 'report built') - $(at 'scores and segments')" | bc)
    pages=$(echo "$(at 'segment pages') - $(at 'report built')" | bc)
    records=$( [ -n "$(at 'record pages')" ] && echo "$(at 'record pages') - $(at 'segment pages')" | bc || echo 0)
}
out="$work/../report-out-$n"
declare -A results
add() { results[$1]+="$2 "; }
for i in $(seq "$runs"); do
    rm -rf "$work/.kith" "$out"
    run --no-records; add wall_cold "$wall"; add history_cold "$history"
    run --no-records; add wall_cached "$wall"; add history_cached "$history"; add weekly_figures "$figures"; add weekly_pages "$pages"
    # ext4 scans past inodes deleted in the last seconds when it creates files: after removing
    # 100,000 pages, creating 100,000 again is twice as slow for a while. Wait that out, so the
    # run measures a first render, not the removal before it.
    rm -rf "$out"; sync; sleep 40
    run; add records_cold "$records"; add wall_records_cold "$wall"
    run; add records_unchanged "$records"; add wall_records_unchanged "$wall"
done
echo "kith report, $n records, $commits commits this week; medians of $runs runs (seconds)"
for k in history_cold history_cached weekly_figures weekly_pages records_cold records_unchanged wall_cold wall_cached wall_records_cold wall_records_unchanged; do
    printf '%-24s %8s   (runs: %s)\n' "$k" "$(printf '%s\n' ${results[$k]} | median)" "${results[$k]}"
done
