#!/usr/bin/env bash
# Benchmarks `kith lsp` on a generated workspace (100,000 records by default), driven over
# stdio as an editor drives it:
#   - start: from starting the process to the answer to `initialize` (the index loaded);
#   - didChange → publishDiagnostics: from sending a changed buffer to the diagnostics of that
#     version arriving, for three kinds of keystroke: a word typed in the notes, a mistyped
#     company id (a cross-record check: missing-reference, with its did-you-mean) and the
#     id corrected again;
#   - completion: the answer to `textDocument/completion` for a company id (fuzzy over every
#     company), a frontmatter key and a lifecycle stage;
#   - a likely duplicate: from a change that gives the document another person's address to
#     the warning, which waits for the client to be quiet for 300 ms (5 runs).
# Medians and 90th percentiles of N of each (default 40).
#
#   bench/lsp.sh [RECORDS] [N]        KITH=path/to/kith bench/lsp.sh (another build)
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-100000}
runs=${2:-40}
if [ -z "${KITH:-}" ]; then
    cargo build --release --quiet --features devtools
    KITH="${CARGO_TARGET_DIR:-$PWD/target}/release/kith"
fi
work="$PWD/bench/.work/lsp-$n"
export KITH_TODAY=2026-11-25
[ -f "$work/kith.yaml" ] || "$KITH" gen "$work" --records "$n" --seed 42 >/dev/null
python3 - "$KITH" "$work" "$runs" <<'EOF'
import json, os, queue, statistics, subprocess, sys, threading, time

kith, work, runs = sys.argv[1], sys.argv[2], int(sys.argv[3])
start = time.perf_counter()
p = subprocess.Popen([kith, "lsp"], cwd=work, stdin=subprocess.PIPE, stdout=subprocess.PIPE)
inbox = queue.Queue()

def read():
    out = p.stdout
    while True:
        header = out.readline()
        if not header:
            return
        length = int(header.split(b":")[1])
        while out.readline().strip():
            pass
        inbox.put((time.perf_counter(), json.loads(out.read(length))))

threading.Thread(target=read, daemon=True).start()
next_id = [0]
sent = 0.0  # when the last message was written, taken before writing it

def send(method, params, request=True):
    global sent
    msg = {"jsonrpc": "2.0", "method": method, "params": params}
    if request:
        next_id[0] += 1
        msg["id"] = next_id[0]
    body = json.dumps(msg).encode()
    sent = time.perf_counter()
    p.stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
    p.stdin.flush()
    return next_id[0]

def until(pred):
    while True:
        t, m = inbox.get(timeout=600)
        if pred(m):
            return t, m

def request(method, params):
    i = send(method, params)
    t, m = until(lambda m: m.get("id") == i and "method" not in m)
    return (t - sent) * 1000, m

root = "file://" + work
t0 = time.perf_counter()
i = send("initialize", {"processId": None, "rootUri": root, "capabilities": {}})
t, _ = until(lambda m: m.get("id") == i)
started = t - start
send("initialized", {}, request=False)

