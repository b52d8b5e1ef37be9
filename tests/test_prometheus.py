#!/usr/bin/env python3
"""counter_export with a real Prometheus: Debian's prometheus and
prometheus-node-exporter, run as a user runs them, scrape the counters that
counter_worker processes add to, and the query API must give the exact sums.

    test_prometheus.py CASE --programs DIR [--library FILE] [-- WINE...]

CASE is one of:
  scrape      Prometheus scrapes `counter_export --listen` every second while
              three waves of workers add to three named counters, a named
              gauge and the default counter; after each wave the query API
              gives exactly the totals so far. No counter went down between
              scrapes, and each family has its type (counter or gauge) in
              Prometheus's metadata.
  textfile    node_exporter's textfile collector serves the file that
              `counter_export --textfile --interval 1` keeps, and Prometheus
              scrapes node_exporter: the same sums, after two waves.
  two-tables  two copies of the library in two folders, standing in for two
              machines, each with a counter_export of its own, scraped by one
              Prometheus: each machine's own values, and sum() over both.
  fleet       the same two machines, each scraped by a Prometheus of its own
              (a site, named by an external label); a global Prometheus
              federates both sites, and a central one receives both sites'
              remote writes: each site's values and sum() over both are
              exact in each (docs/prometheus.md).

Each machine is a folder with a fresh copy of the library, so that no other
test shares its counters. On Linux DIR holds counter_export and
counter_worker, and LD_LIBRARY_PATH leads them to the copy of FILE. After
`--`, WINE is the command that runs a Windows program (`setarch -R wine`):
then DIR holds counter_export.exe, counter_worker.exe and sharedcounter.dll,
and each machine's folder has copies of all three.

The ports are free ones, found when the test runs: counter_export listens on
port 0 and says which it got; for the servers a port is chosen and, if it was
taken in the meantime, another. Every process the test starts leads a
process group of its own and has PR_SET_PDEATHSIG (SIGKILL): it dies with the
test, also when CTest kills the test at its timeout. Waits end when the
values are reached or at a deadline; the test passes on exact values only,
and on its exit status: 0 after every check ran, 1 otherwise.
"""
import argparse
import ctypes
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request

# How long anything may take to come true: a server to get ready, a value to
# be scraped, a worker to finish.
DEADLINE = 60.0
POLL = 0.2
# Prometheus keeps values as doubles: every total here is below 2^53.
EXACT_LIMIT = 2**53

PR_SET_PDEATHSIG = 1
LIBC = ctypes.CDLL(None, use_errno=True)
# Straight to 127.0.0.1, whatever proxy the environment names.
HTTP = urllib.request.build_opener(urllib.request.ProxyHandler({}))

# The counters the workers add to: (metric, labels), and counter_worker's
# --times and --delta for each worker. The third goes past 2^32; the
# fourth, a gauge (no _total), goes down, and its label value has each of
# the text format's escapes.
COUNTERS = [
    (("http_requests_total", {"method": "get", "code": "200"}), 1000, 1),
    (("http_requests_total", {"method": "get", "code": "500"}), 300, 7),
    (("jobs_processed_total", {}), 2000, 1000003),
    (("temperature_celsius", {"room": 'k"x\\y\nz'}), 10, -3),
]
# The default counter (sc_add), shown as the gauge sharedcounter_value.
DEFAULT = (("sharedcounter_value", {}), 50, 3)
WORKERS_PER_COUNTER = 2


class Failure(Exception):
    """A check that did not hold; the message says what was seen."""


def check(condition, message):
    if not condition:
        raise Failure(message)


def series(metric, labels, **more):
    """The series' name as the text format writes it, which is also a
    PromQL selector: metric{a="x",b="y"}."""
    labels = dict(labels, **more)
    if not labels:
        return metric
    pairs = ",".join('%s="%s"' % (name, escape(value))
                     for name, value in sorted(labels.items()))
    return "%s{%s}" % (metric, pairs)


def escape(value):
    """A label value as the text format and PromQL write it."""
    return (value.replace("\\", "\\\\").replace('"', '\\"')
            .replace("\n", "\\n"))


def deadline_passed(start):
    return time.monotonic() - start > DEADLINE


# ---- processes --------------------------------------------------------------


