#!/usr/bin/env python3
"""Definition lookup, first answer only: for each name defined exactly once in a repository's own source folder, does
`GET /mcp/symbols?name=NAME&limit=1` answer that definition (file and line)?

Usage:
  python3 benchmarks/definition_eval.py --binary .build-release/release/codebase-mcp --repo /tmp/express --source lib
  python3 benchmarks/definition_eval.py --binary ... --repo /tmp/requests --source src/requests

The ground truth is read from the source folder with plain regular expressions, line by line, so it can be shown and
checked by hand (printed with --show): in .js files `function NAME(`, `exports.NAME = function`, `module.exports =
function NAME`, `X.prototype.NAME = function` and `X.NAME = function` at the start of a line; in .py files `def NAME`
and `class NAME` at any indentation. A name defined more than once in the folder is left out (the expected answer
would be ambiguous). Every other file of the repository (tests, examples, benchmarks, vendored copies) is indexed too:
those are what can push the definition down. Prints one JSON object: tasks, first-answer hits, accuracy, the misses,
and the characters of the answer's JSON (tokens ~ characters / 4).
"""

import argparse
import collections
import http.client
import json
import os
import re
import sys
import tempfile

from bench_common import remove_scratch, start_codebase, stop

JS = [
    re.compile(r"^(?:async\s+)?function\s*\*?\s*([A-Za-z_$][\w$]*)\s*\("),
    re.compile(r"^(?:module\.)?exports\.([A-Za-z_$][\w$]*)\s*=\s*(?:async\s+)?function\b"),
    re.compile(r"^module\.exports\s*=\s*function\s+([A-Za-z_$][\w$]*)"),
    re.compile(r"^[A-Za-z_$][\w$]*\.prototype\.([A-Za-z_$][\w$]*)\s*=\s*(?:async\s+)?function\b"),
    re.compile(r"^(?!this\.|module\.)[A-Za-z_$][\w$]*\.([A-Za-z_$][\w$]*)\s*=\s*(?:async\s+)?function\b"),
]
PY = [re.compile(r"^\s*(?:async\s+)?def\s+([A-Za-z_]\w*)"), re.compile(r"^\s*class\s+([A-Za-z_]\w*)")]


def ground_truth(repo, source):
    found = collections.defaultdict(list)
    for root, _, files in os.walk(os.path.join(repo, source)):
        for name in sorted(files):
            patterns = JS if name.endswith(".js") else PY if name.endswith(".py") else None
            if patterns is None:
                continue
            path = os.path.join(root, name)
            with open(path, encoding="utf-8", errors="replace") as handle:
                for number, line in enumerate(handle, 1):
                    for pattern in patterns:
                        match = pattern.match(line)
                        if match:
                            found[match.group(1)].append((os.path.relpath(path, repo), number))
                            break
    return {name: places[0] for name, places in sorted(found.items()) if len(places) == 1}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--binary", required=True)
    parser.add_argument("--repo", required=True)
    parser.add_argument("--source", required=True, help="the repository's own source folder, relative to --repo")
    parser.add_argument("--show", action="store_true", help="print the ground truth too")
    arguments = parser.parse_args()
    truth = ground_truth(arguments.repo, arguments.source)
    work = tempfile.mkdtemp(prefix="definition-eval-")
    process, port = start_codebase(arguments.binary, os.path.join(work, "codebase.sqlite"), arguments.repo, "--no-watch")
    try:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        connection.request("POST", "/mcp/index", body=json.dumps({"wait": True}), headers={"Content-Type": "application/json"})
        connection.getresponse().read()
        hits, misses, characters = 0, [], 0
        for name, (path, line) in truth.items():
            connection.request("GET", f"/mcp/symbols?name={name}&limit=1")
            body = connection.getresponse().read()
            characters += len(body)
            symbols = json.loads(body)["symbols"]
            first = symbols[0] if symbols else None
            if first and first["file_path"] == path and first["start_line"] == line:
                hits += 1
            else:
                misses.append({"name": name, "expected": f"{path}:{line}", "got": first and f"{first['file_path']}:{first['start_line']}"})
        result = {
            "repo": os.path.basename(arguments.repo.rstrip("/")),
            "tasks": len(truth),
            "first_answer_hits": hits,
            "accuracy": round(hits / max(1, len(truth)), 3),
            "answer_chars_mean": round(characters / max(1, len(truth)), 1),
            "misses": misses,
        }
        if arguments.show:
            result["truth"] = {name: f"{path}:{line}" for name, (path, line) in truth.items()}
        print(json.dumps(result, indent=2))
    finally:
        stop(process)
        remove_scratch(work, keep=False)


if __name__ == "__main__":
    sys.exit(main())
