"""The bad-input corpus: one row per malformed input, so adding a case is one line.

A row is `Case(plugin, args, option, why)`:

* `plugin`  "module:<name>", "lookup:<name>", "inventory:accounts" or "role:customer"
* `args`    for a module, its arguments on top of `BASE[plugin]` (connection options come
            from PORTAPLUS_URL/PORTAPLUS_LICENSE unless the row sets them); for a lookup,
            its keyword arguments; for the inventory, keys of the inventory source file;
            for the role, keys of the customer file
* `option`  the option the failure message must name (matched case-insensitively)
* `why`     what kind of bad input it is (printed when the case fails)
* `allow`   "refused-write" for the one thing no client can check first: an account ID that
            another reseller uses is invisible to our License, so only the create tells; the
            server refuses it (nothing is committed) and the message must still say so

Every case must end failed, with `option` in its message, with no Python traceback, with
no secret in the output and with no write request in the sandbox log.  Values with `{{ }}`
are templated by Ansible (e.g. the sandbox URL with a wrong path prefix).
"""
from collections import namedtuple

Case = namedtuple("Case", "plugin args option why allow")
Case.__new__.__defaults__ = ("",)

LONG = "x" * 10000
NUL = "bad\u0000value"
ESC = "bad\u001bvalue"
BELL = "bad\u0007value"
SANDBOX_URL = "{{ lookup('ansible.builtin.env', 'PORTAPLUS_URL') }}"
SANDBOX_HOST_PORT = "{{ lookup('ansible.builtin.env', 'PORTAPLUS_URL') | urlsplit('netloc') }}"
ACME, GLOBEX, INITECH = 1001, 1002, 2001
NEW_ID = "441632960050"             # not in the seed
GLOBEX_ACCOUNT = "441632960101"     # customer 1002's account, same License
INITECH_ACCOUNT = "442079460001"    # OTHER-LICENSE's account (customer 2001)
OTHER_RESELLER_ADDON = 31           # OTHER-LICENSE's "Call Recording"
OTHER_RESELLER_PRODUCT = 21         # OTHER-LICENSE's "Basic Line"

BASE = {
    "module:accounts": {"customer": ACME, "config": [{"account_id": "441632960001"}]},
    "module:account": {"customer": ACME, "account_id": NEW_ID, "product": "Office Line"},
    "module:account_addon": {"customer": ACME, "account_id": "441632960002", "addon": "Call Recording"},
    "module:account_info": {"customer": ACME},
    "module:extension": {"customer": ACME, "number": "301"},
    "module:extensions": {"customer": ACME, "config": [{"number": "101"}]},
    "module:extension_info": {"customer": ACME},
    "module:product_info": {},
    "module:customer_info": {},
    "module:cdr_export": {"customer": ACME, "dest": "{{ playbook_dir }}/export.csv", "from_date": "-30d", "to_date": "today"},
    "lookup:cdrs": {"customer": ACME, "from_date": "-7d", "to_date": "today"},
    "module:cdr_report": {"src": "{{ playbook_dir }}/cdrs.csv", "dest": "{{ playbook_dir }}/report.html"},
    "module:customer_file": {"schema": {"customer": {"type": "int", "required": True}}},
    "role:customer": {"customer": ACME, "accounts": [{"account_id": "441632960001", "product": "Hosted PBX Seat"}]},
    "module:customer": {"customer": ACME, "accounts": [{"account_id": "441632960001", "product": "Hosted PBX Seat"}]},
    "module:customer_export": {"customer": ACME, "dest": "{{ playbook_dir }}/acme.yml"},
    "module:customer_files": {"path": "{{ playbook_dir }}"},
    "module:customer_plan_report": {"hosts": [], "results": [], "plan_dir": "{{ playbook_dir }}/plan"},
    "lookup:cdr_stats": {"customer": ACME, "from_date": "-7d", "to_date": "today"},
}

# Tasks a plugin's rows need first (a valid input file for the rows that break something else).
CDR_CSV_HEADER = ("connect_time,disconnect_time,account_id,cli,cld,duration,charged_amount,disconnect_cause,"
                  "failed,call_type,service,call_id,id,i_account,customer")
SETUP = {
    "module:cdr_report": "    - name: setup\n      ansible.builtin.copy:\n        dest: \"{{ playbook_dir }}/cdrs.csv\"\n"
                         "        content: \"%s\\n\"\n        mode: \"0600\"\n" % CDR_CSV_HEADER,
}

# Rows that misbehave because of a bug in a plugin, reported to its owner: keyed by
# (plugin, option, why).  The tests print them as known_bugs (never as passing) and fail
# as soon as one of them behaves: then delete its line here.
KNOWN_BUGS = {
}


def known_bug(case):
    return KNOWN_BUGS.get((case.plugin, case.option, case.why))


def new_account(**fields):
    """`accounts` config with one new account (valid apart from `fields`)."""
    item = {"account_id": NEW_ID, "product": "Office Line"}
    item.update(fields)
    return {"config": [item]}


