#!/usr/bin/env python3
"""prometheus_bench: the library's named counters beside prometheus_client,
what Python servers use today for the metrics of many processes
(docs/performance.md, "Beside prometheus_client").

updates  One counter, updated by 1, 4 and 8 processes at once, each making
         --updates updates in a loop: Counter.inc() in multiprocess mode
         (PROMETHEUS_MULTIPROC_DIR set), Counter.inc() in a single process's
         mode (each process then counts alone), and the library's
         sc_counter_add() and sc_add() through ctypes.
scrapes  --series series after 1, 100, 1,000 and 10,000 short-lived writer
         processes, forked from this one, each adding to a few series and
         exiting: counter_export's text, scraped over HTTP from a running
         counter_export --listen and printed by one run of counter_export,
         against MultiProcessCollector's text from the files those writers
         left in PROMETHEUS_MULTIPROC_DIR.

Each measure is repeated with the variants in turns, and the medians are
printed. Every run checks its counts exactly; one that is wrong makes the
exit status 1. The library is a copy in a scratch folder, so that its
table is the benchmark's own.

    prometheus_bench.py --library build/native/dll/libsharedcounter.so.0 \\
                        --export build/native/clients/counter_export
"""
import argparse
import csv
import ctypes
import glob
import importlib.metadata
import os
import platform
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import traceback

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))),
                                "examples", "python"))
import counter as sharedcounter  # the example's declarations of the API

try:
    from prometheus_client import CollectorRegistry, Counter, generate_latest, values
    from prometheus_client.multiprocess import MultiProcessCollector
except ImportError as missing:
    sys.exit(f"prometheus_bench: {missing}: install Debian's python3-prometheus-client "
             "(scripts/install-deps.sh) and run Debian's python3")

METRIC = "app_requests"
SERIES = METRIC + "_total"
HELP = "Requests handled."

UPDATE_VARIANTS = {
    "prometheus-multiprocess": "Counter.inc(), multiprocess",
    "prometheus-single": "Counter.inc(), one process",
    "sc-counter-add": "sc_counter_add()",
    "sc-add": "sc_add()",
}
OURS = "sc-counter-add"
SCRAPE_VARIANTS = {
    "counter-export-http": "counter_export --listen",
    "counter-export-run": "counter_export, one run",
    "multiprocess-collector": "MultiProcessCollector",
}


class Failures:
    """The checks: a wrong count is printed at once and makes the run fail."""

    def __init__(self):
        self.checks = 0
        self.failed = 0

    def expect(self, what, got, due):
        self.checks += 1
        if got != due:
            self.failed += 1
            print(f"FAIL: {what}: {got} where {due} was due", flush=True)

    def expect_series(self, what, text, expected):
        """Every series of expected in the text, with its value, and no other."""
        found = series_values(text)
        wrong = [name for name, value in expected.items() if found.get(name) != value]
        if wrong:
            self.expect(f"{what}: {len(wrong)} series wrong, the first {wrong[0]}",
                        found.get(wrong[0]), expected[wrong[0]])
        else:
            self.expect(f"{what}: series", len(found), len(expected))


def processes_text(count):
    return f"{count} process" if count == 1 else f"{count} processes"


def spread(numbers):
    return statistics.median(numbers), min(numbers), max(numbers)


def machine():
    """The CPU as /proc/cpuinfo names it, the CPUs, and the software."""
    model = platform.processor() or "unknown CPU"
    with open("/proc/cpuinfo", encoding="utf-8") as cpuinfo:
        for line in cpuinfo:
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    return (f"{model}, {os.cpu_count()} CPUs; Python {platform.python_version()}, "
            f"prometheus_client {importlib.metadata.version('prometheus_client')}")


def read_all(fd):
    chunks = []
    while chunk := os.read(fd, 65536):
        chunks.append(chunk)
    os.close(fd)
    return b"".join(chunks).decode()


