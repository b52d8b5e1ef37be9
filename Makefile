# A thin wrapper over CMake: installs what is missing, configures one build
# tree per toolchain, and runs the demo or the test suites.
#
#   make demo    several clients at once: the shared counter next to a private one
#   make test    every test suite, for every toolchain
#   make build   just build
#   make clean   remove build/

BUILD      := build
TOOLCHAINS := gcc clang
JOBS       ?= $(shell nproc)
PREFIX     := $(abspath $(BUILD))/wineprefix
WINE_ENV   := WINEPREFIX=$(PREFIX) WINEDEBUG=-all,err+module WINEDLLOVERRIDES=mscoree,mshtml=
DEMO_ARGS  ?=

.PHONY: all deps build demo test clean

all: build

deps:
	@scripts/install-deps.sh $(BUILD)/deps

$(BUILD)/native/CMakeCache.txt: | deps
	cmake -S . -B $(BUILD)/native -DCMAKE_BUILD_TYPE=RelWithDebInfo

$(BUILD)/%/CMakeCache.txt: | deps
	cmake -S . -B $(BUILD)/$* -DCMAKE_BUILD_TYPE=RelWithDebInfo \
	    -DCMAKE_TOOLCHAIN_FILE=cmake/mingw-$*.cmake \
	    -DSC_CMOCKA_SOURCE_DIR=$(abspath $(BUILD))/deps/cmocka \
	    -DSC_WINEPREFIX=$(PREFIX)

build: deps $(foreach t,$(TOOLCHAINS) native,$(BUILD)/$(t)/CMakeCache.txt)
	@for t in $(TOOLCHAINS) native; do \
	    cmake --build $(BUILD)/$$t -j $(JOBS) || exit 1; \
	done

$(PREFIX)/system.reg: | deps
	cmake -DPREFIX=$(PREFIX) -P cmake/wineprefix.cmake

demo: build $(PREFIX)/system.reg
	env $(WINE_ENV) wine $(BUILD)/gcc/bin/counter_demo.exe $(DEMO_ARGS)
	env $(WINE_ENV) wineserver -w

# A wineserver that outlives each test program makes every Wine start cheap;
# -p5 lets it exit five seconds after the last program, and -w waits for that.
test: build $(PREFIX)/system.reg
	@env $(WINE_ENV) wineserver -p5
	@status=0; \
	for t in native $(TOOLCHAINS); do \
	    echo "== tests: $$t"; \
	    ctest --test-dir $(BUILD)/$$t --output-on-failure -j $(JOBS) || status=1; \
	done; \
	env $(WINE_ENV) wineserver -w; \
	exit $$status

clean:
	rm -rf $(BUILD)
