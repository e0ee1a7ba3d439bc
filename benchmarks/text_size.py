#!/usr/bin/env python3
"""What a model reads: characters of the MCP text result of codebase-mcp's tools, per match line (grep_code), per
result (search_code) and per declaration (find_symbol), for a few common searches, and the size of tools/list.

Usage:
  python3 benchmarks/text_size.py --binary .build-release/release/codebase-mcp --repo /tmp/cbx/pystdlib

Starts codebase-mcp on a fresh database (no watching), indexes the folder, calls each tool over MCP (Streamable HTTP,
one JSON-RPC POST per call) and prints one JSON object: for each search, the characters of the text block the server
sent ("after") and of the same structured result rendered as the text was before issue 21 ("before": every match line
with its repository-prefixed path and 66-character chunk id), divided by the number of lines, results or declarations.
Tokens are about characters / 4.
"""

import http.client
import json
import os
import subprocess
import tempfile

from bench_common import codebase_arguments, remove_scratch, start_codebase, stop

GREPS = [
    {"pattern": "import os", "limit": 100},
    {"pattern": "def __init__(self", "limit": 100},
    {"pattern": "raise ValueError(", "limit": 100},
    {"pattern": r"self\.\w+ = None", "regex": True, "limit": 100},
    {"pattern": "TODO|FIXME|XXX", "regex": True, "limit": 100},
    {"pattern": "return None", "directory": "email/", "limit": 100},
]
SEARCHES = [{"query": "parse configuration file", "limit": 10}, {"query": "open a socket connection", "limit": 10}]
SYMBOLS = [{"name": "__init__", "limit": 100}, {"file_path": "json/decoder.py"}]


def before_grep(body):
    """The text rendering of grep_code before issue 21 (CodeText.render(GrepResponse) at 5ab7e9e)."""
    lines = [f"warning: {w}" for w in body["warnings"]]
    lines.append(f"{len(body['matches'])} of {body['total_count']}{'+' if body['truncated'] else ''} matching lines:")
    for m in body["matches"]:
        lines.append(f"{m['repository']}/{m['file_path']}:{m['line']}:{m['column']} {m['chunk_id']}")
        lines.append("  " + m["text"].strip(" \t"))
    return "\n".join(lines)


def before_search(body):
    lines = [f"warning: {w}" for w in body["warnings"]]
    lines.append(f"{len(body['results'])} of {body['total_count']} matching chunks:")
    for r in body["results"]:
        head = f"{r['repository']}/{r['file_path']}:{r['start_line']}-{r['end_line']} {r['chunk_id']}"
        if r.get("linked_work_items"):
            head += " linked: " + ", ".join(i["id"] for i in r["linked_work_items"])
        lines.append(head)
        lines += ["  " + line for line in r["content"].split("\n")[:3]]
    return "\n".join(lines)


def before_symbols(body):
    lines = [f"warning: {w}" for w in body["warnings"]]
    lines.append(f"{len(body['symbols'])} declarations:")
    for s in body["symbols"]:
        name = f"{s['container']}.{s['name']}" if s.get("container") else s["name"]
        lines.append(f"{s['kind']} {name} {s['repository']}/{s['file_path']}:{s['start_line']}-{s['end_line']} {s['chunk_id']}")
    return "\n".join(lines)


def mcp(connection, method, params, ident=[0]):
    ident[0] += 1
    message = {"jsonrpc": "2.0", "id": ident[0], "method": method, "params": params}
    connection.request("POST", "/mcp", body=json.dumps(message),
                       headers={"Content-Type": "application/json", "Accept": "application/json, text/event-stream"})
    response = connection.getresponse()
    data = response.read()
    return len(data), json.loads(data)["result"]


def measure(connection, tool, arguments, before, unit_key):
    _, result = mcp(connection, "tools/call", {"name": tool, "arguments": arguments})
    text = result["content"][0]["text"]
    if result.get("isError"):
        return {"arguments": arguments, "error": text[:200]}
    body = result["structuredContent"]
    units = len(body[unit_key]) or 1
    old = before(body)
    return {"arguments": arguments, unit_key: len(body[unit_key]), "chars_before": len(old), "chars_after": len(text),
            "per_unit_before": round(len(old) / units, 1), "per_unit_after": round(len(text) / units, 1)}


def main():
    args = codebase_arguments().parse_args()
    scratch = tempfile.mkdtemp(prefix="text-size-")
    process, port = start_codebase(args.binary, os.path.join(scratch, "db.sqlite"), args.repo, "--no-watch", stderr=subprocess.DEVNULL)
    try:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=600)
        connection.request("POST", "/mcp/index", body=json.dumps({"wait": True}), headers={"Content-Type": "application/json"})
        connection.getresponse().read()
        size, _ = mcp(connection, "tools/list", {})
        result = {
            "tools_list_bytes": size,
            "grep_code_per_match_line": [measure(connection, "grep_code", a, before_grep, "matches") for a in GREPS],
            "search_code_per_result": [measure(connection, "search_code", a, before_search, "results") for a in SEARCHES],
            "find_symbol_per_declaration": [measure(connection, "find_symbol", a, before_symbols, "symbols") for a in SYMBOLS],
        }
        print(json.dumps(result, indent=2))
    finally:
        stop(process)
        remove_scratch(scratch, keep=False)


if __name__ == "__main__":
    main()
