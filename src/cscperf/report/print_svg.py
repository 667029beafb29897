"""A chart's SVG made lighter for the PDF: the same drawing with fewer elements for WeasyPrint to walk.

vl-convert's SVG nests every mark in groups that carry only a class, a role or ARIA attributes (for a browser's
screen reader), and adds an empty background and a hidden foreground path to every axis. In the PDF the chart
is one tagged figure whose alternative text is the `alt` of its image, so none of these is read or drawn: taking
them out (about 1,600 of the report's 1,900 groups, and those that move their children by nothing) leaves the
picture exactly as it was and WeasyPrint draws it sooner. Groups with a transform, a clip, a fill, a stroke or
any other drawing attribute are kept as they are.

Then the marks are drawn with fewer, larger elements (`fewer_marks`): paths that neither fill nor stroke go (the
backgrounds of plot areas and legend entries); a run of neighbouring lines or paths drawn alike (the grid lines
and ticks of an axis; the points of a line, one circle a month) becomes one path, each element's position folded
into its coordinates. Only opaque marks are joined, and filled shapes only when they are the same shape (the same
winding, so where two overlap they still fill as one), never anything dashed: the same picture, to a rounding of
coordinates at a thousandth of a pixel, with about a third of the elements.
"""

from __future__ import annotations

import re
from typing import Final

from lxml import etree

SVG: Final = "{http://www.w3.org/2000/svg}"
_FOR_SCREEN_READERS: Final = frozenset({"class", "role", "pointer-events"})
_EMPTY_PATHS: Final = frozenset({"", "M0,0h0v0h0Z"})


def _for_screen_readers(name: str) -> bool:
    return name in _FOR_SCREEN_READERS or name.startswith("aria-")


def _no_move(element: etree._Element, name: str) -> bool:
    """Whether the attribute is a transform that moves nothing (vl-convert writes `translate(0,0)`)."""
    return name == "transform" and _offset(element) == (0.0, 0.0)


def lighter_svg(svg: str) -> str:
    """The SVG without what draws nothing: hidden and empty paths, groups without drawing attributes (their
    children moved up in place), and the class, role and ARIA attributes of the elements inside the root."""
    root = etree.fromstring(svg.encode("utf-8"))
    for element in list(root.iter()):
        parent = element.getparent()
        if parent is None or not isinstance(element.tag, str):
            continue
        empty_path = element.tag == SVG + "path" and element.get("d") in _EMPTY_PATHS
        if element.get("display") == "none" or empty_path:
            parent.remove(element)
    for group in reversed(list(root.iter(SVG + "g"))):  # innermost first: a parent sees its children's result
        parent = group.getparent()
        if parent is None or not all(_for_screen_readers(str(n)) or _no_move(group, str(n)) for n in group.attrib):
            continue
        at = parent.index(group)
        parent[at : at + 1] = list(group)  # the group's children in its place (none: the group simply goes)
        if group.tail and group.tail.strip():
            raise ValueError("text between SVG elements")  # vl-convert writes none; never lose any
    for element in root.iter():
        if element is root or not isinstance(element.tag, str):
            continue
        for name in [n for n in element.attrib if _for_screen_readers(str(n))]:
            del element.attrib[name]
    fewer_marks(root)
    return etree.tostring(root, encoding="unicode")


_NOT_DRAWN_INSIDE: Final = frozenset(SVG + t for t in ("defs", "clipPath", "mask", "pattern", "marker", "symbol"))
_GEOMETRY: Final = {"line": frozenset({"x1", "y1", "x2", "y2", "transform"}), "path": frozenset({"d", "transform"})}
_JOINED_ONLY_WITHOUT: Final = frozenset({"id", "style", "clip-path", "mask", "filter", "marker-start", "marker-mid",
                                         "marker-end", "fill-rule", "vector-effect", "paint-order"})  # fmt: skip
_OPAQUE: Final = frozenset({None, "1"})
_SOLID: Final = frozenset({None, "none", "1,0"})
_TRANSLATE: Final = re.compile(r"\s*translate\(\s*([-+.\deE]+)(?:[\s,]+([-+.\deE]+))?\s*\)\s*")
_COMMAND: Final = re.compile(r"([MLHVCSQTAZmlhvcsqtaz])([^MLHVCSQTAZmlhvcsqtaz]*)")
_NUMBER: Final = re.compile(r"[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?")
# each absolute command's numbers per step, and which of them are x (0) or y (1) coordinates
_AXES: Final = {"M": (0, 1), "L": (0, 1), "T": (0, 1), "H": (0,), "V": (1,), "C": (0, 1, 0, 1, 0, 1),
                "S": (0, 1, 0, 1), "Q": (0, 1, 0, 1), "A": (None, None, None, None, None, 0, 1), "Z": ()}  # fmt: skip


