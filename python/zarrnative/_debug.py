"""``print_debug_info()``: versions of the platform, Python, zarrnative and
the packages it uses, for bug reports. ``set_log_level`` / ``set_format``:
the level and format of the messages of the ``zarrnative`` loggers."""

from __future__ import annotations

import importlib.metadata
import logging
import platform

_logger = logging.getLogger("zarrnative")


def _handler() -> logging.Handler:
    """The stream handler of the ``zarrnative`` logger, made on first use."""
    for h in _logger.handlers:
        if type(h) is logging.StreamHandler:
            return h
    h = logging.StreamHandler()
    _logger.addHandler(h)
    return h


def set_log_level(level: str | int) -> None:
    """Sets the level of the ``zarrnative`` logger and of its stream handler
    ("DEBUG", "INFO", "WARNING", ... or a number), as ``zarr.set_log_level``."""
    _logger.setLevel(level)
    _handler().setLevel(level)


def set_format(log_format: str) -> None:
    """Sets the format (a ``logging.Formatter`` string) of the messages of
    the ``zarrnative`` logger's stream handler."""
    _handler().setFormatter(logging.Formatter(fmt=log_format))


def _version(dist: str) -> str | None:
    try:
        return importlib.metadata.version(dist)
    except importlib.metadata.PackageNotFoundError:
        return None


def print_debug_info() -> None:
    """Prints the platform, the versions of Python, zarrnative and its
    required and optional dependencies, and what the native core supports."""
    from zarrnative import __version__
    from zarrnative._features import features

    print(f"platform: {platform.platform()}")
    print(f"python: {platform.python_version()}")
    print(f"zarrnative: {__version__}")
    print("\n**Required dependencies:**")
    for dist in ("numpy",):
        print(f"{dist}: {_version(dist)}")
    print("\n**Optional dependencies:**")
    missing = []
    for dist in ("numcodecs", "fsspec", "s3fs", "obstore", "rich", "cupy-cuda13x", "torch",
                 "nvidia-libnvcomp-cu13"):
        v = _version(dist)
        if v is None:
            missing.append(dist)
        else:
            print(f"{dist}: {v}")
    if missing:
        print("\n**Not Installed:**")
        for dist in missing:
            print(dist)
    print("\n**Native core:**")
    print(features())
