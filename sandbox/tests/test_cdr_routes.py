"""CDR reads: date ranges (A16) and paging with Offset / NextOffset / TotalCalls."""

from __future__ import annotations

import pytest

from portaplus_sandbox.testing import SandboxServer

from sandbox_helpers import FROM_DATE, LICENSE, TO_DATE, Client

PAGED = ("/getCustomerAccountCDRSWithOffset/{lic}/{customer}/{start}/{end}/true/false/true/"
         "{offset}/false/UTC/false")
ACCOUNT_PAGED = ("/getAccountCDRSWithOffset/{lic}/{account}/{start}/{end}/true/false/true/"
                 "{offset}/false/UTC/false")


@pytest.fixture(scope="module")
def many_cdrs():
    """A server of its own with enough CDRs for several pages."""
    with SandboxServer(seed="demo", extra_args=["--cdrs", "5000", "--random-seed", "7"]) as server:
        yield Client(server.url)


def walk(client: Client, template: str, **values) -> tuple[list[int], list[int], set[int]]:
    """Follow NextOffset from 0; returns (ids, ranks, TotalCalls values seen)."""
    ids, ranks, totals, offset = [], [], set(), 0
    for _ in range(100):
        reply = client.get(template.format(lic=LICENSE, start=FROM_DATE, end=TO_DATE,
                                           offset=offset, **values))
        assert reply.status == 200, reply.body[:300]
        page = reply.json()
        records = page.get("lstPortaCustomerAccountCDRS", [])
        ids += [r["ID"] for r in records]
        ranks += [r["Rank"] for r in records]
        totals.add(page["TotalCalls"])
        offset = page.get("NextOffset", 0)
        if not offset:
            return ids, ranks, totals
    raise AssertionError("paging did not end")


def test_paging_walks_every_cdr_exactly_once(many_cdrs):
    ids, ranks, totals = walk(many_cdrs, PAGED, customer=1001)
    assert len(totals) == 1
    total = totals.pop()
    assert total > 1000                                  # several pages of 1000
    assert len(ids) == len(set(ids)) == total
    assert ranks == list(range(1, total + 1))
    everything = many_cdrs.get(f"/getCustomerAccountCDRS/{LICENSE}/1001/{FROM_DATE}/{TO_DATE}"
                               "/true").json()["lstPortaCustomerAccountCDRS"]
    assert ids == [r["ID"] for r in everything]          # same order as the unpaged route


def test_paging_is_repeatable_and_random_access(many_cdrs):
    first = walk(many_cdrs, PAGED, customer=1001)[0]
    assert walk(many_cdrs, PAGED, customer=1001)[0] == first
    direct = many_cdrs.get(PAGED.format(lic=LICENSE, customer=1001, start=FROM_DATE,
                                        end=TO_DATE, offset=1500)).json()
    assert [r["ID"] for r in direct["lstPortaCustomerAccountCDRS"]][:5] == first[1500:1505]


def test_account_paging(many_cdrs):
    ids, _ranks, totals = walk(many_cdrs, ACCOUNT_PAGED, account=5001)
    assert len(ids) == len(set(ids)) == totals.pop()
    unpaged = many_cdrs.get(f"/getCDRS/Account/{LICENSE}/5001/{FROM_DATE}/{TO_DATE}").json()
    assert sorted(ids) == sorted(r["ID"] for r in unpaged["PortaAccountCDRS"])


def test_demo_cdrs_fit_one_page(api):
    page = api.get(PAGED.format(lic=LICENSE, customer=1001, start=FROM_DATE, end=TO_DATE,
                                offset=0)).json()
    assert page["NextOffset"] == 0
    assert 0 < page["TotalCalls"] == len(page["lstPortaCustomerAccountCDRS"]) < 200