def new_extension(**fields):
    item = {"number": "301", "name": "Lab"}
    item.update(fields)
    return {"config": [item]}


def connection_cases(plugin):
    """Bad connection options: the same rules for every plugin (one option table)."""
    return [
        Case(plugin, {"url": "127.0.0.1:8089"}, "url", "URL without a scheme"),
        Case(plugin, {"url": "ftp://127.0.0.1/"}, "url", "URL with a wrong scheme"),
        Case(plugin, {"url": "http://admin:hunter2@" + SANDBOX_HOST_PORT}, "url", "URL with user-info"),
        Case(plugin, {"url": SANDBOX_URL + "/api/v9"}, "url", "URL with a wrong path prefix"),
        Case(plugin, {"url": ""}, "url", "empty URL"),
        Case(plugin, {"url": "http://127.0.0.1:port/"}, "url", "URL with a non-numeric port"),
        Case(plugin, {"timeout": 0}, "timeout", "timeout of 0"),
        Case(plugin, {"timeout": -5}, "timeout", "negative timeout"),
        Case(plugin, {"retries": -1}, "retries", "negative retries"),
        Case(plugin, {"retries": True}, "retries", "boolean for a number"),
        Case(plugin, {"license": ""}, "license", "empty License"),
        Case(plugin, {"license": "NO-SUCH-LICENSE"}, "license", "unknown License"),
        Case(plugin, {"validate_certs": "sometimes"}, "validate_certs", "not a boolean"),
        Case(plugin, {"ca_path": "/nonexistent/ca.pem"}, "ca_path", "missing file"),
    ]


def some_connection_cases(plugin, *indices):
    """Some of the connection rows: every module checks its connection options in the one adapter
    (engine/options.py; test_secrets.py's test_every_plugin_takes_its_connection_options_from_the_one_adapter
    proves it), whose every rule module:accounts's rows prove, so another module keeps one row that shows it
    is wired to the adapter, plus rows that reach the server (a wrong path prefix, an unknown License) through
    its own kind of runner."""
    rows = connection_cases(plugin)
    return [rows[index] for index in indices]


#: Connection rows whose value fails in the same branch of the adapter's client_kwargs as another row that stays:
#: ftp:// fails http_url_parts as a URL without a scheme does; -5 fails "timeout <= 0" as 0 does. The lookups, whose
#: rows cost no process, keep them.
SAME_BRANCH_CONNECTION_ROWS = ("URL with a wrong scheme", "negative timeout")

