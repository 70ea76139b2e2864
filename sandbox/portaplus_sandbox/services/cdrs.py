"""Operation `PortaCDR` (§2.7): call detail records of a customer or an account.

FromDate/ToDate follow A16.  The two `...WithOffset` routes page: `Offset` is the number of
CDRs already read (0 first), a page holds up to PAGE_SIZE CDRs in (connect time, ID) order,
`TotalCalls` counts the whole range and `NextOffset` is the Offset of the next page, or 0
when this page is the last one.  The paged routes refuse a range longer than MAX_RANGE_DAYS
and one whose ToDate is not after its FromDate (C1); the page size can be changed at run time
(`--cdr-page-size`, `POST /__sandbox/cdr-paging`) so clients can be tested against any.
"""

from __future__ import annotations

import sqlite3
import threading
from collections import OrderedDict, defaultdict

from ..errors import ApiError
from ..store import CdrFilter, Db
from .base import Call, parse_day_or_time, utc
from .records import account_cdr, customer_cdr, cust_acct_cdr, xdr_info

PAGE_SIZE = 1000
MAX_RANGE_DAYS = 366
VOICE_SERVICE = 3


class CdrPager:
    """Serves page N of a result set without skipping N pages of rows: each page served
    remembers the (connect_time, id) it ended at, so the next page starts from an index
    seek (keyset); an Offset never seen before falls back to an indexed LIMIT/OFFSET.  The
    total is counted once per result set.  CDRs change on reset and when a live call ends
    (traffic.py); both bump the store's generation and so retire every cached set."""

    def __init__(self, max_sets: int = 64, page_size: int = PAGE_SIZE):
        self.page_size = page_size
        self._lock = threading.Lock()
        self._sets: OrderedDict[tuple, dict] = OrderedDict()
        self._max_sets = max_sets

    def page(self, db: Db, where: CdrFilter, offset: int) -> tuple[list[sqlite3.Row], int]:
        size = self.page_size
        key = (db.store.generation, size, where.key())
        with self._lock:
            known = self._sets.get(key)
            if known is not None:
                self._sets.move_to_end(key)
        if known is None:
            known = {"total": db.count_cdrs(where), "cursors": {}}
            with self._lock:
                self._sets[key] = known
                while len(self._sets) > self._max_sets:
                    self._sets.popitem(last=False)
        cursor = known["cursors"].get(offset)
        if offset and cursor:
            rows = db.cdrs(where, after=cursor, limit=size)
        else:
            rows = db.cdrs(where, limit=size, offset=offset)
        if rows:
            known["cursors"][offset + len(rows)] = (rows[-1]["connect_time"], rows[-1]["id"])
        return rows, known["total"]


def _range(call: Call) -> dict:
    return {"start": parse_day_or_time("FromDate", call.text("FromDate")),
            "end": parse_day_or_time("ToDate", call.text("ToDate"), end=True)}


def _direction(call: Call) -> dict:
    return {"outgoing": True} if call.flag("GetOutgoingCalls") else {}


def _service(call: Call) -> dict:
    return {"i_service": call.int("IService")} if call.int("IService") else {}


def _of_customer(call: Call, **filters) -> CdrFilter:
    customer = call.customer()
    return CdrFilter(i_customer=customer["i_customer"], **_range(call), **filters)


def _of_account(call: Call, **filters) -> CdrFilter:
    account = call.account()
    return CdrFilter(i_account=account["i_account"], **_range(call), **filters)


def _customer_account_list(rows: list[sqlite3.Row], first_rank: int = 1) -> dict:
    return {"lstPortaCustomerAccountCDRS": [cust_acct_cdr(row, rank)
                                            for rank, row in enumerate(rows, first_rank)],
            "TotalCalls": len(rows)}


# -- handlers -------------------------------------------------------------------------------------


def customer_cdrs(call: Call) -> dict:
    rows = call.db.cdrs(_of_customer(call, **_service(call)))
    return {"PortaCustomerCDRS": [customer_cdr(row) for row in rows], "TotalCalls": len(rows)}


def customer_account_cdrs(call: Call) -> dict:
    rows = call.db.cdrs(_of_customer(call, **_service(call), **_direction(call)))
    return _customer_account_list(rows)


def customer_billing_time_cdrs(call: Call) -> dict:
    """FromDate/ToDate select by bill (disconnect) time instead of connect time."""
    rows = call.db.cdrs(_of_customer(call, by_bill_time=True))
    return _customer_account_list(rows)


def customer_voice_calls(call: Call) -> dict:
    rows = call.db.cdrs(_of_customer(call, i_service=VOICE_SERVICE, **_direction(call)))
    return _customer_account_list(rows)


