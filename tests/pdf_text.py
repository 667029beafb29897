"""Reading the report's PDF text with pypdf in seconds rather than minutes.

pypdf reads a font's text map (its /ToUnicode) again each time a page, or a picture on it, uses the font, and
the report embeds its fonts whole (text maps of thousands of entries) and each chart is a picture with its own
resources: a chart page took pypdf some 10 seconds, reading the same five fonts 160 times. Inside
`fonts_read_once`, each font object of a document is read once and kept for as long as the block runs. What pypdf
gives back is unchanged: the same font object gives the same font."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import Any

from pypdf.generic import DictionaryObject


@contextlib.contextmanager
def fonts_read_once() -> Iterator[None]:
    """Each font (an indirect object of a document) read by pypdf once in the block; a pypdf without the method
    this wraps is left as it is (slower, the same text)."""
    try:
        from pypdf.generic import _font
    except ImportError:
        yield
        return
    font_class: Any = getattr(_font, "Font", None)
    own = vars(font_class).get("from_font_resource") if font_class is not None else None
    if not isinstance(own, classmethod):
        yield
        return
    original = own.__get__(None, font_class)
    read: dict[tuple[int, int, int], tuple[Any, Any]] = {}  # each with its document, kept while the block runs

    def once(cls: Any, font: DictionaryObject) -> Any:
        reference = font.indirect_reference
        if reference is None:
            return original(font)
        key = (id(reference.pdf), reference.idnum, reference.generation)
        if key not in read:
            read[key] = (reference.pdf, original(font))
        return read[key][1]

    font_class.from_font_resource = classmethod(once)
    try:
        yield
    finally:
        font_class.from_font_resource = own
