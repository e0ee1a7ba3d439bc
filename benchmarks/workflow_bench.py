#!/usr/bin/env python3
"""Measures workflow-mcp against a running pair (start it with `swift run -c release harness up --no-build`).

Reports creates per second (bodies from fixtures/work-items.json) at concurrency 1 and 16, and GET /mcp/work_items/{id} p50/p95 with 0, 1, 10 and 100
entity references checked against the real codebase-mcp. Standard library only.
"""
import argparse
import http.client
import json
import os
import statistics
import threading
import time
from urllib.parse import urlparse


class Client:
    """One keep-alive HTTP/1.1 connection."""

    def __init__(self, base):
        url = urlparse(base)
        self.conn = http.client.HTTPConnection(url.hostname, url.port, timeout=10)

    def call(self, method, path, body=None):
        payload = json.dumps(body).encode() if body is not None else None
        headers = {"Content-Type": "application/json"} if payload else {}
        self.conn.request(method, path, body=payload, headers=headers)
        response = self.conn.getresponse()
        data = response.read()
        return response.status, (json.loads(data) if data else None)


def sample_bodies():
    """The create bodies of fixtures/work-items.json (without the loader's `code` and `children` keys), flattened."""
    path = os.path.join(os.path.dirname(__file__), "..", "fixtures", "work-items.json")
    with open(path) as file:
        entries = json.load(file)["items"]
    bodies = []
    while entries:
        entry = entries.pop(0)
        entries.extend(entry.get("children", []))
        bodies.append({key: value for key, value in entry.items() if key not in ("code", "children")})
    return bodies


SAMPLES = sample_bodies()


def creates_per_second(bases, concurrency, total):
    """Creates from `concurrency` threads, worker i sending to bases[i % len(bases)] (one URL or a list); creates/s."""
    bases = [bases] if isinstance(bases, str) else bases
    per_worker = total // concurrency
    errors = []

    def worker(index):
        client = Client(bases[index % len(bases)])
        for n in range(per_worker):
            body = dict(SAMPLES[n % len(SAMPLES)], title=f"{SAMPLES[n % len(SAMPLES)]['title']} ({index}-{n})")
            status, _ = client.call("POST", "/mcp/work_items", body)
            if status != 201:
                errors.append(status)

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(concurrency)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    if errors:
        raise SystemExit(f"{len(errors)} creates failed: {errors[:5]}")
    return per_worker * concurrency / elapsed


def collect_chunk_ids(codebase, wanted):
    client = Client(codebase)
    words = ["def", "class", "return", "import", "self", "value", "error", "data", "file", "path", "test", "name",
             "list", "dict", "string", "parse", "read", "write", "open", "close", "time", "config", "init", "main"]
    ids = []
    for word in words:
        status, body = client.call("POST", "/mcp/search", {"query": word, "limit": 50})
        if status == 200:
            for result in body["results"]:
                if result["chunk_id"] not in ids:
                    ids.append(result["chunk_id"])
        if len(ids) >= wanted:
            return ids[:wanted]
    raise SystemExit(f"only {len(ids)} distinct chunks found; index a larger repository")


def get_latencies(base, references, rounds):
    client = Client(base)
    status, item = client.call("POST", "/mcp/work_items", {"title": f"{len(references)} refs", "entity_references": references})
    assert status == 201, status
    assert len(item["valid_references"]) == len(references), item["warnings"][:2]
    samples = []
    for _ in range(rounds):
        started = time.perf_counter()
        status, body = client.call("GET", f"/mcp/work_items/{item['id']}")
        samples.append((time.perf_counter() - started) * 1000)
        assert status == 200 and len(body["valid_references"]) == len(references)
    samples.sort()
    return samples[len(samples) // 2], samples[int(len(samples) * 0.95) - 1]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--workflow", default="http://127.0.0.1:8010")
    parser.add_argument("--codebase", default="http://127.0.0.1:8020")
    parser.add_argument("--creates", type=int, default=4000)
    parser.add_argument("--rounds", type=int, default=500)
    args = parser.parse_args()

    for concurrency in (1, 16):
        creates_per_second(args.workflow, concurrency, 400)  # warm-up
        rate = creates_per_second(args.workflow, concurrency, args.creates)
        print(f"creates/s at concurrency {concurrency:>2}: {rate:,.0f}")

    ids = collect_chunk_ids(args.codebase, 100)
    results = {}
    for count in (0, 1, 10, 100):
        get_latencies(args.workflow, ids[:count], 50)  # warm-up
        p50, p95 = get_latencies(args.workflow, ids[:count], args.rounds)
        results[count] = (p50, p95)
        print(f"GET with {count:>3} references: p50 {p50:.2f} ms, p95 {p95:.2f} ms")
    print(f"p95(100 refs) / p95(1 ref) = {results[100][1] / results[1][1]:.2f}")


if __name__ == "__main__":
    main()
