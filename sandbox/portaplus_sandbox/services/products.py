"""Operation `Product`: the product catalogue, add-ons and account listings (§2.5).

All answers are `ProductResponse`: products in `PortaProducts`, add-ons in
`ProductAddonsInfo`, accounts in `Accounts` (+ `NumberOfAccounts`) or `AccountInfo`.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable

from ..errors import not_found
from .base import Call, parse_day_or_time, truthy, utc
from .records import addon_info, assigned_addon, product_account, product_info

# -- building blocks ----------------------------------------------------------------------------


def _products(rows: Iterable[sqlite3.Row]) -> dict:
    return {"PortaProducts": [product_info(row) for row in rows]}


def _addons(rows: Iterable[sqlite3.Row]) -> dict:
    return {"ProductAddonsInfo": [addon_info(row) for row in rows]}


def _accounts(call: Call, rows: list[sqlite3.Row], *, with_features: bool = False,
              total: int | None = None) -> dict:
    addons = call.db.account_addons(row["i_account"] for row in rows)
    return {
        "Accounts": [product_account(row, addons[row["i_account"]], with_features)
                     for row in rows],
        "NumberOfAccounts": len(rows) if total is None else total,
    }


def _account_info(call: Call, row: sqlite3.Row) -> dict:
    addons = call.db.account_addons([row["i_account"]])
    return {"AccountInfo": product_account(row, addons[row["i_account"]])}


def _product(call: Call) -> sqlite3.Row:
    """The request's IProduct, or 404 when it is unknown or another reseller's (A2)."""
    product = call.db.product(call.i_reseller, call.int("IProduct"))
    if product is None:
        raise not_found(f"Product {call.int('IProduct')}")
    return product


def _customer_accounts(call: Call, i_products: list[int] | None = None, **filters) -> list:
    customer = call.customer()
    return call.db.accounts(call.i_reseller, i_customer=customer["i_customer"],
                            i_products=i_products, **filters)


def _account_assignments(call: Call, i_accounts: Iterable[int], *,
                         current_only: bool) -> dict:
    """ProductAddonsInfo of the add-ons assigned to these accounts (all must be in scope)."""
    i_accounts = [call.account(i)["i_account"] for i in i_accounts]
    assignments = call.db.account_addons(i_accounts, current_only=current_only)
    return {"ProductAddonsInfo": [assigned_addon(a) for i in i_accounts
                                  for a in assignments[i]]}


# -- add-ons --------------------------------------------------------------------------------------


def addons_for_product(call: Call) -> dict:
    """Add-ons that can be bought with product IProduct (same reseller and currency),
    optionally narrowed to names containing SearchString."""
    product = _product(call)
    return _addons(call.db.products(call.i_reseller, currency=product["currency"], addons=True,
                                    name_like=call.text("searchString")))


def all_addons_search(call: Call) -> dict:
    """Every add-on of the reseller whose name contains SearchString (IProduct must exist)."""
    _product(call)
    return _addons(call.db.products(call.i_reseller, addons=True,
                                    name_like=call.text("searchString")))


def addons_search(call: Call) -> dict:
    """With getAllProductAddons every matching add-on, otherwise those of IProduct."""
    if call.flag("getAllProductAddons"):
        return all_addons_search(call)
    return addons_for_product(call)


def addons_by_currency_search(call: Call) -> dict:
    call.customer()
    return _addons(call.db.products(call.i_reseller, currency=call.text("Currency"),
                                    addons=True, name_like=call.text("searchString")))


def purchased_addons(call: Call) -> dict:
    """Every add-on the account ever had, ended ones with their effective_to (A10)."""
    return _account_assignments(call, [call.int("IAccount")], current_only=False)


def assigned_addons(call: Call) -> dict:
    return _account_assignments(call, [call.int("IAccount")], current_only=True)


def addons_for_accounts(call: Call) -> dict:
    """POST /GetProductAddOnsForMultipleAccounts: current add-ons of every LstIAccounts entry."""
    return _account_assignments(call, call.request.get("LstIAccounts") or [],
                                current_only=True)


# -- products -------------------------------------------------------------------------------------


def all_products(call: Call) -> dict:
    """Main products and add-ons of the License's reseller (A9)."""
    return _products(call.db.products(call.i_reseller))


