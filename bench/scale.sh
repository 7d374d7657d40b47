#!/usr/bin/env bash
# kith at scale, side by side with Hugo and with the floor of reading the files.
#
#   bench/scale.sh [RECORDS...]        default: 10000 100000; RUNS=5 runs each
#
# For each size, on a workspace generated with the project's generator (seed 42, kept under
# bench/.work/), the median wall time, the CPU time (user+sys) and the peak memory of:
#   - floor:         reading every record file's bytes (cat, two processes);
#   - check:         `kith check` with no cache (--no-cache), as the first run that builds the
#                    cache in .kith/cache/, and warm (the cache current);
#   - list:          `kith list --segment hot-leads --format json`, no cache and warm;
#   - report:        `kith report --no-records`, the weekly pages of a snapshot (no git history
#                    here: bench/report.sh measures a week of 1,000 commits), no cache and warm;
#   - duplicates:    `kith duplicates`;
#   - hugo:          Hugo (Debian's package, installed when missing) building one list page
#                    that reads every record's frontmatter and prints a table sorted by
#                    lifecycle, with no page per record;
#   - warm queries:  issue 22's queries with the cache current (`list --where` keeping few
#                    rows, 17,000 and 30,000 rows as JSON, `--segment`, `show`, `score`), beside `cat` of
#                    the cache file and a warm `kith check` in the same run; the same again
#                    while `kith watch` runs (its monitor vouches for the files); and `kith
#                    serve` from its start to the first page answered (index.html, then a
#                    record page).
# WARM_ONLY=1 measures only the warm queries (RUNS=3 is enough there: medians of 3).
# Medians, because machines are noisy; the CPU time says what the work costs when other
# processes share the cores. Files are in the page cache after the first run: "cold" means a
# fresh process with no cache of kith's own, not a cold disk. bench/import.sh, bench/sync.sh,
# bench/report.sh, bench/watch.sh and bench/workflows.sh measure the other figures.
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib.sh
sizes=("$@")
[ ${#sizes[@]} -gt 0 ] || sizes=(10000 100000)
runs=${RUNS:-5}
export KITH_TODAY=2026-11-25

# KITH=path/to/kith measures another build (and builds nothing).
[ -n "${KITH:-}" ] || cargo build --release --quiet --features devtools
kith="${KITH:-${CARGO_TARGET_DIR:-$PWD/target}/release/kith}"
work="$PWD/bench/.work"
mkdir -p "$work"
if [ -z "${WARM_ONLY:-}" ] && ! command -v hugo >/dev/null; then
    echo "installing Hugo (Debian's package)..."
    apt-get install -y -qq hugo >/dev/null 2>&1 || sudo apt-get install -y -qq hugo >/dev/null
fi

median() { sort -n | awk '{a[NR]=$1} END {printf "%s", a[int((NR+1)/2)]}'; }

# measure NAME PREPARE COMMAND...: RUNS runs of COMMAND, each after running PREPARE (a shell
# snippet, untimed); prints the medians of wall time, CPU time and peak memory.
measure() {
    local name=$1 prepare=$2
    shift 2
    local walls=() cpus=() mems=()
    for _ in $(seq "$runs"); do
        eval "$prepare"
        /usr/bin/time -f "%e %U %S %M" -o "$work/time.txt" "$@" >/dev/null 2>&1 || true
        read -r e u s m <"$work/time.txt"
        walls+=("$e")
        cpus+=("$(echo "$u + $s" | bc)")
        mems+=("$m")
    done
    printf '  %-34s wall %6s s   cpu %6s s   peak %5s MB\n' "$name" \
        "$(printf '%s\n' "${walls[@]}" | median)" \
        "$(printf '%s\n' "${cpus[@]}" | median)" \
        "$(( $(printf '%s\n' "${mems[@]}" | median) / 1024 ))"
}

# warm WORKSPACE: the warm queries, with the cache current.
warm() {
    local ws=$1
    "$kith" -C "$ws" check >/dev/null 2>&1 || true
    for q in "lifecycle = customer and country = \"DE\"" "lifecycle = lead"; do
        "$kith" -C "$ws" list --where "$q" --format json >/dev/null 2>&1 || true
    done
    local person
    for person in "$ws"/contacts/*.md; do break; done
    person=$(basename "$person" .md)
    measure "reference: cat the records cache" "" cat "$ws/.kith/cache/records.bin"
    queries "$ws" "$person" "warm"
    measure "list --where customer in DE, load path" "" \
        "$kith" -C "$ws" list --where 'lifecycle = customer and country = "DE" and deals.count >= 0'
    printf '  rows: customer in DE %s, leads %s, subscribers %s\n' \
        "$("$kith" -C "$ws" list --where 'lifecycle = customer and country = "DE"' --format csv 2>/dev/null | tail -n +2 | wc -l)" \
        "$("$kith" -C "$ws" list --where 'lifecycle = lead' --format csv 2>/dev/null | tail -n +2 | wc -l)" \
        "$("$kith" -C "$ws" list --where 'lifecycle = subscriber' --format csv 2>/dev/null | tail -n +2 | wc -l)"
    watched "$ws" "$person"
    serve_first_page "$ws" "$person"
}

# queries WORKSPACE PERSON LABEL: a warm check (the reference) and issue 22's warm queries,
# each named with LABEL.
queries() {
    local ws=$1 person=$2 label=$3
    measure "$label: check" "" "$kith" -C "$ws" check
    measure "$label: list --where customer in DE" "" \
        "$kith" -C "$ws" list --where 'lifecycle = customer and country = "DE"'
    measure "$label: list --where lead, json" "" \
        "$kith" -C "$ws" list --where 'lifecycle = lead' --format json
    measure "$label: list --where subscriber, json" "" \
        "$kith" -C "$ws" list --where 'lifecycle = subscriber' --format json
    measure "$label: list --segment hot-leads json" "" \
        "$kith" -C "$ws" list --segment hot-leads --format json
    measure "$label: show $person" "" "$kith" -C "$ws" show "$person"
    measure "$label: score $person" "" "$kith" -C "$ws" score "$person"
}

# watched WORKSPACE PERSON: the same warm queries while `kith watch` runs (its monitor vouches
# for the record files, so no command stamps them); with no report folder, so that the
# watcher renders no pages meanwhile.
watched() {
    local ws=$1 person=$2 log="$work/watch.log"
    rm -rf "$ws/public"
    "$kith" -C "$ws" watch >"$log" 2>&1 &
    local pid=$!
    until grep -q '^watching ' "$log"; do sleep 0.1; done
    "$kith" -C "$ws" check >/dev/null 2>&1 || true
    queries "$ws" "$person" "watcher"
    printf '  watcher itself: %s MB resident\n' "$(( $(awk '/VmRSS/ {print $2}' "/proc/$pid/status") / 1024 ))"
    kill "$pid"
    wait "$pid" 2>/dev/null || true
}

# serve_first_page WORKSPACE PERSON: `kith serve` from its start to the first answer of
# index.html and of a record page (asked right after), with no report folder before (medians).
serve_first_page() {
    local ws=$1 person=$2
    python3 - "$kith" "$ws" "$person" "$runs" <<'PY'
import os, shutil, socket, statistics, subprocess, sys, time, urllib.request
kith, ws, person, runs = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
firsts, records = [], []
for _ in range(runs):
    shutil.rmtree(os.path.join(ws, "public"), ignore_errors=True)
    s = socket.socket(); s.bind(("127.0.0.1", 0)); port = s.getsockname()[1]; s.close()
    start = time.time()
    p = subprocess.Popen([kith, "-C", ws, "serve", "--port", str(port)],
                         stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    def get(path):
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=120) as r:
                    return r.status, r.read()
            except (ConnectionError, urllib.error.URLError):
                time.sleep(0.01)
    code, _ = get("/")
    firsts.append(time.time() - start)
    code2, body = get(f"/contacts/{person}.html")
    records.append(time.time() - start)
    p.terminate(); p.wait()
    assert code == 200 and code2 == 200 and b"<html" in body.lower()
print(f"  {'serve: start to index.html':34s} wall {statistics.median(firsts):6.2f} s")
print(f"  {'serve: start to a record page':34s} wall {statistics.median(records):6.2f} s")
PY
}

if [ -n "${WARM_ONLY:-}" ]; then
    echo "machine: $(nproc) cores, $(uname -sr), load $(cut -d' ' -f1-3 /proc/loadavg)"
    for n in "${sizes[@]}"; do
        ws="$work/ws-$n"
        [ -f "$ws/kith.yaml" ] || "$kith" gen "$ws" --records "$n" --seed 42 >/dev/null
        echo
        echo "== $n records, warm queries; medians of $runs runs"
        warm "$ws"
    done
    exit 0
fi

echo "machine: $(nproc) cores, $(uname -sr), $(grep -m1 'model name' /proc/cpuinfo 2>/dev/null | cut -d: -f2- | xargs); $(hugo version | cut -d' ' -f1-2)"
for n in "${sizes[@]}"; do
    ws="$work/ws-$n"
    if [ ! -f "$ws/kith.yaml" ]; then
        "$kith" gen "$ws" --records "$n" --seed 42 >/dev/null
    fi
    site="$work/hugo-$n"
    hugo_site "$site" "$ws"
    out="$work/report-snapshot-$n"
    echo
    echo "== $n records ($(du -sh --exclude=.kith "$ws" | cut -f1) on disk); medians of $runs runs"
    measure "floor: read every file (cat)" "" \
        sh -c "cd '$ws' && find contacts companies deals -type f -print0 | xargs -0 -P2 -n 5000 cat"
    measure "check, no cache" "" "$kith" -C "$ws" --no-cache check
    measure "check, first run (writes cache)" "rm -rf '$ws/.kith'" "$kith" -C "$ws" check
    measure "check, warm" "" "$kith" -C "$ws" check
    measure "list hot-leads json, no cache" "" \
        "$kith" -C "$ws" --no-cache list --segment hot-leads --format json
    "$kith" -C "$ws" list --segment hot-leads --format json >/dev/null
    measure "list hot-leads json, warm" "" \
        "$kith" -C "$ws" list --segment hot-leads --format json
    measure "report (weekly pages), no cache" "rm -rf '$out'" \
        "$kith" -C "$ws" --no-cache report --no-records --out "$out"
    measure "report (weekly pages), warm" "rm -rf '$out'" \
        "$kith" -C "$ws" report --no-records --out "$out"
    measure "duplicates" "" "$kith" -C "$ws" duplicates
    warm "$ws"
    measure "hugo: one list page" "rm -rf '$site/public'" hugo --quiet -s "$site" -d "$site/public"
    rows=$(grep -c '<tr><td>' "$site/public/index.html" || true)
    [ "$rows" -eq "$n" ] || echo "  (hugo's page lists $rows records, not $n)"
done
