#!/usr/bin/env python3
"""The shared counter from Python, through ctypes.

Loads libsharedcounter.so.0 on Linux or sharedcounter.dll on Windows (or the
file given with --library), declares each function of
include/sharedcounter.h, and adds to the counter that every process loading
the same library file shares, then waits up to --wait milliseconds for
another process to change it:

    python3 counter.py --library build/native/dll/libsharedcounter.so --add 5
    python3 counter.py --library build/native/dll/libsharedcounter.so --add 0 --wait 10000
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
    "sc_wait": (ctypes.c_int, [ctypes.c_int64, ctypes.c_uint32, ctypes.POINTER(ctypes.c_int64)]),
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


def wait_change(library, seen, timeout_ms):
    """Sleeps until the counter differs from seen or timeout_ms pass, without
    polling; returns sc_wait's result (1 changed, 0 timed out, -1 failed)
    and the value it saw last."""
    now = ctypes.c_int64()
    result = library.sc_wait(seen, timeout_ms, ctypes.byref(now))
    return result, now.value


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--library", default=DEFAULT_LIBRARY,
                        help="the library file (default: %(default)s)")
    parser.add_argument("--add", type=int, default=1, metavar="N",
                        help="what to add to the counter (default: 1)")
    parser.add_argument("--wait", type=int, default=0, metavar="MS",
                        help="then wait up to MS ms for another process to "
                             "change the counter (default: 0, look once)")
    args = parser.parse_args()
    try:
        library = load(args.library)
    except OSError as error:
        print(f"counter.py: cannot load {args.library}: {error}", file=sys.stderr)
        return 1
    version = library.sc_version()
    print(f"library version: {version >> 16}.{(version >> 8) & 0xff}.{version & 0xff}")
    print(f"counter: {library.sc_get()}")
    added = library.sc_add(args.add)
    print(f"counter: {added}")
    pids = sorted(processes(library))
    print(f"processes: {len(pids)} (pids {' '.join(str(pid) for pid in pids)})")
    result, now = wait_change(library, added, args.wait)
    if result < 0:
        print("counter.py: sc_wait failed", file=sys.stderr)
        return 1
    print(f"sc_wait: {'changed' if result else 'timed out'}, {added} -> {now}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
