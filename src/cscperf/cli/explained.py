"""Every command runs inside `explained`: a problem becomes a plain message and an exit code, never a
traceback (which could print a child's details held in a value).

Exit codes: 0 done, 1 a problem with the data or the machine (explained), 2 the command was used wrongly,
130 stopped with Ctrl+C.
"""

from __future__ import annotations

import logging
import time
import traceback
from collections.abc import Callable
from functools import wraps
from pathlib import Path
from typing import ParamSpec, TypeVar

import duckdb
import typer

from cscperf.cli.console import error
from cscperf.errors import CscperfError
from cscperf.store.connection import StoreError

P = ParamSpec("P")
R = TypeVar("R")
log = logging.getLogger("cscperf.cli")

PASSED_THROUGH = (typer.Exit, typer.Abort, typer.BadParameter)


def explained(command: Callable[P, R]) -> Callable[P, R]:
    """Run `command`, turning known problems into a plain message and an exit code."""

    @wraps(command)
    def run(*args: P.args, **kwargs: P.kwargs) -> R:
        started = time.perf_counter()
        log.info("cscperf %s started", command.__name__)
        try:
            result = command(*args, **kwargs)
        except PASSED_THROUGH:
            raise
        except CscperfError as exc:
            error(str(exc))
            raise typer.Exit(exc.exit_code) from None
        except StoreError as exc:  # a server refused a statement: told without the values it quoted
            error(f"the store could not do this ({exc}). Nothing half-done was kept. Please report it with the "
                  "command you ran.")  # fmt: skip
            raise typer.Exit(1) from None
        except duckdb.IOException as exc:
            error(f"the store could not be used ({first_line(exc) or 'input/output error'}). "
                  "Is another cscperf command using it?")  # fmt: skip
            raise typer.Exit(1) from None
        except BrokenPipeError:  # the reader went away (`cscperf audit list | head`): no more to say
            _quiet_stdout()
            raise typer.Exit(141) from None  # 128 + SIGPIPE, as a shell reports it
        except OSError as exc:
            error(os_problem(exc))
            raise typer.Exit(1) from None
        except KeyboardInterrupt:
            error("stopped. Nothing half-written was kept.")
            raise typer.Exit(130) from None
        except Exception as exc:  # a fault in cscperf: say where, never the message (it may hold data)
            error(
                f"an unexpected problem in cscperf ({type(exc).__name__} at {where(exc)}). Nothing half-written "
                "was kept. Please report it with the command you ran; the details are not shown because they "
                "may hold a child's data."
            )
            raise typer.Exit(1) from None
        log.info("cscperf %s finished in %.1f s", command.__name__, time.perf_counter() - started)
        return result

    return run


def _quiet_stdout() -> None:
    """Point standard output at the null device, so that flushing it on the way out raises nothing more."""
    import os
    import sys

    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError, AttributeError):  # no real file behind stdout (a test runner's buffer)
        pass


def os_problem(exc: OSError) -> str:
    """An operating-system error in plain words, naming the file (a path, never a value)."""
    reason = exc.strerror or type(exc).__name__
    target = exc.filename if exc.filename is not None else None
    return f"{target} could not be used: {reason}." if target else f"a file could not be used: {reason}."


def first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else ""


def where(exc: BaseException) -> str:
    """The innermost cscperf source line the exception passed through: `module.py:123`."""
    frames = traceback.extract_tb(exc.__traceback__)
    ours = [f for f in frames if "cscperf" in Path(f.filename).parts] or frames
    if not ours:
        return "unknown place"
    return f"{Path(ours[-1].filename).name}:{ours[-1].lineno}"