contacts = sorted(f for f in os.listdir(os.path.join(work, "contacts")) if f.endswith(".md"))
# A person in the middle of the list who works at a company.
for name in contacts[len(contacts) // 2:]:
    rel = "contacts/" + name
    text = open(os.path.join(work, rel)).read()
    company = next((l.split(":", 1)[1].strip() for l in text.splitlines() if l.startswith("company:")), None)
    if company:
        break
uri = root + "/" + rel
send("textDocument/didOpen", {"textDocument": {"uri": uri, "languageId": "markdown", "version": 1, "text": text}}, request=False)
until(lambda m: m.get("method") == "textDocument/publishDiagnostics" and m["params"]["uri"] == uri)

version = [1]
def change(new):
    version[0] += 1
    v = version[0]
    send("textDocument/didChange", {"textDocument": {"uri": uri, "version": v}, "contentChanges": [{"text": new}]}, request=False)
    t, m = until(lambda m: m.get("method") == "textDocument/publishDiagnostics"
                 and m["params"]["uri"] == uri and m["params"].get("version") == v)
    return (t - sent) * 1000, [d["code"] for d in m["params"]["diagnostics"]]

typed, typo, fixed = [], [], []
body = text.rstrip("\n")
for k in range(runs):
    body += " w"
    ms, codes = change(body + "\n")
    typed.append(ms)
    wrong = (body + "\n").replace("company: " + company, "company: " + company[:-1], 1)
    ms, codes = change(wrong)
    assert "missing-reference" in codes, codes
    typo.append(ms)
    ms, codes = change(body + "\n")
    assert "missing-reference" not in codes, codes
    fixed.append(ms)

def position(needle, plus):
    cur = body + "\n"
    i = cur.index(needle) + plus
    return {"line": cur[:i].count("\n"), "character": len(cur[:i].rsplit("\n", 1)[-1])}

doc = {"uri": uri}
comp_company, comp_key, comp_stage, items = [], [], [], 0
for k in range(runs):
    ms, m = request("textDocument/completion", {"textDocument": doc, "position": position("company: ", 9 + 3)})
    comp_company.append(ms)
    items = len(m["result"]["items"])
    ms, _ = request("textDocument/completion", {"textDocument": doc, "position": position("\nname", 3)})
    comp_key.append(ms)
    ms, _ = request("textDocument/completion", {"textDocument": doc, "position": position("lifecycle: ", 11)})
    comp_stage.append(ms)

# A likely duplicate: the document takes another person's address. Its warning comes once the
# client has been quiet for the pause (300 ms) and the workspace has been searched again.
other = open(os.path.join(work, "contacts", contacts[0])).read()
address = next(l.split(":", 1)[1].strip() for l in other.splitlines() if l.startswith("email:"))
own = next(l for l in (body + "\n").splitlines() if l.startswith("email:"))
dup = []
for k in range(5):
    version[0] += 1
    send("textDocument/didChange", {"textDocument": {"uri": uri, "version": version[0]},
         "contentChanges": [{"text": (body + "\n").replace(own, "email: " + address, 1)}]}, request=False)
    t0 = sent
    t, m = until(lambda m: m.get("method") == "textDocument/publishDiagnostics"
                 and any(d["code"] == "likely-duplicate" for d in m["params"]["diagnostics"]))
    dup.append((t - t0) * 1000)
    flagged = m["params"]["uri"]
    version[0] += 1
    send("textDocument/didChange", {"textDocument": {"uri": uri, "version": version[0]},
         "contentChanges": [{"text": body + "\n"}]}, request=False)
    until(lambda m: m.get("method") == "textDocument/publishDiagnostics"
          and m["params"]["uri"] == flagged
          and not any(d["code"] == "likely-duplicate" for d in m["params"]["diagnostics"]))

rss = 0
with open(f"/proc/{p.pid}/status") as f:
    for line in f:
        if line.startswith("VmHWM:"):
            rss = int(line.split()[1]) // 1024
send("shutdown", None)
send("exit", None, request=False)
p.wait(timeout=60)

def row(name, xs):
    xs = sorted(xs)
    p90 = xs[int(len(xs) * 0.9) - 1]
    print(f"| {name} | {statistics.median(xs):.1f} ms | {p90:.1f} ms | {xs[0]:.1f} ms |")

records = sum(len(os.listdir(os.path.join(work, d))) for d in ("contacts", "companies", "deals"))
print(f"{records} records; document {rel}; start (index loaded, `initialize` answered): {started:.2f} s; peak memory {rss} MB")
print(f"company completion returns {items} items")
print()
print("| measurement | median | p90 | min |")
print("| --- | --- | --- | --- |")
row("didChange → publishDiagnostics: a word typed in the notes", typed)
row("didChange → publishDiagnostics: company id mistyped (missing-reference)", typo)
row("didChange → publishDiagnostics: company id corrected", fixed)
row("completion: company id (fuzzy, 3 letters)", comp_company)
row("completion: frontmatter key", comp_key)
row("completion: lifecycle stage", comp_stage)
row("didChange → a likely-duplicate warning (300 ms pause, then the workspace searched)", dup)
EOF
