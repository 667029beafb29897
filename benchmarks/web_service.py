"""Start `cscperf serve` on a loopback port with throwaway accounts (for the web benchmark and screenshots)."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

FLAGS = [
    "--no-sandbox",
    "--headless",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def serve(
    store: Path,
    folder: Path,
    users: list[tuple[str, str]],
    password: str,
    *,
    config: Path | None = None,
    workers: int = 2,
    threads: int = 8,
    on_started: Any = None,
) -> Iterator[str]:
    """The service on a free port, its app database in `folder`, with these (name, role) accounts."""
    env = dict(os.environ, CSCPERF_WEB_DATABASE=str(folder / "app.sqlite3"), CSCPERF_WEB_SECRET_KEY="bench-" * 10)
    cscperf = [sys.executable, "-m", "cscperf"]
    for name, role in users:
        subprocess.run(
            [*cscperf, "users", "add", "--db", str(store), name, "--role", role, "--password-stdin"],
            input=password + "\n",
            text=True,
            env=env,
            check=True,
            capture_output=True,
        )
    port = free_port()
    command = [
        *cscperf,
        "serve",
        "--db",
        str(store),
        "--port",
        str(port),
        "--workers",
        str(workers),
        "--threads",
        str(threads),
        *(["--config", str(config)] if config else []),
    ]
    started = time.perf_counter()
    log = (folder / "serve.log").open("wb")
    process = subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        while True:
            try:
                with urllib.request.urlopen(base + "/healthz", timeout=2):
                    break
            except OSError:
                if process.poll() is not None or time.perf_counter() - started > 120:
                    raise RuntimeError(f"cscperf serve did not start: {(folder / 'serve.log').read_text()}") from None
                time.sleep(0.1)
        if on_started is not None:
            on_started(time.perf_counter() - started, process.pid)
        yield base
    finally:
        process.terminate()
        process.wait(timeout=30)
        log.close()


def family(root: int) -> list[int]:
    """A process and all its descendants (from /proc, Linux)."""
    parents = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as handle:
                    parents[int(entry)] = int(handle.read().rsplit(")", 1)[1].split()[1])
            except OSError:
                continue
    found = {root}
    grew = True
    while grew:
        grew = False
        for pid, parent in parents.items():
            if parent in found and pid not in found:
                found.add(pid)
                grew = True
    return sorted(found)


def resident_mb(root: int) -> float:
    """Resident memory of a process and its descendants, in MB."""
    total = 0
    for pid in family(root):
        try:
            with open(f"/proc/{pid}/status") as handle:
                total += next((int(line.split()[1]) for line in handle if line.startswith("VmRSS:")), 0)
        except OSError:
            continue
    return total / 1024


def cpu_seconds(root: int) -> float:
    """CPU seconds (user + system) used so far by a process and its children, from /proc (Linux)."""
    tick = os.sysconf("SC_CLK_TCK")
    total = 0.0
    family = {root}
    stats = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as handle:
                    fields = handle.read().rsplit(")", 1)[1].split()
            except OSError:
                continue
            stats[int(entry)] = (int(fields[1]), int(fields[11]) + int(fields[12]))
    grew = True
    while grew:
        grew = False
        for pid, (parent, _) in stats.items():
            if parent in family and pid not in family:
                family.add(pid)
                grew = True
    for pid in family:
        if pid in stats:
            total += stats[pid][1] / tick
    return total


def launch_browser(playwright: Any) -> Any:
    return playwright.chromium.launch(executable_path="/usr/bin/chromium", args=FLAGS)
