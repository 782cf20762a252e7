# claimgraph: `make run` and `make test` work on a fresh Debian 12 machine (as root).
BUILD_DIR ?= build
CMAKE_FLAGS ?=

.PHONY: all deps configure build test run clean lint-proto crashtest

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

# The long crash test: 60 SIGKILLs during writes, each followed by checksum and data checks.
crashtest: build
	@$(BUILD_DIR)/bin/crash_test --rounds $${CRASH_ROUNDS:-60} --seed $${CRASH_SEED:-$$(date +%s)}

clean:
	rm -rf $(BUILD_DIR)
