#!/usr/bin/env bash
# RDB persistence of ferrodis against Debian's redis-server (issue 5): for
# each data set, both servers get byte-identical data (redis-cli --pipe),
# then SAVE time, BGSAVE time, dump.rdb size and load time are measured.
# Each server runs in its own temp dir on its own free port.
#
#   SAVE         wall clock of `redis-cli SAVE`
#   BGSAVE wall  from `redis-cli BGSAVE` until INFO persistence shows
#                rdb_bgsave_in_progress:0 (polled every 10 ms)
#   BGSAVE info  rdb_last_bgsave_time_sec afterwards (whole seconds)
#   load wall    restart on the same dir and dbfilename, time from exec
#                until PING answers and INFO shows loading:0 (polled every 10 ms)
#   load log     "DB loaded from disk: X seconds" from the server's log
#
# Environment:
#   DATASETS="strings collections"
#       strings:     1M strings key:N -> val:N
#       collections: 10k keys of 100 elements each, a quarter each hashes,
#                    lists, sets and sorted sets
#       hashes, lists, sets, zsets: 10k keys of 100 elements of one type
#                    (to see which type a collections difference comes from)
#   ROUNDS=3       SAVE / BGSAVE / restart repetitions per server; medians
#   FERRODIS_BIN   default target/release/ferrodis-server (built if missing)
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

DATASETS="${DATASETS:-strings collections}"
ROUNDS="${ROUNDS:-3}"

need redis-server redis-cli python3
if [[ ! -x "$FERRODIS_BIN" ]]; then
    (cd "$ROOT" && cargo build --release)
fi

now_ms() { echo $(($(date +%s%N) / 1000000)); }
secs() { awk -v ms="$1" 'BEGIN { printf "%.3f", ms / 1000 }'; }

gen_data() {
    python3 - "$1" <<'PY'
import sys
what = sys.argv[1]
out = sys.stdout.buffer
def cmd(*args):
    parts = [b"*%d\r\n" % len(args)]
    for a in args:
        a = a.encode()
        parts.append(b"$%d\r\n%s\r\n" % (len(a), a))
    out.write(b"".join(parts))
if what == "strings":
    for start in range(0, 1000000, 1000):
        args = ["MSET"]
        for i in range(start, start + 1000):
            args += ["key:%d" % i, "val:%d" % i]
        cmd(*args)
else:
    kinds = {"collections": [0, 1, 2, 3], "hashes": [0], "lists": [1], "sets": [2], "zsets": [3]}
    if what not in kinds:
        sys.exit("unknown data set: " + what)
    for k in range(10000):
        kind = kinds[what][k % len(kinds[what])]
        if kind == 0:
            args = ["HSET", "hash:%d" % k]
            for i in range(100):
                args += ["field:%d" % i, "value:%d" % i]
        elif kind == 1:
            args = ["RPUSH", "list:%d" % k] + ["item:%d" % i for i in range(100)]
        elif kind == 2:
            args = ["SADD", "set:%d" % k] + ["member:%d" % i for i in range(100)]
        else:
            args = ["ZADD", "zset:%d" % k]
            for i in range(100):
                args += [str(i * 1.5), "member:%d" % i]
        cmd(*args)
PY
}

# launch NAME BIN PORT DIR: starts the server in DIR (dbfilename dump.rdb),
# sets SERVER_PID and LAUNCH_MS; appends its output to $WORK_DIR/NAME.log.
launch() {
    local name=$1 bin=$2 port=$3 dir=$4
    LAUNCH_MS=$(now_ms)
    "$bin" --port "$port" --save "" --appendonly no --dir "$dir" --dbfilename dump.rdb \
        >>"$WORK_DIR/$name.log" 2>&1 </dev/null &
    SERVER_PID=$!
    STARTED_PIDS+=("$SERVER_PID")
}

# wait_pong NAME PORT: waits (up to 120 s) until the dataset is loaded:
# PING answers PONG and INFO says loading:0 (while a file loads, both
# servers answer PING with -LOADING and INFO normally); sets READY_MS.
wait_pong() {
    local name=$1 port=$2
    for _ in $(seq 12000); do
        if [[ "$(redis-cli -p "$port" ping 2>/dev/null)" == PONG ]] &&
            redis-cli -p "$port" info persistence 2>/dev/null | grep -q '^loading:0'; then
            READY_MS=$(now_ms)
            return 0
        fi
        if ! kill -0 "$SERVER_PID" 2>/dev/null; then
            break
        fi
        sleep 0.01
    done
    echo "$name did not answer PING on port $port; its output:" >&2
    tail -50 "$WORK_DIR/$name.log" >&2
    exit 1
}

# shutdown_nosave PORT: SHUTDOWN NOSAVE, then waits for SERVER_PID to exit.
shutdown_nosave() {
    redis-cli -p "$1" shutdown nosave >/dev/null 2>&1 || true
    for _ in $(seq 100); do
        kill -0 "$SERVER_PID" 2>/dev/null || break
        sleep 0.05
    done
    stop_server "$SERVER_PID"
}

info_field() { redis-cli -p "$1" info persistence | tr -d '\r' | awk -F: -v f="$2" '$1 == f { print $2 }'; }