CASES = (
    # A customer id the License cannot see is one case, whoever holds it: another reseller's customer answers the
    # same 404 as an unknown one (docs/api-assumptions.md A2), so a module's "another reseller's customer" row
    # proves its "unknown customer" too (the lookups, which cost no process, keep both).
    # -- accounts (list module) ------------------------------------------------------------------
    [case for case in connection_cases("module:accounts") if case.why not in SAME_BRANCH_CONNECTION_ROWS]
    + [
        Case("module:accounts", {"customer": "acme"}, "customer", "wrong type"),
        Case("module:accounts", {"customer": True}, "customer", "boolean for a number"),
        Case("module:accounts", {"customer": -1001}, "customer", "negative number"),
        Case("module:accounts", {"customer": INITECH}, "customer", "another reseller's customer"),
        Case("module:accounts", {"config": [1, 2]}, "config", "list of numbers, not of dicts"),
        Case("module:accounts", {"config": "441632960001"}, "config", "a string for a list of dicts"),
        Case("module:accounts", {"config": [{"product": "Office Line"}]}, "account_id", "missing key"),
        Case("module:accounts", new_account(account_id=""), "account_id", "empty value"),
        Case("module:accounts", new_account(account_id="4416/32960050"), "account_id", "path-breaking /"),
        Case("module:accounts", new_account(account_id=".."), "account_id", "path-breaking .."),
        Case("module:accounts", new_account(account_id="4416%2F50"), "account_id", "path-breaking %2F"),
        Case("module:accounts", new_account(account_id="441632960050.json"), "account_id", ".json suffix"),
        Case("module:accounts", new_account(account_id="4416" + NUL), "account_id", "NUL character"),
        Case("module:accounts", new_account(account_id="4416" + BELL), "account_id", "control character"),
        Case("module:accounts", new_account(account_id=LONG), "account_id", "10,000 characters"),
        Case("module:accounts", new_account(account_id=u"Zo\u00eb-line"), "account_id", "non-ASCII"),
        Case("module:accounts", {"config": [{"account_id": NEW_ID, "product": 1},
                                            {"account_id": NEW_ID, "product": 2}]},
             "account_id", "duplicate within the list"),
        Case("module:accounts", new_account(product="No Such Product"), "product", "unknown name"),
        Case("module:accounts", new_account(product="Call Recording"), "product", "an add-on as main product"),
        Case("module:accounts", new_account(product=OTHER_RESELLER_PRODUCT), "product", "another reseller's product"),
        Case("module:accounts", new_account(product=True), "product", "boolean for an id"),
        Case("module:accounts", new_account(product=""), "product", "empty value"),
        Case("module:accounts", {"config": [{"account_id": NEW_ID, "first_name": "No Product"}]},
             "product", "create without a product"),
        Case("module:accounts", new_account(credit_limit=True), "credit_limit", "boolean for a number"),
        Case("module:accounts", new_account(credit_limit=-5), "credit_limit", "negative number"),
        Case("module:accounts", new_account(credit_limit="lots"), "credit_limit", "wrong type"),
        Case("module:accounts", new_account(credit_limit="nan"), "credit_limit", "not a number"),
        Case("module:accounts", new_account(blocked="maybe"), "blocked", "not a boolean"),
        Case("module:accounts", new_account(blocked=7), "blocked", "number for a boolean"),
        Case("module:accounts", new_account(unified_messaging="perhaps"), "unified_messaging", "not a boolean"),
        Case("module:accounts", new_account(email="not-an-address"), "email", "malformed"),
        Case("module:accounts", new_account(email=LONG + "@example.com"), "email", "10,000 characters"),
        Case("module:accounts", new_account(email="a@b\n.example"), "email", "control character"),
        Case("module:accounts", new_account(first_name=LONG), "first_name", "10,000 characters"),
        Case("module:accounts", new_account(first_name=NUL), "first_name", "NUL character"),
        Case("module:accounts", new_account(last_name=BELL), "last_name", "control character"),
        Case("module:accounts", new_account(extension="abc"), "extension", "not digits"),
        Case("module:accounts", new_account(extension="12345678901234567"), "extension", "too long"),
        Case("module:accounts", new_account(extension="101"), "extension", "another account's extension"),
        Case("module:accounts", new_account(password="pw" + NUL), "password", "NUL character"),
        Case("module:accounts", new_account(password=LONG), "password", "10,000 characters"),
        Case("module:accounts", new_account(password="********"), "password", "the mask we print"),
        Case("module:accounts", new_account(addons=["No Such Add-on"]), "addons", "unknown name"),
        Case("module:accounts", new_account(addons=["Office Line"]), "addons", "a main product as add-on"),
        Case("module:accounts", new_account(addons=[True]), "addons", "boolean for an id"),
        Case("module:accounts", new_account(addons=[OTHER_RESELLER_ADDON]), "addons", "another reseller's add-on"),
        Case("module:accounts", new_account(addons=[""]), "addons", "empty value"),
        Case("module:accounts", new_account(colour="red"), "colour", "unknown option"),
        Case("module:accounts", {"config": [{"account_id": GLOBEX_ACCOUNT, "product": "Office Line"}]},
             "account_id", "account of another customer"),
        Case("module:accounts", {"config": [{"account_id": INITECH_ACCOUNT, "product": "Office Line"}]},
             "account id", "another reseller's account", "refused-write"),
        Case("module:accounts", {"state": "purged", "config": []}, "state", "unknown choice"),
        Case("module:accounts", {"state": "deleted", "max_deletions": -1,
                                 "config": [{"account_id": "441632960003"}]}, "max_deletions", "negative number"),
        Case("module:accounts", {"max_deletions": "many", "config": []}, "max_deletions", "wrong type"),
        Case("module:accounts", {"update_password": "sometimes", "config": []}, "update_password", "unknown choice"),
        Case("module:accounts", {"purge_addons": "perhaps", "config": []}, "purge_addons", "not a boolean"),
    ]
    # -- account (single module) -----------------------------------------------------------------
    # Field rules the accounts rows above prove (same table, same Engine checks, as
    # test_bad_inputs.py's test_single_and_list_modules_check_each_field_through_one_table shows) are not
    # repeated here: each option keeps at least one row, and the values the list rows do not try.
    + [
        Case("module:account", {"account_id": "..%2F..%2Fx"}, "account_id", "path-breaking ..%2F"),
        Case("module:account", {"account_id": "4416.xml"}, "account_id", "format suffix"),
        Case("module:account", {"account_id": INITECH_ACCOUNT}, "account id", "another reseller's account",
             "refused-write"),
        Case("module:account", {"customer": "1001x"}, "customer", "wrong type"),
        Case("module:account", {"product": "Nope"}, "product", "unknown name"),
        Case("module:account", {"credit_limit": -0.01}, "credit_limit", "negative number"),
        Case("module:account", {"email": "@@"}, "email", "malformed"),
        Case("module:account", {"first_name": u"Zo\u00eb" + NUL}, "first_name", "non-ASCII with NUL"),
        Case("module:account", {"blocked": "blocked"}, "blocked", "not a boolean"),
        Case("module:account", {"addons": ["Nope"]}, "addons", "unknown name"),
        Case("module:account", {"extension": "1 0 1"}, "extension", "spaces"),
        Case("module:account", {"state": "terminated"}, "state", "unknown choice"),
        Case("module:account", {"password": "********"}, "password", "the mask we print"),
        Case("module:account", {"update_password": "never"}, "update_password", "unknown choice"),
    ]
    + some_connection_cases("module:account", 0, 3)
    # -- account_addon ---------------------------------------------------------------------------
    # addon goes to the catalogue's one resolve function as accounts' addons do (test_bad_inputs.py's
    # test_every_product_and_addon_option_is_resolved_by_the_one_catalogue_function): its refusals are proven there
    + [
        Case("module:account_addon", {"addon": LONG}, "addon", "10,000 characters"),
        Case("module:account_addon", {"account_id": INITECH_ACCOUNT}, "account_id", "another reseller's account"),
        Case("module:account_addon", {"account_id": GLOBEX_ACCOUNT}, "account_id", "account of another customer"),
        Case("module:account_addon", {"account_id": "a/b"}, "account_id", "path-breaking /"),
        Case("module:account_addon", {"account_id": "4416?x"}, "account_id", "path-breaking ?"),
        Case("module:account_addon", {"customer": INITECH}, "customer", "another reseller's customer"),
        Case("module:account_addon", {"customer": False}, "customer", "boolean for a number"),
        Case("module:account_addon", {"state": "gone"}, "state", "unknown choice"),
    ]
    + some_connection_cases("module:account_addon", 6)
    # -- account_info ----------------------------------------------------------------------------
    + [
        Case("module:account_info", {"customer": "x"}, "customer", "wrong type"),
        Case("module:account_info", {"customer": INITECH}, "customer", "another reseller's customer"),
        Case("module:account_info", {"customer": -1}, "customer", "negative number"),
        Case("module:account_info", {"account_id": LONG}, "account_id", "10,000 characters"),
        Case("module:account_info", {"account_id": "4416" + NUL}, "account_id", "NUL character"),
        Case("module:account_info", {"product": "No Such Product"}, "product", "unknown name"),
        Case("module:account_info", {"blocked": "sometimes"}, "blocked", "not a boolean"),
        Case("module:account_info", {"gather": "all"}, "gather", "unknown option"),
    ]
    + some_connection_cases("module:account_info", 10, 11)
    # -- extension (single module) ---------------------------------------------------------------
    # As for account: the rules the extensions rows below prove are not repeated; a number with any non-digit
    # fails the one digits rule (".." here, "abc" and "3/01" in extensions).
    + [
        Case("module:extension", {"number": ".."}, "number", "path-breaking .."),
        Case("module:extension", {"number": "30" + NUL}, "number", "NUL character"),
        Case("module:extension", {"number": u"\u0663\u0660\u0661"}, "number", "non-ASCII digits"),
        Case("module:extension", {"name": ESC}, "name", "control character"),
        Case("module:extension", {"account_id": GLOBEX_ACCOUNT}, "account_id", "account of another customer"),
        Case("module:extension", {"account_id": "a/b"}, "account_id", "path-breaking /"),
        Case("module:extension", {"customer": []}, "customer", "wrong type"),
        Case("module:extension", {"state": "removed"}, "state", "unknown choice"),
    ]
    + some_connection_cases("module:extension", 0)
    # -- extensions (list module) ----------------------------------------------------------------
    + [
        Case("module:extensions", {"config": [{"number": "301"}, {"number": "301"}]}, "number", "duplicate within the list"),
        Case("module:extensions", new_extension(number="abc"), "number", "not digits"),
        Case("module:extensions", new_extension(number=True), "number", "boolean for a number"),
        Case("module:extensions", new_extension(number=301.5), "number", "not a whole number"),
        Case("module:extensions", new_extension(number="3/01"), "number", "path-breaking /"),
        Case("module:extensions", new_extension(number="301.json"), "number", ".json suffix"),
        Case("module:extensions", new_extension(number=""), "number", "empty value"),
        Case("module:extensions", new_extension(number="3" * 10000), "number", "10,000 characters"),
        Case("module:extensions", new_extension(name=LONG), "name", "10,000 characters"),
        Case("module:extensions", new_extension(name="a" + NUL), "name", "NUL character"),
        Case("module:extensions", new_extension(account_id=INITECH_ACCOUNT), "account_id", "another reseller's account"),
        Case("module:extensions", new_extension(account_id="a%2Fb"), "account_id", "path-breaking %2F"),
        Case("module:extensions", {"config": [{"number": "301", "account_id": "441632960003"},
                                              {"number": "302", "account_id": "441632960003"}]},
             "account_id", "duplicate within the list"),
        Case("module:extensions", new_extension(floor=3), "floor", "unknown option"),
        Case("module:extensions", {"config": "301"}, "config", "a string for a list of dicts"),
        Case("module:extensions", {"customer": -1}, "customer", "negative number"),
        Case("module:extensions", {"customer": INITECH, "config": []}, "customer", "another reseller's customer"),
        Case("module:extensions", {"state": "wiped", "config": []}, "state", "unknown choice"),
        Case("module:extensions", {"state": "deleted", "max_deletions": -2,
                                   "config": [{"number": "101"}]}, "max_deletions", "negative number"),
    ]
    + some_connection_cases("module:extensions", 2, 3)
    # -- extension_info --------------------------------------------------------------------------
    + [
        Case("module:extension_info", {"customer": INITECH}, "customer", "another reseller's customer"),
        Case("module:extension_info", {"customer": "one"}, "customer", "wrong type"),
        Case("module:extension_info", {"products": ["abc"]}, "products", "not an id"),
        Case("module:extension_info", {"products": [-2]}, "products", "negative id"),
        Case("module:extension_info", {"active_calls": "maybe"}, "active_calls", "not a boolean"),
        Case("module:extension_info", {"sip_status": 5}, "sip_status", "number for a boolean"),
        Case("module:extension_info", {"unavailable_numbers": "nah"}, "unavailable_numbers", "not a boolean"),
    ]
    + some_connection_cases("module:extension_info", 6)
    # -- product_info ----------------------------------------------------------------------------
    + [
        Case("module:product_info", {"currency": "G/P"}, "currency", "path-breaking /"),
        Case("module:product_info", {"currency": ["GBP"]}, "currency", "wrong type"),
    ]
    + some_connection_cases("module:product_info", 0, 3)
    # -- customer_info (i8-live) -----------------------------------------------------------------
    + [
        Case("module:customer_info", {"customer": "acme"}, "customer", "wrong type"),
        Case("module:customer_info", {"customer": INITECH}, "customer", "another reseller's customer"),
        Case("module:customer_info", {"customer": -1}, "customer", "negative number"),
        Case("module:customer_info", {"customer": True}, "customer", "boolean for a number"),
        Case("module:customer_info", {"search": "a/b"}, "search", "path-breaking /"),
        Case("module:customer_info", {"search": "acme.json"}, "search", ".json suffix"),
        Case("module:customer_info", {"search": LONG}, "search", "10,000 characters"),
        Case("module:customer_info", {"search": "ac" + NUL}, "search", "NUL character"),
        Case("module:customer_info", {"sites": "perhaps"}, "sites", "not a boolean"),
    ]
    + some_connection_cases("module:customer_info", 0)
    # -- active_calls lookup (i8-live) -----------------------------------------------------------
    + [
        Case("lookup:active_calls", {"customer": "acme"}, "customer", "wrong type"),
        Case("lookup:active_calls", {"customer": True}, "customer", "boolean for a number"),
        Case("lookup:active_calls", {"customer": INITECH}, "customer", "another reseller's customer"),
        Case("lookup:active_calls", {"customer": 987654}, "customer", "unknown customer"),
        Case("lookup:active_calls", {"customer": -3}, "customer", "negative number"),
        Case("lookup:active_calls", {"account": "a/b"}, "account", "path-breaking /"),
        Case("lookup:active_calls", {"account": ""}, "account", "empty value"),
        Case("lookup:active_calls", {"account": LONG}, "account", "10,000 characters"),
        Case("lookup:active_calls", {"account": "4416" + NUL}, "account", "NUL character"),
        Case("lookup:active_calls", {"account": INITECH_ACCOUNT}, "account", "another reseller's account"),
        Case("lookup:active_calls", {"account": "441699999999"}, "account", "unknown account"),
        Case("lookup:active_calls", {"customer": ACME, "account": GLOBEX_ACCOUNT}, "account",
             "account of another customer"),
        Case("lookup:active_calls", {"colour": "red"}, "colour", "unknown option"),
    ]
    + connection_cases("lookup:active_calls")[:4] + connection_cases("lookup:active_calls")[6:10]
    # -- cdrs lookup and cdr_export (i8-cdrs) ----------------------------------------------------
    + [
        Case("lookup:cdrs", {"from_date": "2026-13-01"}, "from_date", "malformed date"),
        Case("lookup:cdrs", {"from_date": "yesterday-ish"}, "from_date", "malformed date"),
        Case("lookup:cdrs", {"from_date": "2026-02-30"}, "from_date", "impossible date"),
        Case("lookup:cdrs", {"from_date": "today", "to_date": "-7d"}, "from_date", "reversed dates"),
        Case("lookup:cdrs", {"to_date": "31/12/2026"}, "to_date", "malformed date"),
        Case("lookup:cdrs", {"to_date": LONG}, "to_date", "10,000 characters"),
        Case("lookup:cdrs", {"from_date": "2026-01-01" + NUL}, "from_date", "NUL character"),
        Case("lookup:cdrs", {"timezone": "Mars/Olympus"}, "timezone", "unknown name"),
        Case("lookup:cdrs", {"timezone": "../../etc/passwd"}, "timezone", "path-breaking .."),
        Case("lookup:cdrs", {"customer": "acme"}, "customer", "wrong type"),
        Case("lookup:cdrs", {"customer": True}, "customer", "boolean for a number"),
        Case("lookup:cdrs", {"customer": INITECH}, "customer", "another reseller's customer"),
        Case("lookup:cdrs", {"customer": 987654}, "customer", "unknown customer"),
        Case("lookup:cdrs", {"customer": None, "account": INITECH_ACCOUNT}, "account", "another reseller's account"),
        Case("lookup:cdrs", {"customer": None, "account": "a/b"}, "account", "path-breaking /"),
        Case("lookup:cdrs", {"customer": None, "account": "4416" + NUL}, "account", "NUL character"),
        Case("lookup:cdrs", {"max_records": -1}, "max_records", "negative number"),
        Case("lookup:cdrs", {"max_records": True}, "max_records", "boolean for a number"),
        Case("lookup:cdrs", {"outgoing_only": [True]}, "outgoing_only", "a list for a boolean"),
        Case("lookup:cdrs", {"timeout": 0}, "timeout", "timeout of 0"),
        Case("lookup:cdrs", {"retries": -1}, "retries", "negative retries"),
        Case("lookup:cdrs", {"url": "127.0.0.1"}, "url", "URL without a scheme"),
        Case("module:cdr_export", {"from_date": "2026-00-10"}, "from_date", "malformed date"),
        Case("module:cdr_export", {"from_date": "today", "to_date": "-30d"}, "from_date", "reversed dates"),
        Case("module:cdr_export", {"to_date": "tomorrow+1"}, "to_date", "malformed date"),
        Case("module:cdr_export", {"timezone": "Nowhere/Land"}, "timezone", "unknown name"),
        Case("module:cdr_export", {"format": "xlsx"}, "format", "unknown choice"),
        Case("module:cdr_export", {"dest": "/nonexistent-dir/out.csv"}, "dest", "missing directory"),
        Case("module:cdr_export", {"dest": ""}, "dest", "empty value"),
        Case("module:cdr_export", {"dest": "out" + NUL + ".csv"}, "dest", "NUL character"),
        Case("module:cdr_export", {"customer": INITECH}, "customer", "another reseller's customer"),
        Case("module:cdr_export", {"customer": True}, "customer", "boolean for a number"),
        Case("module:cdr_export", {"customer": None, "account": INITECH_ACCOUNT}, "account", "another reseller's account"),
        Case("module:cdr_export", {"compress": "gzip"}, "compress", "not a boolean"),
        Case("module:cdr_export", {"timeout": 0}, "timeout", "timeout of 0"),
    ]
    # -- GitOps modules (issue 21) and cdr_stats (issue 19) ---------------------------------------
    + [
        Case("module:customer_export", {"customer": "x"}, "customer", "wrong type"),
        Case("module:customer_export", {"customer": -1}, "customer", "negative number"),
        Case("module:customer_export", {"customer": INITECH}, "customer", "another reseller's customer"),
        Case("module:customer_export", {"dest": "/nonexistent-dir/acme.yml"}, "dest", "missing directory"),
        Case("module:customer_files", {"path": "/nonexistent-dir/customers"}, "path", "missing directory"),
        Case("module:customer_files", {"plan_file": "/nonexistent-dir/plan.json"}, "plan_file", "missing file"),
        Case("module:customer_plan_report", {"max_rows": "many"}, "max_rows", "wrong type"),
        Case("module:customer_plan_report", {"hosts": "acme"}, "hosts", "not a list"),
        Case("lookup:cdr_stats", {"customer": "x"}, "customer", "wrong type"),
        Case("lookup:cdr_stats", {"from_date": "yesterday-ish"}, "from_date", "malformed date"),
        Case("lookup:cdr_stats", {"timezone": "Mars/Olympus"}, "timezone", "unknown zone"),
        Case("lookup:cdr_stats", {"destination_digits": "four"}, "destination_digits", "wrong type"),
        Case("lookup:cdr_stats", {"custmer": ACME}, "custmer", "misspelt option"),
    ]
    # -- cdr_report and customer_file modules (i9-gitops): local files, no API -------------------
    + [
        Case("module:cdr_report", {"src": "/nonexistent/cdrs.csv"}, "src", "missing file"),
        Case("module:cdr_report", {"src": "{{ playbook_dir }}/cdrs" + NUL + ".csv"}, "src", "NUL character"),
        Case("module:cdr_report", {"dest": "/nonexistent-dir/report.html"}, "dest", "missing directory"),
        Case("module:cdr_report", {"top": 0}, "top", "out of range"),
        Case("module:cdr_report", {"top": "ten"}, "top", "wrong type"),
        Case("module:cdr_report", {"destination_digits": 0}, "destination_digits", "out of range"),
        Case("module:cdr_report", {"title": LONG + NUL}, "title", "NUL character"),
        # a file's messages start with the file's name (as the role's do), which names the input
        Case("module:customer_file", {"path": "/nonexistent/acme.yml"}, "/nonexistent/acme.yml: cannot be read",
             "missing file"),
        Case("module:customer_file", {"data": {"customer": "acme"}}, "customer", "wrong type"),
        Case("module:customer_file", {"data": {"customer": ACME, "colour": "red"}}, "colour", "unknown key"),
        Case("module:customer_file", {"data": {}}, "customer", "missing key"),
        Case("module:customer_file", {"data": {"customer": ACME}, "schema": "not a schema"}, "schema", "wrong type"),
    ]
    # -- the customer role's customer file (i9-gitops): keys of the file --------------------------
    + [
        Case("role:customer", {"customer": "acme"}, "customer", "wrong type"),
        Case("role:customer", {"customer": True}, "customer", "boolean for a number"),
        Case("role:customer", {"customer": INITECH}, "customer", "another reseller's customer"),
        Case("role:customer", {"customer": 987654}, "customer", "unknown customer"),
        Case("role:customer", {"colour": "red"}, "colour", "unknown key"),
        Case("role:customer", {"accounts": [{"account_id": "441632960001"}, {"account_id": "441632960001"}]},
             "account_id", "duplicate within the list"),
        Case("role:customer", {"accounts": [{"product": "Office Line"}]}, "account_id", "missing key"),
        Case("role:customer", {"accounts": [{"account_id": "441632960001", "email": 42}]}, "email", "wrong type"),
        Case("role:customer", {"accounts": [{"account_id": "441632960001", "credit_limit": True}]},
             "credit_limit", "boolean for a number"),
        Case("role:customer", {"accounts": [{"account_id": "441632960001", "credit_limit": -1}]},
             "credit_limit", "negative number"),
        Case("role:customer", {"accounts": [{"account_id": "a/b", "product": "Office Line"}]}, "account_id",
             "path-breaking /"),
        Case("role:customer", {"accounts": [{"account_id": "441632960001", "first_name": LONG}]}, "first_name",
             "10,000 characters"),
        Case("role:customer", {"accounts": [{"account_id": "441632960001", "last_name": NUL}]}, "last_name",
             "NUL character"),
        Case("role:customer", {"accounts": [{"account_id": INITECH_ACCOUNT, "product": "Office Line"}]},
             "account id", "another reseller's account", "refused-write"),
        Case("role:customer", {"accounts": [{"account_id": NEW_ID, "product": "No Such Product"}]}, "product",
             "unknown name"),
        Case("role:customer", {"extensions": [{"number": "101"}, {"number": "101"}]}, "number",
             "duplicate within the list"),
        Case("role:customer", {"extensions": [{"number": "1/01"}]}, "number", "path-breaking /"),
        Case("role:customer", {"extensions": [{"number": "301", "name": u"Zo\u00eb" + ESC}]}, "name",
             "non-ASCII with a control character"),
        Case("role:customer", {"policy": {"accounts": {"state": "purged"}}}, "state", "unknown choice"),
        Case("role:customer", {"policy": {"accounts": {"state": "overridden", "max_deletions": -1}}},
             "max_deletions", "negative number"),
        Case("role:customer", {"accounts": "none"}, "accounts", "a string for a list"),
        # -- customer module (i21-module): the file's content as options, or src -------------------
        Case("module:customer", {"customer": "acme"}, "customer", "wrong type"),
        Case("module:customer", {"colour": "red"}, "colour", "unknown option"),
        Case("module:customer", {"accounts": [{"account_id": "441632960001", "emial": "a@b.example"}]}, "emial",
             "unknown key in an account"),
        Case("module:customer", {"accounts": [{"account_id": "441632960001", "password": "********"}]}, "password",
             "a mask copied back as a password"),
        Case("module:customer", {"extensions": [{"number": "101", "account_id": "449999999999"}]}, "account_id",
             "an extension bound to an account nobody has"),
        Case("module:customer", {"policy": {"accounts": {"state": "overridden", "max_deletions": -1}}},
             "max_deletions", "negative number"),
        Case("module:customer", {"accounts": [], "policy": {"accounts": {"state": "overridden"}}}, "accounts",
             "an empty list that would terminate everything"),
        Case("module:customer", {"src": "/nonexistent/acme.yml"}, "src", "src beside the file's options"),
        Case("module:customer", {"saved_plan": {"format_version": "1.0", "customer": ACME, "digest": "sha256:0",
                                                "changes": {}}}, "saved_plan", "a stale saved plan"),
    ]
    # -- accounts inventory (i8-live): keys of the inventory source file -----------------------
    + [
        Case("inventory:accounts", {"customers": ["acme"]}, "customers", "wrong type"),
        Case("inventory:accounts", {"customers": [INITECH]}, "customers", "another reseller's customer"),
        Case("inventory:accounts", {"customers": [987654]}, "customers", "unknown customer"),
        Case("inventory:accounts", {"customers": []}, "customers", "empty list"),
        Case("inventory:accounts", {"max_workers": 0}, "max_workers", "out of range"),
        Case("inventory:accounts", {"max_workers": 1000}, "max_workers", "out of range"),
        Case("inventory:accounts", {"cdr_statistics_days": -1}, "cdr_statistics_days", "negative number"),
        Case("inventory:accounts", {"sip_status": [1]}, "sip_status", "a list for a boolean"),
        Case("inventory:accounts", {"url": "no-scheme.example"}, "url", "URL without a scheme"),
        Case("inventory:accounts", {"url": "http://admin:hunter2@127.0.0.1:9"}, "url", "URL with user-info"),
        Case("inventory:accounts", {"timeout": 0}, "timeout", "timeout of 0"),
        Case("inventory:accounts", {"retries": -1}, "retries", "negative retries"),
    ]
)

