#!/usr/bin/env python3
"""codebase_bench.py's 200 searches against a database indexed before (`codebase_bench.py --keep`), without
indexing again: for comparing two binaries or two changes on the same index, and naming the slowest queries.

Usage: python3 benchmarks/search_probe.py BINARY DATABASE [--repo DIR] [--slowest 10]
"""
import argparse
import http.client
import json
import time

from bench_common import percentile, start_codebase, stop
from codebase_bench import make_queries, post


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("binary")
    parser.add_argument("database")
    parser.add_argument("--repo", default="/tmp/cbx/pystdlib")
    parser.add_argument("--slowest", type=int, default=10)
    args = parser.parse_args()
    process, port = start_codebase(args.binary, args.database, args.repo)
    try:
        queries, _ = make_queries(args.database, 200, 7)
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=600)
        post(connection, "/mcp/search", {"query": "warm up the connection"})
        rows = []
        for query in queries:
            started = time.perf_counter()
            _, answer = post(connection, "/mcp/search", query)
            rows.append({"ms": (time.perf_counter() - started) * 1000, "server_ms": answer["latency_ms"],
                         "total_count": answer["total_count"], "query": query})
        for row in rows:
            started = time.perf_counter()
            post(connection, "/mcp/search", row["query"])
            row["cached_ms"] = (time.perf_counter() - started) * 1000
        summary = {name: {"p50": round(percentile([r[key] for r in rows], 0.5), 2),
                          "p95": round(percentile([r[key] for r in rows], 0.95), 2)}
                   for name, key in (("round_trip_ms", "ms"), ("cached_round_trip_ms", "cached_ms"))}
        print(json.dumps(summary))
        for row in sorted(rows, key=lambda r: -r["ms"])[:args.slowest]:
            print(json.dumps({k: round(v, 1) if isinstance(v, float) else v for k, v in row.items()}))
    finally:
        stop(process)


if __name__ == "__main__":
    main()