def products_by_currency(call: Call) -> dict:
    return _products(call.db.products(call.i_reseller, currency=call.text("Currency")))


def products_by_reseller(call: Call) -> dict:
    if call.int("ResellerID") != call.i_reseller:        # another reseller is "absent" (A2)
        raise not_found(f"Reseller {call.int('ResellerID')}")
    return products_by_currency(call)


def main_products_search(call: Call) -> dict:
    call.customer()
    return _products(call.db.products(call.i_reseller, currency=call.text("Currency"),
                                      addons=False, name_like=call.text("searchString")))


def admin_products_search(call: Call) -> dict:
    """POST /GetAdminProductsBySearchString: products whose name contains searchString (or
    SearchTerm / name)."""
    word = call.text("searchString") or call.text("SearchTerm") or call.text("name")
    return _products(call.db.products(call.i_reseller, name_like=word))


def products_by_ids_or_names(call: Call) -> dict:
    call.customer()
    ids = call.product_ids(call.text("MultipleProducts"))
    return _products(call.db.products(call.i_reseller, ids=ids))


def customer_products(call: Call) -> dict:
    """Products in use by the customer's open accounts: main products and assigned add-ons."""
    rows = _customer_accounts(call)
    ids = {row["i_product"] for row in rows}
    for assignments in call.db.account_addons(row["i_account"] for row in rows).values():
        ids.update(a["i_product"] for a in assignments)
    return _products(call.db.products(call.i_reseller, ids=sorted(ids)))


def products_list(call: Call) -> dict:
    """PortaProductInfo: one row per open account and its main product, restricted to
    accounts activated in [fromDate, ToDate) when filterByActivationDate is true."""
    start = parse_day_or_time("fromDate", call.text("fromDate"))
    end = parse_day_or_time("ToDate", call.text("toDate"), end=True)
    only_in_range = truthy(call.text("filterByActivationDate"))
    reseller = call.reseller
    products = {row["i_product"]: row for row in call.db.products(call.i_reseller)}
    rows = []
    for account in call.db.accounts(call.i_reseller):
        activated = account["activation_date"]
        if only_in_range and ((start is not None and activated < start)
                              or (end is not None and activated >= end)):
            continue
        product = products[account["i_product"]]
        rows.append({
            "reseller_ID": reseller["i_reseller"], "reseller": reseller["name"],
            "customer_ID": account["i_customer"], "customer": account["customer_name"],
            "activation_date": utc(activated), "product_ID": product["i_product"],
            "product": product["name"], "id": account["account_id"], "IService": 3,
            "i_subscription": product["i_subscription"],
            "Product_GroupName": product["product_group_name"],
            "Subscription_name": product["name"], "effective_from": utc(activated),
            "Subscription_Fees": product["subscription_fee"], "Currency": product["currency"],
            "IAccount": account["i_account"], "Price": product["maintenance_fee"],
            "Fee": product["maintenance_fee"], "Charge_type": "monthly",
            "LineIdentity": account["account_id"],
            "SubscriberName": " ".join(filter(None, (account["FirstName"],
                                                     account["LastName"]))),
        })
    return {"PortaProductInfo": rows}


def products_price_by_tenant(call: Call) -> dict:
    """Unreachable by its route (TenantID is not a Product member -> 400, A19); reached
    through /json/reply/Product it lists the catalogue."""
    return all_products(call)


# -- accounts -------------------------------------------------------------------------------------


def account_info_by_id(call: Call) -> dict:
    return _account_info(call, call.account_by_id(call.text("AccountID")))


def account_info_by_iaccount(call: Call) -> dict:
    return _account_info(call, call.account())


