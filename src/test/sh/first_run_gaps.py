#!/usr/bin/env python3
"""A new user's first run, timed line by line: the longest silence.

Clones this checkout's HEAD into a new directory (no target/, no data/), then runs at a terminal
(a pty, as a user would: the progress line is drawn) the first commands of the README:

  ./submit.sh fetch --mirror <the first default mirror> --mirror http://127.0.0.1:PORT/
  ./submit.sh train

The local mirror serves the MNIST .gz files of $SHALLOWNET_MNIST_DIR (default ../shared/mnist), so
that the run needs no internet; the default mirror before it fails as it does on a machine without
one (its reason is printed). ~/.m2 is the user's own: dependencies already there are not downloaded
again (a new machine also downloads about 800 MB there). Every piece of output (a line, or a
redraw of the progress line) is timestamped; the script prints the log with the time since the
previous piece and the longest silence, and exits 1 if it is longer than --limit seconds (10).

  python3 src/test/sh/first_run_gaps.py [--limit 10] [--keep]
"""
import argparse
import functools
import http.server
import os
import pty
import re
import select
import shutil
import subprocess
import sys
import tempfile
import threading
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
DEFAULT_MIRROR = "https://ossci-datasets.s3.amazonaws.com/mnist/"


def run_at_a_terminal(cmd, cwd, pieces, t0):
    """Runs cmd with stdin, stdout and stderr on a pty; appends (seconds, text) per line or redraw."""
    master, slave = pty.openpty()
    p = subprocess.Popen(cmd, cwd=cwd, stdin=slave, stdout=slave, stderr=slave, close_fds=True)
    os.close(slave)
    pending = b""
    while True:
        r, _, _ = select.select([master], [], [], 0.5)
        if r:
            try:
                data = os.read(master, 65536)
            except OSError:
                data = b""
            if not data:
                break
            pending += data
            parts = re.split(rb"[\r\n]", pending)
            pending = parts.pop()
            now = time.monotonic() - t0
            for part in parts:
                text = part.decode("utf-8", "replace").strip()
                if text:
                    pieces.append((now, text))
        elif p.poll() is not None:
            break
    if pending.strip():
        pieces.append((time.monotonic() - t0, pending.decode("utf-8", "replace").strip()))
    os.close(master)
    code = p.wait()
    pieces.append((time.monotonic() - t0, f"[exit {code}: {' '.join(cmd[1:3])}]"))
    return code


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--limit", type=float, default=10)
    ap.add_argument("--keep", action="store_true", help="keep the clone")
    args = ap.parse_args()
    mnist = os.environ.get("SHALLOWNET_MNIST_DIR", os.path.join(ROOT, "..", "shared", "mnist"))
    work = tempfile.mkdtemp(prefix="shallownet-first-run-")
    clone = os.path.join(work, "shallownet")
    subprocess.run(["git", "clone", "--quiet", ROOT, clone], check=True)
    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *a):
            pass

    handler = functools.partial(Quiet, directory=mnist)
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    local = f"http://127.0.0.1:{server.server_address[1]}/"
    pieces = []
    t0 = time.monotonic()
    pieces.append((0.0, f"[start: {clone}, mirror {local}]"))
    codes = []
    try:
        for cmd in (["./submit.sh", "fetch", "--mirror", DEFAULT_MIRROR, "--mirror", local], ["./submit.sh", "train"]):
            codes.append(run_at_a_terminal(cmd, clone, pieces, t0))
            if codes[-1] != 0:
                break
    finally:
        server.shutdown()
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
    longest, where, prev = 0.0, 0, 0.0
    for i, (t, text) in enumerate(pieces):
        gap = t - prev
        # The progress line's redraws (5 a second) only where one came after a pause.
        if not re.match(r"epoch +\d+/\d+ +\[", text) or gap >= 1:
            print(f"{t:7.1f} s  +{gap:5.1f}  {text[:150]}")
        if gap > longest:
            longest, where = gap, i
        prev = t
    print(f"longest silence: {longest:.1f} s, before: {pieces[where][1][:150]}")
    print(f"after: {pieces[where - 1][1][:150]}" if where > 0 else "")
    print(f"total {pieces[-1][0]:.1f} s; exit codes {codes}; limit {args.limit} s")
    sys.exit(0 if all(c == 0 for c in codes) and longest <= args.limit else 1)


if __name__ == "__main__":
    main()
