#!/usr/bin/env python3
"""Exact and regex search (POST /mcp/grep) and symbol lookups (GET /mcp/symbols) on the real codebase-mcp binary,
with ripgrep over the same folder beside it, query by query, in one run.

Usage:
  python3 benchmarks/grep_bench.py --binary .build-release/release/codebase-mcp --repo /tmp/cbx/pystdlib [--names 60] [--pcre2]

Starts codebase-mcp on a fresh database in a temporary folder (no start-up index, no watching), indexes the folder
with `POST /mcp/index {"wait": true}`, then for each query: one grep over HTTP (one keep-alive connection, limit 100)
and one `rg` process over the folder (`-F` for literals, its output thrown away), alternating, so both see the same
machine. The first grep, which builds the in-memory corpus, is timed apart. With --pcre2 (a server whose regex is
PCRE2), ten more regexes in the syntax assistants write (`\\d`, `\\w`, `\\b`, `(?i)`, lazy quantifiers, lookaround)
are timed too, against `rg` (`rg -P`, its PCRE2 engine, for lookaround). Prints one JSON object, with the patterns
whose `total_count` differs from rg's line count.
"""

import http.client
import json
import os
import random
import re
import shutil
import statistics
import subprocess
import tempfile
import time

from bench_common import codebase_arguments, percentile, remove_scratch, start_codebase, stop

REGEXES = [
    r"def +parse_[a-z_]+", r"class [A-Z][a-z]+Error", r"raise [A-Z][A-Za-z]*Error\(", r"^import (os|sys)$",
    r"^ *@property", r"self\.[a-z_]+ = None", r"except [A-Za-z]+ as e:", r"[0-9]+\.[0-9]+\.[0-9]+", r"TODO|FIXME|XXX",
    r"lambda [a-z]+: ",
]
# In PCRE2's syntax; (pattern, ripgrep needs -P).
PCRE2_REGEXES = [
    (r"\d+\.\d+\.\d+", False), (r"(?i)https?://[\w.]+", False), (r"\bdef \w+\(self\b", False), (r"\s+$", False),
    (r"(?:TODO|FIXME)\b", False), (r"\w+Error\b", False), (r"'.*?'", False), (r"(?<=def )test_\w+", True),
    (r"import \w+(?= as )", True), (r"^\s*return \w+\(\)$", False),
]


def summary(values):
    return {"p50": round(statistics.median(values), 2), "p95": round(percentile(values, 0.95), 2), "n": len(values)}


def call(connection, method, path, body=None):
    started = time.perf_counter()
    connection.request(method, path, body=json.dumps(body) if body is not None else None,
                       headers={"Content-Type": "application/json"} if body is not None else {})
    response = connection.getresponse()
    data = response.read()
    return response.status, json.loads(data), (time.perf_counter() - started) * 1000


def rss_mb(pid):
    """Resident MB: all (`VmRSS`) and anonymous (`RssAnon`), which leaves out the database pages SQLite reads through
    its memory map (shared with the page cache, clean, given back under pressure)."""
    fields = {}
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            key, _, value = line.partition(":")
            if key in ("VmRSS", "RssAnon"):
                fields[key] = round(int(value.split()[0]) / 1024, 1)
    return {"all": fields.get("VmRSS"), "anonymous": fields.get("RssAnon")}


def names_from(repo, count, seed):
    """Function and class names declared in the folder's Python files, sampled with a fixed seed."""
    found = set()
    for directory, _, files in os.walk(repo):
        for name in files:
            if name.endswith(".py"):
                try:
                    with open(os.path.join(directory, name), encoding="utf-8", errors="replace") as handle:
                        found.update(re.findall(r"^(?:def|class) ([A-Za-z_][A-Za-z0-9_]{5,})", handle.read(), re.M))
                except OSError:
                    pass
    names = sorted(found)
    random.Random(seed).shuffle(names)
    return names[:count]


