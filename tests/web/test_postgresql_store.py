"""The web service reading a PostgreSQL store (CSCPERF_DB a postgresql:// URL): the same two councils as the
DuckDB store of the other web tests, written by the same synthesis into a throwaway PostgreSQL database; every
page that reads the store gives the same page from either (CSRF tokens and the store's name aside), and the
store's state for the figures' cache comes from its loads."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from django.test import override_settings

from ..postgres_server import PostgresServer
from .conftest import Accounts, WebStore

pytestmark = pytest.mark.slow  # a long file: started before the short ones (conftest.py)

PAGES = [
    "/",
    "/?team=Family+Safeguarding+Team+1",
    "/indicators/cp_visits_in_time/",
    "/indicators/cla_rate_per_10k/",
    "/indicators/cp_visits_in_time/children/",
    "/indicators/cp_visits_in_time/children/download/",
    "/lists/",
    "/lists/cp_visits_overdue/",
    "/lists/cla_reviews_due/download/",
]
_TOKEN = re.compile(rb'name="csrfmiddlewaretoken" value="[^"]*"')


@pytest.fixture(scope="module")
def server_store(web_store: WebStore, postgres: PostgresServer) -> Iterator[str]:
    from cscperf.synth.many import council_profiles
    from cscperf.synth.profile import read_profile
    from cscperf.synth.runner import synthesise

    url = postgres.database()
    synthesise(url, council_profiles(read_profile(None), 2, 7), seed=7, years=2, jobs=1, replace=True)
    yield url


def _page(client: Any, url: str, store: str) -> bytes:
    from cscperf.web import figures
    from cscperf.web import store as web_store_module

    figures.CACHE.clear()
    web_store_module._checked.clear()
    with override_settings(STORE=store):
        response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    body = b"".join(response.streaming_content) if response.streaming else response.content
    return _TOKEN.sub(b"", body)


def _cells(workbook: bytes) -> dict[str, list[list[Any]]]:
    import io

    import openpyxl

    book = openpyxl.load_workbook(io.BytesIO(workbook), read_only=True)
    return {sheet.title: [list(row) for row in sheet.iter_rows(values_only=True)] for sheet in book.worksheets}


@pytest.mark.parametrize("page", PAGES)
def test_every_page_reads_the_same_from_a_postgresql_store(
    page: str, web_store: WebStore, server_store: str, accounts: Accounts, client_for: Any
) -> None:
    client = client_for(accounts.analyst)
    url = page + ("&" if "?" in page else "?") + f"la={web_store.la_codes[0]}&as_at={web_store.latest}"
    on_file = _page(client, url, str(web_store.path))
    on_server = _page(client, url, server_store)
    if page.endswith("download/"):  # workbooks: the same cells (the zip's file times are the second written)
        assert _cells(on_server) == _cells(on_file)
    else:
        assert on_server == on_file
    assert len(on_file) > 1000 or page.endswith("download/")


def test_the_figures_cache_follows_the_servers_loads(server_store: str) -> None:
    from cscperf.web import store as web_store_module

    with override_settings(STORE=server_store):
        web_store_module._server_version = (0.0, "")
        version = web_store_module.store_version()
    assert version.startswith("loads:") and version != "loads:0:"
