"""accounts inventory: real ansible-inventory runs against a real sandbox process."""
import json
import os

from tests.ansible_cli import Ansible, plain
from tests.integration.conftest import DEMO_LICENSE, OTHER_LICENSE, writes

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
EXAMPLE = os.path.join(REPO, "examples", "inventory", "portaplus.yml")


def inventory(sandbox, tmp_path, source, *args, license=DEMO_LICENSE):
    """Run ansible-inventory on ``source`` (a path, or YAML text written to portaplus.yml) as a user
    would: the inventory plugins Ansible enables by default, the example's cache under ~ (tmp_path)."""
    ansible = Ansible(sandbox.url, tmp_path / "ansible")
    options = dict(args=args, license=license, timeout=600,
                   extra_env={"HOME": str(tmp_path), "ANSIBLE_INVENTORY_ENABLED": None})
    if os.path.isabs(source):
        return ansible.inventory(path=source, **options)
    return ansible.inventory(source, **options)


def listed(proc):
    assert proc.rc == 0, proc.stdout + proc.stderr
    return plain(json.loads(proc.stdout))


def hostvars(data):
    return data["_meta"]["hostvars"]


def members(data, group):
    return sorted(data.get(group, {}).get("hosts", []))


def cache_text(tmp_path):
    folder = tmp_path / ".cache" / "portaplus-inventory"
    return "".join(path.read_text() for path in folder.iterdir()) if folder.exists() else ""


def routes(sandbox):
    return [request["route"] for request in sandbox.requests()]


def test_example_lists_accounts_and_second_run_is_served_from_cache(sandbox, tmp_path):
    first = inventory(sandbox, tmp_path, EXAMPLE, "--list")
    data = listed(first)
    hosts = hostvars(data)
    assert sorted(hosts) == ["441632960001", "441632960002", "441632960003", "441632960101"]
    alice = hosts["441632960001"]
    assert alice == {
        "account_id": "441632960001", "i_account": 5001, "customer": 1001, "customer_name": "Acme Ltd",
        "product": "Hosted PBX Seat", "product_id": 2, "addons": ["Call Recording"], "blocked": False,
        "bill_status": "O", "extension": "101", "site": "London HQ", "site_id": 301, "sip_registered": True,
        "live_calls": 1, "online": True, "first_name": "Alice", "last_name": "Archer", "email": "alice@acme.example",
        "balance": 12.4, "credit_limit": 50.0, "currency": "GBP", "unified_messaging": False}
    assert hosts["441632960002"]["sip_registered"] is False and hosts["441632960002"]["live_calls"] == 0
    assert members(data, "customer_1001") == ["441632960001", "441632960002", "441632960003"]
    assert members(data, "customer_1002") == ["441632960101"]
    assert members(data, "product_Hosted_PBX_Seat") == ["441632960001", "441632960002"]
    assert members(data, "site_1001_London_HQ") == ["441632960001", "441632960002"]
    assert members(data, "site_1001_Bristol_Branch") == ["441632960003"]
    assert members(data, "blocked") == ["441632960003"]
    assert members(data, "online") == ["441632960001", "441632960101"]
    assert members(data, "on_a_call") == ["441632960001", "441632960101"]          # the example's own group
    assert members(data, "bill_status_O") == sorted(hosts)                          # and keyed group
    # Requests grow with customers: the list, then per customer accounts and SIP status, one calls read.
    cold = routes(sandbox)
    assert sorted(cold) == sorted(["/GetCustomersShortInfo/{License}", "/GetActiveCallsReseller/{License}"]
                                  + ["/GetAccounts/{License}/{ICustomer}"] * 2
                                  + ["/GetOnlineAccounts/{License}/{ICustomer}/{GetSipStatus}"] * 2)
    assert writes(sandbox) == []
    assert DEMO_LICENSE not in first.stdout + first.stderr
    cached = cache_text(tmp_path)
    assert "441632960001" in cached and DEMO_LICENSE not in cached
    assert "sip-5001-pw" not in cached and "sip-5001-pw" not in first.stdout

    sandbox.clear_log()
    second = inventory(sandbox, tmp_path, EXAMPLE, "--list")
    assert listed(second) == data
    assert sandbox.requests() == []
    graph = inventory(sandbox, tmp_path, EXAMPLE, "--graph")
    assert graph.rc == 0 and "@site_1001_London_HQ:" in graph.stdout and "|--441632960003" in graph.stdout
    assert sandbox.requests() == []
    # Another License with the same file never reads this cache.
    other = listed(inventory(sandbox, tmp_path, EXAMPLE, "--list", license=OTHER_LICENSE))
    assert sorted(hostvars(other)) == ["442079460001"]
    assert OTHER_LICENSE not in cache_text(tmp_path)
    flushed = inventory(sandbox, tmp_path, EXAMPLE, "--list", "--flush-cache")
    assert listed(flushed) == data and "/GetAccounts/{License}/{ICustomer}" in routes(sandbox)


