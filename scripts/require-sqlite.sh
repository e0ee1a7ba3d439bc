# Sourced by scripts/up and scripts/test: GRDB builds against the system's SQLite, so its headers must be there.
# Installs them when run as root on Debian or Ubuntu; otherwise says what to run, in one line.
if [ ! -f /usr/include/sqlite3.h ] && ! pkg-config --exists sqlite3 2>/dev/null; then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
        echo "installing libsqlite3-dev (SQLite headers, needed to build)…" >&2
        apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq libsqlite3-dev >/dev/null
    else
        echo "libsqlite3-dev is missing: run 'sudo apt-get install libsqlite3-dev' and try again" >&2
        exit 1
    fi
fi
