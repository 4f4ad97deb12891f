# Two commands do all the set-up on a fresh Debian machine:
#   make demo   installs what is needed, builds, runs the demo
#   make test   installs what is needed, builds, runs every test (C++ and Python)
SHELL    := /bin/bash
PYTHON   ?= python3
BUILD    := build/editable
CPP_BUILD := build/cpp-tests
# The C++ unit tests build in their own folder, so that rebuilds of the
# editable install (on import) compile the extension only.
PIP_OPTS := --no-build-isolation --no-deps -Ceditable.rebuild=true -Cbuild-dir=$(BUILD) \
            -Ccmake.define.ZARRNATIVE_TESTS=OFF

.PHONY: demo test build deps deps-test cpp-test cpp-asan cpp-valgrind py-test bench bench-quick bench-gpu clean

deps:
	@PYTHON=$(PYTHON) third_party/install-deps.sh

deps-test:
	@PYTHON=$(PYTHON) third_party/install-deps.sh test

# Editable install: later imports rebuild the extension when C++ sources change.
build:
	@set -o pipefail; $(PYTHON) -m pip install -q $(PIP_OPTS) -e . 2>&1 | { grep -v "^WARNING: Location" || true; }

demo: deps build
	$(PYTHON) -m zarrnative.demo

cpp-test:
	@cmake -S . -B $(CPP_BUILD) -DCMAKE_BUILD_TYPE=Release -DZARRNATIVE_TESTS=ON -DZARRNATIVE_PYTHON=OFF \
	       > /dev/null
	@cmake --build $(CPP_BUILD) --parallel 2 > $(CPP_BUILD)/build.log 2>&1 \
	  || { tail -n 60 $(CPP_BUILD)/build.log; exit 1; }
	ctest --test-dir $(CPP_BUILD) --output-on-failure -j2

# The C++ unit tests under AddressSanitizer and UndefinedBehaviorSanitizer
# (about 12 minutes to build on 2 cores; not part of `make test`). Any report
# fails the run.
cpp-asan:
	@cmake -S . -B build/cpp-asan -DCMAKE_BUILD_TYPE=Debug -DZARRNATIVE_TESTS=ON -DZARRNATIVE_PYTHON=OFF \
	       -DCMAKE_CXX_FLAGS="-fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer" \
	       -DCMAKE_EXE_LINKER_FLAGS="-fsanitize=address,undefined" > /dev/null
	@cmake --build build/cpp-asan --parallel 2 > build/cpp-asan/build.log 2>&1 \
	  || { tail -n 60 build/cpp-asan/build.log; exit 1; }
	ASAN_OPTIONS=detect_leaks=1 ctest --test-dir build/cpp-asan --output-on-failure -j2

# The codec tests under valgrind: unlike the sanitizers it also checks the
# system libraries' reads of our buffers (libzfp decoding a hostile stream).
# About a minute; not part of `make test`.
cpp-valgrind: cpp-test
	valgrind -q --error-exitcode=9 $(CPP_BUILD)/zarrnative_core_tests \
	  --gtest_filter='Zfpy*:PackBits*:Categorize*:Checksum32*:Crc32c*:Lzma*:Bz2*:Lz4*:Zstd*:Gzip*:Zlib*:Blosc*'

py-test:
	$(PYTHON) -m pytest -q tests

test: deps-test build cpp-test py-test

# Benchmarks of the installed (editable) zarrnative against its peers; results
# under bench/results/<date>-<machine>/. bench-quick takes under 3 minutes.
bench:
	@PYTHON=$(PYTHON) third_party/install-deps.sh bench
	@$(PYTHON) bench/deps.py
	$(PYTHON) bench/run.py

bench-quick:
	@PYTHON=$(PYTHON) third_party/install-deps.sh bench
	@$(PYTHON) bench/deps.py
	$(PYTHON) bench/run.py --quick

# GPU reads (bench/gpu.py): needs a CUDA device, nvCOMP and CuPy.
bench-gpu:
	$(PYTHON) bench/gpu.py --out bench/results/gpu

clean:
	rm -rf build
