#!/usr/bin/env bash
# Benchmarks `kith ingest` of a large mbox into a large workspace.
#
#   bench/ingest.sh [RECORDS] [MESSAGES]        default 100000 100000
#   WORK=/dev/shm/kith bench/ingest.sh           the same on another file system (here tmpfs)
#
# Generates a workspace with a fixed seed (`kith gen`) as a git repository, and an mbox of
# MESSAGES messages to and from its people with Python's mailbox module (bench/ingest.py).
# Then, three times: restores the workspace (`git checkout`), ingests the mbox and prints the
# wall time; then once more, ingesting the same mbox again (nothing to add), and once with
# --dry-run. Prints the median of the three first runs, each beside a reference from the same
# run: `git checkout` writing the same changed files back (what any program pays to replace
# that many files on this disk). Every timed step starts 40 s after the last mass delete:
# ext4 without a journal (this VM's disk) will not reuse an inode freed in the last 30 to 35
# seconds and reads inode tables to skip each one, so creating files right after many were
# removed is slow for every program (see runs/2026-12-07-ingest.md).
set -euo pipefail
cd "$(dirname "$0")/.."
records="${1:-100000}"
messages="${2:-100000}"
runs=3

cargo build --release --quiet --features devtools
kith="${CARGO_TARGET_DIR:-$PWD/target}/release/kith"
work="${WORK:-$PWD/bench/.work}"
mkdir -p "$work"
export KITH_TODAY=2026-11-25

median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
timed() {
    local start end
    start=$(date +%s.%N)
    "$@" >"$work/ingest-out.txt" 2>"$work/ingest-err.txt" || true
    end=$(date +%s.%N)
    echo "$end - $start" | bc
}

ws="$work/ingest-ws-$records"
if [ ! -d "$ws/.git" ]; then
    rm -rf "$ws"
    "$kith" gen "$ws" --records "$records" --seed 42 >/dev/null
    git -C "$ws" init -q
    git -C "$ws" add -A
    git -C "$ws" -c user.name=bench -c user.email=bench@example commit -qm generated
fi
mbox="$work/ingest-$messages.mbox"
if [ ! -f "$mbox" ]; then
    python3 bench/ingest.py "$ws" "$mbox" "$messages"
fi
echo "machine: $(nproc) cores, $(uname -sr), load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "workspace: $ws ($records records); mbox: $mbox ($(du -h "$mbox" | cut -f1), $messages messages)"
times=()
refs=()
rest() {
    sync
    sleep 40
}
restore() {
    git -C "$ws" checkout -q -- .
    git -C "$ws" clean -qfd
}
restore
for i in $(seq "$runs"); do
    rest
    t=$(timed "$kith" -C "$ws" ingest "$mbox")
    times+=("$t")
    said=$(head -1 "$work/ingest-out.txt")
    changed=$(git -C "$ws" status --short | wc -l)
    rest
    r=$(timed restore)
    refs+=("$r")
    echo "run $i: ${t}s: $said; git checkout of the $changed changed files: ${r}s"
done
printf '%s\n' "${times[@]}" | median | xargs printf 'median: %ss'
printf '%s\n' "${refs[@]}" | median | xargs printf ', git checkout median: %ss\n'
rest
timed "$kith" -C "$ws" ingest "$mbox" >/dev/null
t=$(timed "$kith" -C "$ws" ingest "$mbox")
echo "again (nothing new): ${t}s: $(head -1 "$work/ingest-out.txt")"
restore
rest
t=$(timed "$kith" -C "$ws" --dry-run ingest "$mbox")
echo "dry run: ${t}s: $(tail -3 "$work/ingest-out.txt" | head -1)"
git -C "$ws" checkout -q -- .
