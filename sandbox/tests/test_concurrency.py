"""The threaded server under a small, bounded concurrent load (loopback only)."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from sandbox_helpers import LICENSE

THREADS = 8
PER_THREAD = 15


def test_concurrent_reads_and_writes(api, sandbox):
    def work(worker: int) -> list[int]:
        statuses = []
        for n in range(PER_THREAD):
            if n % 3 == 0:
                body = {"License": LICENSE, "AccountRequest": {
                    "ICustomer": 1001, "DefaultValues": {"ProductId": 1},
                    "AccountsToCreate": [{"AcntId": f"4416329{worker:02d}{n:03d}"}]}}
                statuses.append(api.post("/CreateAccounts", body).status)
            else:
                statuses.append(api.get(f"/GetAccounts/{LICENSE}/1001").status)
        return statuses

    with ThreadPoolExecutor(THREADS) as pool:
        results = [status for statuses in pool.map(work, range(THREADS)) for status in statuses]
    assert set(results) == {200}
    creates = THREADS * len(range(0, PER_THREAD, 3))
    accounts = api.get(f"/GetAccounts/{LICENSE}/1001").json()["Accounts"]
    assert len(accounts) == 3 + creates
    assert len({a["IAccount"] for a in accounts}) == len(accounts)
    assert sandbox.counters() == {"requests": THREADS * PER_THREAD + 1, "writes": creates,
                                  "committed_writes": creates}
