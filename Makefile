# Sangam — the two set-up commands are `make demo` and `make test` (see README.md).
SHELL := /bin/bash
BUILD ?= build
JOBS ?= $(shell nproc)

.PHONY: all deps build core web connector demo serve test test-asan bench fuzz clean

all: build

deps:
	@scripts/deps.sh

build: deps core web connector

core:
	@cmake -S . -B $(BUILD) -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
	@ninja -C $(BUILD) -j $(JOBS) sangam

web:
	@cd web && npm run --silent build

connector:
	@cd connector && npm run --silent build

demo: build
	@$(BUILD)/sangam demo

serve: build
	@$(BUILD)/sangam serve

# Every test: C++ (both storage backends), the HTTP API suite (both backends), the browser test.
test:
	@scripts/deps.sh --test
	@scripts/test.sh

test-asan:
	@scripts/deps.sh --test
	@scripts/test.sh --asan-only

bench:
	@scripts/deps.sh --test
	@scripts/bench.sh

# libFuzzer on every parser of outside input, 60 s each (SANGAM_FUZZ_SECONDS); see docs/operations.md.
fuzz:
	@scripts/deps.sh --test
	@scripts/fuzz.sh

clean:
	rm -rf $(BUILD) build-asan build-fuzz web/dist connector/dist
