#!/usr/bin/env python3
"""The shared counters from Python, through ctypes.

Loads libsharedcounter.so.0 on Linux or sharedcounter.dll on Windows (or the
file given with --library) and declares each function of
include/sharedcounter.h with its types. Then, by default, it adds to the
counter that every process loading the same library file shares, and waits
up to --wait milliseconds for another process to change it:

    python3 counter.py --library build/native/dll/libsharedcounter.so --add 5
    python3 counter.py --library build/native/dll/libsharedcounter.so --add 0 --wait 10000

With --pool, a pool of worker processes (multiprocessing) handles --requests
requests and counts them in named counters, one per status code,
app_requests_total{code="200"} and so on, which counter_export serves to
Prometheus while any process holds the library:

    python3 counter.py --library build/native/dll/libsharedcounter.so --pool 4 --requests 1000
"""
import argparse
import collections
import ctypes
import multiprocessing
import os
import sys

DEFAULT_LIBRARY = "sharedcounter.dll" if sys.platform == "win32" else "libsharedcounter.so.0"
SC_NAME_MAX = 127
SC_COUNTERS = 1024


def raise_on_minus_one(result, function, arguments):
    """The errcheck of the functions that fail with -1: an OSError with the
    reason the library left, errno on Linux and GetLastError() on Windows,
    and, for sc_counter_open(), the name as its file name."""
    if result != -1:
        return result
    name = arguments[0].decode("utf-8", "replace") if isinstance(arguments[0], bytes) else None
    if sys.platform == "win32":
        error = ctypes.WinError(ctypes.get_last_error())
        error.filename = name
        raise error
    code = ctypes.get_errno()
    raise OSError(code, f"{function.__name__}: {os.strerror(code)}", name)


# name: (return type, argument types, errcheck), as in include/sharedcounter.h.
API = {
    "sc_get": (ctypes.c_int64, [], None),
    "sc_increment": (ctypes.c_int64, [], None),
    "sc_decrement": (ctypes.c_int64, [], None),
    "sc_add": (ctypes.c_int64, [ctypes.c_int64], None),
    "sc_exchange": (ctypes.c_int64, [ctypes.c_int64], None),
    "sc_compare_exchange": (ctypes.c_int64, [ctypes.c_int64, ctypes.c_int64], None),
    "sc_version": (ctypes.c_uint32, [], None),
    "sc_processes": (ctypes.c_uint32, [ctypes.POINTER(ctypes.c_uint32), ctypes.c_uint32],
                     None),
    "sc_wait": (ctypes.c_int, [ctypes.c_int64, ctypes.c_uint32, ctypes.POINTER(ctypes.c_int64)],
                raise_on_minus_one),
    "sc_counter_open": (ctypes.c_int32, [ctypes.c_char_p], raise_on_minus_one),
    "sc_counter_add": (ctypes.c_int64, [ctypes.c_int32, ctypes.c_int64], None),
    "sc_counter_get": (ctypes.c_int64, [ctypes.c_int32], None),
    "sc_counter_exchange": (ctypes.c_int64, [ctypes.c_int32, ctypes.c_int64], None),
    "sc_counter_wait": (ctypes.c_int, [ctypes.c_int32, ctypes.c_int64, ctypes.c_uint32,
                                       ctypes.POINTER(ctypes.c_int64)], raise_on_minus_one),
    "sc_counter_next": (ctypes.c_int32, [ctypes.c_int32, ctypes.c_char_p, ctypes.c_uint32,
                                         ctypes.POINTER(ctypes.c_int64)], None),
}


def load(path):
    """The library with every function's types declared: without them
    ctypes would pass and return C ints, cutting the 64-bit values. errno
    and GetLastError() are kept per call, for raise_on_minus_one."""
    library = ctypes.CDLL(path, use_errno=True, use_last_error=True)
    for name, (restype, argtypes, errcheck) in API.items():
        function = getattr(library, name)
        function.restype = restype
        function.argtypes = argtypes
        if errcheck is not None:
            function.errcheck = errcheck
    return library


def open_counter(library, name):
    """The id of the named counter called name, made at its first open;
    OSError (EINVAL, ENOSPC) for a name that is not a Prometheus series or
    a full table."""
    return library.sc_counter_open(name.encode("utf-8"))


def counters(library):
    """Every named counter of the table, as (name, value), listed with
    sc_counter_next(): labels sorted by label name."""
    name = ctypes.create_string_buffer(SC_NAME_MAX + 1)
    value = ctypes.c_int64()
    found = library.sc_counter_next(-1, name, len(name), ctypes.byref(value))
    while found >= 0:
        yield name.value.decode("utf-8"), value.value
        found = library.sc_counter_next(found, name, len(name), ctypes.byref(value))


