#!/usr/bin/env bash
# What one commit costs git as the workspace grows, for each way of laying out record folders:
#   flat    contacts/ada-lovelace.md            (kith's default)
#   first1  contacts/a/ada-lovelace.md          (first letter of the id)
#   first2  contacts/ad/ada-lovelace.md         (first two letters)
#   hash2   contacts/3f/ada-lovelace.md         (first byte of the id's FNV-1a hash, 256 folders)
#   hash2+1 contacts/3f/a/ada-lovelace.md       (then its next four bits, 4,096 folders:
#                                                kith's `layout: sharded`)
# On a generated workspace (RECORDS, default 100,000; seed 42), each layout committed once
# ("import", packed) and then a week of 1,000 commits by four teammates (bench/history.py,
# the same changes in every layout), it reports:
#   - a one-record commit with plain git (`git add FILE && git commit`): new objects' bytes as
#     stored (loose, compressed) and the wall time, median of RUNS;
#   - kith's own commit path: `kith set` then `kith sync` to a bare remote on the same disk;
#   - the biggest record folder (tree object bytes), what every commit into it rewrites;
#   - reading the week: `git log --raw` (plain git), `kith history ID` of a record the week
#     changed, and the report's history phase with no cache (`kith report --no-records`,
#     KITH_TRACE's history mark);
#   - the loose objects a week of such commits leaves, and what `git gc --auto`,
#     `git maintenance run --auto`, `git repack -d`, index v4, the untracked cache and
#     fsmonitor change (flat and hash2+1 only).
#
#   bench/gitcost.sh [RECORDS]        KITH=path/to/kith to skip the build; RUNS=5;
#                                     SETUP_ONLY=1 makes the repositories and stops;
#                                     LAYOUTS="flat hash2" measures only those
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-100000}
runs=${RUNS:-5}
export KITH_TODAY=2026-11-25 GIT_CONFIG_NOSYSTEM=1
export GIT_AUTHOR_NAME=Bench GIT_AUTHOR_EMAIL=bench@brightwave.example
export GIT_COMMITTER_NAME=Bench GIT_COMMITTER_EMAIL=bench@brightwave.example
if [ -z "${KITH:-}" ]; then
    cargo build --release --quiet --features devtools
    KITH="${CARGO_TARGET_DIR:-$PWD/target}/release/kith"
fi
kith=$KITH
work="$PWD/bench/.work/gitcost-$n"
mkdir -p "$work"
median() { sort -n | awk '{a[NR]=$1} END {printf "%s", a[int((NR+1)/2)]}'; }
secs() { local s e; s=$(date +%s.%N); "$@" >/dev/null 2>&1; e=$(date +%s.%N); echo "$e - $s" | bc; }
# The bytes, as stored, of the objects HEAD brought that its parent did not have.
new_bytes() {
    git -C "$1" rev-list --objects HEAD --not HEAD^ | cut -d' ' -f1 |
        git -C "$1" cat-file --batch-check='%(objectsize:disk)' | awk '{s+=$1} END {print s}'
}
# The biggest tree object under the record folders, in bytes (uncompressed).
biggest_folder() {
    git -C "$1" ls-tree -r -t HEAD contacts companies deals | awk '$2 == "tree" {print $3}' |
        git -C "$1" cat-file --batch-check='%(objectsize)' | sort -n | tail -1
}

src="$work/flat-src"
if [ ! -f "$src/kith.yaml" ]; then
    "$kith" gen "$src" --records "$n" --seed 42 >/dev/null
fi
stream="$work/week.stream"
if [ ! -f "$stream" ]; then
    python3 bench/history.py "$src" 1000 2026-11-23 >"$stream"
fi
# Records the plain-git and kith commits change: spread over the alphabet, none the week touched
# more than the others.
mapfile -t ids < <(ls "$src/contacts" | awk -v n="$runs" 'NR % 997 == 0 {print substr($0, 1, length($0) - 3)}' | head -n "$((2 * runs))")
week_id=$(grep -a -m1 '^M 100644 inline contacts/' "$stream" | sed 's|.*/||; s|\.md$||')