def customer_connected_voice_calls(call: Call) -> dict:
    """Answered voice calls, grouped per account ID in ConnectedCallDataRecords."""
    rows = call.db.cdrs(_of_customer(call, i_service=VOICE_SERVICE, connected_only=True,
                                     **_direction(call)))
    groups: dict[str, list] = defaultdict(list)
    for rank, row in enumerate(rows, 1):
        record = cust_acct_cdr(row, rank)
        groups[row["account_id"]].append({
            "groupid": row["i_account"], "rank": rank, "h323_conf_id": record["h323_conf_id"],
            "h323_incoming_conf_id": record["h323_incoming_conf_id"],
            "AccountID": row["account_id"], "CLI": record["CLI"], "CLD": record["CLD"],
            "CallId": record["CallId"], "Connect_time": record["Connect_time"],
            "Disconnect_time": record["Disconnect_time"], "bill_time": record["Bill_time"],
            "ServiceName": record["ServiceName"],
        })
    return {"ConnectedCallDataRecords": dict(groups), "TotalCalls": len(rows)}


def _bounded_range(call: Call) -> dict:
    """The paged routes' range rule (C1): ToDate after FromDate, at most MAX_RANGE_DAYS."""
    bounds = _range(call)
    start, end = bounds["start"], bounds["end"]
    if start is not None and end is not None:
        problem = None
        if end <= start:
            problem = (f"ToDate '{call.text('ToDate')}' must be after FromDate "
                       f"'{call.text('FromDate')}'")
        elif end - start > MAX_RANGE_DAYS * 86_400:
            problem = (f"the range from FromDate '{call.text('FromDate')}' to ToDate "
                       f"'{call.text('ToDate')}' is longer than {MAX_RANGE_DAYS} days")
        if problem:
            raise ApiError(400, "ArgumentOutOfRangeException", problem,
                           [("ArgumentOutOfRangeException", "ToDate", problem)])
    return bounds


def _paged(call: Call, where: CdrFilter) -> dict:
    if not call.flag("FetchRecordsUsingOffset"):
        rows = call.db.cdrs(where)
        return {**_customer_account_list(rows), "NextOffset": 0}
    offset = max(call.int("Offset"), 0)
    rows, total = call.state.cdr_pager.page(call.db, where, offset)
    following = offset + len(rows)
    return {"lstPortaCustomerAccountCDRS": [cust_acct_cdr(row, rank)
                                            for rank, row in enumerate(rows, offset + 1)],
            "TotalCalls": total, "NextOffset": following if following < total else 0}


def customer_cdrs_paged(call: Call) -> dict:
    customer = call.customer()
    return _paged(call, CdrFilter(i_customer=customer["i_customer"], **_bounded_range(call),
                                  **_direction(call)))


def account_cdrs_paged(call: Call) -> dict:
    account = call.account()
    return _paged(call, CdrFilter(i_account=account["i_account"], **_bounded_range(call),
                                  **_direction(call)))


def account_cdrs(call: Call) -> dict:
    rows = call.db.cdrs(_of_account(call, **_service(call), **_direction(call)))
    return {"PortaAccountCDRS": [account_cdr(row) for row in rows], "TotalCalls": len(rows)}


def account_statistics(call: Call) -> dict:
    """Per-account counts and durations (seconds) keyed by account ID, plus TotalUsage."""
    text = call.text("i_product")
    ids = None if text.strip() == "0" else call.product_ids(text)      # "0": every product (L6)
    where = _of_customer(call, i_products=ids, **_direction(call))
    days = max(((where.end or call.now) - (where.start or call.now)) / 86_400, 1)
    summary, total_calls, total_seconds, total_cost = {}, 0, 0, 0.0
    for row in call.db.cdr_summary(where):
        summary[row["account_id"]] = [{
            "i_account": row["i_account"], "AccountID": row["account_id"],
            "outgoing_count": row["outgoing_count"],
            "outgoing_duration": row["outgoing_duration"],
            "avgoutgoing_count": round(row["outgoing_count"] / days, 2),
            "avgoutgoing_duration": round(row["outgoing_duration"]
                                          / max(row["outgoing_count"], 1), 2),
            "incoming_count": row["incoming_count"],
            "incoming_duration": row["incoming_duration"],
            "total_count": row["total_count"], "total_duration": row["total_duration"],
        }]
        total_calls += row["total_count"]
        total_seconds += row["total_duration"]
        total_cost += row["charged_amount"]
    return {
        "AccountStatisticsSummary": summary, "TotalCalls": total_calls,
        "TotalUsage": {"FromTime": utc(where.start), "Totime": utc(where.end),
                       "ChargedMinutes": round(total_seconds / 60, 2),
                       "ChargedCost": round(total_cost, 4)},
    }