def test_customers_option_constructed_and_statistics(sandbox, tmp_path):
    source = "\n".join([
        "plugin: portaplus.softswitch.accounts",
        "customers: [1001]",
        "cdr_statistics_days: 90",
        "max_workers: 2",
        "compose:",
        "  ansible_host: \"'sip.example.com'\"",
        "  minutes: cdr_statistics.seconds // 60",
        "groups:",
        "  with_recording: \"'Call Recording' in addons\"",
        "keyed_groups:",
        "  - key: product",
        "    prefix: by",
        "strict: true", ""])
    data = listed(inventory(sandbox, tmp_path, source, "--list"))
    hosts = hostvars(data)
    assert sorted(hosts) == ["441632960001", "441632960002", "441632960003"]
    assert all(h["sip_registered"] is None for h in hosts.values())       # sip_status off: not known
    assert members(data, "online") == ["441632960001"]                     # on a call
    assert hosts["441632960001"]["ansible_host"] == "sip.example.com"
    assert members(data, "with_recording") == ["441632960001"]
    assert members(data, "by_Hosted_PBX_Seat") == ["441632960001", "441632960002"]
    stats = [h["cdr_statistics"] for h in hosts.values()]
    assert sum(s["calls"] for s in stats) > 0
    for host in hosts.values():
        s = host["cdr_statistics"]
        assert s["calls"] == s["outgoing_calls"] + s["incoming_calls"]
        assert s["seconds"] == s["outgoing_seconds"] + s["incoming_seconds"]
        assert host["minutes"] == s["seconds"] // 60
    # The sandbox's own per-customer statistics agree with the hostvars.
    assert sorted(routes(sandbox)) == sorted([
        "/GetCustomersShortInfo/{License}", "/GetActiveCallsReseller/{License}", "/GetAccounts/{License}/{ICustomer}",
        "/GetAccountCDRStatistics/{License}/{ICustomer}/{FromDate}/{ToDate}/{IncludeAccounts}/{GetOutgoingCalls}"
        "/{GetAccountVoiceCalls}/{getAccountSummary}/{i_product}"])


def test_unknown_or_foreign_customer_fails_naming_the_option(sandbox, tmp_path):
    for customers, shown in (("[2001]", "2001"), ("[1001, 999999]", "999999")):
        sandbox.clear_log()
        proc = inventory(sandbox, tmp_path, "plugin: portaplus.softswitch.accounts\ncustomers: %s\n" % customers, "--list",
                         "-vvvv")
        assert proc.rc != 0
        assert "customers: no customer with id %s is visible to the License" % shown in proc.stderr, proc.stderr
        assert DEMO_LICENSE not in proc.stdout + proc.stderr
        # Checked against the customer list before any account is read.
        assert routes(sandbox) == ["/GetCustomersShortInfo/{License}"]
    bad = inventory(sandbox, tmp_path, "plugin: portaplus.softswitch.accounts\nmax_workers: 99\n", "--list")
    assert bad.rc != 0 and "max_workers: must be an integer from 1 to 16 (got 99)" in bad.stderr
    nothing = inventory(sandbox, tmp_path, "plugin: portaplus.softswitch.accounts\n", "--list", license="")
    assert nothing.rc != 0 and "license is required" in nothing.stderr
