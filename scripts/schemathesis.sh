#!/usr/bin/env bash
# Runs schemathesis (property-based API testing, from PyPI, into .venv-schemathesis/) over docs/openapi.yaml against
# both real binaries, each on a free loopback port with a fresh database; codebase-mcp indexes a copy of
# fixtures/sample-repo. Fails on any server error, schema violation, wrong status or content type.
#
# scripts/schemathesis.toml leaves one check out and widens another, each for a reason written there (opaque
# cursors and existing parents; 413 as a refusal). Soft delete needs no exception: a deleted item answers 404 as
# the schema says.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN="${MCP_BIN_DIR:-.build/debug}"
EXAMPLES="${SCHEMATHESIS_EXAMPLES:-50}"
VENV=.venv-schemathesis
if ! "$VENV/bin/schemathesis" --version >/dev/null 2>&1; then
    python3 -m venv "$VENV"
    "$VENV/bin/pip" install --quiet --disable-pip-version-check 'schemathesis>=4.3,<5' \
        || { echo "schemathesis: pip could not install schemathesis" >&2; exit 1; }
fi

scratch=$(mktemp -d)
pids=()
cleanup() {
    for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
    wait 2>/dev/null || true
    rm -rf "$scratch"
}
trap cleanup EXIT

# Starts a binary with --port 0 (in this shell, so that the trap can stop it) and sets `url` from its
# `listening on` line, waiting at most 30 s.
start() {
    local name=$1; shift
    "$BIN/$name" --port 0 "$@" >"$scratch/$name.log" 2>&1 &
    pids+=($!)
    url=""
    for _ in $(seq 300); do
        url=$(grep -o 'listening on http://[0-9.]*:[0-9]*' "$scratch/$name.log" | head -1 | cut -d' ' -f3 || true)
        [ -n "$url" ] && return
        sleep 0.1
    done
    echo "schemathesis: $name did not start:" >&2
    cat "$scratch/$name.log" >&2
    exit 1
}

cp -r fixtures/sample-repo "$scratch/sample-repo"
start codebase-mcp --database "$scratch/codebase.sqlite" --repo "$scratch/sample-repo" --workflow-url http://127.0.0.1:1
codebase=$url
start workflow-mcp --database "$scratch/workflow.sqlite" --codebase-url "$codebase"
workflow=$url

status=0
for pair in "workflow $workflow" "codebase $codebase"; do
    set -- $pair
    echo "schemathesis: $1 at $2"
    "$VENV/bin/schemathesis" --no-color --config-file scripts/schemathesis.toml run docs/openapi.yaml --url "$2" --include-tag "$1" --max-examples "$EXAMPLES" \
        --checks all --exclude-checks positive_data_acceptance,use_after_free,ensure_resource_availability --workers 1 || status=1
done
exit $status
