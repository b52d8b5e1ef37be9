#!/usr/bin/env python3
"""The shared counter from Python, through ctypes.

Loads libsharedcounter.so.0 on Linux or sharedcounter.dll on Windows (or the
file given with --library), declares each function of
include/sharedcounter.h, and adds to the counter that every process loading
the same library file shares:

    python3 counter.py --library build/native/dll/libsharedcounter.so --add 5
"""
import argparse
import ctypes
import sys

DEFAULT_LIBRARY = "sharedcounter.dll" if sys.platform == "win32" else "libsharedcounter.so.0"

# name: (return type, argument types), as in include/sharedcounter.h.
API = {
    "sc_get": (ctypes.c_int64, []),
    "sc_increment": (ctypes.c_int64, []),
    "sc_decrement": (ctypes.c_int64, []),
    "sc_add": (ctypes.c_int64, [ctypes.c_int64]),
    "sc_exchange": (ctypes.c_int64, [ctypes.c_int64]),
    "sc_compare_exchange": (ctypes.c_int64, [ctypes.c_int64, ctypes.c_int64]),
    "sc_version": (ctypes.c_uint32, []),
    "sc_processes": (ctypes.c_uint32, [ctypes.POINTER(ctypes.c_uint32), ctypes.c_uint32]),
}


def load(path):
    """The library with every function's types declared: without them
    ctypes would pass and return C ints, cutting the 64-bit values."""
    library = ctypes.CDLL(path)
    for name, (restype, argtypes) in API.items():
        function = getattr(library, name)
        function.restype = restype
        function.argtypes = argtypes
    return library


def processes(library):
    """The ids of the processes that have the library loaded."""
    count = library.sc_processes(None, 0)
    pids = (ctypes.c_uint32 * max(count, 1))()
    count = library.sc_processes(pids, len(pids))
    return list(pids[: min(count, len(pids))])


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--library", default=DEFAULT_LIBRARY,
                        help="the library file (default: %(default)s)")
    parser.add_argument("--add", type=int, default=1, metavar="N",
                        help="what to add to the counter (default: 1)")
    args = parser.parse_args()
    try:
        library = load(args.library)
    except OSError as error:
        print(f"counter.py: cannot load {args.library}: {error}", file=sys.stderr)
        return 1
    version = library.sc_version()
    print(f"library version: {version >> 16}.{(version >> 8) & 0xff}.{version & 0xff}")
    print(f"counter: {library.sc_get()}")
    print(f"counter: {library.sc_add(args.add)}")
    pids = sorted(processes(library))
    print(f"processes: {len(pids)} (pids {' '.join(str(pid) for pid in pids)})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
