"""Trustworthy resources (issue 13): real ansible-playbook runs against the sandbox.

Gathered output round-trips, masks are never written, empty lists never delete, writes that
cannot succeed fail first, secrets stay out of -vvvv, and errors say what the user did.
"""
import json
import socket

from tests.integration.conftest import DEMO_LICENSE, writes
from tests.integration.test_accounts import ACME, GLOBEX, SEEDED_PASSWORDS, everything, failed, task

GATHER = (task("Gather accounts", "accounts", {"customer": ACME, "state": "gathered"}, register="accounts")
          + task("Gather extensions", "extensions", {"customer": ACME, "state": "gathered"}, register="extensions"))


STATES = ("merged", "replaced", "overridden")
MASKS = ("********", "VALUE_SPECIFIED_IN_NO_LOG_PARAMETER", "******** (changed)")


def gathered_fed_back():
    tasks = GATHER
    for state in STATES:
        for module, name in (("accounts", "Accounts"), ("extensions", "Extensions")):
            tasks += ("- name: %s back %s\n  portaplus.softswitch.%s:\n    customer: %d\n    state: %s\n"
                      "    config: \"{{ %s.gathered }}\"\n" % (name, state, module, ACME, state, module))
    return tasks


def masked_passwords():
    tasks = ""
    for number, mask in enumerate(MASKS):
        tasks += task("List %d" % number, "accounts", {"customer": ACME, "config": [
            {"account_id": "441632960001", "email": "new@acme.example"},
            {"account_id": "441632960002", "password": mask}]}, ignore_errors=True)
        tasks += task("Single %d" % number, "account", {
            "customer": ACME, "account_id": "441632960002", "password": mask}, ignore_errors=True)
    return tasks


def another_customers_account():
    """Acme's tasks on Dan, an account of Globex: in check mode (the task keyword, as --check) and for real."""
    tasks = ""
    for mode, check in (("check", True), ("real", False)):
        tasks += task("Create Dan in Acme (%s)" % mode, "accounts", {"customer": ACME, "config": [
            {"account_id": "441632960101", "product": "Office Line"}]}, ignore_errors=True, check_mode=check)
        tasks += task("Dan's add-on from Acme (%s)" % mode, "account", {
            "customer": ACME, "account_id": "441632960101", "addons": ["Call Recording"]}, ignore_errors=True,
            check_mode=check)
    return tasks


def reads_in_check_mode():
    return (task("Gather accounts (check)", "accounts", {"customer": ACME, "state": "gathered"}, check_mode=True)
            + task("Gather extensions (check)", "extensions", {"customer": ACME, "state": "gathered"}, check_mode=True)
            + task("Info (check)", "account_info", {"customer": ACME}, check_mode=True))


def empty_lists_and_the_guard():
    return (task("Empty accounts", "accounts", {"customer": ACME, "state": "deleted", "config": [], "max_deletions": 10})
            + task("Empty extensions", "extensions", {"customer": ACME, "state": "deleted", "config": [],
                                                      "max_deletions": 10})
            + task("Empty overridden", "extensions", {"customer": ACME, "state": "overridden", "config": [],
                                                      "max_deletions": 10}, ignore_errors=True)
            + task("Everything, too few allowed", "extensions", {"customer": ACME, "state": "deleted", "max_deletions": 1},
                   ignore_errors=True)
            + task("Everything", "accounts", {"customer": GLOBEX, "state": "deleted", "max_deletions": 1}))


