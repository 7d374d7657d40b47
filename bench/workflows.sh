#!/usr/bin/env bash
# Benchmarks the workflows on a generated workspace (100,000 records by default; its kith.yaml
# is the example's, with its four workflows):
#   - evaluating every workflow (triggers, exits, due steps) over all records, after scores and
#     segments are computed: the first planning round of `kith advance`;
#   - `kith advance` (dry run) end to end, which settles (plans again after applying in memory);
#   - `kith advance --apply` on a fresh copy (about 12,000 records written), then the second
#     run, which must find nothing to do.
# Medians of 5 runs. KITH_TRACE shows the phases of one run.
#
#   bench/workflows.sh [RECORDS]
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-100000}
runs=${RUNS:-5}
cargo build --release --quiet --features devtools
kith="$PWD/target/release/kith"
work="$PWD/bench/.work/workflows-$n"
export GIT_CONFIG_NOSYSTEM=1 KITH_TODAY=2026-11-25
median() { sort -n | awk '{a[NR]=$1} END {printf "%.3f", a[int((NR+1)/2)]}'; }
if [ ! -d "$work/.git" ]; then
    rm -rf "$work"
    "$kith" gen "$work" --records "$n" --seed 42 >/dev/null
    git -C "$work" init -q -b main
    git -C "$work" add -A
    git -c user.name=Import -c user.email=import@brightwave.example -C "$work" commit -q -m "import"
fi
at() { echo "$trace" | grep "] $1\$" | head -1 | tr -d '[]s' | awk '{print $1}'; }
declare -A results
add() { results[$1]+="$2 "; }
for i in $(seq "$runs"); do
    git -C "$work" checkout -q . && git -C "$work" clean -fdq
    s=$(date +%s.%N)
    trace=$(KITH_TRACE=1 "$kith" -C "$work" advance 2>&1 >/dev/null | grep '^\[')
    e=$(date +%s.%N)
    add evaluate "$(echo "$(at 'workflows planned') - $(at 'scores and segments')" | bc)"
    add advance_dry "$(echo "$e - $s" | bc)"
    s=$(date +%s.%N)
    trace=$(KITH_TRACE=1 "$kith" -C "$work" advance --apply 2>&1 >/dev/null | grep '^\[')
    e=$(date +%s.%N)
    add apply "$(echo "$e - $s" | bc)"
    add write "$(echo "$(at 'records written') - $(at 'changes prepared')" | bc)"
    s=$(date +%s.%N)
    left=$("$kith" -C "$work" advance | tail -1)
    e=$(date +%s.%N)
    add second_run "$(echo "$e - $s" | bc)"
    case "$left" in "0 changes due"*) ;; *) echo "not idempotent: $left" >&2; exit 1 ;; esac
done
git -C "$work" checkout -q . && git -C "$work" clean -fdq
echo "kith workflows, $n records; medians of $runs runs (seconds)"
for k in evaluate advance_dry apply write second_run; do
    printf "  %-12s %s   (%s)\n" "$k" "$(echo "${results[$k]}" | tr ' ' '\n' | grep . | median)" "${results[$k]}"
done
