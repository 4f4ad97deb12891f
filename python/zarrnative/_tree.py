"""``Group.tree()``: the hierarchy as text, laid out as zarr-python 3.1
lays it out (names in bold on a terminal, HTML for Jupyter), and as a
``rich`` Tree where rich is installed (``rich.print(group.tree())``)."""

from __future__ import annotations

import sys
from collections import deque
from html import escape
from typing import Any

__all__ = ["TreeRepr", "group_tree"]


class TreeRepr:
    """A printable tree: ``repr`` is the text, ``_repr_mimebundle_`` adds HTML."""

    def __init__(self, text: str, html: str, truncated: str = "", rows: list | None = None,
                 root: str = "/") -> None:
        self._text, self._html, self._truncated = text, html, truncated
        self._rows, self._root = rows or [], root

    def __repr__(self) -> str:
        return self._truncated + self._text

    __str__ = __repr__

    def _repr_mimebundle_(self, include: Any = None, exclude: Any = None, **kwargs: Any) -> dict[str, str]:
        html = ('<pre style="white-space:pre;overflow-x:auto;line-height:normal;'
                "font-family:Menlo,'DejaVu Sans Mono',consolas,'Courier New',monospace\">"
                f"{self._truncated + self._html}</pre>\n")
        return {"text/plain": self._truncated + self._text, "text/html": html}

    def __rich__(self) -> Any:
        """A rich Tree (used by rich.print and rich consoles)."""
        from rich.tree import Tree
        root = Tree(f"[bold]{self._root}[/bold]")
        branches = {"": root}
        for key, label in self._rows:
            parent = key.rsplit("/", 1)[0] if "/" in key else ""
            branches[key] = branches[parent].add(label)
        return root


def group_tree(group: Any, max_depth: int | None = None, *, max_nodes: int = 500, plain: bool = False) -> TreeRepr:
    nodes = group._member_nodes(max_depth)
    truncated = len(nodes) > max_nodes
    members = sorted(nodes[:max_nodes], key=lambda kn: kn[0])
    if plain:
        a_open = a_close = h_open = h_close = ""
    else:
        tty = sys.stdout.isatty()
        a_open, a_close = ("\x1b[1m", "\x1b[0m") if tty else ("", "")
        h_open, h_close = "<b>", "</b>"
    children: dict[str, list] = {}
    for key, node in members:
        children.setdefault(key.rsplit("/", 1)[0] if "/" in key else "", []).append((key, node))
    text = [f"{a_open}{group.name}{a_close}"]
    html = [f"{h_open}{escape(group.name)}{h_close}"]
    rows = []
    stack = [("", deque(children.get("", [])))]
    while stack:
        prefix, remaining = stack[-1]
        if not remaining:
            stack.pop()
            continue
        key, node = remaining.popleft()
        name = key.rsplit("/")[-1]
        last = not remaining
        connector = "└── " if last else "├── "
        if node.is_group:
            text.append(f"{prefix}{connector}{a_open}{name}{a_close}")
            html.append(f"{prefix}{connector}{h_open}{escape(name)}{h_close}")
            rows.append((key, f"[bold]{name}[/bold]"))
        else:
            shape, dtype = _shape_dtype(node)
            text.append(f"{prefix}{connector}{a_open}{name}{a_close} {shape} {dtype}")
            html.append(f"{prefix}{connector}{h_open}{escape(name)}{h_close} {escape(str(shape))} {escape(str(dtype))}")
            rows.append((key, f"[bold]{name}[/bold] {shape} {dtype}"))
        if key in children:
            stack.append((prefix + ("    " if last else "│   "), deque(children[key])))
    note = (f"Truncated at max_nodes={max_nodes}, some nodes and their children may be missing\n"
            if truncated else "")
    return TreeRepr("\n".join(text) + "\n", "\n".join(html) + "\n", note, rows, group.name)


def _shape_dtype(node: Any) -> tuple[tuple, Any]:
    """The shape and numpy dtype an Array of this node has."""
    from zarrnative._array_meta import dtype_of_metadata
    doc = node.array_doc()
    return tuple(doc["shape"]), dtype_of_metadata(doc).to_native_dtype()
