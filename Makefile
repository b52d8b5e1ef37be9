# A thin wrapper over CMake: installs what is missing (for "make demo" only
# what the demo needs), runs the workflow presets of CMakePresets.json, one
# build tree per toolchain, and runs the demo or the test suites.
#
#   make demo    several clients at once: the shared counter next to a private one
#   make demo-linux  the same launcher on Linux, with libsharedcounter.so
#   make test    every test suite, for every toolchain, then make mutants
#   make test-T  one tree's suites (T: gcc, clang, native, native-clang)
#   make mutants the broken builds of tests/mutants/mutants.cmake, each of which
#                the suites named there must catch (docs/reliability.md)
#   make soak    a long soak of both library builds (docs/reliability.md)
#   make bench   the benchmark: table, CSV and plot (docs/performance.md)
#   make bench-prometheus  the named counters beside Python's prometheus_client
#                (docs/performance.md), natively
#   make fuzz    fuzz sectiondump's parser for FUZZ_SECONDS (docs/binary-analysis.md)
#   make screenshot  the README's picture, in build/screenshot/; with
#                SCREENSHOT_OUT=docs/img/counter_window.png it updates the docs
#   make build   just build (make build-T: one tree)
#   make install PREFIX=dir   the SDK (DLLs, header, import libraries, CMake
#                and pkg-config files, docs, examples) from the MinGW GCC build
#   make package the same tree as build/sharedcounter-<version>-win64.zip, and
#                the Linux tree as a .tar.gz and a .deb (docs/linux.md)
#   make clean   remove build/

# Where the presets put the trees (CMakePresets.json).
BUILD      := build
# The trees, each a preset of CMakePresets.json, in the order they are built
# and tested: the Windows trees (gcc, clang) first, because the tests of the
# Linux-native trees (native, native-clang) read their DLLs.
TREES      := gcc clang native native-clang
JOBS       ?= $(shell nproc)
# Every cmake --build and ctest below runs that many jobs.
export CMAKE_BUILD_PARALLEL_LEVEL := $(JOBS)
export CTEST_PARALLEL_LEVEL := $(JOBS)
WINE_PREFIX := $(BUILD)/wineprefix
WINE_ENV   := WINEPREFIX="$(CURDIR)/$(WINE_PREFIX)" WINEDEBUG=-all,err+module WINEDLLOVERRIDES=mscoree,mshtml=
# Wine without address space randomization: see cmake/wine.cmake.
WINE_RUN   := setarch -R env $(WINE_ENV)
DEMO_ARGS  ?=
SOAK_ARGS  ?= --seconds 30 --clients 64 --wave 8
BENCH_TREE ?= gcc
BENCH_ARGS ?=
PROMETHEUS_BENCH_ARGS ?=
FUZZ_SECONDS ?= 600

# A persistent wineserver while soak or bench run, stopped afterwards: one
# that exits when idle would race the next program (cmake/wineserver.cmake).
WINESERVER = $(WINE_RUN) cmake -DWINE=wine -DWINESERVER=wineserver \
    -P cmake/wineserver.cmake

.PHONY: all deps deps-demo build demo demo-linux test mutants soak bench \
        bench-prometheus fuzz screenshot install package clean
# One tree, and one cmake, at a time: each uses every CPU.
.NOTPARALLEL:

all: build

# What the demo needs, and everything (scripts/install-deps.sh).
deps-demo:
	@scripts/install-deps.sh demo $(BUILD)/deps
deps:
	@scripts/install-deps.sh all $(BUILD)/deps

# Each tree's workflow preset: "cmake --workflow --preset T-build"
# configures and builds tree T, and "cmake --workflow --preset T" runs its
# tests too; the rules below run the tests apart from the build, so that a
# native tree's wait for the Windows trees is a build, not their tests.
build: $(TREES:%=build-%)
build-%: deps
	@cmake --workflow --preset $*-build
# Each Windows tree's tests run in that tree's own Wine prefix, and start and
# stop its wineserver themselves (a CTest fixture, cmake/wine.cmake).
test-%: build-%
	@echo "== tests: $*"
	@ctest --preset $*
