# Sourced by scripts/up and scripts/test: the system libraries the build links, checked through pkg-config or their
# header. Each missing one is installed when run as root on Debian or Ubuntu; otherwise the script says what to run,
# in one line, and stops. GRDB builds against the system's SQLite; regex grep links PCRE2's 8-bit library with its
# JIT (docs/codebase.md lists the package on other systems).
require_library() {
    local pkgconfig=$1 header=$2 package=$3 elsewhere=$4 purpose=$5
    if pkg-config --exists "$pkgconfig" 2>/dev/null || [ -f "/usr/include/$header" ]; then return 0; fi
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
        echo "installing $package ($purpose, needed to build)…" >&2
        apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$package" >/dev/null
    else
        echo "$package is missing: run 'sudo apt-get install $package'$elsewhere and try again" >&2
        exit 1
    fi
}
require_library sqlite3 sqlite3.h libsqlite3-dev "" "SQLite headers"
require_library libpcre2-8 pcre2.h libpcre2-dev " (Fedora: pcre2-devel, Alpine: pcre2-dev, macOS: brew install pcre2)" "PCRE2 headers"
