# A thin wrapper over CMake: installs what is missing, configures one build
# tree per toolchain, and runs the demo or the test suites.
#
#   make demo    several clients at once: the shared counter next to a private one
#   make test    every test suite, for every toolchain
#   make soak    a long soak of both library builds (docs/reliability.md)
#   make fuzz    fuzz sectiondump's parser for FUZZ_SECONDS (docs/binary-analysis.md)
#   make build   just build
#   make clean   remove build/

BUILD      := build
TOOLCHAINS := gcc clang
JOBS       ?= $(shell nproc)
PREFIX     := $(abspath $(BUILD))/wineprefix
WINE_ENV   := WINEPREFIX=$(PREFIX) WINEDEBUG=-all,err+module WINEDLLOVERRIDES=mscoree,mshtml=
DEMO_ARGS  ?=
SOAK_ARGS  ?= --seconds 30 --clients 64 --wave 8
FUZZ_SECONDS ?= 600

.PHONY: all deps build demo test soak fuzz clean

all: build

deps:
	@scripts/install-deps.sh $(BUILD)/deps

# The native tests inspect the Windows trees' binaries, which "build" makes
# first.
$(BUILD)/native/CMakeCache.txt: | deps
	cmake -S . -B $(BUILD)/native -DCMAKE_BUILD_TYPE=RelWithDebInfo \
	    "-DSC_WINDOWS_TREES=$(abspath $(BUILD))/gcc;$(abspath $(BUILD))/clang"

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

# Run it alone: other clients of the same DLL would count as lost updates.
soak: build $(PREFIX)/system.reg
	@env $(WINE_ENV) wineserver -p5
	@status=0; \
	for s in sc_soak sc_soak_hardened; do \
	    env $(WINE_ENV) wine $(BUILD)/gcc/bin/$$s.exe $(SOAK_ARGS) || status=1; \
	done; \
	env $(WINE_ENV) wineserver -w; \
	exit $$status

# libFuzzer on sectiondump's parser, with ASan and UBSan. It starts from the
# checked-in regression corpus and adds what it finds to $(BUILD)/fuzz/corpus;
# a crash, hang or leak stops it and is saved in $(BUILD)/fuzz/findings.
fuzz: deps
	cmake -S . -B $(BUILD)/fuzz -DCMAKE_BUILD_TYPE=RelWithDebInfo \
	    -DCMAKE_C_COMPILER=clang -DSC_FUZZ=ON -DBUILD_TESTING=OFF
	cmake --build $(BUILD)/fuzz -j $(JOBS) --target sectiondump_fuzz
	@mkdir -p $(BUILD)/fuzz/corpus $(BUILD)/fuzz/findings
	$(BUILD)/fuzz/sectiondump/sectiondump_fuzz -max_total_time=$(FUZZ_SECONDS) \
	    -timeout=5 -print_final_stats=1 \
	    -artifact_prefix=$(abspath $(BUILD))/fuzz/findings/ \
	    $(BUILD)/fuzz/corpus sectiondump/corpus

clean:
	rm -rf $(BUILD)
