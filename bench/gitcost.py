#!/usr/bin/env python3
"""Helpers of bench/gitcost.sh: record folders in another layout, and a fast-import stream's
record paths moved to that layout.

    bench/gitcost.py copy FLAT_WS DEST LAYOUT    copies a workspace, its record files sharded
    bench/gitcost.py stream LAYOUT <IN >OUT      rewrites `M 100644 inline KIND/ID.md` lines

LAYOUT is flat, first1 (`contacts/a/ada.md`), first2 (`contacts/ad/ada.md`), hash2
(`contacts/3f/ada.md`: the first byte of the id's FNV-1a hash) or hash2+1 (`contacts/3f/a/ada.md`:
then its next four bits, as kith's `layout: sharded`)."""
import os, shutil, sys

KINDS = ("contacts", "companies", "deals")

def fnv1a(data):
    h = 0x811C9DC5
    for b in data:
        h = ((h ^ b) * 0x01000193) & 0xFFFFFFFF
    return h

def shard(layout, ident):
    if layout == "flat":
        return ""
    if layout == "first1":
        return ident[:1] + "/"
    if layout == "first2":
        return ident[:2] + "/"
    if layout == "hash2":
        return "%02x/" % (fnv1a(ident.encode()) >> 24)
    if layout == "hash2+1":
        h = fnv1a(ident.encode())
        return "%02x/%x/" % (h >> 24, (h >> 20) & 0xF)
    sys.exit("unknown layout " + layout)

def copy(src, dst, layout):
    shutil.copytree(src, dst, ignore=shutil.ignore_patterns(".git", ".kith", *KINDS))
    for kind in KINDS:
        folder = os.path.join(src, kind)
        if not os.path.isdir(folder):
            continue
        for name in os.listdir(folder):
            ident = name[:-3]
            out = os.path.join(dst, kind, shard(layout, ident))
            os.makedirs(out, exist_ok=True)
            shutil.copyfile(os.path.join(folder, name), os.path.join(out, name))

def stream(layout):
    inp, out = sys.stdin.buffer, sys.stdout.buffer
    prefix = b"M 100644 inline "
    while True:
        line = inp.readline()
        if not line:
            break
        if line.startswith(prefix):
            kind, name = line[len(prefix):].decode().strip().split("/", 1)
            line = prefix + ("%s/%s%s\n" % (kind, shard(layout, name[:-3]), name)).encode()
            out.write(line)
        elif line.startswith(b"data "):
            out.write(line)
            n = int(line[5:])
            out.write(inp.read(n))
        else:
            out.write(line)

if sys.argv[1] == "copy":
    copy(sys.argv[2], sys.argv[3], sys.argv[4])
elif sys.argv[1] == "stream":
    stream(sys.argv[2])
