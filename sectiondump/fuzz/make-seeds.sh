#!/bin/sh
# Builds small seed files for the fuzzer: PE32 and PE32+ DLLs with exports
# and imports, COFF objects, import libraries, and ELF32/ELF64 objects and shared libraries in
# both byte orders. Real files are too large to mutate quickly; these hold
# every structure the parser reads in a few hundred bytes to a few KiB.
#
# usage: sectiondump/fuzz/make-seeds.sh OUT_DIR
set -eu
out=${1:?usage: make-seeds.sh OUT_DIR}
mkdir -p "$out"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

cat > "$work/lib.c" <<'SRC'
__attribute__((visibility("default"))) int seed_exported(int x) { return x + 1; }
int seed_hidden(int x) { return x * 2; }
int seed_data = 42;
SRC
cat > "$work/dll.c" <<'SRC'
__declspec(dllimport) unsigned long __stdcall GetTickCount(void);
__declspec(dllexport) unsigned long seed_ticks(void) { return GetTickCount(); }
__declspec(dllexport) int seed_value = 7;
#pragma comment(linker, "/section:.shared,RWS")
#pragma data_seg(".shared")
int seed_shared = 1;
#pragma data_seg()
int __stdcall DllMainCRTStartup(void *dll, unsigned long why, void *reserved)
{ return dll && why && reserved; }
SRC
printf 'LIBRARY kernel32.dll\nEXPORTS\nGetTickCount\n' > "$work/k32-64.def"
printf 'LIBRARY kernel32.dll\nEXPORTS\nGetTickCount@0\n' > "$work/k32-32.def"

elf() { # target name flags...
    target=$1; name=$2; shift 2
    clang -target "$target" -O1 -fvisibility=hidden -fPIC "$@" \
        -c "$work/lib.c" -o "$out/$name.o"
    clang -target "$target" -fuse-ld=lld -nostdlib -shared -s \
        "$out/$name.o" -o "$out/$name.so"
}
elf x86_64-linux-gnu elf64-le
elf i386-linux-gnu elf32-le
elf powerpc64-linux-gnu elf64-be
elf powerpc-linux-gnu elf32-be

pe() { # target dlltool-machine bits name
    llvm-dlltool -k -m "$2" -d "$work/k32-$3.def" -l "$work/k32-$3.a"
    clang -target "$1" -fms-extensions -O1 -c "$work/dll.c" -o "$out/$4.obj"
    clang -target "$1" -fuse-ld=lld -nostdlib -shared -s \
        "$out/$4.obj" "$work/k32-$3.a" -o "$out/$4.dll"
}
pe x86_64-w64-mingw32 i386:x86-64 64 pe32plus
pe i686-w64-mingw32 i386 32 pe32

# Import libraries: lld's short import objects, and GNU dlltool's long form.
cp "$work/k32-64.a" "$out/implib-short.a"
x86_64-w64-mingw32-dlltool -d "$work/k32-64.def" -l "$out/implib-long.a"

# A PE image with long section names, which live in the COFF string table.
x86_64-w64-mingw32-gcc -g -O1 -shared -nostdlib "$work/lib.c" \
    -Wl,--entry=seed_exported -o "$out/pe32plus-longnames.dll"
