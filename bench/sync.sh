#!/usr/bin/env bash
# Benchmarks `kith sync` on a large repository: a remote and two clones of a generated
# workspace (100,000 records by default). Each run, teammate B changes 100 records (a logged
# call each) and syncs; then teammate A changes 100 records (a new field each), half of them
# the same records as B, and runs the timed `kith sync`: commit, fetch, a merge commit with 50
# records merged field by field, check, push. Median and minimum of 5 runs.
#
#   bench/sync.sh [RECORDS]
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-100000}
runs=${RUNS:-5}

cargo build --release --quiet --features devtools
kith="$PWD/target/release/kith"
work="$PWD/bench/.work/sync-$n"
export GIT_CONFIG_NOSYSTEM=1 KITH_TODAY=2026-11-25
g() { git -c user.name=Bench -c user.email=bench@example.com "$@"; }
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

if [ ! -d "$work/remote.git" ]; then
    rm -rf "$work"
    mkdir -p "$work"
    "$kith" gen "$work/seed" --records "$n" --seed 42 >/dev/null
    g -C "$work/seed" init -q -b main
    g -C "$work/seed" add -A
    g -C "$work/seed" commit -q -m "generated workspace"
    g clone -q --bare "$work/seed" "$work/remote.git"
    rm -rf "$work/seed"
    for c in a b; do
        g clone -q "$work/remote.git" "$work/$c"
        g -C "$work/$c" config user.name "Teammate $c"
        g -C "$work/$c" config user.email "$c@example.com"
    done
fi
# The generated commit: every run starts from it.
base=$(git -C "$work/remote.git" rev-list --max-parents=0 refs/heads/main)
mapfile -t files < <(cd "$work/a" && ls contacts | head -150)

times=()
for run in $(seq "$runs"); do
    git -C "$work/remote.git" update-ref refs/heads/main "$base"
    for c in a b; do
        git -C "$work/$c" fetch -q
        git -C "$work/$c" reset -q --hard "$base"
        git -C "$work/$c" clean -fdq
    done
    for f in "${files[@]:0:100}"; do
        printf -- '- 2026-11-24 call: benchmark run %s\n' "$run" >>"$work/b/contacts/$f"
    done
    "$kith" -C "$work/b" sync >/dev/null 2>&1
    for f in "${files[@]:50:100}"; do
        sed -i "2i bench_run: $run" "$work/a/contacts/$f"
    done
    start=$(date +%s.%N)
    "$kith" -C "$work/a" sync >"$work/out.txt" 2>&1 || { cat "$work/out.txt"; exit 1; }
    end=$(date +%s.%N)
    t=$(echo "$end - $start" | bc)
    times+=("$t")
    merged=$(grep -c "merged field by field" "$work/out.txt" || true)
    echo "run $run: ${t} s ($merged records merged field by field)"
done
# The last run's result: both sides' changes in a record both changed.
f="${files[60]}"
grep -q "^bench_run: $runs" "$work/a/contacts/$f" && grep -q "benchmark run $runs" "$work/a/contacts/$f" ||
    { echo "merge lost a change in $f"; exit 1; }
[ "$(git -C "$work/a" rev-parse HEAD)" = "$(git -C "$work/remote.git" rev-parse main)" ] ||
    { echo "not pushed"; exit 1; }
echo "kith sync, $n records, 100 changes on each side: median $(printf '%s\n' "${times[@]}" | median) s, min $(printf '%s\n' "${times[@]}" | sort -n | head -1) s"
