"""active_calls lookup: real ansible-playbook runs against a real sandbox process."""
import datetime

from tests.integration.conftest import DEMO_LICENSE, OTHER_LICENSE, writes
from tests.integration.test_accounts import everything, failed


def lookup_task(name, args="", ignore_errors=False):
    """A set_fact of the lookup's result (args as Jinja keyword arguments), as query() gives it."""
    call = "query('portaplus.softswitch.active_calls'%s)" % ((", " + args) if args else "")
    text = "- name: %s\n  ansible.builtin.set_fact:\n    calls: \"{{ %s }}\"\n" % (name, call)
    if ignore_errors:
        text += "  ignore_errors: true\n"
    return text


def calls_of(result, name):
    return result.task(name)["ansible_facts"]["calls"]


def test_calls_of_each_scope_and_license_and_exclusion_filters_that_reach_the_server(play, sandbox):
    result = play(lookup_task("Reseller") + lookup_task("Acme", "customer=1001")
                  + lookup_task("Globex", "customer=1002") + lookup_task("Alice", "account='441632960001'")
                  + lookup_task("Bob", "account='441632960002'")
                  # each License sees its own calls: the other reseller's, in the same run
                  + lookup_task("Other", "license='%s'" % OTHER_LICENSE))
    assert result.rc == 0, result.output
    reseller = calls_of(result, "Reseller")
    # The demo seed has a call in progress on 5001 (Acme), 5004 (Globex) and 5101 (other reseller).
    assert sorted(call["i_account"] for call in reseller) == [5001, 5004]
    alice = [call for call in reseller if call["i_account"] == 5001][0]
    assert alice["account_id"] == "441632960001" and alice["customer"] == 1001
    assert alice["extension"] == "101" and alice["product"] == "Hosted PBX Seat"
    assert alice["subscriber"] == "Alice Archer"
    assert alice["direction"] in ("outgoing", "incoming")
    assert "441632960001" in (alice["caller"], alice["callee"])
    started = datetime.datetime.strptime(alice["start_time"], "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=datetime.timezone.utc)
    age = (datetime.datetime.now(datetime.timezone.utc) - started).total_seconds()
    # Seeded 30-600 s before the sandbox reset; duration is counted in seconds, not minutes.
    assert 30 <= alice["duration"] <= age + 1 and alice["duration"] >= age - 120
    assert [c["i_account"] for c in calls_of(result, "Acme")] == [5001]
    assert [c["i_account"] for c in calls_of(result, "Globex")] == [5004]
    assert [c["call_id"] for c in calls_of(result, "Alice")] == [alice["call_id"]]
    assert calls_of(result, "Bob") == []
    assert [c["i_account"] for c in calls_of(result, "Other")] == [5101]
    assert DEMO_LICENSE not in everything(result) and OTHER_LICENSE not in everything(result)
    assert writes(sandbox) == []

    # Exclusion filters reach the server: Acme's one call (Alice's) gives the remote number's prefix.
    remote = [c["callee"] if c["caller"] == c["account_id"] else c["caller"] for c in calls_of(result, "Acme")][0]
    sandbox.clear_log()
    result = play(lookup_task("No Alice", "exclude_accounts=['441632960001']")
                  + lookup_task("No prefix", "customer=1001, exclude_destinations=['%s']" % remote[:4]))
    assert result.rc == 0, result.output
    assert [c["i_account"] for c in calls_of(result, "No Alice")] == [5004]
    assert calls_of(result, "No prefix") == []
    assert [r["route"] for r in sandbox.requests()] == [
        "/GetActiveCallsReseller/{License}", "/GetActiveCallsCustomer/{License}/{ICustomer}"]


def test_bad_scope_fails_naming_the_option(play, sandbox):
    result = play(lookup_task("Unknown customer", "customer=999999", True)
                  + lookup_task("Other reseller's customer", "customer=2001", True)
                  + lookup_task("Unknown account", "account='000000'", True)
                  + lookup_task("Wrong customer", "customer=1002, account='441632960001'", True)
                  + lookup_task("Positional", "'1001'", True)
                  + lookup_task("Misspelt option", "customr=1001", True)
                  + lookup_task("Slash", "account='a/b'", True))
    assert result.rc == 0, result.output
    for name, text in (("Unknown customer", "customer: no customer with this id is visible to the License (got 999999)"),
                       ("Other reseller's customer", "customer: no customer with this id is visible to the License (got 2001)"),
                       ("Unknown account", "account: no open account with this ID is visible to the License (got '000000')"),
                       ("Wrong customer", "account: belongs to customer 1001, not to customer 1002"),
                       ("Positional", "takes no positional terms"),
                       ("Misspelt option", "unknown option 'customr' (did you mean 'customer'?)"),
                       ("Slash", "account: must be an account ID: must not contain '/' (got 'a/b')")):
        assert failed(result, name), name
        assert text in result.task(name)["msg"], (name, result.task(name)["msg"])
    assert DEMO_LICENSE not in everything(result)
    # Nothing reached the server for bad values it could be told from: the account and the
    # customer reads only (the unknown/foreign ids), never a calls read of a wrong scope.
    assert "/GetActiveCallsReseller/{License}" not in [r["route"] for r in sandbox.requests()]


def test_missing_license_fails_clearly(play, sandbox):
    result = play(lookup_task("No license", "", True), extra_env={"PORTAPLUS_LICENSE": ""})
    assert failed(result, "No license")
    assert "license is required" in result.task("No license")["msg"]
