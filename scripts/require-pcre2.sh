# Sourced by scripts/up and scripts/test: regex grep links the system's PCRE2 (8-bit library, with its JIT), found
# through pkg-config as libpcre2-8. Installs Debian's libpcre2-dev when run as root on Debian or Ubuntu; otherwise
# says what to run, in one line (docs/codebase.md lists the package on other systems).
if ! pkg-config --exists libpcre2-8 2>/dev/null && [ ! -f /usr/include/pcre2.h ]; then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
        echo "installing libpcre2-dev (PCRE2 headers, needed to build)…" >&2
        apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq libpcre2-dev >/dev/null
    else
        echo "libpcre2-dev is missing: run 'sudo apt-get install libpcre2-dev' (Fedora: pcre2-devel, Alpine: pcre2-dev, macOS: brew install pcre2) and try again" >&2
        exit 1
    fi
fi
