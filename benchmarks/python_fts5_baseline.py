#!/usr/bin/env python3
"""The reference point of the speed goal: plain 50-line chunks into SQLite FTS5 from Python, one transaction.

Usage: python3 benchmarks/python_fts5_baseline.py DIR [DATABASE]
Walks DIR (skipping site-packages and __pycache__), skips binary and >1 MiB files, and prints MB/s.
"""
import os, sqlite3, time, sys
root = sys.argv[1]
db = sys.argv[2] if len(sys.argv) > 2 else "/tmp/python_fts5_baseline.sqlite"
for s in ("", "-wal", "-shm"):
    try: os.remove(db + s)
    except FileNotFoundError: pass
con = sqlite3.connect(db)
con.execute("PRAGMA journal_mode=WAL"); con.execute("PRAGMA synchronous=NORMAL")
con.execute("CREATE TABLE chunks(id INTEGER PRIMARY KEY, path TEXT, start INT, content TEXT)")
con.execute("CREATE VIRTUAL TABLE fts USING fts5(path, content, content='', tokenize=\"unicode61 tokenchars '_'\")")
t = time.time(); nbytes = 0; nfiles = 0; nchunks = 0
for dp, dns, fns in os.walk(root):
    dns[:] = [d for d in dns if d not in ("site-packages", "__pycache__")]
    for fn in fns:
        p = os.path.join(dp, fn)
        try:
            b = open(p, "rb").read()
        except Exception: continue
        if len(b) > 1 << 20 or b"\0" in b[:8192]: continue
        s = b.decode("utf-8", "replace"); nbytes += len(b); nfiles += 1
        lines = s.split("\n")
        for i in range(0, len(lines), 50):
            c = "\n".join(lines[i:i+50])
            cur = con.execute("INSERT INTO chunks(path,start,content) VALUES(?,?,?)", (p, i, c))
            con.execute("INSERT INTO fts(rowid,path,content) VALUES(?,?,?)", (cur.lastrowid, p, c))
            nchunks += 1
con.commit()
dt = time.time() - t
print(f"{nfiles} files {nbytes/1e6:.1f} MB {nchunks} chunks {dt:.2f}s {nbytes/1e6/dt:.1f} MB/s; db {os.path.getsize(db)+os.path.getsize(db+'-wal')} bytes")