def product_accounts(call: Call) -> dict:
    """Open accounts of the reseller on main product IProduct."""
    product = _product(call)
    return _accounts(call, call.db.accounts(call.i_reseller, i_products=[product["i_product"]]))


def customer_accounts(call: Call) -> dict:
    """GET /GetAccounts/{License}/{ICustomer}: every open account with its add-ons (A11)."""
    return _accounts(call, _customer_accounts(call))


def customer_product_accounts(call: Call) -> dict:
    with_features = call.flag("GetAccountServiceFeatures")
    return _accounts(call, _customer_accounts(call, [call.int("IProduct")]),
                     with_features=with_features)


def customer_multi_product_accounts(call: Call) -> dict:
    """Accounts on any product MultipleProducts names (IDs or name parts, A21)."""
    with_features = call.flag("GetAccountServiceFeatures")
    ids = call.product_ids(call.text("MultipleProducts"))
    return _accounts(call, _customer_accounts(call, ids), with_features=with_features)


def customer_blocked_accounts(call: Call) -> dict:
    ids = call.product_ids(call.text("MultipleProducts"))
    blocked = True if call.flag("GetBlockedAccounts") else None
    return _accounts(call, _customer_accounts(call, ids, blocked=blocked))


def customer_paged_accounts(call: Call) -> dict:
    """PageNumber (1-based; 0 is the first page) of PageOffset accounts (0: all), filtered by
    SearchTerm on account ID, name or email.  NumberOfAccounts is the total match count."""
    customer = call.customer()
    filters = {"i_customer": customer["i_customer"],
               "i_products": call.product_ids(call.text("MultipleProducts")),
               "search": call.text("SearchTerm")}
    size = max(call.int("PageOffset"), 0)
    page = max(call.int("PageNumber"), 1)
    rows = call.db.accounts(call.i_reseller, **filters,
                            limit=size or None, offset=(page - 1) * size)
    return _accounts(call, rows, total=call.db.count_accounts(call.i_reseller, **filters))


def did_accounts(call: Call) -> dict:
    """The sandbox has no DID (phone number) accounts: an empty list for a known customer."""
    call.customer()
    return {"Accounts": [], "NumberOfAccounts": 0}


