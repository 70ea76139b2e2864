# -*- coding: utf-8 -*-
# Copyright (c) portaplus.softswitch contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The product catalogue of a License: main products and add-ons, read once, resolved by name or id.

``GET /GetProducts/{License}`` returns both kinds; ``addon_priority == 0`` is a main product and
``> 0`` an add-on (assumption A9). Users name products the way they see them (``Hosted PBX
Seat``) or by id; ``Catalogue.resolve`` turns either into one catalogue entry, or raises an
``InputError`` that names the option and lists close matches.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import difflib
import re

from ansible_collections.portaplus.softswitch.plugins.module_utils.api.client import Route
from ansible_collections.portaplus.softswitch.plugins.module_utils.engine.fields import InputError

GET_PRODUCTS = Route("GET", "/GetProducts/{License}", "Product")
GET_PRODUCTS_BY_CURRENCY = Route("GET", "/GetProducts/{License}/{Currency}", "Product")

MAIN = "main"
ADDON = "addon"
_NOUNS = {MAIN: "main product", ADDON: "add-on"}
_WITH_ARTICLE = {MAIN: "a main product", ADDON: "an add-on"}


def product_from_api(info):
    """One ``ProductInfo`` of the API as the collection shows it."""
    priority = int(info.get("addon_priority") or 0)
    return {
        "id": int(info.get("IProduct") or 0),
        "name": info.get("Name") or "",
        "description": info.get("Description") or "",
        "end_user_name": info.get("EndUserProductName") or "",
        "maintenance_fee": info.get("MaintanenceFee") or 0,
        "product_group_id": info.get("IProductGroup") or 0,
        "addon_priority": priority,
        "kind": ADDON if priority > 0 else MAIN,
    }


class Catalogue:
    """The products one License can use, split into main products and add-ons."""

    def __init__(self, products):
        self.products = list(products)

    @classmethod
    def read(cls, client, currency=None):
        """One request: every product of the License, or those priced in ``currency``."""
        if currency:
            response = client.call(GET_PRODUCTS_BY_CURRENCY, path={"Currency": currency},
                                   action="reading the product catalogue in %s" % currency)
        else:
            response = client.call(GET_PRODUCTS, action="reading the product catalogue")
        return cls(product_from_api(info) for info in response.get("PortaProducts") or [])

    def of_kind(self, kind):
        return [product for product in self.products if product["kind"] == kind]

    @property
    def mains(self):
        return self.of_kind(MAIN)

    @property
    def addons(self):
        return self.of_kind(ADDON)

    def resolve(self, value, option, kind):
        """The catalogue entry ``value`` (a name or an id) means, which must be of ``kind``.

        Exact name first, then a case-insensitive name, then an id. Raises InputError naming
        ``option`` for a wrong type, an unknown or ambiguous name, or a product of the other kind.
        """
        word = _NOUNS[kind]
        if isinstance(value, bool) or not isinstance(value, (str, int)):
            raise InputError(option, "must be the name or the id of %s, not a %s" % (_WITH_ARTICLE[kind], type(value).__name__), value)
        text = value.strip() if isinstance(value, str) else u"%s" % value
        if not text:
            raise InputError(option, "must be the name or the id of %s, not empty" % _WITH_ARTICLE[kind])

        matches = []
        if isinstance(value, str):
            matches = [p for p in self.products if p["name"] == text]
            if not matches:
                folded = text.casefold()
                matches = [p for p in self.products if p["name"].casefold() == folded]
        if not matches and text.isdigit():
            matches = [p for p in self.products if p["id"] == int(text)]

        of_kind = [p for p in matches if p["kind"] == kind]
        if len(of_kind) == 1:
            return of_kind[0]
        if len(of_kind) > 1:
            raise InputError(option, "names several %ss (ids %s); give the id instead" % (
                word, ", ".join(str(p["id"]) for p in of_kind)), value)
        if matches:
            other = matches[0]
            raise InputError(option, "%r (id %d) is %s, not %s" % (
                other["name"], other["id"], _WITH_ARTICLE[other["kind"]], _WITH_ARTICLE[kind]), value)
        raise InputError(option, "unknown %s; %s" % (word, self.suggestions(text, kind)), value)

    def suggestions(self, text, kind):
        """"did you mean ..." for ``text`` among the products of ``kind`` (or all of them)."""
        candidates = self.of_kind(kind)
        if not candidates:
            return "the License has no %ss" % _NOUNS[kind]
        by_folded = {}
        for product in candidates:
            by_folded.setdefault(product["name"].casefold(), product)
        close = difflib.get_close_matches(text.casefold(), list(by_folded), n=3, cutoff=0.5)
        if close:
            return "did you mean %s?" % ", ".join(
                "%r (id %d)" % (by_folded[name]["name"], by_folded[name]["id"]) for name in close)
        shown = ["%r (id %d)" % (p["name"], p["id"]) for p in candidates[:10]]
        return "available: %s%s" % (", ".join(shown), ", ..." if len(candidates) > 10 else "")


_CURRENCY = re.compile(r"^[A-Za-z]{3}$")
_SEARCHED = ("name", "end_user_name", "description")


def matches(product, search):
    if not search:
        return True
    folded = search.casefold()
    return any(folded in (product[name] or "").casefold() for name in _SEARCHED)


def read_catalogue(client, currency=None, search=None):
    """What ``product_info`` returns: one request; the products that match, split into main products and add-ons."""
    if currency is not None and not _CURRENCY.match(currency):
        raise InputError("currency", "must be a three-letter ISO 4217 code such as GBP", currency)
    catalogue = Catalogue.read(client, currency.upper() if currency else None)
    found = sorted((p for p in catalogue.products if matches(p, search)), key=lambda p: (p["name"], p["id"]))
    return {
        "products": [p for p in found if p["kind"] == MAIN],
        "addons": [p for p in found if p["kind"] == ADDON],
    }
