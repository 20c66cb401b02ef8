#!/usr/bin/env bash
# Memory per key of ferrodis against Debian's redis-server: each fresh
# server gets exactly KEYS distinct keys `key:0` .. `key:<KEYS-1>` with a
# VALUE_SIZE-byte value through one `redis-cli --pipe` mass insert; then
# used_memory (INFO memory) and the process RSS (/proc/PID/status VmRSS)
# are reported for both, with bytes per key and the ferrodis/redis ratio.
#
# DATASET picks what is loaded (the per-key lines then count members):
#   strings   KEYS keys key:N -> VALUE_SIZE-byte values (default)
#   zsets     100k sorted sets zset:N of 20 members (member:M, score M)
#   bigzset   one sorted set of 1M members (member:M, score M)
#   hashes    100k hashes hash:N of 20 fields (field:M -> value:M)
#
# Environment: DATASET=strings, KEYS=1000000, VALUE_SIZE=100, FERRODIS_BIN
# (default target/release/ferrodis-server, built if missing).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

DATASET="${DATASET:-strings}"
KEYS="${KEYS:-1000000}"
VALUE_SIZE="${VALUE_SIZE:-100}"
case "$DATASET" in
    strings) EXPECT_KEYS=$KEYS UNITS=$KEYS UNIT=key ;;
    zsets) EXPECT_KEYS=100000 UNITS=2000000 UNIT=member ;;
    bigzset) EXPECT_KEYS=1 UNITS=1000000 UNIT=member ;;
    hashes) EXPECT_KEYS=100000 UNITS=2000000 UNIT=field ;;
    *) echo "unknown DATASET $DATASET" >&2; exit 1 ;;
esac

# The data set as RESP commands on stdout.
gen_data() {
    if [[ "$DATASET" == strings ]]; then
        awk -v n="$KEYS" -v size="$VALUE_SIZE" 'BEGIN {
            v = sprintf("%*s", size, ""); gsub(/ /, "x", v)
            for (i = 0; i < n; i++) {
                k = "key:" i
                printf "*3\r\n$3\r\nSET\r\n$%d\r\n%s\r\n$%d\r\n%s\r\n", length(k), k, size, v
            }
        }'
        return
    fi
    python3 - "$DATASET" <<'PY'
import sys
out = sys.stdout.buffer
def cmd(args):
    out.write(b"*%d\r\n" % len(args) + b"".join(b"$%d\r\n%s\r\n" % (len(a), a) for a in (x.encode() for x in args)))
what = sys.argv[1]
if what == "zsets":
    for k in range(100000):
        args = ["ZADD", "zset:%d" % k]
        for m in range(20):
            args += [str(m), "member:%d" % m]
        cmd(args)
elif what == "hashes":
    for k in range(100000):
        args = ["HSET", "hash:%d" % k]
        for m in range(20):
            args += ["field:%d" % m, "value:%d" % m]
        cmd(args)
else:
    for start in range(0, 1000000, 1000):
        args = ["ZADD", "bigz"]
        for m in range(start, start + 1000):
            args += [str(m), "member:%d" % m]
        cmd(args)
PY
}

need redis-server redis-cli
if [[ ! -x "$FERRODIS_BIN" ]]; then
    (cd "$ROOT" && cargo build --release)
fi

info_field() { # PORT FIELD
    redis-cli -p "$1" info memory | tr -d '\r' | awk -F: -v f="$2" '$1 == f { print $2 }'
}
rss_bytes() { # PID
    awk '/^VmRSS:/ { print $2 * 1024 }' "/proc/$1/status"
}

# Sets USED0 USED1 RSS0 RSS1 (empty server, then loaded). Runs in this
# shell, not a subshell, so that the EXIT trap stops the server it starts.
measure() {
    local name=$1 bin=$2 port pid
    free_port; port=$PORT
    start_server "$name" "$bin" "$port"
    pid=$SERVER_PID
    local keys
    USED0=$(info_field "$port" used_memory)
    RSS0=$(rss_bytes "$pid")
    gen_data | redis-cli -p "$port" --pipe >"$WORK_DIR/$name.pipe.txt" 2>&1 || {
        echo "mass insert into $name failed:" >&2
        cat "$WORK_DIR/$name.pipe.txt" >&2
        exit 1
    }
    keys=$(redis-cli -p "$port" dbsize)
    if [[ "$keys" != "$EXPECT_KEYS" ]]; then
        echo "$name holds $keys keys after the mass insert, expected $EXPECT_KEYS:" >&2
        cat "$WORK_DIR/$name.pipe.txt" >&2
        exit 1
    fi
    USED1=$(info_field "$port" used_memory)
    RSS1=$(rss_bytes "$pid")
    stop_server "$pid"
}

case "$DATASET" in
    strings) echo "loading $KEYS keys with $VALUE_SIZE-byte values into each server..." ;;
    *) echo "loading data set $DATASET ($EXPECT_KEYS keys, $UNITS ${UNIT}s) into each server..." ;;
esac
measure redis "$REDIS_BIN"
r_used0=$USED0 r_used1=$USED1 r_rss0=$RSS0 r_rss1=$RSS1
measure ferrodis "$FERRODIS_BIN"
f_used0=$USED0 f_used1=$USED1 f_rss0=$RSS0 f_rss1=$RSS1

awk -v n="$UNITS" -v unit="$UNIT" \
    -v ru0="$r_used0" -v ru1="$r_used1" -v rr0="$r_rss0" -v rr1="$r_rss1" \
    -v fu0="$f_used0" -v fu1="$f_used1" -v fr0="$f_rss0" -v fr1="$f_rss1" 'BEGIN {
    mb = 1024 * 1024
    printf "%-26s %14s %14s %8s\n", "", "redis", "ferrodis", "ratio"
    printf "%-26s %12.1fMB %12.1fMB %8.2f\n", "used_memory", ru1 / mb, fu1 / mb, fu1 / ru1
    printf "%-26s %12.1fMB %12.1fMB %8.2f\n", "RSS (VmRSS)", rr1 / mb, fr1 / mb, fr1 / rr1
    printf "%-26s %14.1f %14.1f %8.2f\n", "used_memory bytes/" unit, ru1 / n, fu1 / n, fu1 / ru1
    printf "%-26s %14.1f %14.1f %8.2f\n", "  (minus empty-server)", (ru1 - ru0) / n, (fu1 - fu0) / n, (fu1 - fu0) / (ru1 - ru0)
    printf "%-26s %14.1f %14.1f %8.2f\n", "RSS bytes/" unit, rr1 / n, fr1 / n, fr1 / rr1
    printf "%-26s %14.1f %14.1f %8.2f\n", "  (minus empty-server)", (rr1 - rr0) / n, (fr1 - fr0) / n, (fr1 - fr0) / (rr1 - rr0)
}'
