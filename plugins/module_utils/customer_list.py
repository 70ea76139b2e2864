# -*- coding: utf-8 -*-
# Copyright (c) portaplus.softswitch contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The customers a License sees (operation ``PortaCustomerInfo``) and their sites (``CustomerSite``).

One request lists every customer, with their sites when ``getCustomerSites`` is set (L1). A
server whose list carries no sites gets one ``GetCustomerSites`` read per customer instead,
so the result is the same either way (L4).
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.portaplus.softswitch.plugins.module_utils.api.client import Route, path_segment_problem
from ansible_collections.portaplus.softswitch.plugins.module_utils.customer import call_for_customer
from ansible_collections.portaplus.softswitch.plugins.module_utils.engine.checks import CONTROL_CHARACTERS
from ansible_collections.portaplus.softswitch.plugins.module_utils.engine.resource import InputError

GET_CUSTOMERS = Route("GET", "/GetCustomersShortInfo/{License}", "PortaCustomerInfo")
SEARCH_CUSTOMERS = Route("GET", "/GetCustomersShortInfo/{License}/{SearchString}/{IParent}", "PortaCustomerInfo")
GET_CUSTOMER_SITES = Route("GET", "/GetCustomerSites/{License}/{ICustomer}/{get_service_features}", "CustomerSite")

SEARCH_MAX_LENGTH = 100


def site_from_api(record):
    """One ``CustomerSiteInfo`` as the collection shows it."""
    return {
        "id": int(record.get("i_customer_site") or 0),
        "name": record.get("name") or "",
        "accounts": int(record.get("used") or 0),
    }


def customer_from_api(record):
    """One ``CustomersShortInfo`` entry; ``sites`` is None when the entry carries none."""
    sites = record.get("sites")
    if sites is None:
        sites = record.get("Sites")
    return {
        "id": int(record.get("ICustomer") or 0),
        "name": record.get("Name") or "",
        "first_name": record.get("FirstName") or "",
        "last_name": record.get("LastName") or "",
        "email": record.get("Email") or "",
        "phone": record.get("Phone1") or "",
        "city": record.get("City") or "",
        "country": record.get("Country") or "",
        "currency": record.get("Currency") or "",
        "balance": record.get("Balance"),
        "credit_limit": record.get("CreditLimit"),
        "available_balance": record.get("availableBalance"),
        "sites": None if sites is None else sorted((site_from_api(site) for site in sites), key=lambda s: s["id"]),
    }


def check_search(search):
    """``search`` as it can travel in a path segment, or None for no search."""
    if search is None:
        return None
    text = str(search).strip()
    if not text:
        return None
    problem = path_segment_problem(text)
    if not problem and len(text) > SEARCH_MAX_LENGTH:
        problem = "must be at most %d characters" % SEARCH_MAX_LENGTH
    if not problem and CONTROL_CHARACTERS.search(text):
        problem = "must not contain control characters"
    if problem:
        raise InputError("search", problem, search if len(text) <= SEARCH_MAX_LENGTH else None)
    return text


def read_customer_sites(client, customer):
    """The sites of one customer (one request)."""
    response = call_for_customer(client, customer, GET_CUSTOMER_SITES, get_service_features=0)
    return sorted((site_from_api(site) for site in response.get("sites") or []), key=lambda s: s["id"])


def read_customers(client, search=None, sites=False):
    """The customers the License sees, sorted by id, in one request.

    With ``sites`` each carries ``sites`` as the server sent them: a list, or None from a
    server that ignores ``getCustomerSites`` (``fill_missing_sites`` reads those). Without
    ``sites`` the key is left out.
    """
    search = check_search(search)
    query = {"getCustomerSites": True} if sites else None
    if search is None:
        response = client.call(GET_CUSTOMERS, query=query)
    else:
        response = client.call(SEARCH_CUSTOMERS, path={"SearchString": search, "IParent": 0}, query=query)
    customers = sorted((customer_from_api(record) for record in response.get("CustomersShortInfo") or []),
                       key=lambda customer: customer["id"])
    if not sites:
        for customer in customers:
            customer.pop("sites")
    return customers


def fill_missing_sites(client, customers):
    """Read the sites of every customer whose list entry came without them (one request each, L4)."""
    for customer in customers:
        if customer.get("sites") is None:
            customer["sites"] = read_customer_sites(client, customer["id"])
    return customers


def read_customer_info(client, params):
    """The ``customer_info`` module's result: ``customers`` filtered by its options."""
    customer = params.get("customer")
    if customer is not None and customer <= 0:
        raise InputError("customer", "must be a customer id (a positive integer)", customer)
    customers = read_customers(client, params.get("search"), sites=bool(params.get("sites")))
    if customer is not None:
        customers = [item for item in customers if item["id"] == customer]
        if not customers:
            raise InputError("customer", "no customer with this id is visible to the License"
                             + (" or matches search" if params.get("search") else ""), customer)
    if params.get("sites"):
        fill_missing_sites(client, customers)
    return {"customers": customers}
