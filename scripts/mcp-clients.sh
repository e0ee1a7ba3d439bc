#!/usr/bin/env bash
# Creates (or reuses) two virtual environments with the official Python MCP client, one per client line,
# for the interoperability check Tests/Interop/mcp_check.py:
#   .venv-mcp/v2  mcp>=2.3,<3   (sends server/discover first, falls back to initialize)
#   .venv-mcp/v1  mcp>=1.30,<2  (initialize handshake)
# Idempotent: an environment whose installed mcp already satisfies its range is kept as it is.
# Prints one line per environment: "<line> <python path> mcp <version>".
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT="$PWD/.venv-mcp"
PYTHON="${PYTHON:-python3}"

command -v "$PYTHON" >/dev/null || { echo "mcp-clients: $PYTHON not found (Python 3.10+ is needed)" >&2; exit 1; }
"$PYTHON" -c 'import sys; sys.exit(sys.version_info < (3, 10))' \
    || { echo "mcp-clients: $("$PYTHON" --version 2>&1) is too old; the mcp package needs Python 3.10+" >&2; exit 1; }

# Prints the installed mcp version if it satisfies the range, else nothing.
installed_ok() { # venv dir, major
    [ -x "$1/bin/python" ] || return 1
    "$1/bin/python" - "$2" 2>/dev/null <<'EOF'
import sys
from importlib.metadata import version
v = version("mcp")
major, minor = (int(x) for x in v.split(".")[:2])
want = int(sys.argv[1])
ok = major == want and (minor >= 3 if want == 2 else minor >= 30)
print(v) if ok else sys.exit(1)
EOF
}

setup() { # line, requirement, major
    local dir="$ROOT/$1" v log
    if v=$(installed_ok "$dir" "$3"); then
        echo "$1 $dir/bin/python mcp $v (reused)"
        return
    fi
    rm -rf "$dir"
    "$PYTHON" -m venv "$dir" || { echo "mcp-clients: python3 -m venv $dir failed (is python3-venv installed?)" >&2; exit 1; }
    log=$(mktemp)
    if ! "$dir/bin/python" -m pip install --quiet --disable-pip-version-check "$2" >"$log" 2>&1; then
        echo "mcp-clients: pip could not install '$2' into $dir: $(grep -m1 -E 'ERROR|error' "$log" || tail -n1 "$log")" >&2
        rm -rf "$log" "$dir"
        exit 1
    fi
    rm -f "$log"
    v=$(installed_ok "$dir" "$3") || { echo "mcp-clients: $dir holds an mcp outside '$2'" >&2; exit 1; }
    echo "$1 $dir/bin/python mcp $v (installed)"
}

mkdir -p "$ROOT"
setup v2 'mcp>=2.3,<3' 2
setup v1 'mcp>=1.30,<2' 1
