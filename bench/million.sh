#!/usr/bin/env bash
# kith at 1,000,000 records (a B2C team; about 1 GB of markdown): each figure of issue 22's
# list with its peak memory, beside plain git and Hugo on the same files in the same run.
#
#   bench/million.sh [RECORDS]     default 1000000; KITH=path/to/kith skips the build;
#                                  LAYOUT=sharded (default) or flat; KEEP=1 keeps the files;
#                                  FROM=sync starts at the sync (the workspace kept by KEEP=1),
#                                  ONLY=queries stops after the checks and queries (and keeps
#                                  the files)
#
# Steps (one run each: a run at this size takes long, and the machine is shared):
#   - generate the workspace (`kith gen`, seed 42), commit it with plain git;
#   - `kith migrate --layout sharded` (LAYOUT=sharded): one commit of 1,000,000 renames;
#   - cold check (`--no-cache check`), the first check (writes the cache), a warm query
#     (`list --where` returning few rows) and card, the same while `kith watch` runs, the
#     weekly report without record pages, cold and warm, `kith duplicates`;
#   - `kith sync` of a 1,000-record change (a logged call each) to a bare remote on the same
#     disk, beside plain `git add -A && git commit` and `git push` of the same kind of change;
#   - `kith import` of 1,000,000 CSV rows into an empty workspace;
#   - Hugo (Debian's package) building one list page over every record's frontmatter.
# Needs about 6 GB of disk under bench/.work/ (the workspace, its repository, the clone, the
# imported copy); it refuses to start with less than 20 GB free, and removes everything at the
# end unless KEEP=1.
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib.sh
n=${1:-1000000}
layout=${LAYOUT:-sharded}
export KITH_TODAY=2026-11-25 GIT_CONFIG_NOSYSTEM=1
export GIT_AUTHOR_NAME=Bench GIT_AUTHOR_EMAIL=bench@brightwave.example
export GIT_COMMITTER_NAME=Bench GIT_COMMITTER_EMAIL=bench@brightwave.example
# Every commit dated, git's and kith's: the workspace is made weeks before the report's week
# (KITH_TODAY), the synced changes in it.
export GIT_AUTHOR_DATE=2026-11-02T10:00:00Z GIT_COMMITTER_DATE=2026-11-02T10:00:00Z
if [ -z "${KITH:-}" ]; then
    cargo build --release --quiet --features devtools
    KITH="${CARGO_TARGET_DIR:-$PWD/target}/release/kith"
fi
kith=$KITH
work="$PWD/bench/.work/million-$n"
mkdir -p "$work"
free_gb=$(df -BG --output=avail "$work" | tail -1 | tr -dc 0-9)
if [ "$free_gb" -lt 26 ]; then
    echo "only ${free_gb} GB free under $work; this bench needs 6 GB and keeps 20 GB free" >&2
    exit 1
fi
if ! command -v hugo >/dev/null; then
    apt-get install -y -qq hugo >/dev/null 2>&1 || sudo apt-get install -y -qq hugo >/dev/null || true
fi
ws="$work/ws"
out="$work/out"

# measure NAME COMMAND...: one run; wall time, CPU time and peak memory.
measure() {
    local name=$1
    shift
    /usr/bin/time -f "%e %U %S %M" -o "$work/time.txt" "$@" >"$work/stdout.txt" 2>"$work/stderr.txt" || {
        echo "  $name: failed (exit $?)"; tail -3 "$work/stderr.txt" | sed 's/^/    /'; }
    # The last line: a failed command's has "Command exited with non-zero status N" above it.
    read -r e u s m < <(tail -1 "$work/time.txt") || true
    printf '  %-46s wall %7s s   cpu %7s s   peak %6s MB\n' "$name" "$e" \
        "$(echo "$u + $s" | bc)" "$(( m / 1024 ))"
}

