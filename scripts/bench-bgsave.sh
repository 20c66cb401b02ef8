#!/usr/bin/env bash
# BGSAVE under load (issue 5), ferrodis against Debian's redis-server: each
# server holds KEYS strings (DEBUG POPULATE), one client runs SET/GET
# back to back (one command in flight, timed one by one) while BGSAVE forks
# a child that writes them all. Reported per server:
#
#   fork_usec    latest_fork_usec from INFO stats
#   save_s       how long the child ran (BGSAVE until rdb_bgsave_in_progress:0)
#   cow_bytes    rdb_last_cow_size: memory copied because the parent wrote
#   commands     commands the client completed while the child ran
#   errors       error replies the client got (must be 0)
#   max_ms       slowest command during the save (the pause a client sees)
#   p99_ms       99th percentile during the save
#   before_ms    slowest command in the same time before the BGSAVE
#
# Environment: KEYS=1000000, ROUNDS=3 (the round with the median max_ms is
# shown), FERRODIS_BIN.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

KEYS="${KEYS:-1000000}"
ROUNDS="${ROUNDS:-3}"
need redis-server redis-cli python3
if [[ ! -x "$FERRODIS_BIN" ]]; then
    (cd "$ROOT" && cargo build --release)
fi

# The client: SET/GET on random keys of the populated range, timed one by
# one. Runs `before` seconds, then asks for BGSAVE on a second connection,
# keeps going until the save is over, and prints one line of numbers.
cat >"$WORK_DIR/load.py" <<'PY'
import random, socket, sys, time

port, nkeys, before = int(sys.argv[1]), int(sys.argv[2]), float(sys.argv[3])

def conn():
    s = socket.create_connection(("127.0.0.1", port))
    s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    return s, s.makefile("rb")

def cmd(s, f, *args):
    out = b"*%d\r\n" % len(args)
    for a in args:
        a = a if isinstance(a, bytes) else str(a).encode()
        out += b"$%d\r\n%s\r\n" % (len(a), a)
    s.sendall(out)
    line = f.readline()
    if line[:1] == b"$":
        n = int(line[1:])
        return line + (f.read(n + 2) if n >= 0 else b"")
    if line[:1] == b"*":
        raise SystemExit("unexpected array reply")
    return line

def info_field(s, f, section, name):
    reply = cmd(s, f, "INFO", section).decode()
    for l in reply.split("\r\n"):
        if l.startswith(name + ":"):
            return l.split(":", 1)[1]
    raise SystemExit("no %s in INFO %s" % (name, section))

load, lf = conn()
ctl, cf = conn()
errors = 0
def one():
    global errors
    k = "key:%d" % random.randrange(nkeys)
    t0 = time.perf_counter()
    r = cmd(load, lf, "SET", k, "x" * 10) if random.random() < 0.5 else cmd(load, lf, "GET", k)
    dt = time.perf_counter() - t0
    if r[:1] == b"-":
        errors += 1
    return dt

lat_before = []
end = time.perf_counter() + before
while time.perf_counter() < end:
    lat_before.append(one())
r = cmd(ctl, cf, "BGSAVE")
if not r.startswith(b"+Background saving started"):
    raise SystemExit("BGSAVE answered %r" % r)
t_start = time.perf_counter()
lat = []
n = 0
while True:
    lat.append(one())
    n += 1
    if n % 200 == 0 and info_field(ctl, cf, "persistence", "rdb_bgsave_in_progress") == "0":
        break
save_s = time.perf_counter() - t_start
status = info_field(ctl, cf, "persistence", "rdb_last_bgsave_status")
if status != "ok":
    raise SystemExit("BGSAVE failed: %s" % status)
fork_usec = info_field(ctl, cf, "stats", "latest_fork_usec")
cow = info_field(ctl, cf, "persistence", "rdb_last_cow_size")
lat.sort()
p99 = lat[int(len(lat) * 0.99)]
print("%s %.3f %s %d %d %.3f %.3f %.3f" % (fork_usec, save_s, cow, len(lat), errors, lat[-1] * 1e3, p99 * 1e3,
                                          max(lat_before) * 1e3))
PY

# run NAME BIN: one server; appends a line per round to $WORK_DIR/NAME.rounds.
run() {
    local name=$1 bin=$2 dir="$WORK_DIR/$1"
    mkdir -p "$dir"
    free_port
    local port=$PORT
    "$bin" --port "$port" --save "" --appendonly no --dir "$dir" --enable-debug-command yes \
        >>"$WORK_DIR/$name.log" 2>&1 </dev/null &
    local pid=$!
    STARTED_PIDS+=("$pid")
    for _ in $(seq 500); do
        [[ "$(redis-cli -p "$port" ping 2>/dev/null)" == PONG ]] && break
        sleep 0.01
    done
    redis-cli -p "$port" debug populate "$KEYS" key 10 >/dev/null
    echo "  $name: port $port, dbsize $(redis-cli -p "$port" dbsize), used_memory $(redis-cli -p "$port" info memory | tr -d '\r' | awk -F: '$1 == "used_memory_human" { print $2 }')" >&2
    local r
    for r in $(seq "$ROUNDS"); do
        python3 "$WORK_DIR/load.py" "$port" "$KEYS" 1.0 >>"$WORK_DIR/$name.rounds"
    done
    redis-cli -p "$port" shutdown nosave >/dev/null 2>&1 || true
    stop_server "$pid"
}

echo "redis-server $(redis-server --version | grep -o 'v=[^ ]*'), ferrodis ($FERRODIS_BIN)"
echo "BGSAVE of $KEYS strings while one client runs SET/GET; $ROUNDS rounds each (median round by max_ms)"
run redis "$REDIS_BIN"
run ferrodis "$FERRODIS_BIN"

echo
printf '%-9s %10s %8s %12s %9s %7s %8s %8s %10s\n' server fork_usec save_s cow_bytes commands errors max_ms p99_ms before_ms
for name in redis ferrodis; do
    sort -n -k6 "$WORK_DIR/$name.rounds" | awk -v n="$name" -v r="$ROUNDS" 'NR == int((r + 1) / 2) {
        printf "%-9s %10s %8s %12s %9s %7s %8s %8s %10s\n", n, $1, $2, $3, $4, $5, $6, $7, $8 }'
done