test-native test-native-clang: build-gcc build-clang
# Every tree's suites, even after one has failed (-k), then the broken
# builds; it fails if any of them did.
test:
	@$(MAKE) --no-print-directory -k $(TREES:%=test-%) mutants

# A tree configured for the rules that build only some of its targets.
$(BUILD)/%/CMakeCache.txt: | deps-demo
	@mkdir -p $(BUILD)
	@cmake --preset $* >$(BUILD)/configure-$*.log 2>&1 || \
	    { cat $(BUILD)/configure-$*.log; exit 1; }

$(WINE_PREFIX)/system.reg: | deps-demo
	@cmake "-DPREFIX=$(CURDIR)/$(WINE_PREFIX)" -P cmake/wineprefix.cmake

# Builds only what the demo runs (the launcher, the DLL and the two clients)
# with its log in a file, so that the screen shows the demo.
demo: deps-demo $(BUILD)/gcc/CMakeCache.txt $(WINE_PREFIX)/system.reg
	@echo "make demo: building counter_demo (log: $(BUILD)/demo-build.log)"
	@cmake --build --preset gcc --target counter_demo \
	    >$(BUILD)/demo-build.log 2>&1 || { cat $(BUILD)/demo-build.log; exit 1; }
	@$(WINE_RUN) wine $(BUILD)/gcc/bin/counter_demo.exe $(DEMO_ARGS); \
	    status=$$?; $(WINE_RUN) wineserver -w; exit $$status

# The same launcher built for Linux, on libsharedcounter.so (docs/linux.md).
demo-linux: deps-demo $(BUILD)/native/CMakeCache.txt
	@cmake --build --preset native --target counter_demo \
	    >$(BUILD)/demo-build.log 2>&1 || { cat $(BUILD)/demo-build.log; exit 1; }
	@$(BUILD)/native/clients/counter_demo $(DEMO_ARGS)

# Each tree's target "mutants" builds the broken builds and the suites they
# run, and runs them (tests/mutants/run.cmake): the Linux builds in the
# native tree, the Windows ones in the gcc tree. Run it alone: it starts and
# stops the gcc tree's wineserver, as that tree's tests do.
mutants: build-native build-gcc
	@cmake --build --preset native --target mutants
	@cmake --build --preset gcc --target mutants

# Run it alone: other clients of the same DLL would count as lost updates.
# sc_soak is a test program: it runs in bin/, where it finds the DLLs.
soak: build-gcc $(WINE_PREFIX)/system.reg
	@$(WINESERVER) start
	@status=0; \
	for s in sc_soak sc_soak_hardened; do \
	    (cd $(BUILD)/gcc/bin && $(WINE_RUN) wine ../tests/bin/$$s.exe \
	        $(SOAK_ARGS)) || status=1; \
	done; \
	$(WINESERVER) stop; \
	exit $$status

# Run it alone: other clients of the same DLL would count as lost updates.
# The table goes to the terminal; the CSV files, a line about the machine and
# the plot that bench/plot.gp draws from the CSV go to $(BUILD)/bench.
bench: deps $(BUILD)/$(BENCH_TREE)/CMakeCache.txt $(WINE_PREFIX)/system.reg
	cmake --build $(BUILD)/$(BENCH_TREE) --target counter_bench
	@mkdir -p $(BUILD)/bench
	@echo "$$(sed -n 's/^model name[^:]*: *//p' /proc/cpuinfo | head -n 1)," \
	    "$$(nproc) CPUs, $$(wine --version 2>/dev/null)" > $(BUILD)/bench/machine.txt
	@$(WINESERVER) start
	@$(WINE_RUN) wine $(BUILD)/$(BENCH_TREE)/bin/counter_bench.exe \
	    --csv $(BUILD)/bench/bench.csv --runs-csv $(BUILD)/bench/runs.csv \
	    $(BENCH_ARGS); \
	status=$$?; \
	$(WINESERVER) stop; \
	test $$status -eq 0 || exit $$status; \
	gnuplot -c bench/plot.gp $(BUILD)/bench || exit 1; \
	echo "bench: wrote bench.csv, runs.csv, machine.txt and bench.svg in $(BUILD)/bench"