echo "machine: $(nproc) cores, $(uname -sr), $(free -g | awk '/Mem:/ {print $2}') GB; $(git --version); $(hugo version 2>/dev/null | cut -d' ' -f1-2)"
echo "shared with other engineers' builds: figures are noisy (load average $(cut -d' ' -f1-3 /proc/loadavg))"
echo "== $n records, layout $layout"
if [ ! -f "$ws/kith.yaml" ]; then
    measure "kith gen" "$kith" gen "$ws" --records "$n" --seed 42
    echo "  on disk: $(du -sh "$ws" | cut -f1) in $(find "$ws" -type f | wc -l) files"
    git -C "$ws" init -q -b main
    # No background gc or maintenance: they would compete with the figures, and the gc below
    # is one of them.
    git -C "$ws" config gc.auto 0
    git -C "$ws" config maintenance.auto false
    measure "git add -A (plain git)" git -C "$ws" add -A
    measure "git commit (plain git)" git -C "$ws" commit -q -m "generated workspace"
    if [ "$layout" = sharded ]; then
        measure "kith migrate --layout sharded" "$kith" -C "$ws" migrate --layout sharded
        tail -1 "$work/stdout.txt" | sed 's/^/    /'
    fi
fi
if [ ! -f "$ws/.git/bench-gc-done" ]; then
    git -C "$ws" config gc.auto 0
    git -C "$ws" config maintenance.auto false
    measure "git gc (plain git, the whole history)" git -C "$ws" gc -q
    touch "$ws/.git/bench-gc-done"
fi
if [ "${FROM:-}" != sync ]; then
measure "git status (plain git)" git -C "$ws" status --porcelain
measure "check, cold (--no-cache)" "$kith" -C "$ws" --no-cache check
tail -1 "$work/stdout.txt" | sed 's/^/    /'
rm -rf "$ws/.kith"
measure "check, first run (writes the cache)" "$kith" -C "$ws" check
measure "check, warm" "$kith" -C "$ws" check
# The first query computes and stores today's scores and segments (a load); the next are warm.
measure "first query: list --where customer in DE" "$kith" -C "$ws" list --where 'lifecycle = customer and country = "DE"'
measure "warm query: list --where customer in DE" "$kith" -C "$ws" list --where 'lifecycle = customer and country = "DE"'
echo "    $(wc -l <"$work/stdout.txt") lines"
person=$(find "$ws/contacts" -name '*.md' -print -quit | xargs basename | sed 's/\.md$//')
measure "warm query: show one record" "$kith" -C "$ws" show "$person"
# The same while `kith watch` runs: its monitor vouches for the files, so no command stamps
# them (no report folder, so that the watcher renders no pages meanwhile).
rm -rf "$ws/public"
"$kith" -C "$ws" watch >"$work/watch.log" 2>&1 &
watcher=$!
until grep -q '^watching ' "$work/watch.log"; do sleep 1; done
echo "  kith watch: $(( $(awk '/VmRSS/ {print $2}' "/proc/$watcher/status") / 1024 )) MB resident"
"$kith" -C "$ws" check >/dev/null 2>&1
measure "watcher: check, warm" "$kith" -C "$ws" check
measure "watcher: list --where customer in DE" "$kith" -C "$ws" list --where 'lifecycle = customer and country = "DE"'
measure "watcher: show one record" "$kith" -C "$ws" show "$person"
rm -rf "$out"
measure "watcher: report --no-records" "$kith" -C "$ws" report --no-records --out "$out"
kill "$watcher"
wait "$watcher" 2>/dev/null || true
if [ "${ONLY:-}" = queries ]; then
    exit 0
fi
rm -rf "$out"
measure "report --no-records, no cache" "$kith" -C "$ws" --no-cache report --no-records --out "$out"
rm -rf "$out"
measure "report --no-records, warm" "$kith" -C "$ws" report --no-records --out "$out"
measure "duplicates" "$kith" -C "$ws" duplicates
echo "    $(wc -l <"$work/stdout.txt") lines"
fi

