#!/bin/sh
# Installs what the build needs on Debian, and fetches cmocka's source for the
# Windows builds. Quiet and quick when everything is already there.
# counter_window's test and "make screenshot" draw on an X server of their
# own: xvfb and xauth for xvfb-run, fonts-wine for the caption buttons,
# x11-apps (xwd) and imagemagick to save the picture.
#
# usage: scripts/install-deps.sh [DEPS_DIR]   (default: build/deps)
set -eu

deps_dir=${1:-build/deps}
packages="cmake make gcc clang lld gcc-mingw-w64-x86-64 binutils-mingw-w64-x86-64
          wine wine64 libcmocka-dev dpkg-dev xz-utils binutils libclang-rt-14-dev
          llvm gnuplot-nox xvfb xauth fonts-wine x11-apps imagemagick"

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
