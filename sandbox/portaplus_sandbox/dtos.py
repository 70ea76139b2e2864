"""Schema of every DTO the sandbox speaks (request, response and nested types).

Source: API_FACTS.md §1-2 and the five seed metadata pages in sandbox/reference/ (the seeds
win on member names and order).  Each type is declared once with ``dto(name, namespace, members...)``
where a member is ``"Name:type"`` or ``"Name:type=default"`` (a constructor default the
metadata sample reveals, §1.8).  Members are listed in declaration order, which is the
JSON/JSV/CSV wire order; XML order is derived (see ``Dto.xml_members``).

Type grammar: ``string int long decimal bool DateTime``, an enum name from ``ENUMS``,
``List<T>``, ``Dict<K,V>``, or another DTO name.  The facts' ``num`` is written ``decimal``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import NamedTuple

_DC = "http://schemas.datacontract.org/2004/07/"
NS_DTO = _DC + "PortaPlus2.API.Web.Dto"
NS_COMMON = _DC + "PortaPlus2.Common.Models"
NS_DATA = _DC + "PortaPlus2.API.Data.Models"
NS_PORTA = _DC + "PortaPlus2.API.Data.Models.Porta"
NS_SERVICESTACK = "http://schemas.servicestack.net/types"
NS_ARRAYS = "http://schemas.microsoft.com/2003/10/Serialization/Arrays"
NS_XSI = "http://www.w3.org/2001/XMLSchema-instance"

SCALARS = frozenset({"string", "int", "long", "decimal", "bool", "DateTime"})

# Enum members.  Only BillingModel's full list is an assumption we made (A20); of the others
# the pages show one member each (§C.9), so they are "open": any name is accepted as-is.
ENUMS: dict[str, tuple[str, ...]] = {
    "BillingModel": ("ReChargeVoucher", "DebitAccount", "CreditAccount",
                     "AlienDebitAccount", "AlienCreditAccount", "Beneficiary"),
    "RTPProxy": ("Direct",),
    "DefaultAnsweringMode": ("Reject",),
}
OPEN_ENUMS = frozenset({"RTPProxy", "DefaultAnsweringMode"})


class TypeRef(NamedTuple):
    """A parsed member type: kind is scalar | enum | list | dict | dto."""
    kind: str
    name: str                       # scalar/enum/dto name; "List"/"Dict" for containers
    args: tuple["TypeRef", ...] = ()


def parse_type(spec: str) -> TypeRef:
    spec = spec.strip()
    if spec.startswith("List<") and spec.endswith(">"):
        return TypeRef("list", "List", (parse_type(spec[5:-1]),))
    if spec.startswith("Dict<") and spec.endswith(">"):
        inner = spec[5:-1]
        depth = 0
        for i, ch in enumerate(inner):      # split at the top-level comma only
            depth += ch == "<"
            depth -= ch == ">"
            if ch == "," and depth == 0:
                return TypeRef("dict", "Dict", (parse_type(inner[:i]), parse_type(inner[i + 1:])))
        raise ValueError(f"bad Dict type {spec!r}")
    if spec in SCALARS:
        return TypeRef("scalar", spec)
    if spec in ENUMS:
        return TypeRef("enum", spec)
    return TypeRef("dto", spec)


@dataclass(frozen=True)
class Dto:
    name: str
    namespace: str
    own: tuple[tuple[str, str], ...]            # the class's own members, declared order
    inherited: tuple[tuple[str, str], ...] = ()  # base-class members (written last except in XML)
    defaults: dict[str, object] = field(default_factory=dict)
    xml_declared_order: bool = False             # [DataMember(Order=n)] types keep declared order

    @property
    def members(self) -> tuple[tuple[str, str], ...]:
        """(name, type) in JSON/JSV/CSV order: own members, then inherited ones (§C.10)."""
        return self.own + self.inherited

    @property
    def xml_members(self) -> tuple[tuple[str, str], ...]:
        """DataContractSerializer order: base class first, each class's members sorted
        ordinally (§C.10; the seeds confirm ordinal order, e.g. ``ConnectTime < Connect_time``)."""
        if self.xml_declared_order:
            return self.inherited + self.own
        return tuple(sorted(self.inherited)) + tuple(sorted(self.own))

    def type_of(self, member: str) -> TypeRef:
        return parse_type(dict(self.members)[member])


DTOS: dict[str, Dto] = {}

COMMON = ("License:string", "ContentId:int", "FeatureName:string")   # §1.2 / §1.4


def _split(spec: str) -> tuple[str, str, object]:
    name, _, rest = spec.partition(":")
    typ, has_default, default = rest.partition("=")
    value: object = default
    if has_default and typ.strip() == "bool":
        value = default == "True"
    return name.strip(), typ.strip(), value if has_default else None


def dto(name: str, namespace: str, *members: str, base: tuple[str, ...] = (),
        xml_declared_order: bool = False) -> Dto:
    own, inherited, defaults = [], [], {}
    for target, specs in ((own, members), (inherited, base)):
        for spec in specs:
            member, typ, default = _split(spec)
            target.append((member, typ))
            if default is not None:
                defaults[member] = default
    DTOS[name] = Dto(name, namespace, tuple(own), tuple(inherited), defaults, xml_declared_order)
    return DTOS[name]


def op(name: str, *members: str) -> Dto:
    """A top-level request or response DTO (ns Web.Dto) inheriting License/ContentId/FeatureName."""
    return dto(name, NS_DTO, *members, base=COMMON)


response = op


_ADDRESS = ("Address1:string", "Address2:string", "Address3:string", "Address4:string",
            "Town:string", "Region:string", "City:string", "Postcode:string")

# --- ServiceStack's own error types (§C.6): [DataMember(Order=n)], so XML keeps this order.
dto("ErrorResponse", NS_SERVICESTACK, "ResponseStatus:ResponseStatus", xml_declared_order=True)
dto("ResponseStatus", NS_SERVICESTACK, "ErrorCode:string", "Message:string", "StackTrace:string",
    "Errors:List<ResponseError>", xml_declared_order=True)
dto("ResponseError", NS_SERVICESTACK, "ErrorCode:string", "FieldName:string", "Message:string",
    xml_declared_order=True)

# --- shared nested types
dto("PortaServiceFeature", NS_COMMON, "Name:string", "FlagValue:string",
    "ServiceAttributes:Dict<string,List<string>>")
dto("AddonInfo", NS_DATA,
    "IProduct:int", "Name:string", "MaintanenceFee:decimal", "IProductGroup:int",
    "Description:string", "i_subscription:int", "Subscription_Fees:decimal", "Currency:string",
    "IAccount:int", "effective_from:DateTime", "effective_to:DateTime", "IAccountProductAddOn:int",
    "Product_Group_Name:string", "IAddonProduct:int", "effective_from_ProductAddon:DateTime",
    "effective_to_ProductAddon:DateTime", "ProductAddon:string")
_ACTIVE_CALL = (
    "IEnv:int", "CLI:string", "CLD:string", "AccountID:string", "Connect_time:DateTime",
    "Disconnect_time:DateTime", "ICustomer:int", "CallId:string", "IAccount:int", "noofcalls:int",
    "DurationMins:string", "CallType:string", "VendorId:int", "VendorName:string",
    "ConnectionName:string", "IConnection:int", "GatewayId:string", "IDialRuleCld:int",
    "TrRuletoLocal:string", "product:string", "Note:string", "SubscriberFName:string",
    "SubscriberLName:string", "ExtensionNumber:string")
dto("PortaActiveCalls", NS_PORTA, *_ACTIVE_CALL)
# The XML seed sorts the three extra members among the others, so it is not a subclass; their
# JSON position is cut from the pages -> assumed after PortaActiveCalls' members.
dto("AccountActiveCalls", NS_PORTA, *_ACTIVE_CALL,
    "ConnectTime:string", "DisconnectTime:string", "call_id:string")

# --- 2.1 CreateAccount
op("CreateAccount", "AccountRequest:AccountRequest")
dto("AccountRequest", NS_COMMON,
    "ICustomer:int", "AccountsToCreate:List<AccountInformation>", "DefaultValues:AccountDefaults",
    "AccountPrefix:string", "AccountRandomDigitLength:int", "CustomerLogin:string",
    "SiteType:string", "CustomerPassword:string", "AccountId:string", "SIPContact:string")
dto("AccountInformation", NS_COMMON,
    "Index:int", "Extension:string", "ISubscription:int", "Password:string", "AcntId:string",
    "FirstName:string", "LastName:string", "Email:string", "ActivationDate:string", "Label:string")
dto("AccountDefaults", NS_COMMON,
    "BillingModel:BillingModel", "ITariff:int", "BatchNamePrefix:string", "LifeTime:int",
    "ProductId:int", "ITimeZone:int", "IVRLanguage:string", "ServiceFlags:string",
    "CreditLimit:decimal", "UmEnabled:bool", "FollowMeEnabled:bool", "EcommerceEnabled:bool",
    "OutDateTimeFormat:string", "BCC:string", "IRoutingPlan:int", "RTPProxy:RTPProxy",
    "ServiceFeatures:List<PortaServiceFeature>", "IParent:int",
    "DefaultAnsweringMode:DefaultAnsweringMode")
response("CreateAccountResponse",
         "Index:int", "Extension:string", "ISubscription:int", "Password:string", "IAccount:int",
         "ID:string", "AccLogin:string", "AccPassword:string", "FirstName:string",
         "LastName:string", "Email:string", "Label:string")

# --- 2.2 UpdateAccount
op("UpdateAccount",
   "Accounts:List<PortaAccount>", "updateServiceFeature:bool", "isPortingAccount:bool",
   "isDistinctiveRing:bool", "updateSFfromv2:bool", "Identity:string",
   "AccountInfo:AccountDisplayInfo", "updateAccountActivation:bool", "updateVoiceDialing:bool",
   "translateIncomingCLI:bool")
dto("PortaAccount", NS_COMMON,
    "Id:string", "IAccount:int", "ICustomer:int", "BillingModel:BillingModel", "ISO4217:string",
    "Balance:decimal", "UILogin:string", "UIPassword:string", "VoipPassword:string",
    "Blocked:bool", "MapBlocked:string", "CreditLimit:decimal", "UMEnabled:bool", "Email:string",
    "BCC:string", "Phone1:string", "Phone2:string", "Contact1:string", "Contact2:string",
    "Address:string", "CompanyName:string", "BillStatus:string", "IParent:int",
    "Servicefeatures:List<PortaServiceFeature>", "FollowMeEnabled:string=F", "IRoutingPlan:int",
    "IVDPlan:int", "IProduct:int", "BatchNamePrefix:string", "IBatch:int", "Note:string",
    "Company:string", "Name:string", "FirstName:string", "MiddleInitials:string",
    "LastName:string", *_ADDRESS, "Login:string",
    "Password:string", "Country:string", "PhoneNo:string", "IEnv:int", "Salutation:string",
    "Fax:string", "ISubscriber:int", "State:string", "i_product:int",
    "assigned_addons:List<AssignedAddon>", "i_moh:int", "UpdateAnsweringMode:bool",
    "AnsweringMode:AnsweringMode", "EnpointRedirection:string", "SipContact:string",
    "TeamsDomain:string", "ICustomerSite:int", "activationDate:string")
# Type names AssignedAddon / AnsweringMode / AccountDisplayInfo are ours (pages show no name).
dto("AssignedAddon", NS_COMMON, "IProduct:int", "Name:string")
dto("AnsweringMode", NS_COMMON, "AnswerMode:string", "timeout:string")
dto("AccountDisplayInfo", NS_COMMON, "DisplayName:string", "i_account:int")
response("UpdateAccountResponse", "Success:bool")        # assumption A4

# --- 2.3 GetAccount
op("GetAccount",
   "Login:string", "Password:string", "ICustomer:int", "IAccount:int", "AccountID:string",
   "accounts:List<AccountDetails>", "getbyIprod:bool", "getbySearchTerm:bool",
   "IProduct:string", "ProductSearchterm:string", "forHuntgroups:bool")
dto("AccountDetails", NS_COMMON,
    "Login:string", "Password:string", "ICustomer:int", "IAccount:int", "AccountID:string")
response("GetAccountResponse", "Accounts:List<AccountRecord>")
dto("AccountRecord", NS_DATA,
    "Id:string", "AccountId:string", "IAccount:int", "ICustomer:int", "redirect_number:string",
    "DestinationName:string", "active:string", "account_dr_active:string",
    "BillingModel:BillingModel", "ISO4217:string", "Balance:decimal", "Blockedfield:string",
    "Blocked:bool", "UMEnabledfield:string", "UMEnabled:bool", "IParent:int", "UILogin:string",
    "UIPassword:string", "VoipPassword:string", "CreditLimit:decimal", "IProduct:int",
    "BatchNamePrefix:string", "IBatch:int", "IRoutingPlan:int", "IEnv:int", "Email:string",
    "BCC:string", "Phone1:string", "Phone2:string", "Contact1:string", "Contact2:string",
    "Address:string", "CompanyName:string", "BillStatus:string", "FollowMeEnabled:string",
    "ServiceFlags:string", "IVDPlan:int", "Note:string", "Company:string", "Name:string",
    "FirstName:string", "MiddleInitials:string",
    # after MiddleInitials the page is cut; these follow the LocalNumber page (§2.3)
    "LastName:string", *_ADDRESS, "Country:string",
    # sandbox extensions (not on any page; the server needs them, cf. ProductAccount)
    "ActiveAddons:List<AddonInfo>", "ProductName:string", "ExtensionNumber:string")

# --- 2.4 PortaAccountInfo
op("PortaAccountInfo", "IAccount:int", "AccountID:string")
response("PortaAccountInfoResponse",
         "AvailableBalance:decimal", "AccountCustomerDetails:AccountCustomerDetails")
dto("AccountCustomerDetails", NS_DATA,
    *(f"{n}:string" for n in (
        "CustomerName", "CustomerFirstName", "CustomerLastName", "CustomerAddress",
        "CustomerAddress1", "CustomerAddress2", "CustomerAddress3", "CustomerCity",
        "CustomerPostcode", "CustomerCompany", "CustomerCountry", "CustomerEmail",
        "CustomerPhoneNo", "AccountName", "AccountFirstName", "AccountLastName", "AccountAddress",
        "AccountAddress1", "AccountAddress2", "AccountAddress3", "AccountCity", "AccountPostcode",
        "AccountSalutation", "AccountEmail", "AccountLogin", "AccountPassword", "AccountCompany",
        "AccountCountry", "AccountContact1", "AccountContact2", "AccountBCC", "AccountPhoneNo1",
        "AccountPhoneNo2", "AccountFax")),
    "IEnv:int", "AccountState:string", "Note:string", "ICustomer:int")

# --- 2.5 Product (seed D)
op("Product",
   "Currency:string", "ICustomer:int", "IProduct:int", "GetDIDS:bool", "Aliases:bool",
   "MultipleProducts:string", "GetAccountServiceFeatures:bool", "getservicefeaturesbyProdSS:bool",
   "GetBlockedAccounts:bool", "AccountID:string", "IAccount:int", "ShowAllResellerProducts:bool",
   "ResellerID:int", "searchString:string", "name:string", "IService:int",
   "filterByActivationDate:string", "fromDate:string", "toDate:string", "getProductAddonFlag:bool",
   "getProductAddon:bool", "isClonedEnabled:bool", "GetAccByProdSearchTerm:bool",
   "GetAccByIProduct:bool", "getNonDIDAccbySearchTerm:bool", "getProductsbySearch:bool",
   "getaccountsforCLI:bool", "forProductSearchTerm:bool", "isActiveAddon:bool",
   "getAllProductAddons:bool", "isServiceEnabled:bool", "forACL:bool", "forBLF:bool",
   "LstIAccounts:List<int>", "PageNumber:int", "PageOffset:int", "SearchTerm:string",
   "getZTPAccounts:bool")
response("ProductResponse",
         "PortaProducts:List<ProductInfo>", "Accounts:List<ProductAccount>",
         "AccountInfo:ProductAccount", "PortaProductInfo:List<PortaProductInfo>",
         "ProductAddonsInfo:List<AddonInfo>", "NumberOfAccounts:int")
dto("ProductInfo", NS_DATA,
    "IProduct:int", "Name:string", "MaintanenceFee:decimal", "IProductGroup:int",
    "Description:string", "EndUserProductName:string", "addon_priority:int")
dto("ProductAccount", NS_DATA,
    "AccountId:string", "IAccount:int", "i_c_ext:int", "ICustomer:int", "redirect_number:string",
    "DestinationName:string", "BillingModel:BillingModel", "ISO4217:string", "Balance:decimal",
    "Blockedfield:string", "Blocked:bool", "UMEnabled:string", "IMasterAccount:int",
    "UILogin:string", "UIPassword:string", "VoipPassword:string", "SIPPassword:string",
    "CreditLimit:decimal", "IProduct:int", "BatchNamePrefix:string", "IBatch:int",
    "IRoutingPlan:int", "IEnv:int", "Email:string", "customUrl:string",
    "currentProfileImage:string", "Phone1:string", "Address:string", "CompanyName:string",
    "BillStatus:string", "FollowMeEnabled:string", "ServiceFlags:string", "IVDPlan:int",
    "Note:string", "subscribername:string", "SubscriberFName:string", "SubscriberLName:string",
    "Company:string", "Name:string", "FirstName:string", "MiddleInitials:string",
    "LastName:string", *_ADDRESS, "Country:string", "Phone2:string", "PhoneNo:string",
    "Salutation:string", "Fax:string", "availableBalance:decimal", "hideCLI:bool",
    "DefaultValidIdentity:string", "ServiceFeatures:List<AccountServiceFeature>",
    "ProductName:string", "i_ua:int", "i_ua_type:int", "Type:string", "ExtensionNumber:string",
    "fullname:string", "ActiveAddons:List<AddonInfo>", "ICustomerSite:int",
    "MainProductName:string", "custom:bool", "templateID:int", "template:string",
    "GlobalTemplate:string", "isGlobalTemplate:bool", "HGInfo:List<HuntGroup>", "i_c_group:int",
    "VoiceDialing:bool", "TranslateIncomingCLI:bool", "activation_date:DateTime",
    "last_usage:DateTime", "first_usage_time:DateTime", "issue_date:DateTime",
    "inactivity_expire_time:int")
dto("AccountServiceFeature", NS_DATA,
    "ServiceFeatureName:string", "ServiceAttributeName:string", "ServiceAttributeId:int",
    "ServiceAttributeValue:string")
dto("HuntGroup", NS_DATA,
    "i_c_group:int", "ActivationDate:DateTime", "i_customer:int", "IAccount:int",
    "i_customerSpecified:bool", "name:string", "fullname:string", "hunt_sequence:string",
    "hunt_keep_original_cli:string", "i_c_ext:int", "hunt_active:string", "id:string",
    "pickup_allowed:string", "assigned_extensions:List<HuntGroupExtension>")
dto("HuntGroupExtension", NS_DATA,
    "i_cg_ext:int", "i_cg_extSpecified:bool", "i_c_ext:int", "i_c_extSpecified:bool",
    "type:string", "id:string", "name:string", "hunt_order:int", "hunt_delay:int",
    "hunt_expire:int", "hunt_active:string", "huntstop:string", "primary_group:string",
    "IAccount:int")
dto("PortaProductInfo", NS_DATA,
    "reseller_ID:int", "reseller:string", "subreseller_ID:int", "subreseller:string",
    "customer_ID:int", "customer:string", "activation_date:DateTime", "product_ID:int",
    "product:string", "id:string", "IService:int", "Account_Subscription:int",
    "i_subscription:int", "Product_GroupName:string", "Subscription_name:string",
    "effective_from:DateTime", "effective_to:DateTime", "Subscription_Fees:decimal",
    "Currency:string", "IAccount:int", "Price:decimal", "TerminationDate:DateTime",
    "Fee:decimal", "Charge_type:string", "LineIdentity:string", "BillStart:DateTime",
    "BillEnd:DateTime", "Licence_Name:string", "SubscriberName:string")

# --- 2.6 CustomerExtension (seed B)
op("CustomerExtension",
   "ICustomer:int", "Name:string", "Id:string", "ExtensionRecordId:int", "IAccount:int",
   "IProducts:string", "GetActiveCalls:bool", "IsFiltering:bool", "GetSipStatus:bool",
   "isUnavailable:bool")
response("CustomerExtensionResponse",
         "lstportaActiveCalls:List<PortaActiveCalls>", "ExtensionLst:List<CustExt>",
         "Extension:CustExt", "ExtensionDeleted:bool",
         "ExtensionsActiveCalls:List<ExtensionActiveCalls>")
dto("CustExt", NS_DATA,
    "i_c_ext:int", "id:string", "name:string", "i_account:int", "account_id:string",
    "firstname:string", "lastname:string", "Note:string", "ProductName:string",
    "PhoneNumber:string")
dto("ExtensionActiveCalls", NS_DATA,
    "i_c_ext:int", "id:string", "name:string", "i_account:int", "account_id:string",
    "firstname:string", "lastname:string", "noofcalls:int", "activecall:bool=True",
    "NetThroughput:decimal", "note:string", "SiteName:string", "i_customer_site:int",
    "IAccount:int", "Email:string", "CLD:string", "CLI:string", "DefaultValidIdentity:string",
    "callToJoin:bool", "accountToJoin:string", "i_customer:int", "notInGroup:bool",
    "profile_url:string")

# --- 2.7 PortaCDR (seed C)
op("PortaCDR",
   "FromDate:string", "ToDate:string", "ICustomer:int", "IAccount:int", "IService:int",
   "IncludeAccounts:bool", "Csv:bool", "RetailXDRInfo:bool", "IncludeSubcustomers:bool",
   "GetOutgoingCalls:bool", "FetchRecordsUsingOffset:bool", "Offset:int",
   "GetAccountVoiceCalls:bool", "GetHuntGroupReports:bool", "DisconnectTimeFilter:string",
   "DisconnectTimeResellerFilter:string", "Customer_Timezone:string", "showcurrentperiod:bool",
   "GetConnectedCalls:bool", "getAccountSummary:bool", "i_product:string")
response("PortaCDRResponse",
         "TotalCalls:int", "NextOffset:int", "PortaCustomerCDRS:List<CustomerCDR>",
         "PortaAccountCDRS:List<AccountCDR>", "lstPortaCustomerAccountCDRS:List<CustAcctCDR>",
         "lstPortaResellerSubscriptions:List<ResellerSubscriptionCDR>",
         "DictPortaCustomerAccountCDRS:Dict<string,List<CustAcctCDR>>",
         "ConnectedCallDataRecords:Dict<string,List<ConnCDR>>",
         "ConnectedCallsRecords:Dict<string,List<ConnectedCallGroup>>",
         "XDRSInfo:List<XDRInfo>", "DateRanges:List<DateRange>", "TotalUsage:TotalUsage",
         "AccountStatisticsSummary:Dict<string,List<AccountSummary>>")
dto("CustomerCDR", NS_PORTA,
    "ID:int", "IEnv:int", "CLI:string", "CLD:string", "Connect_time:DateTime",
    "Disconnect_time:DateTime", "Bill_time:DateTime", "ICustomer:int", "IDest:int",
    "Charged_Quantity:decimal", "Charged_Amount:decimal", "CallId:string", "IService:int",
    "BitFlags:int")
dto("AccountCDR", NS_PORTA,
    "ID:int", "IEnv:int", "CLI:string", "CLD:string", "AccountID:string",
    "Connect_time:DateTime", "Disconnect_time:DateTime", "Bill_time:DateTime", "ICustomer:int",
    "IDest:int", "Charged_Quantity:decimal", "Charged_Amount:decimal", "CallId:string",
    "IAccount:int", "IService:int", "BitFlags:int", "Ratting_Pattern:string", "CallType:string",
    "h323_conf_id:string", "Used_Quantity:decimal", "failed:bool")
dto("CustAcctCDR", NS_PORTA,
    "Rank:int", "h323_conf_id:string", "h323_incoming_conf_id:string", "ID:int", "IEnv:int",
    "CLI:string", "CLD:string", "AccountID:string", "Connect_time:DateTime",
    "Disconnect_time:DateTime", "connect_datetime:string", "disconnect_datetime:string",
    "Bill_time:DateTime", "ICustomer:int", "IDest:int", "Charged_Quantity:decimal",
    "Charged_Amount:decimal", "CallId:string", "IAccount:int", "ServiceName:string",
    "BitFlags:int", "DisconnectCause:int", "ServiceFlags:string", "History:string",
    "IService:int", "CallType:string", "RatingPattern:string", "Used_Quantity:decimal",
    "HuntGroupName:string", "AgentExtension:string", "CallTime:int", "HoldTime:string")
dto("ResellerSubscriptionCDR", NS_PORTA,
    "ID:int", "IEnv:int", "CLI:string", "CLD:string", "AccountID:string",
    "Connect_time:DateTime", "Disconnect_time:DateTime", "Bill_time:DateTime", "ICustomer:int",
    "IDest:int", "Charged_Quantity:decimal", "Used_Quantity:decimal", "Charged_Amount:decimal",
    "CallId:string", "IAccount:int", "ServiceName:string", "BitFlags:int", "DisconnectCause:int",
    "ServiceFlags:string", "History:string", "IService:int", "Count:int",
    "SubscriptionName:string", "TotalChargedAmount:decimal", "IParent:int")
dto("ConnCDR", NS_PORTA,
    "groupid:int", "rank:int", "h323_conf_id:string", "h323_incoming_conf_id:string",
    "AccountID:string", "CLI:string", "CLD:string", "CallId:string", "CallId_1:string",
    "BitFlags:int", "Connect_time:DateTime", "Disconnect_time:DateTime", "bill_time:DateTime",
    "ServiceName:string")
dto("ConnectedCallGroup", NS_PORTA, "GroupID:int", "CDRS:List<ConnCDR>")
dto("XDRInfo", NS_PORTA,
    "i_xdr:int", "i_xdrSpecified:bool", "i_service:int", "i_serviceSpecified:bool",
    "i_dest:int", "i_destSpecified:bool", "account_id:string", "CLI:string", "CLD:string",
    "charged_amount:decimal", "charged_amountSpecified:bool", "charged_quantity:decimal",
    "charged_quantitySpecified:bool", "country:string", "subdivision:string",
    "description:string", "disconnect_cause:string", "bill_status:string",
    "disconnect_reason:string", "connect_time:DateTime", "connect_timeSpecified:bool",
    "unix_connect_time:int", "unix_connect_timeSpecified:bool", "disconnect_time:DateTime",
    "disconnect_timeSpecified:bool", "unix_disconnect_time:int",
    "unix_disconnect_timeSpecified:bool", "bill_time:DateTime", "bill_timeSpecified:bool",
    "bit_flags:int", "bit_flagsSpecified:bool", "call_recording_url:string",
    "call_recording_server_url:string", "cr_download_links:List<string>", "h323_conf_id:string",
    "h323_incoming_conf_id:string", "xdr_type:string", "service:string", "destination:string",
    "iso_3166_1_a3:string", "i_rate:int", "i_rateSpecified:bool")
dto("DateRange", NS_PORTA, "rank:int", "Connect_time:DateTime", "connect_datetime:string")
dto("TotalUsage", NS_PORTA,
    "FromTime:DateTime", "Totime:DateTime", "ChargedMinutes:decimal", "ChargedCost:decimal")
dto("AccountSummary", NS_PORTA,
    "i_account:int", "outgoing_count:decimal", "outgoing_duration:decimal",
    "avgoutgoing_count:decimal", "avgoutgoing_duration:decimal", "incoming_count:decimal",
    "incoming_duration:decimal", "total_count:decimal", "total_duration:decimal",
    "AccountID:string")

# --- 2.8 ActiveCalls (seed A)
op("ActiveCalls",
   "ICustomer:int", "FromStemPro:bool", "ExcludeAccountIDS:List<string>",
   "ExcludeDestinationIDS:List<string>", "ShowVendors:bool",
   "ExcludeSpecialDestination:List<string>", "IAccount:int")
response("ActiveCallsResponse",
         "lstActiveCalls:List<PortaActiveCalls>", "lstAccountActiveCalls:List<AccountActiveCalls>")


# --- 2.12 PortaCustomerInfo (customer lists).  The element type of CustomersShortInfo is not
# shown on the pages (D.4): CustomerShortInfo and its members are ours (assumption L1).
op("PortaCustomerInfo",
   "ICustomer:int", "IAccount:int", "Admin:bool", "ICustomerType:int",
   "CustomersInfoWithOutLimit:bool", "SearchString:string", "IParent:int",
   "getCustomerSites:bool")
response("PortaCustomerInfoResponse",
         "CustomerRes:CustomerBalance", "CustomerType:CustomerTypeInfo",
         "CustomersShortInfo:List<CustomerShortInfo>", "DistributorsInfo:List<CustomerShortInfo>")
dto("CustomerBalance", NS_DATA,
    "Currency:string", "Balance:decimal", "CreditLimit:decimal", "availableBalance:decimal",
    "Name:string", "FirstName:string", "ICustomer:int")
dto("CustomerTypeInfo", NS_DATA, "ICustomer:int", "ICustomerType:int")
dto("CustomerShortInfo", NS_DATA,
    "ICustomer:int", "Name:string", "FirstName:string", "LastName:string", "Email:string",
    "Phone1:string", "City:string", "Country:string", "Currency:string", "Balance:decimal",
    "CreditLimit:decimal", "availableBalance:decimal", "IParent:int",
    "sites:List<CustomerSiteInfo>")

# --- 2.11 CustomerSite (reads only).  The response has no License/ContentId/FeatureName.
op("CustomerSite",
   "i_customer:int", "get_service_features:int", "i_customer_site:int", "i_account:int",
   "site_info:CustomerSiteInfo")
dto("CustomerSiteResponse", NS_DTO,
    "sites:List<CustomerSiteInfo>", "siteInfo:CustomerSiteInfo", "added_i_customer_site:int",
    "isCustomerSiteDeleted:bool", "isAccountAssignedToSite:bool", "updated_i_customer_site:int")
dto("CustomerSiteInfo", NS_COMMON,
    "i_customer_site:int", "name:string", "i_customer:int",
    "service_features:List<SiteServiceFeature>", "used:int", "usedSpecified:bool")
dto("SiteServiceFeature", NS_COMMON,
    "name:string", "flag_value:string", "effective_flag_value:string",
    "attributes:List<SiteServiceAttribute>", "locked:int", "lockedSpecified:bool",
    "defined:int", "definedSpecified:bool", "locks:List<string>")
dto("SiteServiceAttribute", NS_COMMON,
    "name:string", "values:List<string>", "effective_values:List<string>")

def _check_schema() -> None:
    """Fail at import if a member names a type that is not declared (catches typos)."""
    def walk(ref: TypeRef, where: str) -> None:
        if ref.kind == "dto" and ref.name not in DTOS:
            raise ValueError(f"{where}: unknown type {ref.name!r}")
        for arg in ref.args:
            walk(arg, where)
    for d in DTOS.values():
        for member, typ in d.members:
            walk(parse_type(typ), f"{d.name}.{member}")


_check_schema()
