#!/usr/bin/env python3
"""Hostile clients against one running server: many connections that send a request head slowly, or a head and
then a body one byte at a time, re-opened as the server closes them. Meanwhile it asks GET /health every 200 ms on a
fresh connection and samples the server's resident memory (VmRSS, and VmHWM, the peak) from /proc.

  python3 benchmarks/slow_clients.py --url http://127.0.0.1:8010 --pid $(pgrep -x workflow-mcp) --connections 10000 --seconds 30

Needs a file-descriptor limit above --connections (ulimit -n). Loopback only. Standard library only.
"""
import argparse
import http.client
import os
import selectors
import socket
import statistics
import threading
import time
from urllib.parse import urlparse

SLOW_HEAD = b"POST /mcp/work_items HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nX-Slow: "
SLOW_BODY = b"POST /mcp/work_items HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 1000000\r\n\r\n{"


def memory(pid):
    values = {}
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith(("VmRSS:", "VmHWM:")):
                key, value = line.split(":")
                values[key] = int(value.split()[0]) // 1024
    return values.get("VmRSS", 0), values.get("VmHWM", 0)


def health(host, port):
    started = time.perf_counter()
    try:
        connection = http.client.HTTPConnection(host, port, timeout=5)
        connection.request("GET", "/health")
        status = connection.getresponse().status
        connection.close()
    except OSError:
        status = None
    return (time.perf_counter() - started) * 1000, status


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--url", required=True)
    parser.add_argument("--pid", type=int, required=True)
    parser.add_argument("--connections", type=int, default=10000)
    parser.add_argument("--seconds", type=float, default=30)
    args = parser.parse_args()
    url = urlparse(args.url)
    assert url.hostname in ("127.0.0.1", "localhost"), "loopback only"

    selector = selectors.DefaultSelector()
    sockets = {}
    opened = refused = 0

    def open_one(index):
        nonlocal opened, refused
        try:
            sock = socket.create_connection((url.hostname, url.port), timeout=2)
        except OSError:
            refused += 1
            return
        sock.setblocking(False)
        try:
            sock.send(SLOW_HEAD if index % 2 == 0 else SLOW_BODY)
        except OSError:
            refused += 1
            sock.close()
            return
        sockets[sock.fileno()] = (sock, index)
        selector.register(sock, selectors.EVENT_READ)
        opened += 1

    rss_before, _ = memory(args.pid)
    health_ms, failures, rss_samples = [], [0], []
    stop = threading.Event()

    def observe():
        # Its own thread, so the attack loop cannot delay the probes.
        while not stop.is_set():
            took, status = health(url.hostname, url.port)
            health_ms.append(took)
            failures[0] += status != 200
            rss_samples.append(memory(args.pid)[0])
            stop.wait(0.2)

    observer = threading.Thread(target=observe)
    observer.start()
    for index in range(args.connections):
        open_one(index)
    deadline = time.monotonic() + args.seconds
    next_trickle = time.monotonic()
    closed_by_server = 0
    while time.monotonic() < deadline:
        for key, _ in selector.select(timeout=0.05):
            sock, index = sockets.pop(key.fd)
            selector.unregister(sock)
            try:
                sock.recv(4096)
            except OSError:
                pass
            sock.close()
            closed_by_server += 1
            open_one(index)  # the attacker comes straight back
        now = time.monotonic()
        if now >= next_trickle:  # one byte a second on every connection
            for sock, _ in list(sockets.values()):
                try:
                    sock.send(b"a")
                except OSError:
                    pass
            next_trickle = now + 1
    stop.set()
    observer.join()
    rss_after, hwm = memory(args.pid)
    for sock, _ in sockets.values():
        sock.close()
    time.sleep(2)
    rss_settled, _ = memory(args.pid)
    health_ms.sort()
    print(f"connections: {args.connections} held for {args.seconds:.0f} s; opened {opened}, refused at connect {refused}, closed by the server {closed_by_server}")
    print(f"RSS MB: before {rss_before}, max during {max(rss_samples)}, peak (VmHWM) {hwm}, 2 s after closing {rss_settled}")
    print(
        f"/health: {len(health_ms)} asked, {failures[0]} not 200; p50 {statistics.median(health_ms):.1f} ms, "
        f"p99 {health_ms[int(0.99 * (len(health_ms) - 1))]:.1f} ms, max {health_ms[-1]:.1f} ms"
    )


if __name__ == "__main__":
    main()
