"""Completes the generated ``_core.pyi`` with the exception types.

nanobind's stubgen lists what nanobind created; the exception types are made
by errors.cpp through the C API, so this script imports the built module,
finds every exception class it exports and appends a declaration for each
(bases in dependency order), keeping the stub a true picture of the module.

usage: stub_exceptions.py <module dir> <stub in> <stub out>
"""

import builtins
import importlib
import sys


def main(module_dir: str, stub_in: str, stub_out: str) -> None:
    sys.path.insert(0, module_dir)
    core = importlib.import_module("_core")
    errors = {name: value for name, value in vars(core).items()
              if isinstance(value, type) and issubclass(value, BaseException)}
    by_type = {}
    for name, value in errors.items():
        by_type.setdefault(value, name)  # aliases (MetadataError) point at the first name

    lines, done = [], set()

    def emit(t: type) -> None:
        if t in done or t not in by_type:
            return
        for b in t.__bases__:
            emit(b)
        bases = []
        for b in t.__bases__:
            if b in by_type:
                bases.append(by_type[b])
            elif getattr(builtins, b.__name__, None) is b:
                bases.append(b.__name__)
            else:
                raise SystemExit(f"{t.__name__}: base {b!r} is neither a builtin nor exported")
        doc = (t.__doc__ or "").strip().replace('"""', "'''")
        body = f'    """{doc}"""' if doc else "    ..."
        lines.append(f"class {by_type[t]}({', '.join(bases)}):\n{body}\n")
        done.add(t)

    for t in sorted(by_type, key=lambda t: by_type[t]):
        emit(t)
    for name, value in sorted(errors.items()):
        if by_type[value] != name:
            lines.append(f"{name} = {by_type[value]}\n")

    text = open(stub_in, encoding="utf-8").read().rstrip("\n")
    text += "\n\n# Exception types (made by errors.cpp; added by stub_exceptions.py)\n\n"
    text += "\n".join(lines)
    with open(stub_out, "w", encoding="utf-8") as f:
        f.write(text)


if __name__ == "__main__":
    main(*sys.argv[1:4])