def processes(library):
    """The ids of the processes that have the library loaded."""
    count = library.sc_processes(None, 0)
    pids = (ctypes.c_uint32 * max(count, 1))()
    count = library.sc_processes(pids, len(pids))
    return list(pids[: min(count, len(pids))])


def wait_change(library, seen, timeout_ms):
    """Sleeps until the counter differs from seen or timeout_ms pass, without
    polling; returns whether it changed and the value it saw last. OSError
    when it cannot wait."""
    now = ctypes.c_int64()
    changed = library.sc_wait(seen, timeout_ms, ctypes.byref(now))
    return changed == 1, now.value


# ---- a worker pool that counts its requests --------------------------------

CODES = ("200", "404", "500")


def request_name(code):
    return f'app_requests_total{{code="{code}"}}'


def status_of(request):
    """What handling request number `request` answers: 500 for one request
    in 100, 404 for nine others in 100, 200 for the rest."""
    if request % 100 == 99:
        return "500"
    if request % 10 == 9:
        return "404"
    return "200"


# Each worker process's library and counter ids, set by start_worker.
worker = {}


def start_worker(path):
    """Runs once in each worker process: loads the library and opens the
    counters, as a pre-fork server's worker would at its start."""
    worker["library"] = load(path)
    worker["ids"] = {code: open_counter(worker["library"], request_name(code))
                     for code in CODES}


def handle(request):
    """One request: its answer, counted in its code's counter."""
    code = status_of(request)
    worker["library"].sc_counter_add(worker["ids"][code], 1)
    return code


def run_pool(library, path, workers, requests):
    """Handles the requests in a pool of workers; prints each counter's value
    and what the pool added to it. Returns 0 when the counters moved by
    exactly the requests handled, 1 otherwise."""
    ids = {code: open_counter(library, request_name(code)) for code in CODES}
    before = {code: library.sc_counter_get(ids[code]) for code in CODES}
    pool = multiprocessing.Pool(workers, initializer=start_worker, initargs=(path,))
    handled = collections.Counter(pool.imap_unordered(handle, range(requests), chunksize=64))
    pool.close()
    pool.join()
    print(f"pool: {workers} workers handled {requests} requests")
    exact = True
    for code in CODES:
        value = library.sc_counter_get(ids[code])
        exact &= value - before[code] == handled[code]
        print(f"{request_name(code)} {value} (+{value - before[code]}, "
              f"{handled[code]} handled)")
    print(f"table: {sum(1 for _ in counters(library))} named counters")
    if not exact:
        print("counter.py: the counters did not move by the requests handled", file=sys.stderr)
    return 0 if exact else 1


def show_default_counter(library, add, wait_ms):
    """Adds to the default counter, lists the processes and waits for a
    change, printing each step."""
    print(f"counter: {library.sc_get()}")
    added = library.sc_add(add)
    print(f"counter: {added}")
    pids = sorted(processes(library))
    print(f"processes: {len(pids)} (pids {' '.join(str(pid) for pid in pids)})")
    changed, now = wait_change(library, added, wait_ms)
    print(f"sc_wait: {'changed' if changed else 'timed out'}, {added} -> {now}")
    return 0


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--library", default=DEFAULT_LIBRARY,
                        help="the library file (default: %(default)s)")
    parser.add_argument("--add", type=int, default=1, metavar="N",
                        help="what to add to the counter (default: 1)")
    parser.add_argument("--wait", type=int, default=0, metavar="MS",
                        help="then wait up to MS ms for another process to "
                             "change the counter (default: 0, look once)")
    parser.add_argument("--pool", type=int, default=0, metavar="WORKERS",
                        help="instead, handle --requests requests in a pool of "
                             "WORKERS processes, counted in named counters")
    parser.add_argument("--requests", type=int, default=1000, metavar="N",
                        help="how many requests the pool handles (default: 1000)")
    args = parser.parse_args()
    if args.pool < 0 or args.requests < 0:
        parser.error("--pool and --requests take a number from 0 up")
    try:
        library = load(args.library)
    except OSError as error:
        print(f"counter.py: cannot load {args.library}: {error}", file=sys.stderr)
        return 1
    version = library.sc_version()
    print(f"library version: {version >> 16}.{(version >> 8) & 0xff}.{version & 0xff}")
    try:
        if args.pool > 0:
            return run_pool(library, args.library, args.pool, args.requests)
        return show_default_counter(library, args.add, args.wait)
    except OSError as error:
        print(f"counter.py: {error}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
