#!/usr/bin/env python3
"""Replays codebase-mcp's writes from a finished index (`codebase_bench.py --keep`) in Python, part by part, each in
one transaction on a fresh database, and prints the CPU seconds of each: where the index writer's time goes. Then
the same FTS5 inserts with the `unicode61` and the `ascii` tokenizer, to see what tokenizing costs.

Usage: python3 benchmarks/index_replay.py DATABASE [--runs 2]
`subwords` is approximated with regular expressions (the same kind of parts, not byte for byte the same column).
"""
import argparse
import os
import re
import sqlite3
import tempfile
import time

SCHEMA = """
CREATE TABLE files (id INTEGER PRIMARY KEY, repository_id INTEGER, path TEXT NOT NULL, language TEXT, extension TEXT,
    content_hash BLOB, size INTEGER, line_count INTEGER, indexed_at REAL, UNIQUE (repository_id, path));
CREATE TABLE chunks (id INTEGER PRIMARY KEY AUTOINCREMENT, chunk_id BLOB NOT NULL UNIQUE, file_id INTEGER NOT NULL,
    start_line INTEGER, end_line INTEGER, content TEXT NOT NULL, symbols TEXT NOT NULL, indexed_at REAL);
CREATE INDEX chunks_by_file ON chunks (file_id, start_line);
CREATE TABLE symbols (id INTEGER PRIMARY KEY, file_id INTEGER NOT NULL, name TEXT NOT NULL, kind TEXT NOT NULL,
    container TEXT, start_line INTEGER, end_line INTEGER, chunk_id BLOB NOT NULL);
CREATE INDEX symbols_by_name ON symbols (name);
CREATE INDEX symbols_by_file ON symbols (file_id, start_line);
CREATE INDEX symbols_by_name_nocase ON symbols (name COLLATE NOCASE);
CREATE VIRTUAL TABLE fts4 USING fts5(path, symbols, content, subwords, content='',
    tokenize="unicode61 remove_diacritics 2 tokenchars '_'");
INSERT INTO fts4 (fts4, rank) VALUES ('automerge', 0);
CREATE VIRTUAL TABLE fts1 USING fts5(content, content='', tokenize="unicode61 remove_diacritics 2 tokenchars '_'");
CREATE VIRTUAL TABLE fts1ascii USING fts5(content, content='', tokenize="ascii tokenchars '_'");
"""


def subwords(text):
    words = {w.lower() for w in re.findall(r"[A-Za-z0-9_]+", text)}
    parts = []
    for word in re.findall(r"[A-Za-z0-9_]*[_A-Z0-9][A-Za-z0-9_]*", text):
        for part in re.findall(r"[A-Z]+(?![a-z])|[A-Z]?[a-z]+|[0-9]+", word):
            part = part.lower()
            if part not in words and part not in parts:
                parts.append(part)
    return " ".join(parts)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("database")
    parser.add_argument("--runs", type=int, default=2)
    args = parser.parse_args()
    source = sqlite3.connect(args.database)
    files = source.execute("SELECT id, path, language, extension, content_hash, size, line_count FROM files").fetchall()
    chunks = source.execute("""SELECT c.id, c.chunk_id, c.file_id, c.start_line, c.end_line, c.content, c.symbols, f.path
                               FROM chunks c JOIN files f ON f.id = c.file_id ORDER BY c.id""").fetchall()
    symbols = source.execute("SELECT file_id, name, kind, container, start_line, end_line, chunk_id FROM symbols ORDER BY id").fetchall()
    documents = [(c[0], c[7].replace("/", " "), c[6], c[5], subwords(c[5])) for c in chunks]
    work = tempfile.mkdtemp(prefix="index-replay-")

    def run(parts):
        path = os.path.join(work, "replay.sqlite")
        for suffix in ("", "-wal", "-shm"):
            if os.path.exists(path + suffix):
                os.remove(path + suffix)
        con = sqlite3.connect(path, isolation_level=None)
        con.execute("PRAGMA journal_mode=WAL")
        con.execute("PRAGMA cache_size=-65536")
        con.executescript(SCHEMA)
        started = time.process_time()
        con.execute("BEGIN")
        if "files" in parts:
            con.executemany("INSERT INTO files VALUES (?, 1, ?, ?, ?, ?, ?, ?, 0)", files)
        if "chunks" in parts:
            con.executemany("INSERT INTO chunks VALUES (?, ?, ?, ?, ?, ?, ?, 0)", [c[:7] for c in chunks])
        if "symbols" in parts:
            con.executemany("""INSERT INTO symbols (file_id, name, kind, container, start_line, end_line, chunk_id)
                               VALUES (?, ?, ?, ?, ?, ?, ?)""", symbols)
        if "fts4" in parts:
            con.executemany("INSERT INTO fts4 (rowid, path, symbols, content, subwords) VALUES (?, ?, ?, ?, ?)", documents)
        if "fts1" in parts:
            con.executemany("INSERT INTO fts1 (rowid, content) VALUES (?, ?)", [(c[0], c[5]) for c in chunks])
        if "fts1ascii" in parts:
            con.executemany("INSERT INTO fts1ascii (rowid, content) VALUES (?, ?)", [(c[0], c[5]) for c in chunks])
        con.execute("COMMIT")
        if "merge" in parts:
            # As `compactSearchIndex` does at the end of a job.
            for _ in range(200):
                before = con.total_changes
                con.execute("INSERT INTO fts4 (fts4, rank) VALUES ('merge', 500)")
                if con.total_changes - before < 2:
                    break
        con.close()
        return round(time.process_time() - started, 2)

    print(f"{len(files)} files, {len(chunks)} chunks, {len(symbols)} symbols; CPU seconds per run")
    for parts in (["files", "chunks"], ["files", "chunks", "symbols"], ["fts1"], ["fts1ascii"], ["fts4"],
                  ["fts4", "merge"], ["files", "chunks", "symbols", "fts4", "merge"]):
        print(" + ".join(parts), [run(parts) for _ in range(args.runs)])


if __name__ == "__main__":
    main()
