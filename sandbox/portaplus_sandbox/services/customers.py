"""Operations `PortaCustomerInfo` (§2.12, the customer lists) and `CustomerSite` (§2.11, the
site reads): the customers a License sees, and their sites (assumptions L1-L4)."""

from __future__ import annotations

from collections import defaultdict

from ..errors import not_found
from .base import Call
from .records import customer_short_info, customer_site


def _short_infos(call: Call, search: str = "") -> dict:
    """The License's customers; their sites too when the request sets getCustomerSites (L1)."""
    customers = call.db.customers(call.i_reseller, search)
    sites = None
    if call.flag("getCustomerSites"):
        sites = defaultdict(list)
        for site in call.db.customer_sites(row["i_customer"] for row in customers):
            sites[site["i_customer"]].append(site)
    return {"CustomersShortInfo": [
        customer_short_info(row, None if sites is None else sites[row["i_customer"]])
        for row in customers]}


def customers(call: Call) -> dict:
    return _short_infos(call)


def customers_by_search(call: Call) -> dict:
    """SearchString matches the ID, or a part of the name, contact name or e-mail (L2).
    IParent 0 (or the reseller itself) means the License's own customers; the sandbox models
    no sub-customers, so another visible customer as IParent has none (L3)."""
    parent = call.int("IParent")
    if parent and parent != call.i_reseller:
        call.customer(parent)
        return {"CustomersShortInfo": []}
    return _short_infos(call, call.text("SearchString").strip())


def customer_sites(call: Call) -> dict:
    customer = call.customer(call.int("i_customer"))
    return {"sites": [customer_site(row) for row in call.db.customer_sites([customer["i_customer"]])]}


def customer_site_info(call: Call) -> dict:
    customer = call.customer(call.int("i_customer"))
    wanted = call.int("i_customer_site")
    for row in call.db.customer_sites([customer["i_customer"]]):
        if row["i_customer_site"] == wanted:
            return {"siteInfo": customer_site(row)}
    raise not_found(f"Customer site {wanted}")


HANDLERS = {
    "/GetCustomersShortInfo/{License}": customers,
    "/GetCustomersShortInfo/{License}/{SearchString}/{IParent}": customers_by_search,
    "/GetCustomerSites/{License}/{i_customer}/{get_service_features}": customer_sites,
    "/GetCustomerSiteInfo/{License}/{i_customer}/{i_customer_site}": customer_site_info,
}