# -- hostile input (issue 22) ---------------------------------------------------------------------------------

#: Licenses with a character a server may decode or split a path on: refused before anything is sent, with a
#: message naming license and showing none of it (the tests look for "Pj4Kd9Ys" and "Bn6Fq1Gu" in every output).
SPLITTABLE_LICENSES = [
    ("Pj4Kd9Ys%2FBn6Fq1Gu", "License with %2F"), ("Pj4Kd9Ys/Bn6Fq1Gu", "License with /"),
    ("Pj4Kd9Ys\\Bn6Fq1Gu", "License with a backslash"), ("Pj4Kd9Ys?Bn6Fq1Gu", "License with ?"),
    ("Pj4Kd9Ys#Bn6Fq1Gu", "License with #"), ("Pj4Kd9Ys Bn6Fq1Gu", "License with a blank"),
    ("Pj4Kd9Ys\tBn6Fq1Gu", "License with a tab"), ("Pj4Kd9Ys\u001bBn6Fq1Gu", "License with ESC"),
    ("Pj4Kd9Ys%Bn6Fq1Gu", "License with %"),
]
LICENSE_FRAGMENTS = ("Pj4Kd9Ys", "Bn6Fq1Gu")
CONNECTED = ["module:accounts", "module:account", "module:account_addon", "module:account_info", "module:extension",
             "module:extensions", "module:extension_info", "module:product_info", "module:customer_info",
             "module:cdr_export", "lookup:cdrs", "lookup:active_calls", "inventory:accounts"]
