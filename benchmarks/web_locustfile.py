"""Locust users for bench_web.py: each signs in (analyst, manager or member) and browses the dashboard and
indicator pages, as people would, with a pause between pages; analysts open the managers' lists too (each
list they open is audited, as in use). Loopback only."""

from __future__ import annotations

import os
import random
import re

from locust import HttpUser, between, task

from cscperf.indicators.definition import LIBRARY_ORDER
from cscperf.lists.definition import load_lists

ACCOUNTS = os.environ.get("BENCH_ACCOUNTS", "bench_analyst").split(",")
PASSWORD = os.environ.get("BENCH_PASSWORD", "")
LISTS = list(load_lists())


class Reader(HttpUser):
    wait_time = between(0.5, 2.0)

    def on_start(self) -> None:
        # The service's cookies are Secure; over plain HTTP on loopback the client is given them by hand.
        self.account = random.choice(ACCOUNTS)
        form = self.client.get("/login/", name="login form")
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form.text)
        csrf = self.client.cookies.get("cscperf_csrf", "")
        self.client.headers["Cookie"] = f"cscperf_csrf={csrf}"
        answer = self.client.post(
            "/login/",
            {
                "username": self.account,
                "password": PASSWORD,
                "csrfmiddlewaretoken": token.group(1) if token else "",
            },
            name="sign in",
            allow_redirects=False,
        )
        session = answer.cookies.get("cscperf_session", "")
        self.client.headers["Cookie"] = f"cscperf_csrf={csrf}; cscperf_session={session}"

    @task(2)
    def dashboard(self) -> None:
        self.client.get("/", name="dashboard")

    @task(3)
    def indicator(self) -> None:
        self.client.get(f"/indicators/{random.choice(LIBRARY_ORDER)}/", name="indicator")

    @task(1)
    def lists(self) -> None:
        if "analyst" in self.account:
            self.client.get("/lists/", name="lists")

    @task(1)
    def one_list(self) -> None:
        if "analyst" in self.account:
            self.client.get(f"/lists/{random.choice(LISTS)}/", name="a list")
