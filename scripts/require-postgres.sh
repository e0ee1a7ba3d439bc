# Sourced by scripts/test: the tests run every workflow store test on PostgreSQL too, on a private cluster they start
# themselves (initdb and pg_ctl from Debian's server package). Installs the package when run as root on Debian or
# Ubuntu and initdb is missing; otherwise says what to run, in one line. The package's own cluster is not started:
# the tests need only the binaries.
if ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 && [ -z "${WORKFLOW_TEST_PG_BIN:-}" ]; then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
        echo "installing postgresql (initdb and pg_ctl, for the PostgreSQL store tests)…" >&2
        # policy-rc.d answering 101 keeps the package from starting its own server during the install.
        policy_added=
        if [ ! -e /usr/sbin/policy-rc.d ]; then
            printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d && chmod +x /usr/sbin/policy-rc.d && policy_added=1
        fi
        apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
        if [ -n "$policy_added" ]; then rm -f /usr/sbin/policy-rc.d; fi
    else
        echo "PostgreSQL's server is missing: run 'sudo apt-get install postgresql' (or set WORKFLOW_TEST_PG_BIN) and try again" >&2
        exit 1
    fi
fi
