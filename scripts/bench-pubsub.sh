#!/usr/bin/env bash
# PUBLISH fan-out against Debian's redis-server: messages delivered per
# second to 1, 10 and 100 subscribers of one channel (scripts/bench-pubsub.py
# drains the subscribers and publishes pipelined). Both servers get the same
# options; runs alternate between them; the median of ROUNDS is reported.
#
# Environment:
#   ROUNDS=3            runs per (subscribers, server)
#   SUBSCRIBERS="1 10 100"
#   DELIVERIES=2000000  messages x subscribers per run
#   PIPELINE=64         PUBLISH commands per write of the publisher
#   SIZE=16             payload bytes
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

ROUNDS="${ROUNDS:-3}"
SUBSCRIBERS="${SUBSCRIBERS:-1 10 100}"
DELIVERIES="${DELIVERIES:-2000000}"
PIPELINE="${PIPELINE:-64}"
SIZE="${SIZE:-16}"

need redis-server redis-cli python3
if [[ ! -x "$FERRODIS_BIN" ]]; then
    (cd "$ROOT" && cargo build --release)
fi

free_port; redis_port=$PORT
free_port; ferrodis_port=$PORT
start_server redis "$REDIS_BIN" "$redis_port"
start_server ferrodis "$FERRODIS_BIN" "$ferrodis_port"
echo "pub/sub fan-out: redis-server on $redis_port, ferrodis on $ferrodis_port;" \
    "rounds=$ROUNDS deliveries=$DELIVERIES pipeline=$PIPELINE size=$SIZE"

bench() {
    python3 "$ROOT/scripts/bench-pubsub.py" "$1" "$2" "$3" "$PIPELINE" "$SIZE"
}

printf '%-12s %16s %16s %8s\n' subscribers "redis msg/s" "ferrodis msg/s" ratio
for n in $SUBSCRIBERS; do
    msgs=$((DELIVERIES / n))
    : >"$WORK_DIR/r" ; : >"$WORK_DIR/f"
    for round in $(seq "$ROUNDS"); do
        if ((round % 2)); then
            bench "$redis_port" "$n" "$msgs" >>"$WORK_DIR/r"
            bench "$ferrodis_port" "$n" "$msgs" >>"$WORK_DIR/f"
        else
            bench "$ferrodis_port" "$n" "$msgs" >>"$WORK_DIR/f"
            bench "$redis_port" "$n" "$msgs" >>"$WORK_DIR/r"
        fi
    done
    r=$(median <"$WORK_DIR/r")
    f=$(median <"$WORK_DIR/f")
    ratio=$(awk -v r="$r" -v f="$f" 'BEGIN { if (r + 0 > 0) printf "%.2f", f / r; else print "n/a" }')
    printf '%-12s %16.0f %16.0f %8s\n' "$n" "$r" "$f" "$ratio"
done
