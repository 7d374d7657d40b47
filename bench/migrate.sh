#!/usr/bin/env bash
# Benchmarks a HubSpot migration: `kith import DIR` of a generated export of CONTACTS contacts,
# COMPANIES companies, DEALS deals and ACTIVITIES engagements into an empty workspace.
#
#   bench/migrate.sh [CONTACTS] [COMPANIES] [DEALS] [ACTIVITIES]   default 100000 20000 30000 300000
#
# The export is written by bench/migrate.py (fixed seed). Each run imports it into a fresh
# `kith init` workspace; then the same export is imported again (nothing changes) and
# `kith check` reads the result, as references from the same run. Medians of 3.
set -euo pipefail
cd "$(dirname "$0")/.."
contacts="${1:-100000}"
companies="${2:-20000}"
deals="${3:-30000}"
activities="${4:-300000}"
runs=3

cargo build --release --quiet --features devtools
kith="${CARGO_TARGET_DIR:-$PWD/target}/release/kith"
work="$PWD/bench/.work"
mkdir -p "$work"
export KITH_TODAY=2026-11-25

median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
timed() { local s e; s=$(date +%s.%N); "$@" >/dev/null; e=$(date +%s.%N); echo "$e - $s" | bc; }

src="$work/migrate-$contacts-$companies-$deals-$activities"
if [ ! -d "$src" ]; then
    python3 bench/migrate.py "$src" "$contacts" "$companies" "$deals" "$activities"
fi
echo "machine: $(nproc) cores, $(uname -sr), load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "export: $src ($(du -sh "$src" | cut -f1))"
# ext4 is slow to create files right after many were removed: see bench/import.sh.
if compgen -G "$work/migrate-target*" >/dev/null; then
    rm -rf "$work"/migrate-target*
    sync
    sleep 40
fi
first=(); again=(); check=()
for i in $(seq "$runs"); do
    ws="$work/migrate-target-$i"
    git init -q "$ws"
    "$kith" init "$ws" --timezone Europe/London >/dev/null
    t=$(timed "$kith" -C "$ws" import "$src"); first+=("$t")
    a=$(timed "$kith" -C "$ws" import "$src"); again+=("$a")
    c=$(timed "$kith" -C "$ws" check); check+=("$c")
    echo "run $i: migrate ${t}s, again ${a}s, kith check ${c}s (load $(cut -d' ' -f1 /proc/loadavg))"
done
printf '%s\n' "${first[@]}" | median | xargs printf 'median migrate: %ss\n'
printf '%s\n' "${again[@]}" | median | xargs printf 'median again (unchanged): %ss\n'
printf '%s\n' "${check[@]}" | median | xargs printf 'median kith check of the result: %ss\n'