def rg_time(repo, pattern, literal, pcre2=False):
    arguments = ["rg", "--no-config", "-n", "--no-heading"] + (["-F"] if literal else []) + (["-P"] if pcre2 else []) + ["-e", pattern, repo]
    started = time.perf_counter()
    completed = subprocess.run(arguments, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    elapsed = (time.perf_counter() - started) * 1000
    return elapsed, completed.stdout.count(b"\n")


def main():
    parser = codebase_arguments()
    parser.add_argument("--names", type=int, default=60)
    parser.add_argument("--pcre2", action="store_true", help="also time the PCRE2-syntax regexes")
    args = parser.parse_args()
    if not shutil.which("rg"):
        raise SystemExit("ripgrep (rg) is needed as the reference: apt-get install ripgrep")
    scratch = tempfile.mkdtemp(prefix="grep-bench-")
    process, port = start_codebase(args.binary, os.path.join(scratch, "db.sqlite"), args.repo, "--no-watch", stderr=subprocess.DEVNULL)
    try:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=600)
        _, job, _ = call(connection, "POST", "/mcp/index", {"wait": True})
        rss_before = rss_mb(process.pid)
        status, first, first_ms = call(connection, "POST", "/mcp/grep", {"pattern": "import", "limit": 100})
        rss_after = rss_mb(process.pid)

        names = names_from(args.repo, args.names, args.seed)
        queries = [(name, False, False) for name in names] + [(pattern, True, False) for pattern in REGEXES]
        if args.pcre2:
            queries += [(pattern, True, rg_pcre2) for pattern, rg_pcre2 in PCRE2_REGEXES]
        ours = {"literal": [], "regex": []}
        reference = {"literal": [], "regex": []}
        ratios = []
        per_regex = []
        agree = 0
        differ = []
        for pattern, is_regex, rg_pcre2 in queries:
            status, body, ms = call(connection, "POST", "/mcp/grep", {"pattern": pattern, "regex": is_regex, "limit": 100})
            rg_ms, rg_lines = rg_time(args.repo, pattern, not is_regex, rg_pcre2)
            kind = "regex" if is_regex else "literal"
            ours[kind].append(ms)
            reference[kind].append(rg_ms)
            ratios.append(ms / rg_ms if rg_ms else 0)
            if status == 200 and body["total_count"] == rg_lines:
                agree += 1
            else:
                differ.append({"pattern": pattern, "ours": body.get("total_count", status), "rg": rg_lines, "ms": round(ms, 1)})
            if is_regex:
                per_regex.append({"pattern": pattern, "ms": round(ms, 1), "rg_ms": round(rg_ms, 1)})
        symbol_ms = []
        found = 0
        for name in names:
            status, body, ms = call(connection, "GET", f"/mcp/symbols?name={name}&limit=20")
            symbol_ms.append(ms)
            found += 1 if status == 200 and body["symbols"] else 0
        result = {
            "repo": args.repo,
            "index_seconds": round(job.get("duration_ms", 0) / 1000, 2),
            "first_grep_ms": round(first_ms, 1),
            "rss_mb_before_first_grep": rss_before,
            "rss_mb_after_first_grep": rss_after,
            "grep_literal_ms_round_trip": summary(ours["literal"]),
            "grep_regex_ms_round_trip": summary(ours["regex"]),
            "rg_literal_ms": summary(reference["literal"]),
            "rg_regex_ms": summary(reference["regex"]),
            "ours_over_rg_median_ratio": round(statistics.median(ratios), 3),
            "total_count_equal_to_rg_lines": f"{agree}/{len(queries)}",
            "differ_from_rg": differ,
            "regex_ms": per_regex,
            "symbols_ms_round_trip": summary(symbol_ms),
            "symbols_found": f"{found}/{len(names)}",
            "load_average": os.getloadavg()[0],
        }
        print(json.dumps(result, indent=2))
    finally:
        stop(process)
        remove_scratch(scratch, keep=False)


if __name__ == "__main__":
    main()
