"""Several councils in one PostgreSQL store: a database role per council sees and changes only its own rows
(tested by connecting as each role), a region's role sees every council and cannot change any, and the
region's figures pool the councils with small numbers withheld."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cscperf.cli import app
from cscperf.disclosure import DisclosurePolicy
from cscperf.errors import ConcurrentChange, DataProblem
from cscperf.indicators.definition import load_library
from cscperf.indicators.engine import Point, Result, round_as_dfe
from cscperf.indicators.region import regional, value_of
from cscperf.store import access
from cscperf.store.connection import Connection
from cscperf.store.database import open_store
from cscperf.store.statements import run

from .postgres_server import PostgresServer
from .test_cli import small_profile

runner = CliRunner()
PERSON_HEADER = "pers_person_id,pers_sex,pers_ethnicity,pers_dob\n"


def invoke(*args: str) -> tuple[int, str]:
    result = runner.invoke(app, list(args))
    output = result.output + (result.stderr if result.stderr_bytes is not None else "")
    assert "Traceback" not in output, output
    return result.exit_code, output


@pytest.fixture(scope="module")
def region(postgres: PostgresServer, tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, str]]:
    """A store of three councils (001, 002, 003) made by the owner; login roles alice (council 001), bob
    (council 002, may only read) and rita (the region: every council, read only); and nobody (no access)."""
    name = "region_" + postgres.database().rsplit("_", 1)[-1]
    postgres.admin(f"CREATE DATABASE {name}")
    owner = postgres.url(name)
    profile = small_profile(tmp_path_factory.mktemp("region"))
    code, out = invoke("synth", "--db", owner, "--profile", str(profile), "--years", "1", "--councils", "3",
                       "--jobs", "1")  # fmt: skip
    assert code == 0, out
    for login in ("alice", "bob", "rita", "nobody"):
        postgres.login_role(login)
    for args in (
        ("council", "001", "--member", "alice"),
        ("council", "002", "--read-only", "--member", "bob"),
        ("region", "cscperf_region_test", "--all", "--member", "rita"),
    ):
        code, out = invoke("db", "roles", *args, "--db", owner)
        assert code == 0, out
    yield {"owner": owner, **{who: postgres.url(name, who) for who in ("alice", "bob", "rita", "nobody")}}


def _councils_seen(url: str) -> dict[str, int]:
    with open_store(url, read_only=True) as con:
        return {
            str(la): int(n) for la, n in con.execute("SELECT la_code, count(*) FROM ssd_person GROUP BY 1").fetchall()
        }


def test_each_role_sees_only_its_councils_rows(region: dict[str, str]) -> None:
    everyone = _councils_seen(region["owner"])
    assert set(everyone) == {"001", "002", "003"}
    assert _councils_seen(region["alice"]) == {"001": everyone["001"]}
    assert _councils_seen(region["bob"]) == {"002": everyone["002"]}
    assert _councils_seen(region["rita"]) == everyone
    for table in ("cscperf_councils", "ssd_cla_episodes", "cscperf_loads", "ssd_contacts"):
        with open_store(region["alice"], read_only=True) as con:
            codes = {r[0] for r in con.execute(f"SELECT DISTINCT la_code FROM {table}").fetchall()}
        assert codes == {"001"}, table


def test_a_role_without_access_sees_nothing(region: dict[str, str]) -> None:
    with pytest.raises(DataProblem, match="may not do this"):
        _councils_seen(region["nobody"])


def _write(con: Connection, la: str) -> None:
    run(con, "INSERT INTO ssd_person (la_code, pers_person_id) VALUES (?, 'NEW-1')", [la])


def test_a_council_role_changes_only_its_own_rows(region: dict[str, str]) -> None:
    with open_store(region["alice"]) as con:
        for other in ("002", "003"):
            with pytest.raises(DataProblem, match="may not do this"):
                _write(con, other)
        assert con.execute("DELETE FROM ssd_person WHERE la_code = '002'").fetchall() == []
        with con.transaction():
            _write(con, "001")
            run(con, "DELETE FROM ssd_person WHERE pers_person_id = 'NEW-1'")
    assert _councils_seen(region["owner"])["002"] == _councils_seen(region["bob"])["002"]  # nothing removed


def test_read_only_roles_change_nothing(region: dict[str, str]) -> None:
    for who, la in (("bob", "002"), ("rita", "001")):
        with open_store(region[who]) as con, pytest.raises(DataProblem, match="may not do this"):
            _write(con, la)


def test_a_council_role_loads_its_own_files_and_not_anothers(region: dict[str, str], tmp_path: Path) -> None:
    people = tmp_path / "people.csv"
    people.write_text(PERSON_HEADER + "L1,F,WBRI,2015-03-01\nL2,M,WBRI,2016-03-01\n", encoding="utf-8")
    before = _councils_seen(region["owner"])
    code, out = invoke("load", str(people), "--db", region["alice"], "--la", "873")  # a council not hers
    assert code == 1 and "may not do this" in out
    code, out = invoke("load", str(people), "--db", region["alice"], "--la", "002")  # held, but hidden from her
    assert code == 2 and "002 is not a council" in out
    assert _councils_seen(region["owner"]) == before
    code, out = invoke("load", str(people), "--db", region["alice"])  # the only council alice sees: 001
    assert code == 0, out
    assert _councils_seen(region["owner"])["001"] == before["001"] + 2


def test_kpis_for_one_council_are_the_same_for_its_role_and_the_owner(region: dict[str, str]) -> None:
    args = ("kpis", "--as-at", "2026-03-31", "--format", "json", "--months", "3")
    mine = invoke(*args, "--db", region["alice"])
    owners = invoke(*args, "--db", region["owner"], "--la", "001")
    assert mine[0] == owners[0] == 0 and json.loads(mine[1]) == json.loads(owners[1])
    code, out = invoke(*args, "--db", region["alice"], "--la", "002")
    assert code == 2 and "no council 002" in out


def test_the_region_sees_every_council_pooled_and_each_beside_it(region: dict[str, str]) -> None:
    code, out = invoke("kpis", "--db", region["rita"], "--la", "ALL", "--as-at", "2026-03-31", "--months", "2",
                       "--format", "json")  # fmt: skip
    assert code == 0, out
    data = json.loads(out)
    assert data["councils"] == ["001", "002", "003"]
    referrals = next(k for k in data["kpis"] if k["id"] == "referrals")
    latest = {la: series[-1] for la, series in referrals["councils"].items()}
    region_latest = referrals["region"][-1]
    shown = [s["numerator"] for s in latest.values() if s["withheld"] is None]
    assert region_latest["councils"] == 3
    if all(s["withheld"] is None for s in latest.values()):
        assert region_latest["numerator"] == sum(shown)
    code, out = invoke("kpis", "--db", region["alice"], "--la", "ALL", "--as-at", "2026-03-31", "--format", "json")
    assert code == 0 and json.loads(out)["councils"] == ["001"]  # a council's role pools only its own
    code, out = invoke("kpis", "--db", region["rita"], "--la", "ALL", "--as-at", "2026-03-31")
    assert code == 0 and "3 councils, together and each" in out


def test_roles_are_listed_and_revoked(region: dict[str, str], postgres: PostgresServer) -> None:
    code, out = invoke("db", "roles", "list", "--db", region["owner"])
    assert code == 0 and "cscperf_la_001" in out and "every council" in out
    code, out = invoke("db", "roles", "council", "003", "--role", "cscperf_la_003", "--db", region["owner"])
    assert code == 0
    postgres.admin("GRANT cscperf_la_003 TO nobody")
    assert set(_councils_seen(region["nobody"])) == {"003"}
    # grants add up: granting one more council says the role keeps what it had (it had said "may read council
    # 002" alone, to an administrator trying to narrow it)
    code, out = invoke("db", "roles", "council", "002", "--role", "cscperf_la_003", "--db", region["owner"])
    assert code == 0 and "It may still read council 003 as before: grants add up." in " ".join(out.split())
    code, out = invoke("db", "roles", "revoke", "cscperf_la_003", "--la", "002", "--db", region["owner"])
    assert code == 0 and "Removed 1" in out
    code, out = invoke("db", "roles", "revoke", "cscperf_la_003", "--db", region["owner"])
    assert code == 0 and "Removed 1" in out
    with pytest.raises(DataProblem, match="may not do this"):
        _councils_seen(region["nobody"])


def test_bad_role_names_and_council_codes_are_refused(region: dict[str, str]) -> None:
    code, out = invoke("db", "roles", "council", "1x", "--db", region["owner"])
    assert code == 2 and "3-digit" in out
    code, out = invoke("db", "roles", "region", "Robert'); DROP TABLE x;--", "--all", "--db", region["owner"])
    assert code == 2 and "role name" in out


# ---------------------------------------------------------------------------------------- the aggregate
def _result(kpi: str, numerators: dict[str, float], denominators: dict[str, float | None]) -> Result:
    indicator = load_library()[kpi]
    start, end = dt.date(2026, 3, 1), dt.date(2026, 3, 31)
    points = [
        Point(la, start, end, n, denominators[la], round_as_dfe(value_of(indicator, n, denominators[la]), 1), int(n))
        for la, n in numerators.items()
    ]
    return Result(indicator, points)


def test_the_region_pools_numerators_and_denominators_and_withholds_small_numbers() -> None:
    # Percent: A 20/40, B 3/10, C 7/50. Region: 30 of 100 = 30.0%, not the mean of 50%, 30% and 14%.
    # B's 3 is fewer than 5: withheld; alone it could be worked out from the region's 30, so the next smallest
    # numerator (C's 7) is withheld too.
    [r] = regional([_result("contact_conversion", {"A": 20, "B": 3, "C": 7}, {"A": 40, "B": 10, "C": 50})])
    assert (r.region[0].numerator, r.region[0].denominator, r.region[0].value) == (30, 100, 30.0)
    shown = {la: series[0] for la, series in r.councils.items()}
    assert shown["A"].value == 50.0 and shown["A"].withheld is None
    assert shown["B"].value is None and shown["B"].withheld == "fewer than 5"
    assert shown["C"].value is None and shown["C"].withheld == "fewer than 5"


def test_a_small_denominator_withholds_a_percentage_and_a_policy_can_differ() -> None:
    # A 3 of 4 (numerator and denominator both small), B 30 of 60, C 12 of 30: A is withheld, and with it the
    # next smallest numerator, C's 12. With a threshold of 3 nothing is small and everything stands.
    [r] = regional([_result("contact_conversion", {"A": 3, "B": 30, "C": 12}, {"A": 4, "B": 60, "C": 30})])
    assert [s[0].withheld is not None for _, s in sorted(r.councils.items())] == [True, False, True]
    [r] = regional(
        [_result("contact_conversion", {"A": 3, "B": 30, "C": 12}, {"A": 4, "B": 60, "C": 30})],
        DisclosurePolicy(threshold=3),
    )
    assert all(s[0].withheld is None for s in r.councils.values())


def test_a_pooled_rate_needs_every_councils_population() -> None:
    # Rates per 10,000: 30 of 20,000 and 10 of 20,000 pool to 40 / 40,000 x 10,000 = 10.0. Without B's
    # population the pooled rate would be too low: withheld, with the reason.
    [r] = regional([_result("cla_rate_per_10k", {"A": 30, "B": 10}, {"A": 20_000, "B": 20_000})])
    assert r.region[0].value == 10.0
    [r] = regional([_result("cla_rate_per_10k", {"A": 30, "B": 10}, {"A": 20_000, "B": None})])
    assert r.region[0].value is None and "population" in (r.region[0].withheld or "")


def test_a_regional_count_is_shown_unless_it_is_small() -> None:
    [r] = regional([_result("referrals", {"A": 2, "B": 1}, {"A": None, "B": None})])
    assert r.region[0].value is None and r.region[0].withheld == "fewer than 5"  # 3 referrals in the region
    [r] = regional([_result("referrals", {"A": 0, "B": 0}, {"A": None, "B": None})])
    assert r.region[0].value == 0 and r.region[0].withheld is None  # a true zero discloses nothing


@pytest.mark.parametrize("stopped", [1, 3])
def test_roles_stopped_by_another_command_are_granted_again(
    postgres: PostgresServer, monkeypatch: pytest.MonkeyPatch, stopped: int
) -> None:
    """`db roles` stopped by the server because another command changed the same records at the same moment (a
    deadlock: a load, or autovacuum just after one) is done again, whole, up to three times in all."""
    url = postgres.database()
    assert invoke("db", "init", "--db", url)[0] == 0
    postgres.login_role("carol")
    apply, calls = access.apply_access, []

    def stopped_at_first(con: Connection) -> None:
        calls.append(con)
        if len(calls) <= stopped:  # after the role and its access rows are written: all of it rolled back
            raise ConcurrentChange("The PostgreSQL store refused or stopped the command: another command ...")
        apply(con)

    monkeypatch.setattr(access, "apply_access", stopped_at_first)
    monkeypatch.setattr(access.time, "sleep", lambda seconds: None)
    code, out = invoke("db", "roles", "council", "004", "--role", "cscperf_la_retry", "--member", "carol", "--db", url)
    with open_store(url) as con:
        granted = [(a.role_name, a.la_code) for a in access.list_access(con)]
    if stopped < 3:
        assert (code, len(calls), granted) == (0, stopped + 1, [("cscperf_la_retry", "004")]), out
    else:
        assert (code, len(calls), granted) == (1, 3, []), out
        assert "another command" in out and "Traceback" not in out
