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
#   COMMANDS             custom commands, "name=redis-benchmark args" entries
#                        separated by ';', e.g.
#                          COMMANDS='zrank=ZRANK bigz member:__rand_int__;bitcount=-n 20000 BITCOUNT bitstr'
#                        The args go after the common options, so a leading
#                        "-n N" or "-r N" overrides REQUESTS/KEYSPACE for that
#                        entry. -r zero-pads __rand_int__ to 12 digits, which
#                        matches the member:%012d members of the bigz setup.
#   SETUP                setup steps run once on both servers before any run,
#                        space-separated: bigz (ZADD 1M members member:%012d,
#                        score = N, into "bigz"), bitstr (a 1 MB string of
#                        pseudo-random bytes in "bitstr"), hll (PFADD 100k
#                        elements into "hll"). Both servers get byte-identical
#                        input through redis-cli --pipe.
#   PRESET=types         the issue-4 data-type set (what `make bench-types`
#                        runs): sets TESTS, COMMANDS and SETUP unless given.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

if [[ "${PRESET:-}" == types ]]; then
    TESTS="${TESTS-zadd,zpopmin}"
    KEYSPACE="${KEYSPACE:-1000000}"
    SETUP="${SETUP-bigz bitstr hll}"
    # ZRANGE takes a fixed window: __rand_int__ is zero-padded, which redis
    # does not accept as an integer. SETBIT takes a fixed offset for the same
    # reason. BITCOUNT scans the whole 1 MB per call, so it runs fewer requests.
    COMMANDS="${COMMANDS-zrange=ZRANGE bigz 500000 500009;zrank=ZRANK bigz member:__rand_int__;zincrby=ZINCRBY bigz 1 member:__rand_int__;pfadd=PFADD hll2 el:__rand_int__;pfcount=PFCOUNT hll;setbit=SETBIT bitstr 123456 1;bitcount=-n 20000 BITCOUNT bitstr}"
fi

ROUNDS="${ROUNDS:-3}"
TESTS="${TESTS-ping,set,get,incr,mset}"
COMMANDS="${COMMANDS:-}"
SETUP="${SETUP:-}"
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
[[ -n "$SETUP" ]] && echo "setup: $SETUP"
[[ -n "$COMMANDS" ]] && echo "commands: $COMMANDS"

# Setup data: RESP written once by python, piped into both servers.
gen_setup() {
    python3 - "$1" <<'PY'
import random, sys
what = sys.argv[1]
out = sys.stdout.buffer
def cmd(*args):
    parts = [b"*%d\r\n" % len(args)]
    for a in args:
        if isinstance(a, str):
            a = a.encode()
        parts.append(b"$%d\r\n%s\r\n" % (len(a), a))
    out.write(b"".join(parts))
if what == "bigz":
    cmd("DEL", "bigz")
    for start in range(0, 1000000, 1000):
        args = ["ZADD", "bigz"]
        for i in range(start, start + 1000):
            args += [str(i), "member:%012d" % i]
        cmd(*args)
elif what == "bitstr":
    rnd = random.Random(42)
    cmd("DEL", "bitstr")
    chunk = 64 * 1024
    for off in range(0, 1 << 20, chunk):
        cmd("SETRANGE", "bitstr", str(off), bytes(rnd.getrandbits(8) for _ in range(chunk)))
elif what == "hll":
    cmd("DEL", "hll", "hll2")
    for start in range(0, 100000, 1000):
        cmd("PFADD", "hll", *["el:%d" % i for i in range(start, start + 1000)])
else:
    sys.exit("unknown setup step: " + what)
PY
}
for step in $SETUP; do
    gen_setup "$step" >"$WORK_DIR/setup.$step.resp"
    for port in "$redis_port" "$ferrodis_port"; do
        redis-cli -p "$port" --pipe <"$WORK_DIR/setup.$step.resp" >"$WORK_DIR/pipe.out" 2>&1 || {
            echo "setup $step failed on port $port:" >&2
            cat "$WORK_DIR/pipe.out" >&2
            exit 1
        }
        grep -q 'errors: 0,' "$WORK_DIR/pipe.out" || {
            echo "setup $step reported errors on port $port:" >&2
            cat "$WORK_DIR/pipe.out" >&2
            exit 1
        }
    done
    rm -f "$WORK_DIR/setup.$step.resp"
done
if [[ -n "$SETUP" ]]; then
    for port in "$redis_port" "$ferrodis_port"; do
        echo "  port $port: dbsize=$(redis-cli -p "$port" dbsize)" \
            "zcard(bigz)=$(redis-cli -p "$port" zcard bigz)" \
            "strlen(bitstr)=$(redis-cli -p "$port" strlen bitstr)" \
            "bitcount(bitstr)=$(redis-cli -p "$port" bitcount bitstr)" \
            "pfcount(hll)=$(redis-cli -p "$port" pfcount hll)"
    done
fi

# One redis-benchmark run: appends "TEST<TAB>rps" lines to a results file.
run_one() {
    local server=$1 port=$2 depth=$3 test=$4 n=$5
    local what=(-t "$test") label=""
    if [[ "$test" == cmd:* ]]; then
        # Custom command "cmd:name=args": label the result with name.
        local entry=${test#cmd:}
        label=${entry%%=*}
        read -r -a what <<<"${entry#*=}"
    fi
    redis-benchmark -p "$port" -c "$CLIENTS" -n "$n" -P "$depth" -r "$KEYSPACE" --csv -q "${what[@]}" \
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
    awk -F'","' -v label="$label" 'NR > 1 { gsub(/"/, "", $1); sub(/ \(.*/, "", $1);
        if (label != "") $1 = label; print $1 "\t" $2 }' \
        "$WORK_DIR/out.csv" >>"$WORK_DIR/$server.$depth.tsv"
}

test_list=()
[[ -n "$TESTS" ]] && IFS=',' read -r -a test_list <<<"$TESTS"
if [[ -n "$COMMANDS" ]]; then
    IFS=';' read -r -a cmd_list <<<"$COMMANDS"
    for c in "${cmd_list[@]}"; do
        c="${c#"${c%%[![:space:]]*}"}"
        [[ -z "$c" ]] && continue
        if [[ "$c" != *=* ]]; then
            echo "COMMANDS entry without name=: $c" >&2
            exit 1
        fi
        test_list+=("cmd:$c")
    done
fi
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
