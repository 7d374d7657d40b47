#!/usr/bin/env bash
# Benchmarks `kith import` of a large CSV file into an empty workspace.
#
#   bench/import.sh [ROWS]             default 100000
#
# Generates a workspace with a fixed seed (`kith gen`, enough records for ROWS people), exports
# its people with `kith export --format csv`, keeps the first ROWS rows, then imports that file
# into a fresh `kith init` workspace three times and prints the median wall time (and each run).
# Files are written without an fsync each and made durable once at the end.
set -euo pipefail
cd "$(dirname "$0")/.."
rows="${1:-100000}"
runs=3

cargo build --release --quiet --features devtools
kith="$PWD/target/release/kith"
work="$PWD/bench/.work"
mkdir -p "$work"
export KITH_TODAY=2026-11-25

median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

csv="$work/import-$rows.csv"
if [ ! -f "$csv" ]; then
    # People are about 84 % of generated records.
    ws="$work/import-source-$rows"
    rm -rf "$ws"
    "$kith" gen "$ws" --records $((rows * 100 / 83)) --seed 42 >/dev/null
    "$kith" -C "$ws" export --format csv --include-dnc -o "$work/all.csv" 2>/dev/null
    python3 - "$work/all.csv" "$csv" "$rows" <<'PY'
import csv, sys
src, dst, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
with open(src, newline="") as f, open(dst, "w", newline="") as g:
    r, w = csv.reader(f), csv.writer(g)
    w.writerow(next(r))
    for i, row in enumerate(r):
        if i == n:
            break
        w.writerow(row)
PY
    rm -rf "$ws" "$work/all.csv"
fi
echo "machine: $(nproc) cores, $(uname -sr)"
echo "file: $csv ($(du -h "$csv" | cut -f1), $rows rows)"
# ext4 scans past inodes deleted in the last seconds when it creates files: creating 100,000
# files right after removing 100,000 is twice as slow. Remove earlier runs' workspaces first
# and wait that out, and give each run a folder of its own.
if compgen -G "$work/import-target*" >/dev/null; then
    rm -rf "$work"/import-target*
    sync
    sleep 40
fi
times=()
for i in $(seq "$runs"); do
    ws="$work/import-target-$i"
    # Its own repository, so that `kith init` does not register its hook in kith's.
    git init -q "$ws"
    "$kith" init "$ws" --timezone Europe/London >/dev/null
    start=$(date +%s.%N)
    "$kith" -C "$ws" import "$csv" >/dev/null
    end=$(date +%s.%N)
    t=$(echo "$end - $start" | bc)
    times+=("$t")
    echo "run $i: ${t}s"
done
printf '%s\n' "${times[@]}" | median | xargs printf 'median: %ss\n'