def test_gathered_round_trips_masks_and_foreign_ids_are_refused_empty_lists_delete_nothing_at_vvvv(play, sandbox):
    """One run, on the demo data as seeded, at -vvvv: gathered output fed back as config changes nothing; a masked
    password is refused; an account ID of another customer is refused, in check mode too; the reads hold in check
    mode and show no secret; then (last, as the only writer) empty lists delete nothing and only the explicit
    form with its allowance removes an account."""
    result = play(gathered_fed_back() + masked_passwords() + another_customers_account() + reads_in_check_mode()
                  + empty_lists_and_the_guard(), verbosity=4)
    assert result.rc == 0, result.output[-3000:]

    for state in STATES:
        assert result.task("Accounts back %s" % state)["changed"] is False
        assert result.task("Extensions back %s" % state)["changed"] is False
    gathered = result.task("Gather accounts")
    assert all("password" not in item and "i_account" not in item for item in gathered["gathered"])
    assert gathered["facts"]["441632960001"]["i_account"] == 5001
    assert gathered["facts"]["441632960001"]["addon_details"][0]["name"] == "Call Recording"

    for number, _mask in enumerate(MASKS):
        assert failed(result, "List %d" % number) and failed(result, "Single %d" % number)
        assert result.task("List %d" % number)["msg"].startswith("config[1].password: is ")
        assert result.task("Single %d" % number)["msg"].startswith("password: is ")   # the single module's own option
        assert result.task("List %d" % number)["changed"] is False

    for mode in ("check", "real"):
        for name in ("Create Dan in Acme (%s)" % mode, "Dan's add-on from Acme (%s)" % mode):
            assert failed(result, name), name
            message = result.task(name)["msg"]
            assert "account 441632960101 exists in customer 1002, not in customer 1001" in message, message
            assert "product is required" not in message
        assert result.task("Dan's add-on from Acme (%s)" % mode)["msg"].startswith("account_id: ")
        assert result.task("Create Dan in Acme (%s)" % mode)["msg"].startswith("config[0].account_id: ")

    for secret in SEEDED_PASSWORDS + (DEMO_LICENSE,):
        assert secret not in everything(result)
    assert json.dumps(result.task("Gather accounts (check)")["gathered"]).count("password") == 0
    assert result.task("Info (check)")["accounts"]

    assert result.task("Empty accounts")["changed"] is False and result.task("Empty accounts")["deleted"] == []
    assert result.task("Empty extensions")["changed"] is False
    assert "empty list" in result.task("Empty overridden")["msg"]
    assert "max_deletions=1" in result.task("Everything, too few allowed")["msg"]
    assert result.task("Everything")["deleted"] == ["441632960101"]
    # the only write of the whole run: nothing before "Everything" wrote, and only the explicit form removed anything
    assert [r["route"] for r in writes(sandbox)] == ["/UpdateAccount"]


def test_user_info_in_the_url_is_refused_and_never_shown_even_at_vvvv(play, sandbox):
    url = sandbox.url.replace("http://", "http://admin:Url-Pass-77@")
    result = play(task("Userinfo", "account_info", {"customer": ACME}, ignore_errors=True), verbosity=4,
                  extra_env={"PORTAPLUS_URL": url})
    assert failed(result, "Userinfo")
    assert "url must not contain a user name or password" in result.task("Userinfo")["msg"]
    assert "ESTABLISH LOCAL CONNECTION" in result.stdout
    assert "Url-Pass-77" not in everything(result)
    assert sandbox.requests() == []


def test_a_license_with_a_slash_is_refused_without_showing_any_part_of_it(play, sandbox):
    license = "c2VjcmV0LXBhcnQ/b3RoZXItcGFydA+more/tail=="
    result = play(task("Slash", "account_info", {"customer": ACME}, ignore_errors=True), verbosity=4, license=license)
    assert failed(result, "Slash")
    assert "license contains one of the characters" in result.task("Slash")["msg"]
    text = everything(result)
    for part in [license] + license.split("/"):
        assert part not in text, part
    assert sandbox.requests() == []


def test_a_wrong_url_says_it_does_not_look_like_the_api(play, sandbox):
    result = play(task("Path prefix", "extensions", {"customer": ACME, "state": "gathered"}, ignore_errors=True),
                  extra_env={"PORTAPLUS_URL": sandbox.url + "/api/v2"})
    message = result.task("Path prefix")["msg"]
    assert message.startswith("reading the extensions of customer 1001 failed: this URL does not look like a Porta Plus 2 API")
    assert "no customer" not in message and DEMO_LICENSE not in message


def test_errors_name_what_the_user_did(play, sandbox):
    sandbox.set_faults(fault_rate=1.0, kinds=["500"], routes=["/GetAccounts/{License}/{ICustomer}"])
    result = play(task("Read", "accounts", {"customer": GLOBEX, "state": "gathered", "retries": 0}, ignore_errors=True))
    assert result.task("Read")["msg"].startswith("reading the accounts of customer 1002 failed: 500")


def test_a_refused_connection_fails_within_a_few_seconds_with_a_short_message(play, sandbox):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    result = play(task("Refused", "product_info", {}, ignore_errors=True),
                  extra_env={"PORTAPLUS_URL": "http://127.0.0.1:%d" % port})
    message = result.task("Refused")["msg"]
    assert message.startswith("reading the product catalogue failed: connection refused after 4 attempt(s): "
                              "Connection refused (127.0.0.1:%d)" % port), message
    for noise in ("urllib3", "HTTPConnection", "Max retries", "object at 0x"):
        assert noise not in message
    # the pauses between attempts are capped (unit test test_connection_refused_fails_within_a_few_seconds...)
