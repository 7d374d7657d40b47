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
#                    lifecycle, with no page per record.
# Medians, because machines are noisy; the CPU time says what the work costs when other
# processes share the cores. Files are in the page cache after the first run: "cold" means a
# fresh process with no cache of kith's own, not a cold disk. bench/import.sh, bench/sync.sh,
# bench/report.sh, bench/watch.sh and bench/workflows.sh measure the other figures.
set -euo pipefail
cd "$(dirname "$0")/.."
sizes=("$@")
[ ${#sizes[@]} -gt 0 ] || sizes=(10000 100000)
runs=${RUNS:-5}
export KITH_TODAY=2026-11-25

cargo build --release --quiet --features devtools
kith="$PWD/target/release/kith"
work="$PWD/bench/.work"
mkdir -p "$work"
if ! command -v hugo >/dev/null; then
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

echo "machine: $(nproc) cores, $(uname -sr), $(grep -m1 'model name' /proc/cpuinfo 2>/dev/null | cut -d: -f2- | xargs); $(hugo version | cut -d' ' -f1-2)"
for n in "${sizes[@]}"; do
    ws="$work/ws-$n"
    if [ ! -f "$ws/kith.yaml" ]; then
        "$kith" gen "$ws" --records "$n" --seed 42 >/dev/null
    fi
    site="$work/hugo-$n"
    mkdir -p "$site/layouts"
    cat >"$site/hugo.toml" <<EOF
baseURL = "http://example.invalid/"
title = "records"
contentDir = "$ws"
disableKinds = ["taxonomy", "term", "RSS", "sitemap", "404", "section"]
[[cascade]]
  [cascade._build]
    render = "never"
    list = "always"
  [cascade._target]
    kind = "page"
EOF
    cat >"$site/layouts/index.html" <<'EOF'
<!doctype html><html><head><title>Records</title></head><body><table>
<tr><th>Name</th><th>Lifecycle</th><th>Owner</th></tr>
{{ range sort .Site.RegularPages ".Params.lifecycle" }}<tr><td>{{ .Params.name }}</td><td>{{ .Params.lifecycle }}</td><td>{{ .Params.owner }}</td></tr>
{{ end }}</table></body></html>
EOF
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
    measure "hugo: one list page" "rm -rf '$site/public'" hugo --quiet -s "$site" -d "$site/public"
    rows=$(grep -c '<tr><td>' "$site/public/index.html" || true)
    [ "$rows" -eq "$n" ] || echo "  (hugo's page lists $rows records, not $n)"
done