#: The module that takes every shape. Modules cost a process per row, and every module takes its License
#: through the one adapter (engine/options.py, as test_secrets.py's
#: test_every_plugin_takes_its_connection_options_from_the_one_adapter proves), so the others take one shape
#: each, in turn, which shows each is wired to it; lookups and the inventory take all.
ALL_SHAPES_MODULE = "module:accounts"


def license_shape_cases():
    cases = []
    for index, plugin in enumerate(CONNECTED):
        shapes = SPLITTABLE_LICENSES
        if plugin.startswith("module:") and plugin != ALL_SHAPES_MODULE:
            shapes = [SPLITTABLE_LICENSES[index % len(SPLITTABLE_LICENSES)]]
        cases += [Case(plugin, {"license": value}, "license", why) for value, why in shapes]
    return cases


HUGE = 10 ** 20

CASES = CASES + license_shape_cases() + [
    # misspelt keywords and keys: refused with the option they meant, never dropped (the result would widen)
    Case("lookup:cdrs", {"outgoing_onyl": True}, "outgoing_onyl", "misspelt keyword (did you mean)"),
    Case("lookup:cdrs", {"customr": ACME}, "customr", "misspelt keyword"),
    Case("lookup:cdrs", {"exclude_accounts": ["441632960001"]}, "exclude_accounts", "another lookup's keyword"),
    Case("lookup:active_calls", {"custmer": ACME}, "custmer", "misspelt keyword"),
    Case("lookup:active_calls", {"exclude_account": ["441632960001"]}, "exclude_account", "misspelt keyword"),
    Case("lookup:active_calls", {"from_date": "-7d"}, "from_date", "another lookup's keyword"),
    Case("inventory:accounts", {"customer": [ACME]}, "customer", "misspelt key (did you mean customers)"),
    Case("inventory:accounts", {"sip_stauts": True}, "sip_stauts", "misspelt key"),
    # huge numbers: a message, never an overflow traceback
    Case("lookup:cdrs", {"from_date": "-%dd" % HUGE}, "from_date", "huge offset in days"),
    Case("lookup:cdrs", {"from_date": "-999999999w"}, "from_date", "huge offset in weeks"),
    Case("lookup:cdrs", {"to_date": "+%ds" % HUGE}, "to_date", "huge offset in seconds"),
    Case("lookup:cdrs", {"max_records": HUGE}, "max_records", "huge number"),
    Case("module:cdr_export", {"from_date": "-%dh" % HUGE}, "from_date", "huge offset in hours"),
    # inventory configuration: each error names its option
    Case("inventory:accounts", {"cache": True, "cache_plugin": "no.such.cache"}, "cache_plugin", "missing cache plugin"),
    Case("inventory:accounts", {"cache": True, "cache_plugin": "ansible.builtin.jsonfile", "cache_connection": "/etc/hostname"},
         "cache_connection", "cache path a file"),
    Case("inventory:accounts", {"keyed_groups": [{"key": "{{ broken"}]}, "keyed_groups", "bad Jinja"),
    Case("inventory:accounts", {"keyed_groups": [{"prefix": "x"}]}, "keyed_groups", "entry without a key"),
    Case("inventory:accounts", {"keyed_groups": "bill_status"}, "keyed_groups", "a string for a list"),
    Case("inventory:accounts", {"compose": {"x": "1 +* 2"}}, "compose", "bad Jinja"),
    Case("inventory:accounts", {"compose": "x"}, "compose", "a string for a mapping"),
    Case("inventory:accounts", {"groups": {"busy": "(("}}, "groups", "bad Jinja"),
    Case("inventory:accounts", {"groups": {"busy": "live_calls >"}}, "groups", "incomplete expression"),
]