class Children:
    """Every process the test starts, each with its stdout and stderr in a
    file of the scratch folder, shown when the test fails."""

    def __init__(self, logs):
        self.logs = logs
        self.started = []  # Popen objects, each with a name

    def start(self, name, argv, env=None):
        parent = os.getpid()

        def in_child():
            os.setpgid(0, 0)
            LIBC.prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
            # The parent may have died before prctl: then nobody would
            # send the signal.
            if os.getppid() != parent:
                os._exit(1)

        name = "%s-%d" % (name, len(self.started))
        with open(self.log(name, "out"), "wb") as out, open(
            self.log(name, "err"), "wb"
        ) as err:
            process = subprocess.Popen(
                argv,
                stdin=subprocess.DEVNULL,
                stdout=out,
                stderr=err,
                env=env,
                preexec_fn=in_child,
            )
        process.name = name
        self.started.append(process)
        return process

    def log(self, name, stream):
        return os.path.join(self.logs, "%s.%s" % (name, stream))

    def output(self, process, stream="out"):
        with open(self.log(process.name, stream), "rb") as f:
            return f.read().decode("utf-8", "replace")

    def wait(self, process):
        """The exit status of a process that is to end by itself."""
        try:
            return process.wait(DEADLINE)
        except subprocess.TimeoutExpired:
            raise Failure("%s still runs after %g s"
                          % (process.name, DEADLINE))

    def stop(self, process, how=signal.SIGTERM):
        """Sends how to the process's group; its exit status, after SIGKILL
        if it did not end in 10 s."""
        if process.poll() is None:
            os.killpg(process.pid, how)
            try:
                return process.wait(10)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
        return process.wait()

    def stop_all(self):
        """Stops every process still running, the last started first: a
        server outlives those that send to it, so that a Prometheus that
        remote-writes flushes its queue at once instead of retrying."""
        for process in reversed(self.started):
            self.stop(process)

    def show_logs(self):
        for process in self.started:
            for stream in ("out", "err"):
                lines = self.output(process, stream).splitlines()[-15:]
                if lines:
                    print("---- %s, %s (exit status %s), last lines:"
                          % (process.name, stream, process.returncode))
                    print("\n".join(lines))


# ---- HTTP -------------------------------------------------------------------


def http_get(url):
    """The body of a 200 answer, or None for anything else (refused,
    another status, a timeout)."""
    try:
        with HTTP.open(url, timeout=5) as answer:
            return answer.read()
    except (OSError, urllib.error.URLError):
        return None


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(children, name, argv_for, ready_path):
    """Starts a server on a free port of 127.0.0.1 (argv_for(port) is its
    command line) and waits until ready_path answers 200. A port that
    another process took in the meantime is tried again with another.
    Returns the server's base URL."""
    for _ in range(5):
        port = free_port()
        process = children.start(name, argv_for(port))
        url = "http://127.0.0.1:%d" % port
        start = time.monotonic()
        while process.poll() is None and not deadline_passed(start):
            answered = http_get(url + ready_path) is not None
            # Still running after the answer: the answer was its own.
            if answered and process.poll() is None:
                return url
            time.sleep(POLL)
        log = children.output(process, "err")
        if process.poll() is not None and "address already in use" in log:
            continue
        raise Failure("%s did not get ready on port %d within %g s "
                      "(exit status %s)" % (name, port, DEADLINE,
                                            process.poll()))
    raise Failure("%s: five ports in a row were taken" % name)


def start_prometheus(setup, name, config, flags=()):
    """A Prometheus of its own: storage in the scratch folder, scraping
    every second, config the rest of its configuration (scrape_configs,
    remote_write). It is written as JSON, which is YAML."""
    folder = os.path.join(setup.scratch, name)
    os.mkdir(folder)
    path = os.path.join(folder, "prometheus.yml")
    with open(path, "w") as f:
        json.dump(dict(config, **{"global": dict(config.get("global", {}),
                                                 scrape_interval="1s")}),
                  f, indent=2)
    return start_server(
        setup.children, name,
        lambda port: ["prometheus", "--config.file=" + path,
                      "--storage.tsdb.path=" + os.path.join(folder, "data"),
                      "--web.listen-address=127.0.0.1:%d" % port,
                      *flags],
        "/-/ready")


