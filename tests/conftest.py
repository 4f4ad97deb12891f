"""Shared fixtures and markers of zarrnative's Python tests.

- ``needs_torch`` / ``needs_cupy`` / ``needs_jax``: fixtures that return the
  module, or skip the test where it is not installed.
- ``gpu``: a marker; such tests are skipped unless ``zarrnative.features()``
  reports a usable CUDA device (``cuda`` True), and the skip says why not.
"""

from __future__ import annotations

import pytest

import zarrnative


def pytest_configure(config: pytest.Config) -> None:
    # Also declared in pyproject.toml; repeated so that the marker is known
    # when the tests run from another directory.
    config.addinivalue_line("markers", "gpu: needs a CUDA device (skipped where none is usable)")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    features = zarrnative.features()
    if features["cuda"]:
        return
    reason = "no usable CUDA device: " + str(
        features["cuda_unavailable_reason"] or "zarrnative was built without CUDA"
    )
    skip = pytest.mark.skip(reason=reason)
    for item in items:
        if "gpu" in item.keywords:
            item.add_marker(skip)


@pytest.fixture
def needs_torch():
    return pytest.importorskip("torch")


@pytest.fixture
def needs_cupy():
    return pytest.importorskip("cupy")


@pytest.fixture
def needs_jax():
    return pytest.importorskip("jax")
