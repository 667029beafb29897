"""cscperf: performance and oversight reporting for English children's social care."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("cscperf")
except PackageNotFoundError:  # running from a source tree that is not installed
    __version__ = "0.0.0"
