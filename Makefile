# palabre's two set-up commands and their helpers.
#
#   make run       install missing packages, build into build/, run the demo,
#                  then the web app (palabre ui) on the demo vault
#   make test      install missing packages, build, run every test with ctest
#   make sanitize  the same tests built with ASan + UBSan into build-asan/
#   make bench     build and run the benchmarks: the encrypting VFS, the
#                  record operations on 100,000 sessions (minutes to fill),
#                  the sync (bytes on the wire, a 2G link, server ingest)
#
# Packages come from Debian through tools/install-deps.sh, which installs what
# is missing (as root or with sudo) or prints the one apt-get line to run.

JOBS ?= $(shell nproc 2>/dev/null || echo 2)
CMAKE_FLAGS ?=

.PHONY: all deps build run test sanitize bench clean

all: build

deps:
	@bash tools/install-deps.sh

build: deps
	cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo $(CMAKE_FLAGS)
	cmake --build build -j $(JOBS)

run: build
	@bash tools/demo.sh build/cli/palabre

test: build
	cd build && ctest --output-on-failure -j $(JOBS)

sanitize: deps
	cmake -S . -B build-asan -DCMAKE_BUILD_TYPE=Debug -DPALABRE_SANITIZE=ON \
	  -DPALABRE_BUILD_BENCH=OFF $(CMAKE_FLAGS)
	cmake --build build-asan -j $(JOBS)
	cd build-asan && ASAN_OPTIONS=detect_leaks=1 \
	  UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
	  ctest --output-on-failure -j $(JOBS)

bench: build
	build/bench/vfs_bench
	build/bench/records_bench
	build/bench/sync_bench --slow-sessions 200

clean:
	rm -rf build build-asan