HANDLERS = {
    "/GetProductAddons/{License}/{IProduct}/{SearchString}": addons_for_product,
    "/GetProductAddons/{License}/{IProduct}": addons_for_product,
    "/GetPurchasedProductAddons/{License}/{IAccount}": purchased_addons,
    "/GetProductAddons/{License}/{IProduct}/{SearchString}/{getAllProductAddons}": addons_search,
    "/GetProducts/{License}/{Currency}": products_by_currency,
    "/GetProducts/{License}/{Currency}/{ShowAllResellerProducts}": products_by_currency,
    "/GetProductsByReseller/{License}/{Currency}/{ResellerID}": products_by_reseller,
    "/GetProductBySearch/{License}/{Currency}/{ICustomer}/{SearchString}": main_products_search,
    "/GetProductBySearch/{License}/{Currency}/{ICustomer}/{SearchString}/{isClonedEnabled}":
        main_products_search,
    "/GetProductAddonBySearch/{License}/{Currency}/{ICustomer}/{SearchString}/{getProductAddon}":
        addons_by_currency_search,
    "/GetProductsList/{License}/{fromDate}/{ToDate}/{filterByActivationDate}": products_list,
    "/getProductsPricebyTenantID/{License}/{TenantID}": products_price_by_tenant,
    "/GetAccountInfoByAccountId/{License}/{AccountID}": account_info_by_id,
    "/GetAccountInfoByIAccount/{License}/{IAccount}": account_info_by_iaccount,
    "/GetAccountInfoByIAccount/{License}/{IAccount}/{forBLF}": account_info_by_iaccount,
    "/GetCustomerProducts/{License}/{ICustomer}": customer_products,
    "/GetProductAccounts/{License}/{IProduct}": product_accounts,
    "/GetAccounts/{License}/{ICustomer}/{IProduct}": customer_product_accounts,
    "/GetAccountsServiceFeatures/{License}/{ICustomer}/{IProduct}/{GetAccountServiceFeatures}":
        customer_product_accounts,
    "/GetMultipleProductAccountsServiceFeatures/{License}/{ICustomer}/{MultipleProducts}"
    "/{GetAccountServiceFeatures}": customer_multi_product_accounts,
    "/GetMultipleProductAccountsbyProductSearchString/{License}/{ICustomer}/{MultipleProducts}"
    "/{GetAccountServiceFeatures}/{getservicefeaturesbyProdSS}": customer_multi_product_accounts,
    "/GetAccounts/{License}/{ICustomer}/{IProduct}/{Aliases}": customer_product_accounts,
    "/GetAccountsAliasesForMultipleProducts/{License}/{ICustomer}/{MultipleProducts}/{Aliases}":
        customer_multi_product_accounts,
    "/GetAccountsForMultipleProducts/{License}/{ICustomer}/{MultipleProducts}/{forACL}":
        customer_multi_product_accounts,
    "/GetAccountsForMultipleProducts/{License}/{ICustomer}/{MultipleProducts}":
        customer_multi_product_accounts,
    "/GetPagedAccountsForMultipleProducts/{License}/{ICustomer}/{MultipleProducts}/{PageNumber}"
    "/{PageOffset}/{SearchTerm}": customer_paged_accounts,
    "/GetCustomerAllAccountsByAdvSearchString/{License}/{ICustomer}/{MultipleProducts}"
    "/{getNonDIDAccbySearchTerm}": customer_multi_product_accounts,
    "/GetMultiProductAccountsbyProductSearchterm/{License}/{ICustomer}/{MultipleProducts}"
    "/{getNonDIDAccbySearchTerm}/{getaccountsforCLI}": customer_multi_product_accounts,
    "/GetMultiProductAccountsbyZTProductSearchterm/{License}/{ICustomer}/{MultipleProducts}"
    "/{getNonDIDAccbySearchTerm}/{getaccountsforCLI}/{getZTPAccounts}":
        customer_multi_product_accounts,
    "/GetAccountsForMultipleBlockedProducts/{License}/{ICustomer}/{MultipleProducts}"
    "/{GetBlockedAccounts}": customer_blocked_accounts,
    "/GetDIDAccountsForMultipleProducts/{License}/{ICustomer}/{MultipleProducts}/{GetDIDS}":
        did_accounts,
    "/GetDIDAccountsForMultipleProductsbySearchTerm/{License}/{ICustomer}/{MultipleProducts}"
    "/{GetDIDS}/{forProductSearchTerm}": did_accounts,
    "/GetCustomerAllDIDAccountsBySearchTerm/{License}/{ICustomer}/{MultipleProducts}/{GetDIDS}"
    "/{GetAccByProdSearchTerm}": did_accounts,
    "/GetProductsBySearchString/{License}/{ICustomer}/{MultipleProducts}/{getProductsbySearch}":
        products_by_ids_or_names,
    "/GetAdminProductsBySearchString": admin_products_search,
    "/GetCustomerAllDIDAccountsByIProduct/{License}/{ICustomer}/{MultipleProducts}/{GetDIDS}"
    "/{GetAccByIProduct}": did_accounts,
    "/GetDIDAccounts/{License}/{ICustomer}/{IProduct}/{GetDIDS}": did_accounts,
    "/GetAccounts/{License}/{ICustomer}": customer_accounts,
    "/GetProducts/{License}": all_products,
    "/GetAssignedProductAddOnstoAccount/{License}/{IAccount}/{getProductAddonFlag}":
        assigned_addons,
    "/GetProductAddOnsForMultipleAccounts": addons_for_accounts,
    "/GetCurrentActiveProductAddons/{License}/{IAccount}/{isActiveAddon}": assigned_addons,
    "/GetAllProductAddons/{License}/{IProduct}/{SearchString}/{isServiceEnabled}":
        all_addons_search,
}
