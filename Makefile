# Entry points for people and CI. `make run` and `make test` work on a fresh Debian 12
# machine as root: they install what is missing (scripts/install-deps), then build.
JOBS ?= $(shell nproc)
CMAKE_FLAGS ?=

.PHONY: all deps build run test test-release test-asan test-tsan test-fuzz bench-smoke clean format

all: build

deps:
	@scripts/install-deps

build: deps
	cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo $(CMAKE_FLAGS) >/dev/null
	cmake --build build -j$(JOBS)

run: build
	scripts/run-milter

# Every test: the release build, the same tests under ASan+UBSan, the threaded tests
# under TSan, each fuzz target for a bounded time, and a bench smoke run.
test: deps
	scripts/run-tests

test-release: build
	scripts/run-tests release

test-asan: deps
	scripts/run-tests asan

test-tsan: deps
	scripts/run-tests tsan

test-fuzz: deps
	scripts/run-tests fuzz

clean:
	rm -rf build build-asan build-tsan build-fuzz

format:
	find src tests bench -name '*.cpp' -o -name '*.h' | xargs clang-format -i