def test_date_bounds(api):
    """A date as ToDate covers that whole day; a date-time ToDate is exclusive (A16)."""
    records = api.get(f"/getCustomerAccountCDRS/{LICENSE}/1001/{FROM_DATE}/{TO_DATE}/true") \
        .json()["lstPortaCustomerAccountCDRS"]
    some = records[len(records) // 2]
    moment = some["connect_datetime"].replace(" ", "T")          # YYYY-MM-DDTHH:MM:SS
    day = moment[:10]
    upto_day = api.get(f"/getCustomerAccountCDRS/{LICENSE}/1001/{FROM_DATE}/{day}/true").json()
    assert some["ID"] in [r["ID"] for r in upto_day["lstPortaCustomerAccountCDRS"]]
    before = api.get(f"/getCustomerAccountCDRS/{LICENSE}/1001/{FROM_DATE}/{moment}/true").json()
    assert some["ID"] not in [r["ID"] for r in before.get("lstPortaCustomerAccountCDRS", [])]
    spaced = moment.replace("T", "%20")
    from_moment = api.get(f"/getCustomerAccountCDRS/{LICENSE}/1001/{spaced}/{TO_DATE}/true")
    assert from_moment.json()["lstPortaCustomerAccountCDRS"][0]["ID"] == some["ID"]


def test_customer_and_account_filters(api):
    customer = api.get(f"/getCustomerCDRS/{LICENSE}/1002/{FROM_DATE}/{TO_DATE}/0/true").json()
    assert {r["ICustomer"] for r in customer["PortaCustomerCDRS"]} == {1002}
    outgoing = api.get(f"/getOutgoingCDRS/{LICENSE}/5001/{FROM_DATE}/{TO_DATE}/true").json()
    assert {r["CallType"] for r in outgoing["PortaAccountCDRS"]} == {"Outgoing"}
    assert {r["AccountID"] for r in outgoing["PortaAccountCDRS"]} == {"441632960001"}


def test_statistics(api):
    reply = api.get(f"/GetAccountCDRStatistics/{LICENSE}/1001/{FROM_DATE}/{TO_DATE}/true/false/"
                    "true/true/2").json()
    assert set(reply["AccountStatisticsSummary"]) == {"441632960001", "441632960002"}
    assert reply["TotalCalls"] == sum(s[0]["total_count"]
                                      for s in reply["AccountStatisticsSummary"].values())


def test_active_calls(api):
    calls = api.get(f"/GetActiveCallsAccount/{LICENSE}/5001").json()["lstAccountActiveCalls"]
    assert len(calls) == 1 and calls[0]["AccountID"] == "441632960001"
    customer = api.get(f"/GetActiveCallsCustomer/{LICENSE}/1002").json()["lstActiveCalls"]
    assert [c["IAccount"] for c in customer] == [5004]
    with_ext = api.get(f"/GetCustomerExtensionsActiveCalls/{LICENSE}/1001/true").json()
    busy = {e["id"]: e["noofcalls"] for e in with_ext["ExtensionsActiveCalls"]}
    assert busy == {"101": 1, "102": 0}


def test_paged_routes_refuse_reversed_and_too_long_ranges(api):
    """C1: ToDate must follow FromDate, and a range may span at most 366 days."""
    for start, end in (("2026-03-01", "2026-02-01"), ("2026-03-01T10:00:00", "2026-03-01T10:00:00"),
                       ("2025-01-01", "2026-01-02")):
        reply = api.get(PAGED.format(lic=LICENSE, customer=1001, start=start, end=end, offset=0))
        assert reply.status == 400, (start, end, reply.body[:200])
        assert b"ArgumentOutOfRange" in reply.body and b"ToDate" in reply.body
    # exactly 366 days (a leap year's worth) is allowed
    assert api.get(PAGED.format(lic=LICENSE, customer=1001, start="2024-01-01",
                                end="2024-12-31T00:00:00", offset=0)).status == 200


def test_page_size_can_change_at_run_time():
    with SandboxServer(seed="demo", extra_args=["--cdr-page-size", "7"]) as server:
        client = Client(server.url)
        ids, ranks, totals = walk(client, PAGED, customer=1001)
        total = totals.pop()
        assert len(ids) == len(set(ids)) == total and ranks == list(range(1, total + 1))
        first = client.get(PAGED.format(lic=LICENSE, customer=1001, start=FROM_DATE, end=TO_DATE,
                                        offset=0)).json()
        assert len(first["lstPortaCustomerAccountCDRS"]) == 7 and first["NextOffset"] == 7
        assert server.admin("POST", "cdr-paging", {"page_size": 50}) == {"page_size": 50}
        assert walk(client, PAGED, customer=1001)[0] == ids     # same records, other pages
        page = client.get(PAGED.format(lic=LICENSE, customer=1001, start=FROM_DATE, end=TO_DATE,
                                       offset=0)).json()
        assert total > 50 and page["NextOffset"] == 50
        server.reset()
        assert server.admin("GET", "cdr-paging") == {"page_size": 7}