def api(url, path, **params):
    body = http_get(url + path + "?" + urllib.parse.urlencode(params))
    check(body is not None, "%s%s did not answer" % (url, path))
    answer = json.loads(body)
    check(answer["status"] == "success", "%s: %s" % (path, answer))
    return answer["data"]


def query(url, expr):
    """The instant vector of expr: a value per series, as text."""
    return [item["value"][1]
            for item in api(url, "/api/v1/query", query=expr)["result"]]


def wait_for(url, expected):
    """Polls the query API until each expression of expected gives one
    series with exactly its value, or fails at the deadline with what it
    saw last. Returns how long it took."""
    start = time.monotonic()
    while True:
        seen = {expr: query(url, expr) for expr in expected}
        if all(values == [repr_value(expected[expr])]
               for expr, values in seen.items()):
            return time.monotonic() - start
        if deadline_passed(start):
            wrong = ["%s: %s, not [%s]" % (e, v, repr_value(expected[e]))
                     for e, v in seen.items()
                     if v != [repr_value(expected[e])]]
            raise Failure("after %g s, Prometheus at %s still gives\n  %s"
                          % (DEADLINE, url, "\n  ".join(wrong)))
        time.sleep(POLL)


def repr_value(number):
    """A whole number as Prometheus's API writes it."""
    check(abs(number) < EXACT_LIMIT, "%d is not exact as a double" % number)
    return str(number)


# ---- machines ---------------------------------------------------------------


class Machine:
    """A folder with a fresh copy of the library: a table of its own, as on
    a machine of its own."""

    def __init__(self, setup, name):
        self.setup = setup
        self.name = name
        self.dir = os.path.join(setup.scratch, name)
        os.mkdir(self.dir)
        if setup.wine:
            for file in ("counter_export.exe", "counter_worker.exe",
                         "sharedcounter.dll"):
                shutil.copy(os.path.join(setup.programs, file), self.dir)
        else:
            shutil.copy(setup.library, self.dir)
        self.export = None  # its counter_export, once started

    def run(self, role, program, *args):
        if self.setup.wine:
            argv = self.setup.wine + [os.path.join(self.dir, program + ".exe")]
            env = None
        else:
            argv = [os.path.join(self.setup.programs, program)]
            env = dict(os.environ, LD_LIBRARY_PATH=self.dir)
        return self.setup.children.start("%s-%s" % (self.name, role),
                                         argv + list(args), env)

    def path(self, path):
        """path as the machine's programs take it: on Wine, on drive Z:."""
        return "Z:" + path.replace("/", "\\") if self.setup.wine else path

    def listen(self):
        """Starts counter_export --listen on a free port; returns the
        host:port it serves, from the line it prints."""
        export = self.run("export", "counter_export", "--listen",
                          "127.0.0.1:0")
        children = self.setup.children
        start = time.monotonic()
        while True:
            for word in children.output(export).split():
                if word.startswith("http://") and word.endswith("/metrics"):
                    self.export = export
                    return word[len("http://"):-len("/metrics")]
            check(export.poll() is None,
                  "%s exited with status %s before it listened"
                  % (export.name, export.returncode))
            check(not deadline_passed(start),
                  "%s did not say where it listens" % export.name)
            time.sleep(POLL / 4)

    def add(self, scale=1):
        """A wave of workers: WORKERS_PER_COUNTER counter_worker processes
        per counter and one for the default counter, all at once, each
        adding --times (times scale) times --delta. Returns what the wave
        added to each series."""
        workers, added = [], {}
        for (metric, labels), times, delta in COUNTERS:
            name = series(metric, labels)
            for _ in range(WORKERS_PER_COUNTER):
                workers.append(self.run(
                    "worker", "counter_worker", "--name", name,
                    "--times", str(times * scale), "--delta", str(delta)))
            added[(metric, tuple(sorted(labels.items())))] = (
                WORKERS_PER_COUNTER * times * scale * delta)
        (metric, labels), times, delta = DEFAULT
        workers.append(self.run("worker", "counter_worker", "--times",
                                str(times * scale), "--delta", str(delta)))
        added[(metric, ())] = times * scale * delta
        for worker in workers:
            status = self.setup.children.wait(worker)
            check(status == 0, "%s exited with status %d"
                  % (worker.name, status))
        return added

    def stop_export(self):
        """On Linux, SIGTERM ends counter_export with status 0. A Windows
        program has no SIGTERM: under Wine it is killed at the end."""
        if not self.setup.wine:
            status = self.setup.children.stop(self.export)
            check(status == 0, "%s exited with status %d on SIGTERM"
                  % (self.export.name, status))


