"""What the benchmarks share: starting and stopping codebase-mcp, percentiles, and the scratch folder.

Each benchmark is run as a script from any folder; Python puts the script's own folder on the path, so
`import bench_common` finds this file.
"""

import argparse
import re
import shutil
import signal
import subprocess
import sys


def codebase_arguments():
    """The options of a benchmark of one codebase-mcp binary over one folder; the caller adds its own."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--binary", required=True, help="the codebase-mcp binary")
    parser.add_argument("--repo", required=True, help="the folder to index")
    parser.add_argument("--seed", type=int, default=7)
    return parser


def percentile(values, fraction):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(fraction * (len(ordered) - 1))))]


def start_codebase(binary, database, repo, *extra, stderr=subprocess.PIPE):
    """Starts codebase-mcp on a free port with no peer and no start-up index; returns the process and its port."""
    process = subprocess.Popen(
        [binary, "--port", "0", "--database", database, "--repo", repo, "--workflow-url", "http://127.0.0.1:9",
         "--no-startup-index", "--log-level", "warning", *extra],
        stdout=subprocess.PIPE, stderr=stderr, text=True)
    line = process.stdout.readline()
    match = re.search(r"listening on http://[\d.]+:(\d+)", line)
    if not match:
        process.kill()
        raise SystemExit("server did not start: " + line + (process.stderr.read() if process.stderr else ""))
    return process, int(match.group(1))


def stop(process):
    """SIGTERM, as an operator would, and a kill only if it does not end within a minute."""
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=60)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def remove_scratch(work, keep):
    if keep:
        print("kept", work, file=sys.stderr)
    else:
        shutil.rmtree(work, ignore_errors=True)