def in_child(work):
    """Runs work() in this forked process and ends it, never returning to
    the parent's code: status 0, or 1 with the traceback on stderr."""
    status = 1
    try:
        work()
        status = 0
    except BaseException:  # whatever it is, the parent must hear of it
        traceback.print_exc()
    finally:
        sys.stderr.flush()
        os._exit(status)


def wait_ok(pids):
    """Waits for each process; returns how many did not exit with status 0."""
    return sum(os.waitpid(pid, 0)[1] != 0 for pid in pids)


# ---- updates ---------------------------------------------------------------

def prepare_updates(variant, library, multiproc_dir):
    """In a worker: the loop of the variant's updates, and what the process
    itself counted once it is done (None where only the total can tell)."""
    if variant.startswith("prometheus-"):
        if variant == "prometheus-multiprocess":
            os.environ["PROMETHEUS_MULTIPROC_DIR"] = multiproc_dir
        else:
            os.environ.pop("PROMETHEUS_MULTIPROC_DIR", None)
        # What prometheus_client chooses when it is imported, from the environment.
        values.ValueClass = values.get_value_class()
        registry = CollectorRegistry()
        inc = Counter(METRIC, HELP, registry=registry).inc

        def loop(n):
            for _ in range(n):
                inc()
        return loop, lambda: registry.get_sample_value(SERIES)
    if variant == "sc-counter-add":
        add, counter_id = library.sc_counter_add, sharedcounter.open_counter(library, SERIES)

        def loop(n):
            for _ in range(n):
                add(counter_id, 1)
        return loop, lambda: None
    add = library.sc_add

    def loop(n):
        for _ in range(n):
            add(1)
    return loop, lambda: None


def update_worker(variant, library, updates, multiproc_dir, ready, gate, results):
    loop, counted = prepare_updates(variant, library, multiproc_dir)
    os.write(ready, b"r")
    os.read(gate, 1)  # end of file: the parent has let every worker go
    start, cpu = time.monotonic_ns(), time.process_time_ns()
    loop(updates)
    cpu, end = time.process_time_ns() - cpu, time.monotonic_ns()
    os.write(results, f"{start} {end} {cpu} {counted()}\n".encode())


def run_updates(variant, library, processes, updates, multiproc_dir):
    """One timed run: processes workers, let go together, each making
    updates updates. Returns each worker's (start, end, CPU ns, own count),
    or None when a worker failed."""
    ready_r, ready_w = os.pipe()
    gate_r, gate_w = os.pipe()
    results_r, results_w = os.pipe()
    pids = []
    for _ in range(processes):
        pid = os.fork()
        if pid == 0:
            for fd in (ready_r, gate_w, results_r):
                os.close(fd)
            in_child(lambda: update_worker(variant, library, updates, multiproc_dir,
                                           ready_w, gate_r, results_w))
        pids.append(pid)
    for fd in (ready_w, gate_r, results_w):
        os.close(fd)
    ready = b""
    while len(ready) < processes and (got := os.read(ready_r, processes)):
        ready += got
    os.close(ready_r)
    os.close(gate_w)
    lines = read_all(results_r).splitlines()
    if wait_ok(pids) or len(ready) != processes or len(lines) != processes:
        return None
    return [tuple(None if x == "None" else float(x) for x in line.split()) for line in lines]


def check_updates(failures, variant, library, processes, updates, workers, before,
                  multiproc_dir):
    """Every update counted: by each process alone, and in the total."""
    what = f"{UPDATE_VARIANTS[variant]}, {processes_text(processes)}"
    if variant.startswith("prometheus-"):
        for _, _, _, own in workers:
            failures.expect(f"{what}: one process's own count", own, updates)
    if variant == "prometheus-multiprocess":
        registry = CollectorRegistry()
        MultiProcessCollector(registry, path=multiproc_dir)
        failures.expect(f"{what}: MultiProcessCollector's total",
                        registry.get_sample_value(SERIES), processes * updates)
    elif variant.startswith("sc-"):
        failures.expect(f"{what}: the counter's change",
                        read_ours(variant, library) - before, processes * updates)


