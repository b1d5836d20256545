# SPDX-License-Identifier: BSD-3-Clause
# Thin wrapper: `make run` builds and runs the default case, `make test` builds and runs the tests.
JOBS ?= $(shell nproc 2>/dev/null || echo 2)
PY := /usr/bin/python3
CASE ?= cases/newton_cradle.lua
NAME := $(basename $(notdir $(CASE)))

.PHONY: deps build run test bench format clean

deps:
	@bash scripts/install-deps.sh

build: deps
	cmake -S . -B build -DCMAKE_BUILD_TYPE=Release
	cmake --build build -j $(JOBS)

run: build
	@mkdir -p out
	./build/ghdk run $(CASE) -o out/$(NAME).nc
	$(PY) postprocess/plot.py out/$(NAME).nc out/$(NAME).png
	@echo "ghdk: output out/$(NAME).nc, figure out/$(NAME).png"

# Tests run in the sanitizer build (ASan + UBSan) with warnings as errors; then the MPI tests
# (label mpi) in a second build with GHDK_MPI, only the binary built and without sanitizers
# (Open MPI's own allocations would trip the leak checker).
test: deps
	cmake -S . -B build-asan -DCMAKE_BUILD_TYPE=Debug -DGHDK_SANITIZE=ON -DGHDK_WERROR=ON
	cmake --build build-asan -j $(JOBS)
	cd build-asan && ctest --output-on-failure -j $(JOBS)
	cmake -S . -B build-mpi -DCMAKE_BUILD_TYPE=RelWithDebInfo -DGHDK_MPI=ON -DGHDK_WERROR=ON \
	  -DGHDK_BUILD_BENCH=OFF
	cmake --build build-mpi -j $(JOBS) --target ghdk_cli
	cd build-mpi && ctest --output-on-failure -L mpi

bench: build
	./build/bench/bench_dressing
	./build/bench/bench_fv
	bench/run_cases.sh build/ghdk

format:
	clang-format -i $$(git ls-files '*.c' '*.h')

clean:
	rm -rf build build-asan build-mpi out
