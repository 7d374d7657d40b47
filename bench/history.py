#!/usr/bin/env python3
"""Writes a git fast-import stream of N commits that change people's lifecycle stages and log
activities in a generated workspace, authored by several teammates over one week.

    bench/history.py WORKSPACE N WEEK_START(YYYY-MM-DD) | git -C WORKSPACE fast-import

Each commit takes the current HEAD's version of one to three contact files (read from the
working tree, which the caller keeps in step by checking out afterwards) and changes them."""
import os, random, sys, datetime

ws, n, start = sys.argv[1], int(sys.argv[2]), sys.argv[3]
random.seed(7)
contacts = sorted(os.listdir(os.path.join(ws, "contacts")))
stages = ["subscriber", "lead", "mql", "sql", "opportunity", "customer"]
authors = [("Sam Okafor", "sam@brightwave.example"), ("Priya Raman", "priya@brightwave.example"),
           ("Jonas Weber", "jonas@brightwave.example"), ("Mei Tanaka", "mei@brightwave.example")]
t0 = datetime.datetime.fromisoformat(start + "T08:00:00+00:00")
texts = {}
out = sys.stdout.buffer
def emit(s):
    out.write(s if isinstance(s, bytes) else s.encode())
emit("")
for i in range(n):
    when = t0 + datetime.timedelta(seconds=int(i * (5 * 24 * 3600) / n))
    name, email = random.choice(authors)
    files = {}
    for f in random.sample(contacts, random.randint(1, 3)):
        path = "contacts/" + f
        text = texts.get(path)
        if text is None:
            text = open(os.path.join(ws, path), encoding="utf-8").read()
        lines = text.split("\n")
        for k, line in enumerate(lines[1:], 1):
            if line == "---":
                break
            if line.startswith("lifecycle: "):
                cur = line[len("lifecycle: "):].strip()
                if cur in stages and cur != stages[-1]:
                    lines[k] = "lifecycle: " + stages[stages.index(cur) + 1]
                break
        text = "\n".join(lines).rstrip("\n") + "\n- %s call @sam: benchmark call %d\n" % (when.date(), i)
        texts[path] = text
        files[path] = text
    msg = "kith: benchmark change %d" % i
    stamp = "%d +0000" % int(when.timestamp())
    emit("commit refs/heads/main\n")
    emit("author %s <%s> %s\ncommitter %s <%s> %s\n" % (name, email, stamp, name, email, stamp))
    data = msg.encode()
    emit("data %d\n" % len(data)); emit(data); emit("\n")
    if i == 0:
        emit("from refs/heads/main^0\n")
    for path, text in files.items():
        b = text.encode()
        emit("M 100644 inline %s\ndata %d\n" % (path, len(b))); emit(b); emit("\n")
    emit("\n")