def read_ours(variant, library):
    if variant == "sc-counter-add":
        return library.sc_counter_get(sharedcounter.open_counter(library, SERIES))
    return library.sc_get()


def time_updates(args, library, scratch, failures):
    """Every variant at every process count, repetitions times in turns.
    Returns {(variant, processes): [(CPU ns per update, updates/s), ...]}."""
    samples = {(v, p): [] for v in UPDATE_VARIANTS for p in args.processes}
    variants = list(UPDATE_VARIANTS)
    for repetition in range(args.repetitions):
        for processes in args.processes:
            turn = variants[repetition % len(variants):] + variants[:repetition % len(variants)]
            for variant in turn:
                multiproc_dir = tempfile.mkdtemp(prefix="multiproc-", dir=scratch)
                before = read_ours(variant, library) if variant.startswith("sc-") else 0
                workers = run_updates(variant, library, processes, args.updates, multiproc_dir)
                if workers is None:
                    failures.expect(f"{UPDATE_VARIANTS[variant]}, {processes_text(processes)}: "
                                    "workers that exited 0", "not all", "all")
                    return samples
                check_updates(failures, variant, library, processes, args.updates, workers,
                              before, multiproc_dir)
                shutil.rmtree(multiproc_dir)
                cpu_ns = statistics.median(cpu / args.updates for _, _, cpu, _ in workers)
                seconds = (max(w[1] for w in workers) - min(w[0] for w in workers)) / 1e9
                samples[variant, processes].append((cpu_ns, processes * args.updates / seconds))
    return samples


def report_updates(args, samples, rows):
    print(f"\nupdates: {args.updates} per process and run, {args.repetitions} runs; "
          "ns/update is each process's own CPU time\nper update (the median of the "
          "processes, then of the runs); updates/s, all processes together")
    print(f"{'processes':>9}  {'variant':<28} {'ns/update':>10} {'min - max':>17} "
          f"{'updates/s':>10} {'x ' + UPDATE_VARIANTS[OURS]:>19}")
    for processes in args.processes:
        ours = [ns for ns, _ in samples[OURS, processes]]
        for variant, label in UPDATE_VARIANTS.items():
            runs = samples[variant, processes]
            if not runs:
                continue
            median, low, high = spread([ns for ns, _ in runs])
            rate = statistics.median(rate for _, rate in runs)
            # Each run's ratio to the sc_counter_add() run beside it.
            ratio = statistics.median(ns / our_ns for (ns, _), our_ns in zip(runs, ours))
            print(f"{processes:>9}  {label:<28} {median:>10.1f} {low:>8.1f} - {high:<6.1f} "
                  f"{rate / 1e6:>9.2f}M {ratio:>19.2f}")
            rows.append(["updates", variant, processes, f"{median:.1f}", f"{low:.1f}",
                         f"{high:.1f}", "ns", f"{rate:.0f}", f"{ratio:.3f}", "", "", ""])


# ---- scrapes ---------------------------------------------------------------

def start_exporter(export, library_dir):
    """counter_export --listen on a free loopback port, reading the copy of
    the library; it dies with this process (PR_SET_PDEATHSIG)."""
    libc = ctypes.CDLL(None, use_errno=True)
    exporter = subprocess.Popen(
        [export, "--listen", "127.0.0.1:0"], stdout=subprocess.PIPE, text=True,
        env=dict(os.environ, LD_LIBRARY_PATH=library_dir),
        preexec_fn=lambda: libc.prctl(1, signal.SIGTERM))  # PR_SET_PDEATHSIG
    line = exporter.stdout.readline()  # serving http://127.0.0.1:PORT/metrics
    if not line.startswith("serving http://127.0.0.1:"):
        exporter.kill()
        raise RuntimeError(f"counter_export --listen said {line!r}")
    return exporter, int(line.rsplit(":", 1)[1].split("/")[0])


def schedstat(pid):
    """Nanoseconds a process has run on a CPU and waited for one, as the
    scheduler counted them at its last switch (/proc/PID/schedstat)."""
    with open(f"/proc/{pid}/schedstat", encoding="ascii") as stat:
        ran, waited, _ = stat.read().split()
    return int(ran), int(waited)


