# claimgraph: `make run` and `make test` work on a fresh Debian 12 machine (as root).
BUILD_DIR ?= build
CMAKE_FLAGS ?=

.PHONY: all deps configure build test run clean lint-proto crashtest fuzz bench soak

all: build

deps:
	@bash scripts/install-deps.sh

configure: deps
	@cmake -S . -B $(BUILD_DIR) -G Ninja $(CMAKE_FLAGS) >/dev/null

build: configure
	@ninja -C $(BUILD_DIR)

lint-proto: deps
	@bash scripts/lint-protos.sh

test: build lint-proto
	@ctest --test-dir $(BUILD_DIR) --output-on-failure -j2

run: build
	@bash scripts/run.sh

# Benchmarks: claimgraph beside PostgreSQL 15 and the machine's limits (bench/run.sh).
# BENCH_SCALE=tiny|small|medium|default|ENTITIESxCLAIMS (default: 1M entities / 5M claims).
bench: build
	@bash bench/run.sh

# A 10-minute fixed-rate soak of mixed reads and writes (BENCH_SOAK_S, BENCH_SOAK_RATE).
soak: build
	@BENCH_SOAK=1 BENCH_SCALE=$${BENCH_SCALE:-small} bash bench/run.sh

# libFuzzer targets with clang in build-fuzz/, FUZZ_SECONDS (default 60) each.
fuzz: deps
	@bash scripts/fuzz.sh

# The long crash test: 60 SIGKILLs during writes, each followed by checksum and data checks.
crashtest: build
	@$(BUILD_DIR)/bin/crash_test --rounds $${CRASH_ROUNDS:-60} --seed $${CRASH_SEED:-$$(date +%s)}

clean:
	rm -rf $(BUILD_DIR) build-fuzz