def add_up(totals, added):
    for key, value in added.items():
        totals[key] = totals.get(key, 0) + value


def selectors(totals, **more):
    """{PromQL selector: value} for each series of totals, with the labels
    more (machine="a") added."""
    return {series(metric, dict(labels), **more): value
            for (metric, labels), value in totals.items()}


# ---- the cases --------------------------------------------------------------


def case_scrape(setup):
    machine = Machine(setup, "machine")
    target = machine.listen()
    url = start_prometheus(setup, "prometheus", {"scrape_configs": [
        {"job_name": "sharedcounter",
         "static_configs": [{"targets": [target]}]}]})
    wait_for(url, {'up{job="sharedcounter"}': 1})
    totals = {}
    for wave in range(1, 4):
        add_up(totals, machine.add())
        took = wait_for(url, selectors(totals))
        print("wave %d: %d series exact in Prometheus after %.1f s"
              % (wave, len(totals), took))
    # Every scraped sample, in order: each wave's total was one of them
    # (the waits above), and a counter never went down.
    for (metric, labels) in totals:
        if not metric.endswith("_total"):
            continue
        expr = series(metric, dict(labels))
        samples = api(url, "/api/v1/query",
                      query=expr + "[10m]")["result"][0]["values"]
        values = [float(value) for _, value in samples]
        check(values == sorted(values),
              "%s went down between scrapes: %s" % (expr, values))
        print("%s: %d samples, from %s to %s"
              % (expr, len(values), samples[0][1], samples[-1][1]))
    for metric, kind in (("http_requests_total", "counter"),
                         ("jobs_processed_total", "counter"),
                         ("temperature_celsius", "gauge"),
                         ("sharedcounter_value", "gauge"),
                         ("sharedcounter_processes", "gauge")):
        metadata = api(url, "/api/v1/metadata", metric=metric)
        types = [entry["type"] for entry in metadata.get(metric, [])]
        check(types == [kind], "%s has the types %s in Prometheus's "
              "metadata, not [%s]" % (metric, types, kind))
    # counter_export itself is the one process that has the library now.
    wait_for(url, {"sharedcounter_processes": 1})
    machine.stop_export()


def case_textfile(setup):
    machine = Machine(setup, "machine")
    folder = os.path.join(setup.scratch, "textfile")
    os.mkdir(folder)
    textfile = os.path.join(folder, "sharedcounter.prom")
    machine.export = machine.run("export", "counter_export", "--textfile",
                                 machine.path(textfile), "--interval", "1")
    # The workers start once counter_export holds the table.
    start = time.monotonic()
    while not os.path.exists(textfile):
        check(machine.export.poll() is None and not deadline_passed(start),
              "counter_export wrote no %s" % textfile)
        time.sleep(POLL)
    node = start_server(
        setup.children, "node_exporter",
        lambda port: ["prometheus-node-exporter",
                      "--collector.disable-defaults",
                      "--collector.textfile",
                      "--collector.textfile.directory=" + folder,
                      "--web.listen-address=127.0.0.1:%d" % port],
        "/metrics")
    url = start_prometheus(setup, "prometheus", {"scrape_configs": [
        {"job_name": "node",
         "static_configs": [{"targets": [node[len("http://"):]]}]}]})
    totals = {}
    for wave in range(1, 3):
        add_up(totals, machine.add())
        expected = selectors(totals, job="node")
        expected["node_textfile_scrape_error"] = 0
        took = wait_for(url, expected)
        print("wave %d: %d series exact through node_exporter after %.1f s"
              % (wave, len(totals), took))
    metadata = api(url, "/api/v1/metadata", metric="http_requests_total")
    types = [entry["type"]
             for entry in metadata.get("http_requests_total", [])]
    check(types == ["counter"], "http_requests_total through node_exporter "
          "has the types %s, not [counter]" % types)
    machine.stop_export()
    check(os.path.exists(textfile), "the last file was removed at the stop")


