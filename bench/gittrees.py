#!/usr/bin/env python3
"""The tree objects a one-record commit rewrites, by layout, computed from a workspace's file
names: git's tree entry is `<mode> <name>\\0<20-byte id>`, so a folder's tree size is exact
without git. For each layout: the biggest record folder (what a commit into it rewrites), the
kind folder above the shards, and the sum a commit to the biggest shard rewrites.

    bench/gittrees.py WORKSPACE [SCALE]   SCALE multiplies the records (10 → 1,000,000 from
                                          100,000: each folder ten times the entries)"""
import os, sys
sys.argv += ["1"] if len(sys.argv) < 3 else []
ws, scale = sys.argv[1], int(sys.argv[2])
exec(open(os.path.join(os.path.dirname(__file__), "gitcost.py")).read().split("def copy")[0])

def entry(name, folder=False):
    return len("40000 " if folder else "100644 ") + len(name.encode()) + 1 + 20

for layout in ("flat", "first1", "first2", "hash2"):
    worst = (0, "", 0)
    for kind in ("contacts", "companies", "deals"):
        names = os.listdir(os.path.join(ws, kind))
        shards = {}
        for n in names:
            shards.setdefault(shard(layout, n[:-3]), []).append(n)
        for s, files in shards.items():
            size = sum(entry(f) for f in files) * scale
            if size > worst[0]:
                top = sum(entry(x.rstrip("/"), True) for x in shards) if s else 0
                worst = (size, kind + "/" + s, top)
    big, where, top = worst
    print("%-7s biggest folder %-14s %9d bytes (%d entries); kind folder %7d bytes; a commit there rewrites %9d bytes of trees"
          % (layout, where, big, big // 48, top, big + top))
