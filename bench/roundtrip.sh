#!/usr/bin/env bash
# Benchmarks whole-workspace round trips: `kith export --format json` and `--kind all --format
# csv -o DIR/`, and `kith import` of each into a fresh `kith init` workspace, beside the
# reference of the same run: `kith import` of the people CSV alone (the per-row people path).
#
#   bench/roundtrip.sh [RECORDS]        default 100000
#
# Builds the release binary unless KITH=path/to/kith names another build. Three runs of each
# import; prints every run and the medians. Checks that the JSON round trip gave the same files.
set -euo pipefail
cd "$(dirname "$0")/.."
records="${1:-100000}"
runs=3

if [ -z "${KITH:-}" ]; then
    cargo build --release --quiet --features devtools
    KITH="${CARGO_TARGET_DIR:-$PWD/target}/release/kith"
fi
kith="$KITH"
work="$PWD/bench/.work/roundtrip-$records"
rm -rf "$work"
mkdir -p "$work"
export KITH_TODAY=2026-11-25

median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
now() { date +%s.%N; }

src="$work/source"
"$kith" gen "$src" --records "$records" --seed 42 >/dev/null
echo "machine: $(nproc) cores, $(uname -sr), load: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "binary: $kith"
echo "workspace: $records records"

start=$(now)
"$kith" -C "$src" export --format json --include-dnc -o "$work/all.jsonl" 2>/dev/null
echo "export json: $(echo "$(now) - $start" | bc)s ($(du -h "$work/all.jsonl" | cut -f1))"
start=$(now)
"$kith" -C "$src" export --kind all --format csv --include-dnc -o "$work/csv/" 2>/dev/null
echo "export csv folder: $(echo "$(now) - $start" | bc)s ($(du -sh "$work/csv" | cut -f1))"

# One import into a fresh workspace; prints the wall time.
import_once() {
    local ws="$work/target-$1-$2"
    git init -q "$ws"
    "$kith" init "$ws" --timezone Europe/London >/dev/null
    cp "$src/kith.yaml" "$ws/kith.yaml"
    local start
    start=$(now)
    "$kith" -C "$ws" import "$3" >/dev/null
    echo "$(now) - $start" | bc
}

for what in json csv people; do
    case $what in
        json) input="$work/all.jsonl" ;;
        csv) input="$work/csv/" ;;
        people) input="$work/csv/people.csv" ;;
    esac
    times=()
    for i in $(seq "$runs"); do
        t=$(import_once "$what" "$i" "$input")
        times+=("$t")
        echo "import $what run $i: ${t}s"
    done
    printf '%s\n' "${times[@]}" | median | xargs printf "import $what median: %ss\n"
done
for d in contacts companies deals; do
    diff -rq --exclude=.gitkeep "$src/$d" "$work/target-json-1/$d" >/dev/null \
        || { echo "the JSON round trip differs in $d/"; exit 1; }
done
echo "JSON round trip: every record file the same"