def two_machines(setup):
    """Machines a and b, each serving its table, and what each added: b's
    workers add twice as many times as a's, so that the sums tell the
    machines apart."""
    machines = [Machine(setup, name) for name in ("a", "b")]
    targets = [machine.listen() for machine in machines]
    totals = {}
    for scale, machine in enumerate(machines, 1):
        totals[machine.name] = machine.add(scale)
    return machines, targets, totals


def scrape_of(targets, machines):
    return {"job_name": "sharedcounter",
            "static_configs": [{"targets": [target],
                                "labels": {"machine": machine.name}}
                               for target, machine in zip(targets, machines)]}


def sums(totals):
    """{sum(selector): value} over every machine of totals."""
    both = {}
    for added in totals.values():
        add_up(both, added)
    return {"sum(%s)" % expr: value for expr, value in selectors(both).items()}


def case_two_tables(setup):
    machines, targets, totals = two_machines(setup)
    url = start_prometheus(setup, "prometheus",
                           {"scrape_configs": [scrape_of(targets, machines)]})
    expected = sums(totals)
    for name, added in totals.items():
        expected.update(selectors(added, machine=name))
    took = wait_for(url, expected)
    print("%d values exact, per machine and summed, after %.1f s"
          % (len(expected), took))
    for machine in machines:
        machine.stop_export()


def case_fleet(setup):
    machines, targets, totals = two_machines(setup)
    central = start_prometheus(setup, "central", {},
                               ["--web.enable-remote-write-receiver"])
    sites = [start_prometheus(setup, "site-" + machine.name, {
        "global": {"external_labels": {"site": machine.name}},
        "scrape_configs": [scrape_of([target], [machine])],
        "remote_write": [{"url": central + "/api/v1/write"}]})
        for target, machine in zip(targets, machines)]
    global_url = start_prometheus(setup, "global", {"scrape_configs": [
        {"job_name": "federate",
         "honor_labels": True,
         "metrics_path": "/federate",
         "params": {"match[]": ['{job="sharedcounter"}']},
         "static_configs": [{"targets": [site[len("http://"):]
                                         for site in sites]}]}]})
    # Each site's series carry its external label, through either way.
    expected = sums(totals)
    for name, added in totals.items():
        expected.update(selectors(added, site=name))
    for name, url in (("global", global_url), ("central", central)):
        took = wait_for(url, expected)
        print("%s: %d values exact, per site and summed, after %.1f s"
              % (name, len(expected), took))
    for machine in machines:
        machine.stop_export()


CASES = {"scrape": case_scrape, "textfile": case_textfile,
         "two-tables": case_two_tables, "fleet": case_fleet}


def main():
    parser = argparse.ArgumentParser(
        description="counter_export with a real Prometheus (see the top of "
                    "this file)")
    parser.add_argument("case", choices=CASES)
    parser.add_argument("--programs", required=True)
    parser.add_argument("--library")
    args = sys.argv[1:]
    split = args.index("--") if "--" in args else len(args)
    setup = parser.parse_args(args[:split])
    setup.wine = args[split + 1:]
    if not setup.wine and not setup.library:
        parser.error("--library is needed on Linux")
    for program in ("prometheus", "prometheus-node-exporter"):
        if shutil.which(program) is None:
            print("test_prometheus: %s is not installed (Debian's package of "
                  "that name; scripts/install-deps.sh installs it)" % program,
                  file=sys.stderr)
            return 1

    # What it says so far shows, also when CTest kills it at its timeout.
    sys.stdout.reconfigure(line_buffering=True)
    # SIGTERM and Ctrl-C still run the cleanup below; after SIGKILL the
    # children's PR_SET_PDEATHSIG ends them.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit("stopped by SIGTERM"))
    name = "test_prometheus %s%s" % (setup.case, " (Wine)" if setup.wine
                                     else "")
    setup.scratch = tempfile.mkdtemp(prefix="sc-prometheus-")
    logs = os.path.join(setup.scratch, "logs")
    os.mkdir(logs)
    setup.children = Children(logs)
    try:
        CASES[setup.case](setup)
    except BaseException as error:
        setup.children.stop_all()
        setup.children.show_logs()
        if not isinstance(error, Failure):
            raise
        print("%s: FAILED: %s" % (name, error))
        return 1
    finally:
        setup.children.stop_all()
        shutil.rmtree(setup.scratch, ignore_errors=True)
    print("%s: passed" % name)
    return 0


if __name__ == "__main__":
    sys.exit(main())