def fewer_marks(root: etree._Element) -> None:
    """Take out the paths that draw nothing and join each run of neighbouring marks drawn alike into one path."""
    if root.find(f".//{SVG}style") is not None:
        return  # a style sheet could style elements by their order or kind: leave the drawing as it is
    for path in list(root.iter(SVG + "path")):
        parent = path.getparent()
        if parent is None or _inside_definitions(path) or _JOINED_ONLY_WITHOUT.intersection(map(str, path.attrib)):
            continue
        if _painted(path, "fill", "black") == "none" and _painted(path, "stroke", "none") == "none":
            parent.remove(path)
    for parent in list(root.iter()):
        if isinstance(parent.tag, str) and not _inside_definitions(parent) and len(parent) > 1:
            _join_runs(parent)


def _inside_definitions(element: etree._Element) -> bool:
    return any(e.tag in _NOT_DRAWN_INSIDE for e in (element, *element.iterancestors()))


def _painted(element: etree._Element, name: str, default: str) -> str:
    """The element's fill or stroke, its own or inherited from the nearest group that sets it."""
    for e in (element, *element.iterancestors()):
        if e.get(name) is not None:
            return str(e.get(name)).strip()
    return default


def _join_runs(parent: etree._Element) -> None:
    run: list[etree._Element] = []
    for child in [*parent, None]:
        if run and (child is None or not _joins(run[0], child)):
            if len(run) > 1:
                _replace(parent, run)
            run = []
        if child is not None and _joinable(child):
            run.append(child)


def _kind(element: etree._Element) -> str | None:
    tag = element.tag
    if not isinstance(tag, str) or not tag.startswith(SVG):
        return None
    return tag[len(SVG) :] if tag[len(SVG) :] in _GEOMETRY else None


def _joinable(element: etree._Element) -> bool:
    kind = _kind(element)
    if kind is None or len(element) or _JOINED_ONLY_WITHOUT.intersection(map(str, element.attrib)):
        return False
    if any(element.get(a) not in _OPAQUE for a in ("opacity", "fill-opacity", "stroke-opacity")):
        return False
    if element.get("stroke-dasharray") not in _SOLID or _offset(element) is None:
        return False
    if kind == "path" and _translated(str(element.get("d", "")), 0.0, 0.0) is None:
        return False
    return not any(e.get("fill-rule") is not None for e in element.iterancestors())


def _joins(first: etree._Element, other: etree._Element) -> bool:
    """Whether `other` draws like `first` and can join its run: the same kind and drawing attributes, and either
    nothing filled (lines; strokes only) or the same shape without a stroke."""
    kind = _kind(first)
    if kind != _kind(other) or not _joinable(other) or _style(first) != _style(other):
        return False
    if kind == "line" or _painted(first, "fill", "black") == "none":
        return True
    return _painted(first, "stroke", "none") == "none" and first.get("d") == other.get("d")


def _style(element: etree._Element) -> dict[str, str]:
    geometry = _GEOMETRY[str(_kind(element))]
    return {str(k): str(v) for k, v in element.attrib.items() if k not in geometry}


def _offset(element: etree._Element) -> tuple[float, float] | None:
    transform = element.get("transform")
    if transform is None:
        return 0.0, 0.0
    found = _TRANSLATE.fullmatch(transform)
    if found is None:
        return None
    return float(found[1]), float(found[2] or 0)


def _replace(parent: etree._Element, run: list[etree._Element]) -> None:
    parts = []
    for element in run:
        offset = _offset(element)
        assert offset is not None
        dx, dy = offset
        if _kind(element) == "line":
            x1, y1, x2, y2 = (float(element.get(a, "0")) for a in ("x1", "y1", "x2", "y2"))
            parts.append(f"M{_n(x1 + dx)},{_n(y1 + dy)}L{_n(x2 + dx)},{_n(y2 + dy)}")
        else:
            moved = _translated(str(element.get("d")), dx, dy)
            assert moved is not None
            parts.append(moved)
    joined = etree.Element(SVG + "path", {"d": "".join(parts), **_style(run[0])})
    at = parent.index(run[0])
    for element in run:
        parent.remove(element)
    parent.insert(at, joined)


def _translated(d: str, dx: float, dy: float) -> str | None:
    """The path data moved by (dx, dy): absolute coordinates shifted, relative ones as they are; None for data
    this does not read (it must begin with an absolute move)."""
    out = []
    for at, found in enumerate(_COMMAND.finditer(d.strip())):
        command, numbers = found[1], [float(n) for n in _NUMBER.findall(found[2])]
        if at == 0 and command != "M":
            return None
        axes = _AXES.get(command.upper(), ())
        step = len(axes)
        if (step == 0 and numbers) or (step and (not numbers or len(numbers) % step)):
            return None
        if _NUMBER.sub("", found[2]).strip(" ,\n\t"):
            return None  # something other than numbers and separators
        if command.isupper():
            shift = (dx, dy)
            numbers = [n + shift[axes[i % step]] if axes[i % step] is not None else n  # type: ignore[index]
                       for i, n in enumerate(numbers)]  # fmt: skip
        out.append(command + ",".join(_n(n) for n in numbers))
    return "".join(out) if out else None


def _n(number: float) -> str:
    text = f"{number:.3f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text
