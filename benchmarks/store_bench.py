#!/usr/bin/env python3
"""SQLite beside PostgreSQL in one run: creates/s at concurrency 1 and 16 on one replica and two, GET p50/p95 with 0, 1
and 100 references, and CPU time per create of workflow-mcp and of PostgreSQL (all its processes).

Starts everything itself from a release build (`swift build -c release --scratch-path .build-release`): a private
PostgreSQL cluster (initdb/pg_ctl as the `postgres` user when run as root; durable settings, fsync on), codebase-mcp
indexing --repo, and workflow-mcp replicas; stops them all at the end. Standard library only.

    PY=$(python3 -c 'import os; print(os.path.dirname(os.__file__))')
    python3 benchmarks/store_bench.py --bin .build-release/release --repo $PY/email --repo $PY/json --repo $PY/http
"""
import argparse
import glob
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(__file__))
import workflow_bench as wb  # noqa: E402

TICKS = os.sysconf("SC_CLK_TCK")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def cpu_seconds(pids):
    """utime + stime of each pid, from /proc/PID/stat (processes gone meanwhile count 0)."""
    total = 0
    for pid in pids:
        try:
            with open(f"/proc/{pid}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])
        except FileNotFoundError:
            pass
    return total / TICKS


def as_postgres(args):
    return (["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []) + args


class Cluster:
    def __init__(self):
        bins = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
        if not bins:
            raise SystemExit("no /usr/lib/postgresql/*/bin/initdb: apt-get install postgresql")
        self.bin = os.path.dirname(bins[-1])
        self.dir = tempfile.mkdtemp(prefix="bench-pg-", dir="/tmp")
        if os.geteuid() == 0:
            shutil.chown(self.dir, "postgres", "postgres")
        self.data = os.path.join(self.dir, "data")
        self.port = free_port()
        subprocess.run(as_postgres([f"{self.bin}/initdb", "-D", self.data, "-U", "postgres", "-A", "trust", "-E", "UTF8",
                                    "--locale=C"]), check=True, stdout=subprocess.DEVNULL)
        with open(os.path.join(self.data, "postgresql.conf"), "a") as f:
            f.write(f"\nlisten_addresses = '127.0.0.1'\nport = {self.port}\nunix_socket_directories = '{self.dir}'\n"
                    "max_connections = 200\nshared_buffers = 128MB\n")
        subprocess.run(as_postgres([f"{self.bin}/pg_ctl", "-D", self.data, "-l", os.path.join(self.dir, "log"), "-w", "start"]),
                       check=True, stdout=subprocess.DEVNULL)

    def create_database(self, name):
        subprocess.run([f"{self.bin}/psql", "-X", "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres", "-qc",
                        f"CREATE DATABASE {name}"], check=True)
        return f"postgres://postgres@127.0.0.1:{self.port}/{name}?sslmode=disable"

    def pids(self):
        with open(os.path.join(self.data, "postmaster.pid")) as f:
            postmaster = int(f.readline())
        pids = [postmaster]
        for entry in os.listdir("/proc"):
            if entry.isdigit():
                try:
                    with open(f"/proc/{entry}/stat") as f:
                        if int(f.read().rsplit(")", 1)[1].split()[1]) == postmaster:
                            pids.append(int(entry))
                except (FileNotFoundError, ProcessLookupError):
                    pass
        return pids

    def stop(self):
        subprocess.run(as_postgres([f"{self.bin}/pg_ctl", "-D", self.data, "-m", "fast", "-w", "stop"]), stdout=subprocess.DEVNULL)
        shutil.rmtree(self.dir, ignore_errors=True)


def start_server(binary, arguments, log):
    port = free_port()
    process = subprocess.Popen([binary, "--port", str(port), "--log-level", "warning"] + arguments,
                               stdout=open(log, "w"), stderr=subprocess.STDOUT)
    deadline = time.time() + 120
    while time.time() < deadline:
        try:
            status, _ = wb.Client(f"http://127.0.0.1:{port}").call("GET", "/health")
            if status == 200:
                return process, f"http://127.0.0.1:{port}"
        except OSError:
            pass
        if process.poll() is not None:
            raise SystemExit(f"{binary} exited; see {log}")
        time.sleep(0.1)
    raise SystemExit(f"{binary} did not answer /health; see {log}")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--bin", default=".build-release/release")
    parser.add_argument("--repo", action="append", help="repositories codebase-mcp indexes (repeatable); 100 distinct chunks needed")
    parser.add_argument("--creates", type=int, default=3000)
    parser.add_argument("--rounds", type=int, default=400)
    args = parser.parse_args()
    workflow_bin = os.path.join(args.bin, "workflow-mcp")
    codebase_bin = os.path.join(args.bin, "codebase-mcp")
    work = tempfile.mkdtemp(prefix="store-bench-")
    cluster = Cluster()
    processes = []
    try:
        repos = [argument for repo in args.repo or ["fixtures/sample-repo"] for argument in ("--repo", os.path.abspath(repo))]
        codebase, codebase_url = start_server(codebase_bin, ["--database", f"{work}/c.sqlite", *repos, "--workflow-url", "http://127.0.0.1:1"],
                                              f"{work}/codebase.log")
        processes.append(codebase)
        deadline = time.time() + 300
        while True:
            try:
                ids = wb.collect_chunk_ids(codebase_url, 100)
                break
            except SystemExit:
                if time.time() > deadline:
                    raise
                time.sleep(1)
        setups = [("sqlite", 1), ("postgres", 1), ("postgres", 2)]
        print(f"| store | replicas | creates/s c=1 | creates/s c=16 | workflow-mcp CPU ms/create | PostgreSQL CPU ms/create "
              f"| GET p50/p95 0 refs | 1 ref | 100 refs |")
        print("| --- | --- | --- | --- | --- | --- | --- | --- | --- |")
        for store, replicas in setups:
            database = f"{work}/w-{replicas}.sqlite" if store == "sqlite" else cluster.create_database(f"bench_{replicas}")
            servers = []
            for index in range(replicas):
                process, url = start_server(workflow_bin, ["--database", database, "--codebase-url", codebase_url],
                                            f"{work}/workflow-{store}-{replicas}-{index}.log")
                processes.append(process)
                servers.append((process, url))
            urls = [url for _, url in servers]
            rates = {}
            cpu = {}
            for concurrency in (1, 16):
                wb.creates_per_second(urls, concurrency, 300)  # warm-up
                pg_pids = cluster.pids() if store == "postgres" else []
                before = (cpu_seconds([p.pid for p, _ in servers]), cpu_seconds(pg_pids))
                rates[concurrency] = wb.creates_per_second(urls, concurrency, args.creates)
                pg_pids_after = cluster.pids() if store == "postgres" else []
                after = (cpu_seconds([p.pid for p, _ in servers]), cpu_seconds(sorted(set(pg_pids) | set(pg_pids_after))))
                count = (args.creates // concurrency) * concurrency
                cpu[concurrency] = ((after[0] - before[0]) / count * 1000, (after[1] - before[1]) / count * 1000)
            gets = []
            for count in (0, 1, 100):
                wb.get_latencies(urls[0], ids[:count], 30)
                p50, p95 = wb.get_latencies(urls[0], ids[:count], args.rounds)
                gets.append(f"{p50:.2f} / {p95:.2f} ms")
            cpu_text = lambda i: " / ".join(f"{cpu[c][i]:.3f}" for c in (1, 16))  # noqa: E731
            print(f"| {store} | {replicas} | {rates[1]:,.0f} | {rates[16]:,.0f} | {cpu_text(0)} | "
                  f"{cpu_text(1) if store == 'postgres' else '-'} | {gets[0]} | {gets[1]} | {gets[2]} |", flush=True)
            for process, _ in servers:
                process.send_signal(signal.SIGTERM)
                process.wait(timeout=30)
    finally:
        for process in processes:
            if process.poll() is None:
                process.kill()
        cluster.stop()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
