#!/usr/bin/env python3
"""Index speed and search latency of the real codebase-mcp binary.

Usage:
  python3 benchmarks/codebase_bench.py --binary .build-codebase-release/release/codebase-mcp --repo DIR [--queries 200]

Starts codebase-mcp on a fresh database in a temporary folder (127.0.0.1, a free port, no start-up indexing), indexes
DIR with `POST /mcp/index {"wait": true}`, stops the server and measures the database, starts it again and runs the
queries through HTTP on one keep-alive connection. Prints one JSON object with every figure.
"""

import http.client
import json
import os
import random
import re
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time

from bench_common import codebase_arguments, percentile, remove_scratch, start_codebase, stop

PHRASES = [
    "parse command line arguments", "open a file for reading", "read configuration file", "http request headers",
    "send an email message", "socket timeout", "thread pool executor", "decode utf 8 bytes", "base64 encode",
    "compress data with zlib", "json decoder error", "regular expression match", "temporary directory cleanup",
    "random number generator seed", "date time format", "unit test assertion", "subprocess pipe output",
    "hash table lookup", "binary search insertion point", "csv writer dialect", "xml element tree parse",
    "url quote unquote", "async event loop", "signal handler", "lock acquire release", "queue get put",
    "logging handler formatter", "path join normalize", "zip file extract", "tar archive members",
    "sqlite connection cursor", "deep copy", "pickle protocol", "struct pack unpack", "cookie jar",
    "ssl context certificate", "locale encoding", "traceback format exception", "weak reference callback",
    "abstract base class register",
]


def post(connection, path, body):
    payload = json.dumps(body)
    connection.request("POST", path, body=payload, headers={"Content-Type": "application/json"})
    response = connection.getresponse()
    return response.status, json.loads(response.read())


def peak_rss_megabytes(pid):
    """The process's peak resident set (VmHWM), from start-up to now."""
    with open(f"/proc/{pid}/status") as status:
        kilobytes = int(re.search(r"VmHWM:\s+(\d+) kB", status.read()).group(1))
    return round(kilobytes / 1024, 1)


