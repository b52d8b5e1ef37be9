#!/usr/bin/env python3
"""What a live view costs while the counter stands still.

  scripts/idle_cpu.py COMMAND [ARG]...

Runs COMMAND on a pseudo-terminal, lets it settle for 3 s, then prints the
CPU time it took (utime + stime of its process, /proc/<pid>/stat) and the
bytes it wrote over the next 10 s, and quits it with "q"
(docs/watching.md). Under Wine, COMMAND is "wine PROGRAM.exe": the process
is the Windows program's.
"""
import os
import pty
import select
import signal
import sys
import time

SETTLE_S, MEASURE_S = 3, 10


def main():
    if len(sys.argv) < 2:
        print(__doc__.strip(), file=sys.stderr)
        return 2
    pid, fd = pty.fork()
    if pid == 0:
        os.execvp(sys.argv[1], sys.argv[1:])

    def drain(seconds):
        end, written = time.monotonic() + seconds, 0
        while (left := end - time.monotonic()) > 0:
            if select.select([fd], [], [], left)[0]:
                try:
                    written += len(os.read(fd, 65536))
                except OSError:  # the view has ended and closed the terminal
                    break
        return written

    def cpu_ticks():
        with open(f"/proc/{pid}/stat") as stat:
            fields = stat.read().rsplit(")", 1)[1].split()
        return int(fields[11]) + int(fields[12])

    drain(SETTLE_S)
    before = cpu_ticks()
    written = drain(MEASURE_S)
    ms = (cpu_ticks() - before) * 1000 // os.sysconf("SC_CLK_TCK")
    print(f"{ms} ms CPU, {written} bytes in {MEASURE_S} s")
    os.write(fd, b"q")
    drain(2)
    if os.waitpid(pid, os.WNOHANG) == (0, 0):
        os.kill(pid, signal.SIGTERM)
        os.waitpid(pid, 0)
    return 0


if __name__ == "__main__":
    sys.exit(main())
