"""The customer role through playbooks/provision.yml, against a real sandbox process."""
import json
import os
import re
import shutil
import urllib.request

import pytest
import yaml

from tests.collection_path import REPO
from tests.integration.conftest import writes
from tests.integration.playbooks import run_playbook

EXAMPLES = os.path.join(REPO, "examples", "customers")


def customers_dir(tmp_path, edit=None, only_acme=False):
    """A copy of examples/customers, optionally with acme.yml changed by `edit(data)`."""
    target = tmp_path / "customers"
    shutil.copytree(EXAMPLES, target)
    if only_acme:
        os.remove(target / "globex.yml")
    if edit:
        path = target / "acme.yml"
        data = yaml.safe_load(path.read_text())
        edit(data)
        path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True))
    return target


def provision(sandbox, tmp_path, directory, *args):
    return run_playbook(sandbox.url, "provision.yml", "-e", "customers_dir=%s" % directory, *args,
                        tmp_path=tmp_path)


def account_ids(sandbox, customer):
    with urllib.request.urlopen("%s/GetAccounts/DEMO-LICENSE/%d?format=json" % (sandbox.url, customer)) as answer:
        return sorted(a["AccountId"] for a in json.load(answer)["Accounts"])


def test_second_provision_changes_nothing_and_writes_nothing(sandbox, tmp_path):
    # first through the example inventory (one host per customer file) ...
    first = run_playbook(sandbox.url, "provision.yml", "-i", os.path.join(REPO, "examples", "inventory", "customers.yml"),
                         tmp_path=tmp_path)
    assert first.rc == 0, first.output
    assert set(first.recap) == {"localhost", "acme", "globex"}
    assert first.recap["acme"]["changed"] >= 2 and first.recap["globex"]["changed"] >= 2, first.recap
    assert "Acme Ltd (1001) from %s/examples/inventory/../customers/acme.yml: applying" % REPO in first.stdout
    # ... then, with the same files found in their directory, there is nothing left to do
    directory = customers_dir(tmp_path)
    assert account_ids(sandbox, 1001) == ["441632960001", "441632960002", "441632960003", "441632960020"]
    sandbox.clear_log()
    second = provision(sandbox, tmp_path, directory)
    assert second.rc == 0, second.output
    assert set(second.recap) == {"localhost", "acme", "globex"}
    assert all(host["changed"] == 0 and host["failed"] == 0 for host in second.recap.values()), second.recap
    assert "in sync, nothing to change" in second.stdout
    assert writes(sandbox) == []


def test_extensions_of_new_accounts_travel_with_the_account_creation(sandbox, tmp_path):
    # Three new accounts, each with a new extension in the file: one CreateAccounts carries all three
    # extensions (A29); only the one whose name is not the holder's costs a request of its own.
    def add_three(data):
        for n, (first, last, name) in enumerate([("Eve", "Evans", "Eve Evans"), ("Finn", "Ford", "Finn Ford"),
                                                 ("Gail", "Grey", "Front desk")]):
            account_id = "44163296003%d" % n
            data["accounts"].append({"account_id": account_id, "product": "Hosted PBX Seat",
                                     "first_name": first, "last_name": last})
            data["extensions"].append({"number": "13%d" % n, "name": name, "account_id": account_id})

    assert provision(sandbox, tmp_path / "first", customers_dir(tmp_path / "first", only_acme=True)).rc == 0
    sandbox.clear_log()
    result = provision(sandbox, tmp_path, customers_dir(tmp_path, add_three, only_acme=True))
    assert result.rc == 0, result.output
    routes = sorted(r["route"].split("/{")[0] for r in writes(sandbox))
    assert routes == ["/CreateAccounts", "/UpdateCustomerExtension"], routes
    with urllib.request.urlopen("%s/GetCustomerExtensions/DEMO-LICENSE/1001?format=json" % sandbox.url) as answer:
        extensions = dict((e["id"], e) for e in json.load(answer)["ExtensionLst"])
    with urllib.request.urlopen("%s/GetAccounts/DEMO-LICENSE/1001?format=json" % sandbox.url) as answer:
        holder = dict((a["IAccount"], a["AccountId"]) for a in json.load(answer)["Accounts"])
    assert [(extensions[n]["name"], holder[extensions[n]["i_account"]]) for n in ("130", "131", "132")] == [
        ("Eve Evans", "441632960030"), ("Finn Ford", "441632960031"), ("Front desk", "441632960032")]
    sandbox.clear_log()
    again = provision(sandbox, tmp_path / "again", customers_dir(tmp_path / "again", add_three, only_acme=True))
    assert again.rc == 0 and again.recap["acme"]["changed"] == 0, again.recap
    assert writes(sandbox) == []


