# Shared helpers for the benchmark and memory scripts: free ports, starting
# ferrodis and Debian's redis-server side by side, and cleaning up after.
# Source it; it expects `set -euo pipefail` in the caller.

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
FERRODIS_BIN="${FERRODIS_BIN:-$ROOT/target/release/ferrodis-server}"
REDIS_BIN="${REDIS_BIN:-redis-server}"

WORK_DIR="$(mktemp -d "${TMPDIR:-/tmp}/ferrodis-scripts.XXXXXX")"
STARTED_PIDS=()

# stop_server PID: SIGTERM, up to 5 s of grace, then SIGKILL.
stop_server() {
    local pid=$1
    kill -TERM "$pid" 2>/dev/null || return 0
    for _ in $(seq 50); do
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.1
    done
    kill -KILL "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
}

cleanup() {
    local pid
    for pid in "${STARTED_PIDS[@]}"; do
        stop_server "$pid"
    done
    rm -rf "$WORK_DIR"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

need() {
    local missing=()
    local t
    for t in "$@"; do
        command -v "$t" >/dev/null 2>&1 || missing+=("$t")
    done
    if ((${#missing[@]})); then
        echo "missing: ${missing[*]} (run scripts/install-deps.sh, or apt-get install redis-server redis-tools)" >&2
        exit 1
    fi
}

# free_port: sets PORT to a TCP port nothing listens on (and that no earlier
# call returned). Not a $(...) function: the subshell would forget LAST_PORT.
LAST_PORT=$((20000 + RANDOM % 20000))
free_port() {
    local p=$LAST_PORT
    while :; do
        p=$((p + 1))
        if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then
            LAST_PORT=$p
            PORT=$p
            return
        fi
    done
}

# start_server NAME BIN PORT [extra args...]: starts BIN in the background
# with the options both servers get, logs to $WORK_DIR/NAME.log, waits for
# PING, and sets SERVER_PID.
start_server() {
    local name=$1 bin=$2 port=$3
    shift 3
    mkdir -p "$WORK_DIR/$name"
    "$bin" --port "$port" --save "" --appendonly no --dir "$WORK_DIR/$name" "$@" \
        >"$WORK_DIR/$name.log" 2>&1 </dev/null &
    SERVER_PID=$!
    STARTED_PIDS+=("$SERVER_PID")
    for _ in $(seq 100); do
        # Check that the server answering is the one we started, not some
        # other process that took the port first.
        if redis-cli -p "$port" info server 2>/dev/null | tr -d '\r' | grep -qx "process_id:$SERVER_PID"; then
            return 0
        fi
        if ! kill -0 "$SERVER_PID" 2>/dev/null; then
            break
        fi
        sleep 0.1
    done
    echo "$name ($bin) did not answer PING on port $port; its output:" >&2
    cat "$WORK_DIR/$name.log" >&2
    exit 1
}

# median: reads numbers, one a line, prints the median.
median() {
    sort -g | awk '{ v[NR] = $1 } END {
        if (NR == 0) { print "n/a"; exit }
        if (NR % 2) print v[(NR + 1) / 2]; else printf "%.2f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2
    }'
}
