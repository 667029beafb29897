"""Charts remembered on disk by their content: a chart's SVG (and its PNG at a given scale) is kept in a cache
folder under a hash of everything that decides it — the Vega-Lite spec, the vl-convert and Vega-Lite versions
and the fonts it is measured with — so a report written again, or for another format, draws only the charts
whose figures changed.

The folder is `$CSCPERF_CHART_CACHE`, or `cscperf/charts` under the user's cache folder (`$XDG_CACHE_HOME`,
else `~/.cache`); `CSCPERF_CHART_CACHE=off` turns the cache off. It holds only aggregate pictures (never a child
identifier: the charts are member-facing), is safe to delete at any time, and a folder that cannot be read or
written simply means the chart is drawn."""

from __future__ import annotations

import contextlib
import functools
import hashlib
import json
import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import vl_convert

from cscperf.report.chart_fonts import FONT_FAMILY, _installed_fonts

OFF = "off"


def cache_folder() -> Path | None:
    """The cache folder, or None when the cache is turned off."""
    chosen = os.environ.get("CSCPERF_CHART_CACHE", "").strip()
    if chosen.lower() == OFF:
        return None
    if chosen:
        return Path(chosen).expanduser()
    base = os.environ.get("XDG_CACHE_HOME", "").strip() or str(Path.home() / ".cache")
    return Path(base) / "cscperf" / "charts"


@functools.cache
def _renderer_key() -> str:
    """What besides the spec decides a drawing: the renderer's version and the font files it measures with."""
    fonts = sorted((name, str(path), _size(path)) for name, path in _installed_fonts().items())
    return json.dumps([getattr(vl_convert, "__version__", ""), FONT_FAMILY, fonts])


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return -1


def key_of(kind: str, *parts: Any) -> str:
    """The hash naming one drawing: its kind ("svg", "png"), the renderer and `parts` (a spec, a scale)."""
    text = json.dumps([kind, _renderer_key(), *parts], sort_keys=True, default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def is_kept(kind: str, key: str) -> bool:
    """Whether the drawing named `key` is in the cache (False when the cache is turned off)."""
    folder = cache_folder()
    return folder is not None and (folder / key[:2] / f"{key}.{kind}").is_file()


def remembered(kind: str, key: str, draw: Callable[[], bytes]) -> bytes:
    """The drawing named `key` from the cache, or drawn by `draw` and kept (written beside, then moved into
    place, so a reader never sees half a file)."""
    folder = cache_folder()
    if folder is None:
        return draw()
    path = folder / key[:2] / f"{key}.{kind}"
    with contextlib.suppress(OSError):
        return path.read_bytes()
    data = draw()
    with contextlib.suppress(OSError):
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".part-")
        try:
            with os.fdopen(handle, "wb") as file:
                file.write(data)
            os.replace(temporary, path)
        except OSError:
            with contextlib.suppress(OSError):
                os.unlink(temporary)
    return data
