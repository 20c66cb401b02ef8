#!/usr/bin/env bash
# Throughput of ferrodis against Debian's redis-server, measured with
# redis-benchmark. Both servers get identical options on two free ports;
# each test runs on both in turn (A B, then B A the next round, so neither
# server always goes first), and the median of ROUNDS runs is reported.
#
# Environment:
#   ROUNDS=3             runs per (test, server, pipeline depth); median reported
#   TESTS=ping,set,get,incr,mset   redis-benchmark -t names
#   PIPELINES="1 16"     redis-benchmark -P depths
#   CLIENTS=50           redis-benchmark -c
#   REQUESTS             requests per run (default 100000 at -P 1, 500000 deeper)
#   KEYSPACE=100000      redis-benchmark -r (random keys, so GET finds SET's keys)
#   FERRODIS_BIN         default target/release/ferrodis-server (built if missing)
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

ROUNDS="${ROUNDS:-3}"
TESTS="${TESTS:-ping,set,get,incr,mset}"
PIPELINES="${PIPELINES:-1 16}"
CLIENTS="${CLIENTS:-50}"
KEYSPACE="${KEYSPACE:-100000}"

need redis-server redis-cli redis-benchmark
if [[ ! -x "$FERRODIS_BIN" ]]; then
    (cd "$ROOT" && cargo build --release)
fi

free_port; redis_port=$PORT
free_port; ferrodis_port=$PORT
start_server redis "$REDIS_BIN" "$redis_port"
start_server ferrodis "$FERRODIS_BIN" "$ferrodis_port"
echo "redis-server $(redis-server --version | grep -o 'v=[^ ]*') on port $redis_port," \
    "ferrodis ($FERRODIS_BIN) on port $ferrodis_port"
echo "rounds=$ROUNDS clients=$CLIENTS tests=$TESTS keyspace=$KEYSPACE"

# One redis-benchmark run: appends "TEST<TAB>rps" lines to a results file.
run_one() {
    local server=$1 port=$2 depth=$3 test=$4 n=$5
    redis-benchmark -p "$port" -c "$CLIENTS" -n "$n" -P "$depth" -r "$KEYSPACE" -t "$test" --csv -q \
        >"$WORK_DIR/out.csv" 2>"$WORK_DIR/err.txt" || {
        echo "redis-benchmark failed against $server (port $port):" >&2
        cat "$WORK_DIR/out.csv" "$WORK_DIR/err.txt" >&2
        exit 1
    }
    if grep -qi 'error' "$WORK_DIR/out.csv" "$WORK_DIR/err.txt"; then
        echo "redis-benchmark reported errors against $server:" >&2
        cat "$WORK_DIR/out.csv" "$WORK_DIR/err.txt" >&2
        exit 1
    fi
    # "MSET (10 keys)","123.45",... -> MSET<TAB>123.45
    awk -F'","' 'NR > 1 { gsub(/"/, "", $1); sub(/ \(.*/, "", $1); print $1 "\t" $2 }' \
        "$WORK_DIR/out.csv" >>"$WORK_DIR/$server.$depth.tsv"
}

IFS=',' read -r -a test_list <<<"$TESTS"
for depth in $PIPELINES; do
    if [[ -n "${REQUESTS:-}" ]]; then n=$REQUESTS
    elif ((depth == 1)); then n=100000
    else n=500000
    fi
    echo
    echo "== -P $depth: $n requests per run =="
    for round in $(seq "$ROUNDS"); do
        for test in "${test_list[@]}"; do
            if ((round % 2)); then
                run_one redis "$redis_port" "$depth" "$test" "$n"
                run_one ferrodis "$ferrodis_port" "$depth" "$test" "$n"
            else
                run_one ferrodis "$ferrodis_port" "$depth" "$test" "$n"
                run_one redis "$redis_port" "$depth" "$test" "$n"
            fi
        done
        echo "  round $round/$ROUNDS done" >&2
    done
    printf '%-14s %14s %14s %8s\n' test "redis rps" "ferrodis rps" ratio
    for name in $(cut -f1 "$WORK_DIR/redis.$depth.tsv" | awk '!seen[$0]++'); do
        r=$(awk -F'\t' -v t="$name" '$1 == t { print $2 }' "$WORK_DIR/redis.$depth.tsv" | median)
        f=$(awk -F'\t' -v t="$name" '$1 == t { print $2 }' "$WORK_DIR/ferrodis.$depth.tsv" | median)
        ratio=$(awk -v r="$r" -v f="$f" 'BEGIN { if (r + 0 > 0) printf "%.2f", f / r; else print "n/a" }')
        printf '%-14s %14.0f %14.0f %8s\n' "$name" "$r" "$f" "$ratio"
    done
done
