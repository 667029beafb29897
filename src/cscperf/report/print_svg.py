"""A chart's SVG made lighter for the PDF: the same drawing with fewer elements for WeasyPrint to walk.

vl-convert's SVG nests every mark in groups that carry only a class, a role or ARIA attributes (for a browser's
screen reader), and adds an empty background and a hidden foreground path to every axis. In the PDF the chart
is one tagged figure whose alternative text is the `alt` of its image, so none of these is read or drawn: taking
them out (about 1,600 of the report's 1,900 groups) leaves the picture exactly as it was and WeasyPrint draws it
sooner. Groups with a transform, a clip, a fill, a stroke or any other drawing attribute are kept as they are.
"""

from __future__ import annotations

from typing import Final

from lxml import etree

SVG: Final = "{http://www.w3.org/2000/svg}"
_FOR_SCREEN_READERS: Final = frozenset({"class", "role", "pointer-events"})
_EMPTY_PATHS: Final = frozenset({"", "M0,0h0v0h0Z"})


def _for_screen_readers(name: str) -> bool:
    return name in _FOR_SCREEN_READERS or name.startswith("aria-")


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
        if parent is None or not all(_for_screen_readers(str(name)) for name in group.attrib):
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
    return etree.tostring(root, encoding="unicode")