echo "machine: $(nproc) cores, $(uname -sr), $(git --version); shared with other builds (noisy)"
echo "$n records; medians of $runs runs; bytes are objects as git stores them (zlib, loose)"
for layout in ${LAYOUTS:-flat first1 first2 hash2 hash2+1}; do
    ws="$work/$layout"
    if [ ! -d "$ws/.git" ]; then
        rm -rf "$ws" "$ws.remote.git"
        python3 bench/gitcost.py copy "$src" "$ws" "$layout"
        [ "$layout" = hash2+1 ] && printf 'layout: sharded\n' >>"$ws/kith.yaml"
        git -C "$ws" init -q -b main
        git -C "$ws" add -A
        GIT_AUTHOR_DATE="2026-08-03T09:00:00Z" GIT_COMMITTER_DATE="2026-08-03T09:00:00Z" \
            git -C "$ws" commit -q -m import
        python3 bench/gitcost.py stream "$layout" <"$stream" | git -C "$ws" fast-import --quiet
        git -C "$ws" reset -q --hard main
        git -C "$ws" repack -adq
        git clone -q --bare "$ws" "$ws.remote.git"
        git -C "$ws" remote add origin "$ws.remote.git"
        git -C "$ws" fetch -q origin
        git -C "$ws" branch -q -u origin/main
    fi
    [ -n "${SETUP_ONLY:-}" ] && continue
    echo "== $layout: biggest record folder $(biggest_folder "$ws") bytes"
    path_of() { python3 -c "import sys; sys.argv=['', '$layout']; exec(open('bench/gitcost.py').read().split('def copy')[0]); print('contacts/' + shard('$layout', '$1') + '$1.md')"; }
    times=() bytes=()
    for id in "${ids[@]:0:$runs}"; do
        f=$(path_of "$id")
        printf -- '- %s call @sam: gitcost\n' "$KITH_TODAY" >>"$ws/$f"
        times+=("$(secs bash -c "git -C '$ws' add '$f' && git -C '$ws' commit -q -m 'gitcost $id'")")
        bytes+=("$(new_bytes "$ws")")
    done
    printf '  %-40s %8s bytes  %6s s\n' "plain git: one-record commit" \
        "$(printf '%s\n' "${bytes[@]}" | median)" "$(printf '%s\n' "${times[@]}" | median)"
    git -C "$ws" push -q origin main
    times=() bytes=() sets=()
    for id in "${ids[@]:$runs:$runs}"; do
        sets+=("$(secs "$kith" -C "$ws" set "$id" lifecycle customer)")
        times+=("$(secs "$kith" -C "$ws" sync)")
        bytes+=("$(new_bytes "$ws")")
    done
    printf '  %-40s %8s bytes  %6s s  (kith set %s s)\n' "kith set + kith sync (commit, push)" \
        "$(printf '%s\n' "${bytes[@]}" | median)" "$(printf '%s\n' "${times[@]}" | median)" \
        "$(printf '%s\n' "${sets[@]}" | median)"
    times=() ktimes=() htimes=()
    for _ in $(seq "$runs"); do
        times+=("$(secs git -C "$ws" log --raw --no-renames --since=2026-11-22 main)")
        rm -rf "$ws/.kith"
        ktimes+=("$(secs "$kith" -C "$ws" history "$week_id")")
        rm -rf "$ws/.kith" "$work/out"
        h=$(KITH_TRACE=1 "$kith" -C "$ws" report --no-records --out "$work/out" 2>&1 >/dev/null | grep '] history$' | tr -d '[]s' | awk '{print $1}' || true)
        htimes+=("${h:-n/a}")
    done
    printf '  %-40s %8s s\n' "git log --raw of the week" "$(printf '%s\n' "${times[@]}" | median)"
    printf '  %-40s %8s s\n' "kith history $week_id (no cache)" "$(printf '%s\n' "${ktimes[@]}" | median)"
    printf '  %-40s %8s s\n' "report's history phase (no cache)" "$(printf '%s\n' "${htimes[@]}" | median)"
done

[ -n "${SETUP_ONLY:-}" ] && exit 0
# Housekeeping, on the layouts that matter: what a week of commits leaves and what the
# maintenance commands and index options change.
for layout in $(echo "${LAYOUTS:-flat hash2+1}" | tr " " "\n" | grep -E "^(flat|hash2\+1)$"); do
    ws="$work/$layout"
    echo "== $layout: housekeeping"
    per=$(new_bytes "$ws")
    echo "  loose bytes one commit leaves: $per; a week of 1,000 such commits: $(( per * 1000 / 1048576 )) MB"
    echo "  loose objects now: $(git -C "$ws" count-objects -v | awk '/^count/ {print $2}')"
    printf '  %-40s %8s s\n' "git gc --auto" "$(secs git -C "$ws" gc --auto)"
    printf '  %-40s %8s s\n' "git maintenance run --auto" "$(secs git -C "$ws" maintenance run --auto)"
    printf '  %-40s %8s s\n' "git repack -d (loose into a pack)" "$(secs git -C "$ws" repack -dq)"
    st() { local t=(); for _ in $(seq "$runs"); do t+=("$(secs git -C "$ws" status --porcelain)"); done; printf '%s\n' "${t[@]}" | median; }
    ks() { local t=(); for _ in $(seq "$runs"); do t+=("$(secs "$kith" -C "$ws" sync)"); done; printf '%s\n' "${t[@]}" | median; }
    printf '  %-40s %8s s  index %s bytes  kith sync (nothing to do) %s s\n' "git status, index v2" "$(st)" "$(stat -c %s "$ws/.git/index")" "$(ks)"
    git -C "$ws" update-index --index-version 4
    printf '  %-40s %8s s  index %s bytes  kith sync (nothing to do) %s s\n' "git status, index v4" "$(st)" "$(stat -c %s "$ws/.git/index")" "$(ks)"
    git -C "$ws" config core.untrackedCache true
    git -C "$ws" update-index --untracked-cache
    git -C "$ws" status --porcelain >/dev/null
    printf '  %-40s %8s s\n' "git status, v4 + untracked cache" "$(st)"
    if git -C "$ws" -c core.fsmonitor=true fsmonitor--daemon start >/dev/null 2>&1; then
        git -C "$ws" config core.fsmonitor true
        printf '  %-40s %8s s\n' "git status, + fsmonitor" "$(st)"
        git -C "$ws" fsmonitor--daemon stop >/dev/null 2>&1 || true
        git -C "$ws" config --unset core.fsmonitor
    else
        echo "  fsmonitor: $(git -C "$ws" fsmonitor--daemon start 2>&1 | head -1)"
    fi
    git -C "$ws" config --unset core.untrackedCache || true
    git -C "$ws" update-index --no-untracked-cache --index-version 2
done