def scrape_http(port):
    """What a Prometheus scrape of counter_export gets: the body of GET /metrics."""
    with socket.create_connection(("127.0.0.1", port)) as connection:
        connection.sendall(b"GET /metrics HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
        chunks = []
        while chunk := connection.recv(65536):
            chunks.append(chunk)
    head, _, body = b"".join(chunks).partition(b"\r\n\r\n")
    if not head.startswith(b"HTTP/1.1 200 "):
        raise RuntimeError(f"counter_export answered {head[:40]!r}")
    return body.decode(), None


def scrape_run(export, library_dir):
    """One run of counter_export, and the CPU time it took, in ms."""
    with subprocess.Popen([export], stdout=subprocess.PIPE,
                          env=dict(os.environ, LD_LIBRARY_PATH=library_dir)) as run:
        text = run.stdout.read().decode()
        _, status, usage = os.wait4(run.pid, 0)
        run.returncode = os.waitstatus_to_exitcode(status)
    if run.returncode != 0:
        raise RuntimeError(f"counter_export exited with {run.returncode}")
    return text, (usage.ru_utime + usage.ru_stime) * 1e3


def scrape_collector(multiproc_dir):
    """A scrape as prometheus_client's multiprocess mode makes one: a new
    registry with a MultiProcessCollector, and its text; and the CPU time it
    took, in ms."""
    cpu = time.thread_time_ns()
    registry = CollectorRegistry()
    MultiProcessCollector(registry, path=multiproc_dir)
    text = generate_latest(registry).decode()
    return text, (time.thread_time_ns() - cpu) / 1e6


def series_values(text):
    """The app_requests_total series of a text, by name."""
    found = {}
    for line in text.splitlines():
        if line.startswith(SERIES + "{"):
            name, value = line.rsplit(" ", 1)
            found[name] = float(value)
    return found


class Writers:
    """Short-lived writer processes, forked from this one: writer 0 adds 1 to
    every series, as a process that starts the set; each later one adds 1 to
    few of them, the next few in turn, and exits. Both systems count every
    write; expected holds the totals they must show."""

    def __init__(self, library, series, few, wave, multiproc_dir):
        self.library, self.few, self.wave = library, few, wave
        self.names = [f'{SERIES}{{series="{i}"}}' for i in range(series)]
        self.expected = {name: 0 for name in self.names}
        self.started = 0
        os.environ["PROMETHEUS_MULTIPROC_DIR"] = multiproc_dir
        values.ValueClass = values.get_value_class()
        self.requests = Counter(METRIC, HELP, ["series"], registry=None)

    def series_of(self, writer):
        if writer == 0:
            return range(len(self.names))
        return [(writer * self.few + j) % len(self.names) for j in range(self.few)]

    def write(self, writer):
        for i in self.series_of(writer):
            self.requests.labels(series=str(i)).inc()
            self.library.sc_counter_add(
                sharedcounter.open_counter(self.library, self.names[i]), 1)

    def run_until(self, total):
        """Starts writers, wave processes at a time, until total have run;
        returns how many did not exit with status 0."""
        failed = 0
        while self.started < total:
            pids = []
            for writer in range(self.started, min(self.started + self.wave, total)):
                pid = os.fork()
                if pid == 0:
                    in_child(lambda: self.write(writer))
                pids.append(pid)
                for i in self.series_of(writer):
                    self.expected[self.names[i]] += 1
            self.started += len(pids)
            failed += wait_ok(pids)
        return failed


def time_scrapes(args, export, library_dir, library, scratch, failures):
    """Scrapes after each writer count, the kinds in turns. Returns, by
    (variant, writers), the lists of each scrape's wall, CPU and wait for a
    CPU, in ms (the exporter's CPU and wait as the mean of its scrapes);
    and, by writers, the files left in PROMETHEUS_MULTIPROC_DIR."""
    multiproc_dir = tempfile.mkdtemp(prefix="multiproc-", dir=scratch)
    writers = Writers(library, args.series, args.few, args.wave, multiproc_dir)
    exporter, port = start_exporter(export, library_dir)
    scrapes = {
        "counter-export-http": lambda: scrape_http(port),
        "counter-export-run": lambda: scrape_run(export, library_dir),
        "multiprocess-collector": lambda: scrape_collector(multiproc_dir),
    }
    results = {(v, w): {"wall": [], "cpu": [], "wait": []}
               for v in SCRAPE_VARIANTS for w in args.writers}
    files = {}
    try:
        for total in args.writers:
            failures.expect(f"writers up to {total} that exited 0",
                            writers.run_until(total), 0)
            files[total] = len(glob.glob(os.path.join(multiproc_dir, "*.db")))
            exporter_before = schedstat(exporter.pid)
            for scrape in range(args.scrapes):
                order = list(scrapes)
                for variant in order[scrape % 3:] + order[:scrape % 3]:
                    waited = schedstat("self")[1]
                    start = time.perf_counter_ns()
                    text, cpu_ms = scrapes[variant]()
                    wall_ms = (time.perf_counter_ns() - start) / 1e6
                    result = results[variant, total]
                    result["wall"].append(wall_ms)
                    if variant == "multiprocess-collector":
                        result["wait"].append((schedstat("self")[1] - waited) / 1e6)
                    if cpu_ms is not None:
                        result["cpu"].append(cpu_ms)
                    failures.expect_series(f"{SCRAPE_VARIANTS[variant]} after {total} "
                                           "writers", text, writers.expected)
            # The exporter's scheduler figures, once it has gone back to sleep.
            time.sleep(0.05)
            ran, waited = (after - before for after, before in
                           zip(schedstat(exporter.pid), exporter_before))
            results["counter-export-http", total]["cpu"].append(ran / 1e6 / args.scrapes)
            results["counter-export-http", total]["wait"].append(waited / 1e6 / args.scrapes)
    finally:
        exporter.terminate()
        status = exporter.wait()
        os.environ.pop("PROMETHEUS_MULTIPROC_DIR")
        values.ValueClass = values.get_value_class()
    failures.expect("counter_export --listen's exit status on SIGTERM", status, 0)
    return results, files


def report_scrapes(args, results, files, rows):
    print(f"\nscrapes of {args.series} series after each number of writers, {args.scrapes} "
          "of each kind, in turns; ms.\nwall: from the request to the whole text, median "
          "(min - max); CPU: the scraping process's\nCPU time (median; counter_export "
          "--listen: its mean per scrape); waited: its time\nwaiting for a CPU meanwhile "
          "(the same); x --listen: the median wall and CPU times\nagainst counter_export "
          "--listen's")
    print(f"{'writers':>7} {'files':>6}  {'variant':<24} {'wall':>8} {'min - max':>17} "
          f"{'CPU':>8} {'waited':>8} {'x wall':>7} {'x CPU':>7}")
    for total in args.writers:
        ours = results["counter-export-http", total]
        if not ours["wall"]:
            return
        for variant, label in SCRAPE_VARIANTS.items():
            result = results[variant, total]
            wall, low, high = spread(result["wall"])
            cpu = statistics.median(result["cpu"]) if result["cpu"] else None
            waited = statistics.median(result["wait"]) if result["wait"] else None
            wall_x = wall / statistics.median(ours["wall"])
            cpu_x = cpu / statistics.median(ours["cpu"]) if cpu is not None else None
            print(f"{total:>7} {files[total]:>6}  {label:<24} {wall:>8.3f} "
                  f"{low:>8.3f} - {high:<8.3f}"
                  f"{'-' if cpu is None else f'{cpu:.3f}':>8} "
                  f"{'-' if waited is None else f'{waited:.3f}':>8} "
                  f"{wall_x:>7.1f} {'-' if cpu_x is None else f'{cpu_x:.1f}':>7}")
            rows.append(["scrape", variant, total, f"{wall:.4f}", f"{low:.4f}", f"{high:.4f}",
                         "ms", files[total], f"{wall_x:.3f}",
                         "" if cpu is None else f"{cpu:.4f}",
                         "" if waited is None else f"{waited:.4f}",
                         "" if cpu_x is None else f"{cpu_x:.3f}"])


# ---- the run ---------------------------------------------------------------

def counts(text):
    numbers = [int(x) for x in text.split(",")]
    if any(n < 1 for n in numbers):
        raise argparse.ArgumentTypeError(f"not a list of numbers from 1 up: {text}")
    return numbers


def parse_args():
    parser = argparse.ArgumentParser(
        description="The library's named counters beside prometheus_client "
                    "(docs/performance.md).")
    parser.add_argument("--library", required=True,
                        help="the built libsharedcounter.so.0, of which it takes a copy")
    parser.add_argument("--export", required=True, help="the built counter_export")
    parser.add_argument("--updates", type=int, default=100000,
                        help="updates per process and run (default: %(default)s)")
    parser.add_argument("--processes", type=counts, default=[1, 4, 8],
                        help="process counts of the updates (default: 1,4,8)")
    parser.add_argument("--repetitions", type=int, default=5,
                        help="runs of each update variant (default: %(default)s)")
    parser.add_argument("--series", type=int, default=1000,
                        help="series the writers add to (default: %(default)s)")
    parser.add_argument("--writers", type=counts, default=[1, 100, 1000, 10000],
                        help="writer counts after which to scrape, rising "
                             "(default: 1,100,1000,10000)")
    parser.add_argument("--few", type=int, default=4,
                        help="series each writer after the first adds to (default: %(default)s)")
    parser.add_argument("--wave", type=int, default=16,
                        help="writers running at once (default: %(default)s)")
    parser.add_argument("--scrapes", type=int, default=9,
                        help="timed scrapes of each kind after each writer count "
                             "(default: %(default)s)")
    parser.add_argument("--csv", help="also write the table to this CSV file")
    args = parser.parse_args()
    if min(args.updates, args.repetitions, args.few, args.wave, args.scrapes) < 1 or \
            not 1 <= args.series < sharedcounter.SC_COUNTERS or \
            args.writers != sorted(args.writers):
        parser.error("--updates, --repetitions, --few, --wave and --scrapes take a number "
                     f"from 1 up, --series from 1 to {sharedcounter.SC_COUNTERS - 1}, and "
                     "--writers rising counts")
    return args


def main():
    args = parse_args()
    failures = Failures()
    rows = []
    print(f"prometheus_bench: {machine()}")
    print(f"load average at the start: {os.getloadavg()[0]:.2f}", flush=True)
    scratch = tempfile.mkdtemp(prefix="prometheus_bench-")
    try:
        # A table of its own: a copy, under the name counter_export looks for.
        copy = os.path.join(scratch, "libsharedcounter.so.0")
        shutil.copy(args.library, copy)
        library = sharedcounter.load(copy)
        samples = time_updates(args, library, scratch, failures)
        report_updates(args, samples, rows)
        print(flush=True)
        results, files = time_scrapes(args, args.export, scratch, library, scratch, failures)
        report_scrapes(args, results, files, rows)
    finally:
        shutil.rmtree(scratch)
    print(f"\nload average at the end: {os.getloadavg()[0]:.2f}")
    if args.csv:
        with open(args.csv, "w", newline="", encoding="utf-8") as out:
            table = csv.writer(out)
            table.writerow(["measure", "variant", "processes_or_writers", "median", "min",
                            "max", "unit", "updates_per_s_or_files", "x_ours",
                            "cpu_ms", "waited_ms", "cpu_x_ours"])
            table.writerows(rows)
    if failures.failed:
        print(f"prometheus_bench: {failures.failed} of {failures.checks} checks failed")
        return 1
    print(f"prometheus_bench: all {failures.checks} checks exact")
    return 0


if __name__ == "__main__":
    sys.exit(main())
