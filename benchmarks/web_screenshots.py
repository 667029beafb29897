"""Pictures of the web service for the README and docs/web.md: the dashboard, an indicator page and the
managers' lists, from a store of synthetic data (the demo store by default), taken with Playwright in Debian's Chromium.

    .venv/bin/python benchmarks/web_screenshots.py [--db demo-output/cscperf.duckdb] [--out docs]

A throwaway account in a throwaway app database is used, so the store's own accounts are untouched."""

from __future__ import annotations

import argparse
import secrets
import sys
import tempfile
from pathlib import Path

from web_service import launch_browser, serve

ROOT = Path(__file__).resolve().parents[1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, default=ROOT / "demo-output" / "cscperf.duckdb")
    parser.add_argument("--out", type=Path, default=ROOT / "docs")
    parser.add_argument("--config", type=Path, default=ROOT / "cscperf.example.toml")
    args = parser.parse_args()
    if not args.db.exists():
        sys.exit(f"No store at {args.db}: run `make demo` first.")
    password = secrets.token_urlsafe(18)
    with (
        tempfile.TemporaryDirectory() as folder,
        serve(args.db, Path(folder), [("pictures", "analyst")], password, config=args.config) as base,
    ):
        from playwright.sync_api import sync_playwright

        with sync_playwright() as playwright:
            browser = launch_browser(playwright)
            page = browser.new_page(viewport={"width": 1100, "height": 820}, device_scale_factor=1)
            page.goto(base + "/login/")
            page.fill("#username", "pictures")
            page.fill("#password", password)
            page.click("button[type=submit]")
            page.wait_for_url(base + "/")
            page.screenshot(path=str(args.out / "web-dashboard.png"))
            page.goto(base + "/indicators/cla_rate_per_10k/")
            page.wait_for_selector("#chart-main[data-rendered='true']")
            page.set_viewport_size({"width": 1100, "height": 1100})
            page.screenshot(path=str(args.out / "web-indicator.png"))
            page.set_viewport_size({"width": 1100, "height": 900})
            page.goto(base + "/lists/")
            page.screenshot(path=str(args.out / "web-lists.png"))
            browser.close()
    names = ", ".join(str(args.out / f"web-{n}.png") for n in ("dashboard", "indicator", "lists"))
    print(f"Wrote {names}")


if __name__ == "__main__":
    main()