# measure NAME BIN DATASET: one server, one data set; writes
# "metric<TAB>value" lines to $WORK_DIR/NAME.DATASET.tsv.
measure() {
    local name=$1 bin=$2 ds=$3
    local dir="$WORK_DIR/$name-$ds" out="$WORK_DIR/$name.$ds.tsv"
    mkdir -p "$dir"
    : >"$out"
    free_port
    local port=$PORT
    launch "$name" "$bin" "$port" "$dir"
    wait_pong "$name" "$port"
    redis-cli -p "$port" --pipe <"$WORK_DIR/$ds.resp" >"$WORK_DIR/pipe.out" 2>&1 || true
    if ! grep -q 'errors: 0,' "$WORK_DIR/pipe.out"; then
        echo "loading $ds into $name failed:" >&2
        cat "$WORK_DIR/pipe.out" >&2
        exit 1
    fi
    local keys
    keys=$(redis-cli -p "$port" dbsize)
    echo "  $name/$ds: port $port, dbsize $keys, used_memory $(redis-cli -p "$port" info memory | tr -d '\r' | awk -F: '$1 == "used_memory_human" { print $2 }')" >&2

    local t0 t1 r reply
    for r in $(seq "$ROUNDS"); do
        t0=$(now_ms)
        reply=$(redis-cli -p "$port" save)
        t1=$(now_ms)
        [[ "$reply" == OK ]] || { echo "$name SAVE answered: $reply" >&2; exit 1; }
        printf 'save\t%s\n' "$(secs $((t1 - t0)))" >>"$out"

        t0=$(now_ms)
        reply=$(redis-cli -p "$port" bgsave)
        [[ "$reply" == "Background saving started" ]] || { echo "$name BGSAVE answered: $reply" >&2; exit 1; }
        while [[ "$(info_field "$port" rdb_bgsave_in_progress)" != 0 ]]; do
            sleep 0.01
        done
        t1=$(now_ms)
        [[ "$(info_field "$port" rdb_last_bgsave_status)" == ok ]] || { echo "$name BGSAVE failed" >&2; exit 1; }
        printf 'bgsave_wall\t%s\n' "$(secs $((t1 - t0)))" >>"$out"
        printf 'bgsave_info\t%s\n' "$(info_field "$port" rdb_last_bgsave_time_sec)" >>"$out"
    done
    printf 'size\t%s\n' "$(stat -c %s "$dir/dump.rdb")" >>"$out"

    for r in $(seq "$ROUNDS"); do
        shutdown_nosave "$port"
        : >"$WORK_DIR/$name.log"
        launch "$name" "$bin" "$port" "$dir"
        wait_pong "$name" "$port"
        printf 'load_wall\t%s\n' "$(secs $((READY_MS - LAUNCH_MS)))" >>"$out"
        local logged
        logged=$(grep -o 'DB loaded from disk: [0-9.]* seconds' "$WORK_DIR/$name.log" | awk '{ print $5 }' | tail -1)
        printf 'load_log\t%s\n' "${logged:-n/a}" >>"$out"
        local after
        after=$(redis-cli -p "$port" dbsize)
        [[ "$after" == "$keys" ]] || { echo "$name/$ds: dbsize $after after load, $keys before" >&2; exit 1; }
    done
    shutdown_nosave "$port"
    rm -rf "$dir"
}

echo "redis-server $(redis-server --version | grep -o 'v=[^ ]*'), ferrodis ($FERRODIS_BIN)"
echo "data sets: $DATASETS; rounds=$ROUNDS (medians; the machine may be shared, so times are noisy)"
for ds in $DATASETS; do
    gen_data "$ds" >"$WORK_DIR/$ds.resp"
done
i=0
for ds in $DATASETS; do
    # Alternate which server goes first.
    if ((i++ % 2 == 0)); then
        measure redis "$REDIS_BIN" "$ds"; measure ferrodis "$FERRODIS_BIN" "$ds"
    else
        measure ferrodis "$FERRODIS_BIN" "$ds"; measure redis "$REDIS_BIN" "$ds"
    fi
done

echo
echo "times in seconds (lower is better), size in bytes; ratio = ferrodis / redis"
printf '%-12s %-13s %12s %12s %8s\n' dataset metric redis ferrodis ratio
for ds in $DATASETS; do
    for metric in save bgsave_wall bgsave_info size load_wall load_log; do
        r=$(awk -F'\t' -v m="$metric" '$1 == m && $2 != "n/a" { print $2 }' "$WORK_DIR/redis.$ds.tsv" | median)
        f=$(awk -F'\t' -v m="$metric" '$1 == m && $2 != "n/a" { print $2 }' "$WORK_DIR/ferrodis.$ds.tsv" | median)
        ratio=$(awk -v r="$r" -v f="$f" -v m="$metric" 'BEGIN {
            if (m != "bgsave_info" && r + 0 > 0 && f != "n/a") printf "%.2f", f / r; else print "-" }')
        printf '%-12s %-13s %12s %12s %8s\n' "$ds" "$metric" "$r" "$f" "$ratio"
    done
done
