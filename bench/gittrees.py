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

for layout in ("flat", "first1", "first2", "hash2", "hash2+1"):
    # Each folder's entries: files in the leaves (times SCALE), folders above them.
    worst = (0, "", 0)
    for kind in ("contacts", "companies", "deals"):
        folders = {}
        for n in os.listdir(os.path.join(ws, kind)):
            parts = shard(layout, n[:-3]).rstrip("/").split("/") if layout != "flat" else []
            path = kind
            for p in parts:
                folders.setdefault(path, set()).add((p, True))
                path += "/" + p
            folders.setdefault(path, set()).add((n, False))
        def size(path):
            return sum(entry(name, folder) * (1 if folder else scale) for name, folder in folders[path])
        for path, entries in folders.items():
            if any(folder for _, folder in entries):
                continue
            leaf = size(path)
            above = 0
            parts = path.split("/")
            for i in range(1, len(parts)):
                above += size("/".join(parts[:i]))
            if leaf + above > worst[0]:
                worst = (leaf + above, path, leaf, above)
    total, where, leaf, above = worst
    print("%-8s biggest folder %-16s %9d bytes (%d entries); folders above it %7d bytes; a commit there rewrites %9d bytes of trees"
          % (layout, where, leaf, leaf // 48, above, total))