# The named counters beside prometheus_client, in the native tree: an update
# from C beside an inline atomic (counter_bench_native, whose "named" variant
# is sc_counter_add), then bench/prometheus_bench.py on Debian's python3, where
# python3-prometheus-client is: updates from Python and scrapes after many
# short-lived writers. Its table goes to the terminal, its CSV to
# $(BUILD)/bench/prometheus.csv. Run it alone, like bench.
bench-prometheus: deps $(BUILD)/native/CMakeCache.txt
	cmake --build --preset native -j $(JOBS) --target sharedcounter \
	    counter_export counter_bench_native
	@mkdir -p $(BUILD)/bench
	$(BUILD)/native/bench/counter_bench_native --runs 11 --wakes 0
	/usr/bin/python3 bench/prometheus_bench.py \
	    --library $(BUILD)/native/dll/libsharedcounter.so.0 \
	    --export $(BUILD)/native/clients/counter_export \
	    --csv $(BUILD)/bench/prometheus.csv $(PROMETHEUS_BENCH_ARGS)

# libFuzzer on sectiondump's parser, with ASan and UBSan. It starts from the
# checked-in regression corpus and adds what it finds to $(BUILD)/fuzz/corpus;
# a crash, hang or leak stops it and is saved in $(BUILD)/fuzz/findings.
fuzz: deps
	cmake -S . -B $(BUILD)/fuzz -DCMAKE_C_COMPILER=clang -DSC_FUZZ=ON \
	    -DBUILD_TESTING=OFF
	cmake --build $(BUILD)/fuzz --target sectiondump_fuzz
	@mkdir -p $(BUILD)/fuzz/corpus $(BUILD)/fuzz/findings
	$(BUILD)/fuzz/sectiondump/sectiondump_fuzz -max_total_time=$(FUZZ_SECONDS) \
	    -timeout=5 -print_final_stats=1 \
	    "-artifact_prefix=$(CURDIR)/$(BUILD)/fuzz/findings/" \
	    $(BUILD)/fuzz/corpus sectiondump/corpus

# Three counter_window windows and a counter_watch, mid-run, in a Wine
# virtual desktop under Xvfb (scripts/screenshot.sh).
SCREENSHOT_SIZE := 1064x720
SCREENSHOT_OUT  ?= $(BUILD)/screenshot/counter_window.png
screenshot: deps $(BUILD)/gcc/CMakeCache.txt $(WINE_PREFIX)/system.reg
	cmake --build $(BUILD)/gcc --target counter_window counter_watch \
	    counter_worker
	@mkdir -p "$$(dirname "$(SCREENSHOT_OUT)")"
	@$(WINE_RUN) xvfb-run -a -s "-screen 0 $(SCREENSHOT_SIZE)x24" \
	    scripts/screenshot.sh $(BUILD)/gcc/bin $(SCREENSHOT_SIZE) \
	    "$(SCREENSHOT_OUT)"

# The SDK from the MinGW GCC tree: the DLLs and their import libraries, which
# is what the install step needs built.
SDK_DLLS    := sharedcounter sharedcounter_hardened
SDK_TARGETS := $(SDK_DLLS) $(addsuffix _msvc_lib,$(SDK_DLLS))

# PREFIX is one path, spaces and all; a relative one is taken from here.
install: deps $(BUILD)/gcc/CMakeCache.txt
	@test -n "$(PREFIX)" || { \
	    echo "make install: no PREFIX; try 'make install PREFIX=$$HOME/sharedcounter'" >&2; \
	    exit 2; }
	cmake --build $(BUILD)/gcc --target $(SDK_TARGETS) \
	    $(addsuffix _debug,$(SDK_DLLS))
	cmake --install $(BUILD)/gcc --prefix "$(PREFIX)" --component sdk

# The packages, made by CPack in $(BUILD): the SDK as
# sharedcounter-<version>-win64.zip, the Linux tree as
# sharedcounter-<version>-linux-x86_64.tar.gz and sharedcounter_<version>_amd64.deb,
# each with a -dbg twin that holds the debug information.
package: deps $(BUILD)/gcc/CMakeCache.txt $(BUILD)/native/CMakeCache.txt
	cmake --build --preset gcc --target package
	cmake --build --preset native --target package
	@echo "make package: in $(BUILD)/"; cd $(BUILD) && ls -l *.zip *.tar.gz *.deb

clean:
	rm -rf $(BUILD)
