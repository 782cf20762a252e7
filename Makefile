# claimgraph: `make run` and `make test` work on a fresh Debian 12 machine (as root).
BUILD_DIR ?= build
CMAKE_FLAGS ?=

.PHONY: all deps configure build test run clean lint-proto

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

clean:
	rm -rf $(BUILD_DIR)
