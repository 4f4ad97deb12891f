"""Installs what the benchmark needs beyond third_party/install-deps.sh's
bench mode: the rest of the `bench` extra in pyproject.toml (matplotlib).
Quiet and idempotent: pip runs only when a pin is not met."""

from __future__ import annotations

import os
import subprocess
import sys
from importlib.metadata import PackageNotFoundError, version

from packaging.requirements import Requirement

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10
    import tomli as tomllib

PYPROJECT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "pyproject.toml")


def missing(specs):
    out = []
    for spec in specs:
        r = Requirement(spec)
        try:
            ok = not r.specifier or r.specifier.contains(version(r.name), prereleases=True)
        except PackageNotFoundError:
            ok = False
        if not ok:
            out.append(spec)
    return out


def main():
    with open(PYPROJECT, "rb") as f:
        specs = tomllib.load(f)["project"]["optional-dependencies"]["bench"]
    todo = missing(specs)
    if todo:
        print(f"bench: installing {' '.join(todo)}", flush=True)
        subprocess.run([sys.executable, "-m", "pip", "install", "-q", *todo], check=True)


if __name__ == "__main__":
    main()