def make_queries(database, count, seed):
    """Declared names (whole), the same names as words, phrases, and filtered searches: a varied, fixed set."""
    rng = random.Random(seed)
    con = sqlite3.connect(database)
    symbols = [row[0] for row in con.execute("SELECT symbols FROM chunks WHERE symbols != '' ORDER BY id")]
    directories = sorted({row[0].split("/")[0] + "/" for row in con.execute("SELECT path FROM files WHERE path LIKE '%/%'")})
    con.close()
    names = sorted({s.split(" ")[0] for s in symbols if len(s.split(" ")[0]) > 3})
    rng.shuffle(names)
    queries = []
    definitions = []
    for name in names[: count * 2 // 5]:
        queries.append({"query": name})
        definitions.append((len(queries) - 1, name))
    for name in names[count * 2 // 5: count * 3 // 5]:
        words = re.sub(r"([a-z0-9])([A-Z])", r"\1 \2", name).replace("_", " ").strip().lower()
        queries.append({"query": words or name})
    for phrase in PHRASES:
        queries.append({"query": phrase})
    while len(queries) < count:
        name = rng.choice(names)
        if rng.random() < 0.5:
            queries.append({"query": name, "file_type": "py", "limit": 20})
        else:
            queries.append({"query": name, "directory": rng.choice(directories), "limit": 5})
    return queries[:count], definitions


def main():
    parser = codebase_arguments()
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder")
    parser.add_argument("--no-baseline", action="store_true", help="do not run python_fts5_baseline.py after the index")
    args = parser.parse_args()

    work = tempfile.mkdtemp(prefix="codebase-bench-")
    database = os.path.join(work, "bench.sqlite")
    result = {"repo": os.path.abspath(args.repo)}
    try:
        # 1. Index once, cold database.
        process, port = start_codebase(args.binary, database, args.repo)
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=3600)
        started = time.perf_counter()
        status, job = post(connection, "/mcp/index", {"wait": True})
        wall = time.perf_counter() - started
        assert status == 200 and job["status"] == "completed", job
        connection.close()
        peak_rss_mb = peak_rss_megabytes(process.pid)
        stop(process)

        con = sqlite3.connect(database)
        files, text_bytes = con.execute("SELECT count(*), sum(size) FROM files").fetchone()
        chunks = con.execute("SELECT count(*) FROM chunks").fetchone()[0]
        con.close()
        db_bytes = sum(os.path.getsize(database + suffix) for suffix in ("", "-wal") if os.path.exists(database + suffix))
        seconds = job["duration_ms"] / 1000
        result["index"] = {
            "files_scanned": job["files_scanned"], "files_indexed": files, "text_bytes": text_bytes, "chunks": chunks,
            "job_seconds": round(seconds, 3), "wall_seconds": round(wall, 3),
            "files_per_second": round(files / seconds, 1), "megabytes_per_second": round(text_bytes / 1e6 / seconds, 2),
            "chunks_per_second": round(chunks / seconds, 1), "database_bytes": db_bytes,
            "database_bytes_per_text_byte": round(db_bytes / text_bytes, 3),
            "peak_rss_mb": peak_rss_mb,
        }
        if not args.no_baseline:
            # Right after ours: this machine's speed drifts over minutes, so only a back-to-back ratio carries.
            script = os.path.join(os.path.dirname(os.path.abspath(__file__)), "python_fts5_baseline.py")
            output = subprocess.run([sys.executable, script, args.repo, os.path.join(work, "baseline.sqlite")],
                                    check=True, capture_output=True, text=True).stdout
            baseline = float(re.search(r"([0-9.]+) MB/s", output).group(1))
            result["index"]["python_baseline_megabytes_per_second"] = baseline
            result["index"]["ratio_to_python_baseline"] = round(text_bytes / 1e6 / seconds / baseline, 2)

        # 2. Re-index with nothing changed: every file is read and hashed, nothing is written.
        process, port = start_codebase(args.binary, database, args.repo)
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=3600)
        status, again = post(connection, "/mcp/index", {"wait": True})
        result["reindex_unchanged_seconds"] = round(again["duration_ms"] / 1000, 3)

        # 3. Searches: every query once (cold cache), then the same again (cached).
        queries, definitions = make_queries(database, args.queries, args.seed)
        post(connection, "/mcp/search", {"query": "warm up the connection"})
        round_trips, server, answers = [], [], []
        for query in queries:
            started = time.perf_counter()
            status, answer = post(connection, "/mcp/search", query)
            round_trips.append((time.perf_counter() - started) * 1000)
            assert status == 200, (query, answer)
            server.append(answer["latency_ms"])
            answers.append(answer)
        cached = []
        for query in queries:
            started = time.perf_counter()
            post(connection, "/mcp/search", query)
            cached.append((time.perf_counter() - started) * 1000)
        connection.close()
        stop(process)

        declared = 0
        for index, name in definitions:
            results = answers[index]["results"]
            if results and re.search(r"\b(def|class|func|function|struct|enum)\s+" + re.escape(name) + r"\b|^" + re.escape(name) + r"\s*=",
                                     results[0]["content"], re.M):
                declared += 1
        result["search"] = {
            "queries": len(queries),
            "round_trip_ms": {"p50": round(percentile(round_trips, 0.5), 2), "p95": round(percentile(round_trips, 0.95), 2),
                              "p99": round(percentile(round_trips, 0.99), 2), "max": round(max(round_trips), 2),
                              "mean": round(statistics.mean(round_trips), 2)},
            "server_latency_ms": {"p50": round(percentile(server, 0.5), 2), "p95": round(percentile(server, 0.95), 2)},
            "cached_round_trip_ms": {"p50": round(percentile(cached, 0.5), 2), "p95": round(percentile(cached, 0.95), 2)},
            "queries_with_results": sum(1 for a in answers if a["results"]),
            "definition_first": f"{declared}/{len(definitions)}",
        }
        print(json.dumps(result, indent=2))
    finally:
        remove_scratch(work, args.keep)


if __name__ == "__main__":
    main()