def test_check_diff_prints_the_plan_and_writes_nothing(sandbox, tmp_path):
    secret = "Sip-Secret-4711"

    def with_password(data):
        data["accounts"][3]["password"] = secret

    first = provision(sandbox, tmp_path, customers_dir(tmp_path / "first", with_password), "-vvv", "--diff")
    assert first.rc == 0, first.output[-3000:]
    assert "441632960020" in first.output
    assert secret not in first.output           # the file's passwords never show, even at -vvv

    def edit(data):
        data["accounts"][1]["email"] = "robert@acme.example"        # Bob: changed
        data["accounts"].append({"account_id": "441632960021", "product": "Hosted PBX Seat",
                                 "first_name": "Erin", "last_name": "Eden"})
        data["extensions"].append({"number": "121", "name": "Erin", "account_id": "441632960021"})
        data["extensions"] = [e for e in data["extensions"] if e["number"] != "150"]
        data["policy"]["extensions"]["max_deletions"] = 1

    sandbox.clear_log()
    plan = provision(sandbox, tmp_path, customers_dir(tmp_path, edit), "--check", "--diff")
    assert plan.rc == 0, plan.output
    assert "plan (check mode, nothing is written)" in plan.stdout
    assert "accounts:   create 441632960021; change 441632960002; terminate -" in plan.stdout
    assert "extensions: create 121; change -; remove 150" in plan.stdout
    assert "bound once their new accounts exist: 121 -> 441632960021" in plan.stdout
    assert re.search(r"^\+.*robert@acme\.example", plan.stdout, re.M), plan.stdout   # the field-level diff
    assert plan.recap["acme"]["changed"] == 2 and plan.recap["globex"]["changed"] == 0, plan.recap
    assert writes(sandbox) == []


BAD_FILES = {
    "unknown key": (lambda d: d["accounts"][3].update(emial="dana@acme.example"),
                    "acme.yml: accounts[3].emial: unknown key; did you mean 'email'?"),
    "missing field": (lambda d: d["extensions"][2].pop("number"),
                      "acme.yml: extensions[2].number: is required but missing"),
    "duplicate extension number": (lambda d: d["extensions"].append({"number": "101", "name": "Again"}),
                                   "acme.yml: extensions[4].number: '101' is already used by extensions[0]"),
    "wrong type": (lambda d: d["accounts"][0].update(credit_limit="fifty"),
                   "acme.yml: accounts[0].credit_limit: must be a number, got 'fifty' (str)"),
}


@pytest.mark.parametrize("problem", sorted(BAD_FILES))
def test_a_bad_file_fails_before_any_request_naming_the_path(sandbox, tmp_path, problem):
    edit, message = BAD_FILES[problem]
    run = provision(sandbox, tmp_path, customers_dir(tmp_path, edit, only_acme=True))
    assert run.rc != 0
    assert message in run.output, run.output
    assert run.recap["acme"]["failed"] == 1
    assert sandbox.requests() == []         # not even a read: the file is checked first


def test_too_many_terminations_fail_before_any_write(sandbox, tmp_path):
    def edit(data):
        data["accounts"] = [a for a in data["accounts"] if a["account_id"] != "441632960003"]   # Carol goes
        data["accounts"][0]["first_name"] = "Alicia"                                           # and a change

    run = provision(sandbox, tmp_path, customers_dir(tmp_path, edit, only_acme=True))
    assert run.rc != 0
    assert "max_deletions" in run.output and "441632960003" in run.output, run.output
    assert writes(sandbox) == []            # not even Alice's change: the plan runs first
    assert "441632960003" in account_ids(sandbox, 1001)


def test_two_files_for_one_customer_are_refused(sandbox, tmp_path):
    directory = customers_dir(tmp_path, only_acme=True)
    shutil.copy(directory / "acme.yml", directory / "acme-copy.yml")
    run = provision(sandbox, tmp_path, directory)
    assert run.rc != 0
    assert "acme-copy.yml and %s/acme.yml name the same customer (1001)" % directory in run.output, run.output
    assert run.recap["acme"]["failed"] == 1 and run.recap["acme-copy"]["failed"] == 1
    assert writes(sandbox) == []


def test_a_file_that_is_not_yaml_is_named_with_its_line(sandbox, tmp_path):
    directory = customers_dir(tmp_path, only_acme=True)
    (directory / "broken.yml").write_text('customer: 1002\naccounts:\n  - account_id: "1"\n   product: x\n')
    run = provision(sandbox, tmp_path, directory)
    assert run.rc != 0
    assert "broken.yml: line 4, column 4: is not valid YAML" in run.output, run.output
    assert run.recap["acme"]["failed"] == 0          # the other file is applied
