#!/usr/bin/env bash
# Benchmarks `kith watch` on a generated workspace (100,000 records by default) in the git
# repository bench/report.sh makes (one import commit, 1,000 commits this week), with a private
# report: N saves of a record (an activity appended each time, a different person each time),
# each timed from the write to
#   (a) the updated index: the watcher prints the record's line;
#   (b) the re-rendered pages: the watcher prints the report's line;
# and the debounce (from the write to the batch reaching kith: notify's latency plus
# --debounce-ms) reported apart: the watcher says when each batch arrived (KITH_TRACE), and
# (a) and (b) are also given from that moment. Also the watcher's CPU time per save.
# Medians of N saves (default 15).
#
#   bench/watch.sh [RECORDS] [SAVES]        KITH=path/to/kith bench/watch.sh (another build)
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-100000}
saves=${2:-15}
debounce=${DEBOUNCE_MS:-50}
if [ -z "${KITH:-}" ]; then
    cargo build --release --quiet --features devtools
    KITH="$PWD/target/release/kith"
fi
work="$PWD/bench/.work/watch-$n"
export GIT_CONFIG_NOSYSTEM=1 KITH_TODAY=2026-11-25
if [ ! -d "$work/.git" ]; then
    rm -rf "$work"
    "$KITH" gen "$work" --records "$n" --seed 42 >/dev/null
    git -C "$work" init -q -b main
    git -C "$work" add -A
    GIT_AUTHOR_DATE="2026-08-03T09:00:00Z" GIT_COMMITTER_DATE="2026-08-03T09:00:00Z" \
        git -c user.name=Import -c user.email=import@brightwave.example -C "$work" commit -q -m "import"
    python3 bench/history.py "$work" 1000 2026-11-23 | git -C "$work" fast-import --quiet
    git -C "$work" reset -q --hard main
fi
# Every run starts from the committed records, with a report of them.
git -C "$work" checkout -q -- contacts companies deals
[ -f "$work/public/.kith-report" ] || "$KITH" -C "$work" report >/dev/null
python3 - "$KITH" "$work" "$saves" "$debounce" <<'EOF'
import os, re, subprocess, sys, threading, time, queue, statistics

kith, work, saves, debounce = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
env = dict(os.environ, KITH_TRACE="1")
p = subprocess.Popen([kith, "watch", "--debounce-ms", debounce], cwd=work, env=env,
                     stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, bufsize=1)
lines = queue.Queue()
def read(stream, name):
    for line in stream:
        lines.put((time.time(), name, line.rstrip("\n")))
for s, name in ((p.stdout, "out"), (p.stderr, "err")):
    threading.Thread(target=read, args=(s, name), daemon=True).start()

def until(pred, timeout=600):
    deadline = time.time() + timeout
    while True:
        t, name, line = lines.get(timeout=max(0.1, deadline - time.time()))
        if pred(name, line):
            return t, line

start = time.time()
until(lambda n, l: n == "out" and l.startswith("watching "))
print(f"kith watch ready after {time.time() - start:.1f} s (load, and a first render of every page)")
def cpu():
    f = open(f"/proc/{p.pid}/stat").read().rsplit(")", 1)[1].split()
    return (int(f[11]) + int(f[12])) / os.sysconf("SC_CLK_TCK")

people = sorted(os.listdir(os.path.join(work, "contacts")))[:: max(1, 84000 // saves)][:saves]
rows = []
cpu0 = cpu()
for person in people:
    rel = f"contacts/{person}"
    time.sleep(1.0)
    while not lines.empty():
        lines.get()
    saved = time.time()
    with open(os.path.join(work, rel), "a") as f:
        f.write("- 2026-11-25 visit: /pricing\n")
    t_index, _ = until(lambda n, l: n == "out" and l.startswith(rel))
    t_pages, report = until(lambda n, l: n == "out" and "weekly report for" in l)
    arrived = None
    try:
        _, timing = until(lambda n, l: n == "err" and l.startswith("watch timings:"), timeout=5)
        m = re.search(r"batch at ([0-9.]+) index ([0-9.]+) ms pages ([0-9.]+) ms", timing)
        arrived, index_ms, pages_ms = float(m.group(1)), float(m.group(2)), float(m.group(3))
    except queue.Empty:
        pass  # a build without the timings line
    row = {"a": (t_index - saved) * 1000, "b": (t_pages - saved) * 1000}
    if arrived is not None:
        row.update(debounce=(arrived - saved) * 1000, a_kith=index_ms, b_kith=pages_ms)
    rows.append(row)
    print(f"  {rel}: {report.split(': ', 1)[1]}; " + ", ".join(f"{k} {v:.1f} ms" for k, v in row.items()))
cpu1 = cpu()
p.terminate()
p.wait()
subprocess.run(["git", "-C", work, "checkout", "-q", "--", "contacts"], check=True)
print(f"kith watch, {saves} saves, --debounce-ms {debounce}; medians (ms):")
names = {
    "debounce": "debounce (write to batch arrival)",
    "a": "write to updated index (record line printed)",
    "b": "write to re-rendered pages (report line)",
    "a_kith": "batch arrival to updated index",
    "b_kith": "batch arrival to re-rendered pages",
}
for k, label in names.items():
    vals = [r[k] for r in rows if k in r]
    if vals:
        print(f"  {label:<48} {statistics.median(vals):9.1f}   (min {min(vals):.1f}, max {max(vals):.1f})")
print(f"  {'watcher CPU time per save':<48} {(cpu1 - cpu0) / len(rows) * 1000:9.1f}")
EOF