def customer_xdrs(call: Call) -> dict:
    """getcustomexdrdownloadlink: no files are produced; the xDRs themselves are returned."""
    rows = call.db.cdrs(_of_customer(call))
    return {"XDRSInfo": [xdr_info(row) for row in rows], "TotalCalls": len(rows)}


def did_charges(call: Call) -> dict:
    """The sandbox bills no DID charges: an empty list (dates still validated)."""
    _range(call)
    return {"lstPortaResellerSubscriptions": [], "TotalCalls": 0}


HANDLERS = {
    "/GetResellerCustomerCDRS/{License}/{ICustomer}/{FromDate}/{ToDate}/{IncludeSubcustomers}":
        customer_cdrs,
    "/GetResellerCustomerCDRS/{License}/{ICustomer}/{FromDate}/{ToDate}/{IncludeSubcustomers}"
    "/{IService}": customer_cdrs,
    "/getCustomerAccountCDRS/{License}/{ICustomer}/{FromDate}/{ToDate}/{IService}"
    "/{IncludeAccounts}": customer_account_cdrs,
    "/getCustomerAccountCDRS/{License}/{ICustomer}/{FromDate}/{ToDate}/{IncludeAccounts}"
    "/{GetOutgoingCalls}": customer_account_cdrs,
    "/getCustomerAccountCDRS/{License}/{ICustomer}/{FromDate}/{ToDate}/{IncludeAccounts}":
        customer_account_cdrs,
    "/getCustomerAccountBillingTimeCDRS/{License}/{ICustomer}/{FromDate}/{ToDate}"
    "/{IncludeAccounts}/{DisconnectTimeFilter}": customer_billing_time_cdrs,
    "/GetCustomerResellerBillingTimeCDRS/{License}/{ICustomer}/{FromDate}/{ToDate}"
    "/{IncludeAccounts}/{DisconnectTimeResellerFilter}": customer_billing_time_cdrs,
    "/getCustomerAccountCDRSWithOffset/{License}/{ICustomer}/{FromDate}/{ToDate}"
    "/{IncludeAccounts}/{GetOutgoingCalls}/{FetchRecordsUsingOffset}/{Offset}"
    "/{GetHuntGroupReports}/{Customer_Timezone}/{showcurrentperiod}": customer_cdrs_paged,
    "/getAccountCDRSWithOffset/{License}/{IAccount}/{FromDate}/{ToDate}/{IncludeAccounts}"
    "/{GetOutgoingCalls}/{FetchRecordsUsingOffset}/{Offset}/{GetHuntGroupReports}"
    "/{Customer_Timezone}/{showcurrentperiod}": account_cdrs_paged,
    "/getCustomerAccountVoiceCalls/{License}/{ICustomer}/{FromDate}/{ToDate}/{IncludeAccounts}"
    "/{GetOutgoingCalls}/{GetAccountVoiceCalls}/{Customer_Timezone}": customer_voice_calls,
    "/GetAccountCDRStatistics/{License}/{ICustomer}/{FromDate}/{ToDate}/{IncludeAccounts}"
    "/{GetOutgoingCalls}/{GetAccountVoiceCalls}/{getAccountSummary}/{i_product}":
        account_statistics,
    "/getCustomerAccountConnectedVoiceCalls/{License}/{ICustomer}/{FromDate}/{ToDate}"
    "/{IncludeAccounts}/{GetOutgoingCalls}/{GetAccountVoiceCalls}/{Customer_Timezone}"
    "/{GetConnectedCalls}": customer_connected_voice_calls,
    "/getCustomerCDRS/{License}/{ICustomer}/{FromDate}/{ToDate}/{IService}/{IncludeAccounts}":
        customer_cdrs,
    "/getCustomerAccountCDRS/{License}/{ICustomer}/{FromDate}/{ToDate}/{IService}"
    "/{IncludeAccounts}/{Csv}": customer_account_cdrs,
    "/getCDRS/Account/{License}/{IAccount}/{FromDate}/{ToDate}/{IService}": account_cdrs,
    "/getCDRS/Account/{License}/{IAccount}/{FromDate}/{ToDate}": account_cdrs,
    "/getOutgoingCDRS/{License}/{IAccount}/{FromDate}/{ToDate}/{GetOutgoingCalls}": account_cdrs,
    "/getcustomexdrdownloadlink/{License}/{ICustomer}/{FromDate}/{ToDate}/{RetailXDRInfo}":
        customer_xdrs,
    "/getcustomerdidcharges/{License}/{FromDate}/{ToDate}": did_charges,
}
