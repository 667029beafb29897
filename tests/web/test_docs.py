"""The README shows the web service as the issue asks: `make serve` after the two set-up commands, and
pictures of the dashboard and an indicator page that are there."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PNG = b"\x89PNG\r\n\x1a\n"


def test_the_readme_serves_after_its_two_set_up_commands() -> None:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    demo, test, serve = (text.index(f"\nmake {word}") for word in ("demo", "test", "serve"))
    assert demo < test < serve
    assert "serve:" in (ROOT / "Makefile").read_text(encoding="utf-8")


def test_the_readme_pictures_the_dashboard_and_an_indicator() -> None:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    pictures = re.findall(r"!\[[^\]]+\]\((docs/web-[^)]+\.png)\)", text)
    assert {"docs/web-dashboard.png", "docs/web-indicator.png"} <= set(pictures)
    for picture in pictures:
        data = (ROOT / picture).read_bytes()
        assert data.startswith(PNG) and len(data) > 10_000, picture
