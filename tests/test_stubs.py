"""The installed package ships type information: ``_core.pyi`` next to the
``_core`` extension (generated from the built module by nanobind's stubgen)
and ``py.typed``. The stub must name what the module exports, and no more.
"""

from __future__ import annotations

import ast
import importlib.resources
import inspect
from pathlib import Path

import pytest

from zarrnative import _core

# The exception types are created outside nanobind (errors.cpp makes them
# with PyErr_NewExceptionWithDoc); stubgen leaves them out and the build adds
# them (cpp/bindings/tools/stub_exceptions.py).
EXCEPTIONS = {
    name for name, value in vars(_core).items()
    if isinstance(value, type) and issubclass(value, BaseException)
}

# The Python protocols NDArray implements as dunders; the stub must carry them.
PROTOCOL_DUNDERS = {"__dlpack__", "__dlpack_device__", "__array__", "__array_interface__",
                    "__cuda_array_interface__"}


def stub_path() -> Path:
    return Path(_core.__file__).with_name("_core.pyi")


def stub_tree() -> ast.Module:
    return ast.parse(stub_path().read_text(), filename=str(stub_path()))


def defined_names(body: list[ast.stmt]) -> set[str]:
    names = set()
    for node in body:
        if isinstance(node, (ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)):
            names.add(node.name)
        elif isinstance(node, ast.Assign):
            names.update(t.id for t in node.targets if isinstance(t, ast.Name))
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            names.add(node.target.id)
    return names


def stub_class(name: str) -> ast.ClassDef:
    for node in stub_tree().body:
        if isinstance(node, ast.ClassDef) and node.name == name:
            return node
    raise AssertionError(f"class {name} is not in {stub_path()}")


def test_stub_ships_next_to_the_extension():
    assert stub_path().is_file(), f"no _core.pyi beside {_core.__file__}"


def test_package_is_marked_typed():
    assert (importlib.resources.files("zarrnative") / "py.typed").is_file()


def test_stub_names_the_public_api():
    assert {"CudaError", "DeviceUnavailableError"} <= EXCEPTIONS
    names = defined_names(stub_tree().body)
    assert {"NDArray", "from_buffer", "from_pointer", "from_dlpack_capsule", "empty", "features"} <= names


def test_stub_matches_the_module():
    in_stub = {n for n in defined_names(stub_tree().body) if not n.startswith("_")}
    in_module = {n for n in dir(_core) if not n.startswith("_")}
    assert in_stub - in_module == set(), "the stub names what the module lacks"
    assert in_module - in_stub == set(), "the stub lacks what the module exports"


def test_stub_names_the_exceptions_with_their_bases():
    assert EXCEPTIONS <= defined_names(stub_tree().body)
    classes = {n.name: n for n in stub_tree().body if isinstance(n, ast.ClassDef)}
    for name in EXCEPTIONS:
        if name not in classes:  # an alias (X = Y) of another exported type
            continue
        declared = [ast.unparse(b) for b in classes[name].bases]
        actual = [b.__name__ for b in getattr(_core, name).__bases__]
        assert [d.rsplit(".", 1)[-1] for d in declared] == actual, name


def test_stub_of_ndarray_matches_the_class():
    in_stub = defined_names(stub_class("NDArray").body)
    public = {n for n in dir(_core.NDArray) if not n.startswith("_")}
    assert public <= in_stub, f"missing from the stub: {sorted(public - in_stub)}"
    assert PROTOCOL_DUNDERS <= in_stub
    assert PROTOCOL_DUNDERS <= set(dir(_core.NDArray))
    assert {n for n in in_stub if not n.startswith("_")} <= public


def test_stub_signatures():
    functions = {n.name: n for n in stub_tree().body if isinstance(n, ast.FunctionDef)}
    empty_args = [a.arg for a in functions["empty"].args.args]
    assert empty_args == ["shape", "typestr", "kind", "device", "order"]
    assert [a.arg for a in functions["from_buffer"].args.args] == ["obj"]
    methods = {n.name: n for n in stub_class("NDArray").body if isinstance(n, ast.FunctionDef)}
    assert ast.unparse(methods["cpu"].returns) == "NDArray"
    assert ast.unparse(methods["cuda"].returns) == "NDArray"
    dlpack = methods["__dlpack__"].args
    assert [a.arg for a in dlpack.kwonlyargs] == ["stream", "max_version", "dl_device", "copy"]
    # The stub documents what the module documents.
    assert inspect.getdoc(_core.empty) and ast.get_docstring(functions["empty"])
