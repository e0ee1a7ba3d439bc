#!/usr/bin/env python3
"""MCP next to REST: the latency of one `search_code` and one `create_work_item` tool call over Streamable HTTP,
and of the same REST call, measured back to back against a running pair (start it with
`swift run -c release harness up --no-build`, or pass other URLs).

Each round makes one REST call and then the matching MCP call, each on its own keep-alive connection, so both see
the same machine at the same moment; the report gives p50 and p95 of each and the median of the per-round ratio
MCP/REST. Standard library only.
"""
import argparse
import http.client
import json
import statistics
import time
from urllib.parse import urlparse

from bench_common import percentile


class Connection:
    """One keep-alive HTTP/1.1 connection."""

    def __init__(self, base):
        url = urlparse(base)
        self.conn = http.client.HTTPConnection(url.hostname, url.port, timeout=10)

    def post(self, path, body):
        self.conn.request("POST", path, body=json.dumps(body).encode(), headers={"Content-Type": "application/json", "Accept": "application/json"})
        response = self.conn.getresponse()
        data = response.read()
        return response.status, json.loads(data)


def timed(call):
    started = time.perf_counter()
    status, body = call()
    return (time.perf_counter() - started) * 1000, status, body


def compare(name, rest_call, mcp_call, rounds, warmup):
    rest_times, mcp_times, ratios = [], [], []
    for index in range(warmup + rounds):
        rest_ms, rest_status, _ = timed(rest_call)
        mcp_ms, mcp_status, mcp_body = timed(mcp_call)
        assert rest_status in (200, 201), rest_status
        assert mcp_status == 200 and not mcp_body["result"].get("isError"), mcp_body
        if index >= warmup:
            rest_times.append(rest_ms)
            mcp_times.append(mcp_ms)
            ratios.append(mcp_ms / rest_ms)
    print(
        f"{name}: REST p50 {statistics.median(rest_times):.2f} ms p95 {percentile(rest_times, 0.95):.2f} ms | "
        f"MCP p50 {statistics.median(mcp_times):.2f} ms p95 {percentile(mcp_times, 0.95):.2f} ms | "
        f"MCP/REST median ratio {statistics.median(ratios):.2f} ({rounds} rounds)"
    )


def tool_call(name, arguments):
    return {"jsonrpc": "2.0", "id": 1, "method": "tools/call", "params": {"name": name, "arguments": arguments}}


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--codebase", default="http://127.0.0.1:8020")
    parser.add_argument("--workflow", default="http://127.0.0.1:8010")
    parser.add_argument("--query", default="authenticate user")
    parser.add_argument("--rounds", type=int, default=500)
    parser.add_argument("--warmup", type=int, default=50)
    args = parser.parse_args()

    rest, mcp = Connection(args.codebase), Connection(args.codebase)
    search = {"query": args.query, "limit": 10}
    compare("search_code", lambda: rest.post("/mcp/search", search), lambda: mcp.post("/mcp", tool_call("search_code", search)), args.rounds, args.warmup)

    rest, mcp = Connection(args.workflow), Connection(args.workflow)
    item = {"title": "benchmark item", "description": "created by benchmarks/mcp_latency.py"}
    compare(
        "create_work_item",
        lambda: rest.post("/mcp/work_items", item),
        lambda: mcp.post("/mcp", tool_call("create_work_item", item)),
        args.rounds,
        args.warmup,
    )


if __name__ == "__main__":
    main()
