"""The custom routes the sandbox serves, as data: (verb, template, operation).

Transcribed from the metadata pages (API_FACTS.md §2.1-2.8 and the seed pages kept in
sandbox/reference/), in page order: where two templates have the same shape the first one
registered wins (ServiceStack's rule, §C.3, assumption A18), so the order matters.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_VARIABLE = re.compile(r"\{(\w+)(\*?)\}")


@dataclass(frozen=True)
class Route:
    verb: str
    template: str
    op: str

    @property
    def segments(self) -> tuple[str, ...]:
        return tuple(s for s in self.template.split("/") if s)

    @property
    def variables(self) -> tuple[str, ...]:
        """Route variable names in path order (a wildcard `{Name*}` gives `Name`)."""
        return tuple(m.group(1) for m in _VARIABLE.finditer(self.template))

    @property
    def wildcard(self) -> str | None:
        """Name of the trailing `{Name*}` variable, which may swallow zero or more segments."""
        for m in _VARIABLE.finditer(self.template):
            if m.group(2):
                return m.group(1)
        return None

    @property
    def is_write(self) -> bool:
        return self.template in WRITE_TEMPLATES


_TABLE: tuple[tuple[str, str, str], ...] = (
    # --- CustomerExtension (seed B: CustomerExtension.csv.txt)
    ("GET", "/GetUnavailableExtensions/{License}/{ICustomer}/{isUnavailable}", "CustomerExtension"),
    ("GET", "/GetCustomerExtensions/{License}/{ICustomer}", "CustomerExtension"),
    ("GET", "/GetCustomerExtensions/{License}/{ICustomer}/{IProducts}", "CustomerExtension"),
    ("GET", "/GetCustomerExtensionsActiveCalls/{License}/{ICustomer}/{GetActiveCalls}", "CustomerExtension"),
    ("GET", "/GetFilteringData/{License}/{ICustomer}/{IsFiltering}", "CustomerExtension"),
    ("GET", "/GetCustomerExtensionsActiveCalls/{License}/{ICustomer}/{GetActiveCalls}/{IProducts}", "CustomerExtension"),
    ("GET", "/DeleteCustomerExtension/{License}/{ICustomer}/{ExtensionRecordId}", "CustomerExtension"),
    ("GET", "/AddCustomerExtension/{License}/{ICustomer}/{Name}/{Id}/{IAccount}", "CustomerExtension"),
    ("GET", "/GetOnlineAccounts/{License}/{ICustomer}/{GetSipStatus}", "CustomerExtension"),
    ("GET", "/AddCustomerExtenGetIdentitysion/{License}/{ICustomer}/{Name}/{Id}/{IAccount}", "CustomerExtension"),
    ("GET", "/UpdateCustomerExtension/{License}/{ICustomer}/{ExtensionRecordId}/{Name}/{Id}/{IAccount}", "CustomerExtension"),
    # --- PortaCDR (seed C: PortaCDR.jsv.txt)
    ("GET", "/GetResellerCustomerCDRS/{License}/{ICustomer}/{FromDate}/{ToDate}/{IncludeSubcustomers}", "PortaCDR"),
    ("GET", "/GetResellerCustomerCDRS/{License}/{ICustomer}/{FromDate}/{ToDate}/{IncludeSubcustomers}/{IService}", "PortaCDR"),
    ("GET", "/getCustomerAccountCDRS/{License}/{ICustomer}/{FromDate}/{ToDate}/{IService}/{IncludeAccounts}", "PortaCDR"),
    ("GET", "/getCustomerAccountCDRS/{License}/{ICustomer}/{FromDate}/{ToDate}/{IncludeAccounts}/{GetOutgoingCalls}", "PortaCDR"),
    ("GET", "/getCustomerAccountCDRS/{License}/{ICustomer}/{FromDate}/{ToDate}/{IncludeAccounts}", "PortaCDR"),
    ("GET", "/getCustomerAccountBillingTimeCDRS/{License}/{ICustomer}/{FromDate}/{ToDate}/{IncludeAccounts}/{DisconnectTimeFilter}", "PortaCDR"),
    ("GET", "/GetCustomerResellerBillingTimeCDRS/{License}/{ICustomer}/{FromDate}/{ToDate}/{IncludeAccounts}/{DisconnectTimeResellerFilter}", "PortaCDR"),
    ("GET", "/getCustomerAccountCDRSWithOffset/{License}/{ICustomer}/{FromDate}/{ToDate}/{IncludeAccounts}/{GetOutgoingCalls}/{FetchRecordsUsingOffset}/{Offset}/{GetHuntGroupReports}/{Customer_Timezone}/{showcurrentperiod}", "PortaCDR"),
    ("GET", "/getAccountCDRSWithOffset/{License}/{IAccount}/{FromDate}/{ToDate}/{IncludeAccounts}/{GetOutgoingCalls}/{FetchRecordsUsingOffset}/{Offset}/{GetHuntGroupReports}/{Customer_Timezone}/{showcurrentperiod}", "PortaCDR"),
    ("GET", "/getCustomerAccountVoiceCalls/{License}/{ICustomer}/{FromDate}/{ToDate}/{IncludeAccounts}/{GetOutgoingCalls}/{GetAccountVoiceCalls}/{Customer_Timezone}", "PortaCDR"),
    ("GET", "/GetAccountCDRStatistics/{License}/{ICustomer}/{FromDate}/{ToDate}/{IncludeAccounts}/{GetOutgoingCalls}/{GetAccountVoiceCalls}/{getAccountSummary}/{i_product}", "PortaCDR"),
    ("GET", "/getCustomerAccountConnectedVoiceCalls/{License}/{ICustomer}/{FromDate}/{ToDate}/{IncludeAccounts}/{GetOutgoingCalls}/{GetAccountVoiceCalls}/{Customer_Timezone}/{GetConnectedCalls}", "PortaCDR"),
    ("GET", "/getCustomerCDRS/{License}/{ICustomer}/{FromDate}/{ToDate}/{IService}/{IncludeAccounts}", "PortaCDR"),
    ("GET", "/getCustomerAccountCDRS/{License}/{ICustomer}/{FromDate}/{ToDate}/{IService}/{IncludeAccounts}/{Csv}", "PortaCDR"),
    ("GET", "/getCDRS/Account/{License}/{IAccount}/{FromDate}/{ToDate}/{IService}", "PortaCDR"),
    ("GET", "/getCDRS/Account/{License}/{IAccount}/{FromDate}/{ToDate}", "PortaCDR"),
    ("GET", "/getOutgoingCDRS/{License}/{IAccount}/{FromDate}/{ToDate}/{GetOutgoingCalls}", "PortaCDR"),
    ("GET", "/getcustomexdrdownloadlink/{License}/{ICustomer}/{FromDate}/{ToDate}/{RetailXDRInfo}", "PortaCDR"),
    ("GET", "/getcustomerdidcharges/{License}/{FromDate}/{ToDate}", "PortaCDR"),
    # --- Product (seed D: Product.jsv.txt)
    ("GET", "/GetProductAddons/{License}/{IProduct}/{SearchString}", "Product"),
    ("GET", "/GetProductAddons/{License}/{IProduct}", "Product"),
    ("GET", "/GetPurchasedProductAddons/{License}/{IAccount}", "Product"),
    ("GET", "/GetProductAddons/{License}/{IProduct}/{SearchString}/{getAllProductAddons}", "Product"),
    ("GET", "/GetProducts/{License}/{Currency}", "Product"),
    ("GET", "/GetProducts/{License}/{Currency}/{ShowAllResellerProducts}", "Product"),
    ("GET", "/GetProductsByReseller/{License}/{Currency}/{ResellerID}", "Product"),
    ("GET", "/GetProductBySearch/{License}/{Currency}/{ICustomer}/{SearchString}", "Product"),
    ("GET", "/GetProductBySearch/{License}/{Currency}/{ICustomer}/{SearchString}/{isClonedEnabled}", "Product"),
    ("GET", "/GetProductAddonBySearch/{License}/{Currency}/{ICustomer}/{SearchString}/{getProductAddon}", "Product"),
    ("GET", "/GetProductsList/{License}/{fromDate}/{ToDate}/{filterByActivationDate}", "Product"),
    ("GET", "/getProductsPricebyTenantID/{License}/{TenantID}", "Product"),
    ("GET", "/GetAccountInfoByAccountId/{License}/{AccountID}", "Product"),
    ("GET", "/GetAccountInfoByIAccount/{License}/{IAccount}", "Product"),
    ("GET", "/GetAccountInfoByIAccount/{License}/{IAccount}/{forBLF}", "Product"),
    ("GET", "/GetCustomerProducts/{License}/{ICustomer}", "Product"),
    ("GET", "/GetProductAccounts/{License}/{IProduct}", "Product"),
    ("GET", "/GetAccounts/{License}/{ICustomer}/{IProduct}", "Product"),
    ("GET", "/GetAccountsServiceFeatures/{License}/{ICustomer}/{IProduct}/{GetAccountServiceFeatures}", "Product"),
    ("GET", "/GetMultipleProductAccountsServiceFeatures/{License}/{ICustomer}/{MultipleProducts}/{GetAccountServiceFeatures}", "Product"),
    ("GET", "/GetMultipleProductAccountsbyProductSearchString/{License}/{ICustomer}/{MultipleProducts}/{GetAccountServiceFeatures}/{getservicefeaturesbyProdSS}", "Product"),
    ("GET", "/GetAccounts/{License}/{ICustomer}/{IProduct}/{Aliases}", "Product"),
    ("GET", "/GetAccountsAliasesForMultipleProducts/{License}/{ICustomer}/{MultipleProducts}/{Aliases}", "Product"),
    ("GET", "/GetAccountsForMultipleProducts/{License}/{ICustomer}/{MultipleProducts}/{forACL}", "Product"),
    ("GET", "/GetAccountsForMultipleProducts/{License}/{ICustomer}/{MultipleProducts}", "Product"),
    ("GET", "/GetPagedAccountsForMultipleProducts/{License}/{ICustomer}/{MultipleProducts}/{PageNumber}/{PageOffset}/{SearchTerm}", "Product"),
    ("GET", "/GetCustomerAllAccountsByAdvSearchString/{License}/{ICustomer}/{MultipleProducts}/{getNonDIDAccbySearchTerm}", "Product"),
    ("GET", "/GetMultiProductAccountsbyProductSearchterm/{License}/{ICustomer}/{MultipleProducts}/{getNonDIDAccbySearchTerm}/{getaccountsforCLI}", "Product"),
    ("GET", "/GetMultiProductAccountsbyZTProductSearchterm/{License}/{ICustomer}/{MultipleProducts}/{getNonDIDAccbySearchTerm}/{getaccountsforCLI}/{getZTPAccounts}", "Product"),
    ("GET", "/GetAccountsForMultipleBlockedProducts/{License}/{ICustomer}/{MultipleProducts}/{GetBlockedAccounts}", "Product"),
    ("GET", "/GetDIDAccountsForMultipleProducts/{License}/{ICustomer}/{MultipleProducts}/{GetDIDS}", "Product"),
    ("GET", "/GetDIDAccountsForMultipleProductsbySearchTerm/{License}/{ICustomer}/{MultipleProducts}/{GetDIDS}/{forProductSearchTerm}", "Product"),
    ("GET", "/GetCustomerAllDIDAccountsBySearchTerm/{License}/{ICustomer}/{MultipleProducts}/{GetDIDS}/{GetAccByProdSearchTerm}", "Product"),
    ("GET", "/GetProductsBySearchString/{License}/{ICustomer}/{MultipleProducts}/{getProductsbySearch}", "Product"),
    ("POST", "/GetAdminProductsBySearchString", "Product"),
    ("GET", "/GetCustomerAllDIDAccountsByIProduct/{License}/{ICustomer}/{MultipleProducts}/{GetDIDS}/{GetAccByIProduct}", "Product"),
    ("GET", "/GetDIDAccounts/{License}/{ICustomer}/{IProduct}/{GetDIDS}", "Product"),
    ("GET", "/GetAccounts/{License}/{ICustomer}", "Product"),
    ("GET", "/GetProducts/{License}", "Product"),
    ("GET", "/GetAssignedProductAddOnstoAccount/{License}/{IAccount}/{getProductAddonFlag}", "Product"),
    ("POST", "/GetProductAddOnsForMultipleAccounts", "Product"),
    ("GET", "/GetCurrentActiveProductAddons/{License}/{IAccount}/{isActiveAddon}", "Product"),
    ("GET", "/GetAllProductAddons/{License}/{IProduct}/{SearchString}/{isServiceEnabled}", "Product"),
    # --- CreateAccount (seed E: CreateAccount.xml.txt)
    ("POST", "/CreateAccounts", "CreateAccount"),
    # --- UpdateAccount (§2.2)
    ("POST", "/UpdateAccount", "UpdateAccount"),
    ("POST", "/UpdateAccountByProductAddons/{License}", "UpdateAccount"),
    ("POST", "/UpdateDisplayName", "UpdateAccount"),
    # --- GetAccount (§2.3)
    ("GET", "/GetAccountByIAccount/{License}/{IAccount}", "GetAccount"),
    ("POST", "/GetAccountsByAccountIDs", "GetAccount"),
    ("GET", "/GetAccountByICustomer/{License}/{ICustomer}", "GetAccount"),
    ("GET", "/GetAccountByICustomerIProduct/{License}/{ICustomer}/{IProduct}/{getbyIprod}", "GetAccount"),
    ("GET", "/GetAccountByICustomerProductSS/{License}/{ICustomer}/{ProductSearchterm}/{getbySearchTerm}", "GetAccount"),
    ("GET", "/GetAccountByAccountLogin/{License}/{Login}/{Password}", "GetAccount"),
    ("POST", "/GetAccount", "GetAccount"),
    ("GET", "/GetAccountByAccountID/{License}/{AccountID}", "GetAccount"),
    ("GET", "/GetAccountByICustomer/{License}/{ICustomer}/{forHuntgroups}", "GetAccount"),
    # --- PortaAccountInfo (§2.4)
    ("GET", "/GetAccountBalance/{License}/{IAccount}", "PortaAccountInfo"),
    ("GET", "/GetAccountDetails/{License}/{AccountID}", "PortaAccountInfo"),
    ("GET", "/GetAccountDetailsByIaccount/{License}/{IAccount}", "PortaAccountInfo"),
    # --- ActiveCalls (§2.8, seed A)
    ("GET", "/GetActiveCallsEnvironment/{License}/{ShowVendors*}", "ActiveCalls"),
    ("GET", "/GetActiveCallsStemPro/{License}/{FromStemPro}", "ActiveCalls"),
    ("POST", "/GetActiveCallsStemProCalls", "ActiveCalls"),
    ("GET", "/GetActiveCallsCustomer/{License}/{ICustomer}", "ActiveCalls"),
    ("GET", "/GetActiveCallsReseller/{License}", "ActiveCalls"),
    ("GET", "/GetActiveCallsAccount/{License}/{IAccount}", "ActiveCalls"),
    # --- PortaCustomerInfo (§2.12): the customer lists only
    ("GET", "/GetCustomersShortInfo/{License}", "PortaCustomerInfo"),
    ("GET", "/GetCustomersShortInfo/{License}/{SearchString}/{IParent}", "PortaCustomerInfo"),
    # --- CustomerSite (§2.11): the read routes only
    ("GET", "/GetCustomerSites/{License}/{i_customer}/{get_service_features}", "CustomerSite"),
    ("GET", "/GetCustomerSiteInfo/{License}/{i_customer}/{i_customer_site}", "CustomerSite"),
)

# Routes that change state, GET ones included (A13): never retried blindly, counted as writes.
WRITE_TEMPLATES = frozenset({
    "/CreateAccounts",
    "/UpdateAccount",
    "/UpdateAccountByProductAddons/{License}",
    "/UpdateDisplayName",
    "/AddCustomerExtension/{License}/{ICustomer}/{Name}/{Id}/{IAccount}",
    "/UpdateCustomerExtension/{License}/{ICustomer}/{ExtensionRecordId}/{Name}/{Id}/{IAccount}",
    "/DeleteCustomerExtension/{License}/{ICustomer}/{ExtensionRecordId}",
})

ROUTES: tuple[Route, ...] = tuple(Route(*row) for row in _TABLE)

# The operations the sandbox implements; each has the response DTO `<Op>Response`.
OPERATIONS: tuple[str, ...] = tuple(dict.fromkeys(route.op for route in ROUTES))

# Operations whose one request writes a list of items: the `partial` fault applies to them.
BATCH_WRITE_OPS = frozenset({"CreateAccount", "UpdateAccount"})


def routes_of(op: str) -> tuple[Route, ...]:
    return tuple(route for route in ROUTES if route.op == op)
