#!/usr/bin/env bash
# Makes sure the real Redis tools the tests and benchmarks talk to are
# installed: redis-server, redis-cli, redis-benchmark, redis-check-rdb,
# redis-check-aof (Debian packages redis-server and redis-tools).
#
# As root it installs them with apt-get, non-interactively, and makes sure
# the package's post-install does not leave a system redis-server running
# (on 6379 or anywhere). Not as root it says what to install and fails:
# nothing is skipped silently.
set -euo pipefail

TOOLS=(redis-server redis-cli redis-benchmark redis-check-rdb redis-check-aof)
PACKAGES=(redis-server redis-tools)

missing_tools() {
    local t
    for t in "${TOOLS[@]}"; do
        command -v "$t" >/dev/null 2>&1 || echo "$t"
    done
}

missing=$(missing_tools)
if [[ -z "$missing" ]]; then
    echo "install-deps: all present ($(redis-server --version | grep -o 'v=[^ ]*'))"
    exit 0
fi

echo "install-deps: missing:" $missing
if [[ "$(id -u)" != 0 ]]; then
    echo "install-deps: not root, so not installing. Please run:" >&2
    echo "    sudo apt-get update && sudo apt-get install -y ${PACKAGES[*]}" >&2
    echo "(or put ${TOOLS[*]} from Redis 7.0 on PATH)" >&2
    exit 1
fi
if ! command -v apt-get >/dev/null 2>&1; then
    echo "install-deps: no apt-get on this machine; install Redis 7.0 (${TOOLS[*]}) and retry" >&2
    exit 1
fi

# Forbid the post-install from starting the service: invoke-rc.d consults
# policy-rc.d, and exit code 101 means "action not allowed". Only install
# our policy if the machine has none, and put things back afterwards.
POLICY=/usr/sbin/policy-rc.d
own_policy=0
if [[ ! -e "$POLICY" ]]; then
    printf '#!/bin/sh\nexit 101\n' >"$POLICY"
    chmod 755 "$POLICY"
    own_policy=1
fi
restore_policy() {
    if ((own_policy)); then rm -f "$POLICY"; fi
}
trap restore_policy EXIT

export DEBIAN_FRONTEND=noninteractive
apt-get update -q </dev/null
apt-get install -y -q --no-install-recommends -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold \
    "${PACKAGES[@]}" </dev/null

# If a system redis-server was started anyway (a machine with its own
# policy-rc.d, or a running systemd), stop it and keep it from starting at
# boot, so that nothing of ours collides with it on 6379.
if command -v systemctl >/dev/null 2>&1 && [[ -d /run/systemd/system ]]; then
    systemctl stop redis-server.service >/dev/null 2>&1 || true
    systemctl disable redis-server.service >/dev/null 2>&1 || true
elif command -v service >/dev/null 2>&1; then
    service redis-server stop </dev/null >/dev/null 2>&1 || true
fi
for pidfile in /run/redis/redis-server.pid /var/run/redis/redis-server.pid; do
    if [[ -s "$pidfile" ]]; then
        pid=$(cat "$pidfile")
        if [[ "$(cat "/proc/$pid/comm" 2>/dev/null)" == redis-server ]]; then
            kill -TERM "$pid" 2>/dev/null || true
            for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
        fi
    fi
done
if command -v redis-cli >/dev/null 2>&1 && redis-cli -p 6379 ping >/dev/null 2>&1; then
    echo "install-deps: warning: something still answers PING on 6379 (not started by this script?)" >&2
fi

missing=$(missing_tools)
if [[ -n "$missing" ]]; then
    echo "install-deps: still missing after apt-get install:" $missing >&2
    exit 1
fi
echo "install-deps: installed ($(redis-server --version | grep -o 'v=[^ ]*'))"
