# -*- coding: utf-8 -*-
# Copyright (c) portaplus.softswitch contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Reads scoped to one customer that several resources share.

Every resource module works inside one customer (ICustomer). Reading that customer's
accounts is one request, used by the account resources and to resolve ``account_id`` to
``IAccount`` for extensions, so it lives here once.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.portaplus.softswitch.plugins.module_utils.api.client import NotFoundError, Route
from ansible_collections.portaplus.softswitch.plugins.module_utils.engine.fields import InputError

GET_CUSTOMER_ACCOUNTS = Route("GET", "/GetAccounts/{License}/{ICustomer}", "Product")


def call_for_customer(client, customer, route, action=None, **path):
    """One request scoped to ``customer``; a customer the License cannot see is bad input (A2).

    ``action`` names what the user's task is doing, e.g. "reading the extensions of customer %s".
    """
    path["ICustomer"] = customer
    try:
        return client.call(route, path=path, action=action % customer if action else None)
    except NotFoundError:
        raise InputError("customer", "no customer with this id is visible to the License", customer)


def read_customer_accounts(client, customer):
    """Every open account of ``customer`` as the API returns them (ProductAccount dicts).

    One request, whatever the number of accounts (assumption A11).
    """
    return call_for_customer(client, customer, GET_CUSTOMER_ACCOUNTS, "reading the accounts of customer %s").get("Accounts") or []
