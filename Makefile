# ferrodis: make run | make test | make bench | make bench-types | make bench-rdb | make memory | make build | make clean
CARGO ?= cargo
CONF  ?= conf/redis.conf
ARGS  ?=
BIN   := target/release/ferrodis-server

.PHONY: build run test bench bench-types bench-rdb memory clean

build:
	$(CARGO) build --release

# Serves with conf/redis.conf when it exists, else with the built-in defaults;
# extra directives go in ARGS, e.g. make run ARGS="--port 7777".
run: build
	@if [ -f "$(CONF)" ]; then \
		echo "./$(BIN) $(CONF) $(ARGS)"; exec ./$(BIN) $(CONF) $(ARGS); \
	else \
		echo "($(CONF) not found: running with the default configuration)"; exec ./$(BIN) $(ARGS); \
	fi

# Unit and integration tests, in release mode so that timing-sensitive tests
# behave; the integration tests need the real redis tools (installed first).
test:
	bash scripts/install-deps.sh
	$(CARGO) test --release

bench: build
	bash scripts/bench.sh
	bash scripts/bench-pubsub.sh

# Issue 4: sorted sets, HyperLogLog and bitmaps (ZADD, ZPOPMIN, ZRANGE/ZRANK/
# ZINCRBY on a 1M-member zset, PFADD, PFCOUNT, SETBIT, BITCOUNT on 1 MB).
bench-types: build
	PRESET=types bash scripts/bench.sh

# Issue 5: SAVE / BGSAVE time, dump.rdb size and load time; then the
# pauses a client sees while BGSAVE writes 1M keys.
bench-rdb: build
	bash scripts/bench-rdb.sh
	bash scripts/bench-bgsave.sh

memory: build
	bash scripts/memory.sh

clean:
	$(CARGO) clean