# Sync: a bare remote (hard links on the same disk) and 1,000 changed records.
if [ ! -d "$work/remote.git" ]; then
    git clone -q --bare "$ws" "$work/remote.git"
    git -C "$ws" remote add origin "$work/remote.git"
    git -C "$ws" fetch -q origin
    git -C "$ws" branch -q -u origin/main
fi
change() {
    local tag=$1
    # awk, not head: head would close the pipe early and pipefail would stop the script.
    find "$ws/contacts" -name '*.md' | sort | awk 'NR <= 1000' | while read -r f; do
        printf -- '- 2026-11-24 call: benchmark %s\n' "$tag" >>"$f"
    done
}
export GIT_AUTHOR_DATE=2026-11-24T10:00:00Z GIT_COMMITTER_DATE=2026-11-24T10:00:00Z
change "kith-$(date +%s)"
measure "kith sync: 1,000 changed records" "$kith" -C "$ws" sync
grep -m1 'committed' "$work/stdout.txt" | cut -c1-100 | sed 's/^/    /' || true
change "git-$(date +%s)"
measure "git add -A (plain git, 1,000 changed)" git -C "$ws" add -A
measure "git commit (plain git, 1,000 changed)" git -C "$ws" commit -q -m "1,000 changes"
measure "git push (plain git)" git -C "$ws" push -q origin main
echo "  one commit's new objects: $(git -C "$ws" rev-list --objects HEAD --not HEAD^ | cut -d' ' -f1 |
    git -C "$ws" cat-file --batch-check='%(objectsize:disk)' | awk '{s+=$1} END {print s}') bytes"

# Import: 1,000,000 CSV rows (the people exported, then copies with new addresses and names
# until there are enough) into an empty workspace.
csv="$work/import.csv"
if [ ! -f "$csv" ]; then
    "$kith" -C "$ws" export --format csv --include-dnc -o "$work/people.csv" 2>/dev/null
    python3 - "$work/people.csv" "$csv" "$n" <<'PY'
import csv, sys
src, dst, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
rows = list(csv.reader(open(src, newline="")))
head, body = rows[0], rows[1:]
email = head.index("email") if "email" in head else None
name = head.index("name") if "name" in head else None
with open(dst, "w", newline="") as g:
    w = csv.writer(g)
    w.writerow(head)
    for i in range(n):
        row = list(body[i % len(body)])
        copy = i // len(body)
        if copy:
            if email is not None and row[email]:
                local, _, domain = row[email].partition("@")
                row[email] = "%s+%d@%s" % (local, copy, domain)
            if name is not None:
                row[name] = "%s %d" % (row[name], copy)
        w.writerow(row)
PY
    rm -f "$work/people.csv"
fi
echo "  import file: $(du -h "$csv" | cut -f1), $(( $(wc -l <"$csv") - 1 )) rows"
# A new folder each run, and the import removed only at the end: ext4 creates files slowly
# for minutes after a mass delete (`recently_deleted`), which made an import into a folder
# just emptied four times as slow.
target="$work/import-target-$(date +%s)"
git init -q "$target"
"$kith" init "$target" --timezone Europe/London >/dev/null
[ "$layout" = sharded ] && printf 'layout: sharded\n' >>"$target/kith.yaml"
measure "import of the CSV rows" "$kith" -C "$target" import "$csv"
tail -1 "$work/stdout.txt" | cut -c1-100 | sed 's/^/    /'

# Hugo: one list page reading every record's frontmatter (as bench/scale.sh builds it).
if command -v hugo >/dev/null; then
    site="$work/hugo"
    hugo_site "$site" "$ws"
    rm -rf "$site/public"
    measure "hugo: one list page" timeout 1800 hugo --quiet -s "$site" -d "$site/public"
    echo "    $(grep -c '<tr><td>' "$site/public/index.html" 2>/dev/null || echo 0) rows"
fi
rm -rf "$work"/import-target*
if [ -z "${KEEP:-}" ]; then
    rm -rf "$work"
fi
