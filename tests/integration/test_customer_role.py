"""The customer role through playbooks/provision.yml, against a real sandbox process."""
import json
import os
import re
import shutil
import urllib.request

import yaml

from tests.collection_path import REPO
from tests.integration.conftest import writes
from tests.integration.playbooks import run_playbook
from tests.ansible_cli import copies, during

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
    assert first.recap["acme"]["changed"] == 1 and first.recap["globex"]["changed"] == 1, first.recap
    assert ("Acme Ltd (1001) from %s/examples/inventory/../customers/acme.yml: accounts: create 441632960020"
            % REPO) in first.stdout
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


def test_check_diff_prints_the_plan_and_writes_nothing_then_extensions_of_new_accounts_travel_with_the_account(
        sandbox, tmp_path):
    secret = "Sip-Secret-4711"

    def with_password(data):
        data["accounts"][3]["password"] = secret

    first = provision(sandbox, tmp_path, customers_dir(tmp_path / "first", with_password), "-vvv", "--diff")
    assert first.rc == 0, first.output[-3000:]
    assert "441632960020" in first.output
    assert re.search(r"^\+.*dana@acme\.example", first.stdout, re.M), first.stdout   # --diff in a real run too
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
    assert "accounts: create 441632960021; update 441632960002 | extensions: create 121; delete 150" in plan.stdout
    assert re.search(r"^\+.*robert@acme\.example", plan.stdout, re.M), plan.stdout   # the field-level diff
    assert plan.recap["acme"]["changed"] == 1 and plan.recap["globex"]["changed"] == 0, plan.recap
    assert writes(sandbox) == []

    # Three new accounts, each with a new extension in the file: one CreateAccounts carries all three
    # extensions (A29); only the one whose name is not the holder's costs a request of its own.
    def add_three(data):
        for n, (first, last, name) in enumerate([("Eve", "Evans", "Eve Evans"), ("Finn", "Ford", "Finn Ford"),
                                                 ("Gail", "Grey", "Front desk")]):
            account_id = "44163296003%d" % n
            data["accounts"].append({"account_id": account_id, "product": "Hosted PBX Seat",
                                     "first_name": first, "last_name": last})
            data["extensions"].append({"number": "13%d" % n, "name": name, "account_id": account_id})

    # The examples are in place (the first run above): the next run's writes are the three accounts' alone.
    sandbox.clear_log()
    result = provision(sandbox, tmp_path / "travel", customers_dir(tmp_path / "travel", add_three, only_acme=True))
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


# Each problem in a copy of acme.yml of its own (the host and file name say which), all in one directory.
BAD_FILES = {
    "unknown-key": (lambda d: d["accounts"][3].update(emial="dana@acme.example"),
                    "unknown-key.yml: accounts[3].emial: unknown key; did you mean 'email'?"),
    "missing-field": (lambda d: d["extensions"][2].pop("number"),
                      "missing-field.yml: extensions[2].number: is required but missing"),
    "duplicate-extension-number": (lambda d: d["extensions"].append({"number": "101", "name": "Again"}),
                                   "duplicate-extension-number.yml: extensions[4].number: '101' is already used by extensions[0]"),
    # checked by the customer module, after the same-customer check: a customer of its own, so it reaches it
    "wrong-type": (lambda d: (d["accounts"][0].update(credit_limit="fifty"), d.update(customer=1002)),
                   "wrong-type.yml: accounts[0].credit_limit: must be a number (got 'fifty')"),
}


def test_bad_files_fail_before_any_request_naming_the_path_and_two_files_for_one_customer_are_refused(sandbox, tmp_path):
    # One provision run: each bad file fails its own host at the check, before any request; the two good
    # files that name the same customer (acme.yml and acme-copy.yml) are then both refused, before any request.
    directory = customers_dir(tmp_path, only_acme=True)
    original = yaml.safe_load((directory / "acme.yml").read_text())
    for host, (edit, _message) in BAD_FILES.items():
        data = yaml.safe_load(yaml.safe_dump(original))
        edit(data)
        (directory / ("%s.yml" % host)).write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True))
    shutil.copy(directory / "acme.yml", directory / "acme-copy.yml")
    run = provision(sandbox, tmp_path, directory)
    assert run.rc != 0
    for host, (_edit, message) in BAD_FILES.items():
        assert message in run.output, (host, run.output)
        assert run.recap[host]["failed"] == 1, run.recap
    assert "acme-copy.yml and %s/acme.yml name the same customer (1001)" % directory in run.output, run.output
    assert run.recap["acme"]["failed"] == 1 and run.recap["acme-copy"]["failed"] == 1
    assert sandbox.requests() == []         # not even a read: the files are checked first


def test_a_file_that_is_not_yaml_is_named_with_its_line(sandbox, tmp_path):
    directory = customers_dir(tmp_path, only_acme=True)
    (directory / "broken.yml").write_text('customer: 1002\naccounts:\n  - account_id: "1"\n   product: x\n')
    run = provision(sandbox, tmp_path, directory)
    assert run.rc != 0
    assert "broken.yml: line 4, column 4: is not valid YAML" in run.output, run.output
    assert run.recap["acme"]["failed"] == 0          # the other file is applied


# -- the customer module behind the role (issue 21) ------------------------------------------------

def bigco(accounts=60, drop=None, policy=None):
    """Customer 1002 as a GitOps file: Dan (seeded) and accounts 442030000001.. each with extension 02NN."""
    data = {"customer": 1002, "name": "BigCo",
            "policy": policy or {"accounts": {"state": "overridden", "max_deletions": 0},
                                 "extensions": {"state": "overridden", "max_deletions": 0}},
            "accounts": [{"account_id": "441632960101", "product": "SIP Trunk", "first_name": "Dan", "last_name": "Dale",
                          "email": "dan@globex.example", "credit_limit": 200}],
            "extensions": [{"number": "201", "name": "Front Desk", "account_id": "441632960101"}]}
    for n in range(1, accounts):
        account_id = "4420300000%02d" % n
        data["accounts"].append({"account_id": account_id, "product": "Hosted PBX Seat", "first_name": "User",
                                 "last_name": "%02d" % n})
        data["extensions"].append({"number": "02%02d" % n, "name": "User %02d" % n, "account_id": account_id})
    if drop:
        data["accounts"] = [a for a in data["accounts"] if a["account_id"] != drop]
    return data


def write_bigco(directory, data):
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "bigco.yml").write_text(yaml.safe_dump(data, sort_keys=False))
    return directory


def test_an_extension_still_bound_to_a_dropped_account_and_too_many_terminations_are_refused_by_the_plan(sandbox, tmp_path):
    directory = tmp_path / "customers"
    first = provision(sandbox, tmp_path, write_bigco(directory, bigco()))
    assert first.rc == 0, first.output
    assert len(account_ids(sandbox, 1002)) == 60

    # the edit: one account removed (the guard allows it), its extension 0205 left in the file
    policy = {"accounts": {"state": "overridden", "max_deletions": 1},
              "extensions": {"state": "overridden", "max_deletions": 0}}
    edited = bigco(drop="442030000005", policy=policy)
    # In the same run, a file of its own (acme.yml, on the seed's Acme) drops Carol, over the default
    # max_deletions of 0, and changes Alice: its host fails too, and not even Alice's change is written.
    with open(os.path.join(EXAMPLES, "acme.yml"), encoding="utf-8") as handle:
        acme = yaml.safe_load(handle)
    acme["accounts"] = [a for a in acme["accounts"] if a["account_id"] != "441632960003"]     # Carol goes
    acme["accounts"][0]["first_name"] = "Alicia"                                             # and a change
    (directory / "acme.yml").write_text(yaml.safe_dump(acme, sort_keys=False, allow_unicode=True))
    sandbox.clear_log()
    refused = provision(sandbox, tmp_path, write_bigco(directory, edited))
    assert refused.rc != 0 and refused.recap["bigco"]["failed"] == 1 and refused.recap["acme"]["failed"] == 1
    assert "%s/bigco.yml: extensions[5].account_id: account 442030000005 is terminated by this plan" % directory \
        in refused.output, refused.output
    assert "(441632960003), more than max_deletions=0 allows" in refused.output, refused.output
    assert writes(sandbox) == []            # neither file's plan wrote anything: each plan runs before its writes
    assert "442030000005" in account_ids(sandbox, 1002)
    assert "441632960003" in account_ids(sandbox, 1001)
    (directory / "acme.yml").unlink()

    # the user fixes the file: the extension goes too (and its removal is allowed)
    policy["extensions"]["max_deletions"] = 1
    edited["extensions"] = [e for e in edited["extensions"] if e["number"] != "0205"]
    fixed = provision(sandbox, tmp_path, write_bigco(directory, edited))
    assert fixed.rc == 0 and fixed.recap["bigco"]["changed"] == 1, fixed.output
    assert "442030000005" not in account_ids(sandbox, 1002)
    sandbox.clear_log()
    again = provision(sandbox, tmp_path, write_bigco(directory, edited))
    assert again.rc == 0 and again.recap["bigco"]["changed"] == 0, again.recap
    assert "BigCo (1002) from %s/bigco.yml: in sync, nothing to change" % directory in again.stdout
    assert writes(sandbox) == []


def test_requests_of_a_first_run_and_of_a_no_op_and_the_size_of_its_result(sandbox, play, tmp_path):
    # 1,000 accounts, each with an extension named after its holder: they all ride in CreateAccounts (A29)
    data = bigco(accounts=1000, policy={"accounts": {"state": "merged"}, "extensions": {"state": "merged"}})
    for extension in data["extensions"][1:]:
        extension["number"] = "2" + extension["number"]     # 2001..2999: beside 201
    (tmp_path / "bigco.yml").write_text(yaml.safe_dump(data, sort_keys=False))
    task = "- name: Apply\n  portaplus.softswitch.customer:\n    src: %s\n" % (tmp_path / "bigco.yml")

    # One run: the plan (check mode, the task keyword), the first run, the no-op; requests told apart by task.
    run = play(copies(task, " (check)", check_mode=True) + task + copies(task, " (no-op)"))
    assert run.rc == 0, run.output
    requests = sandbox.requests()
    check = run.task("Apply (check)")
    assert check["changed"] is True
    assert check["plan"]["counts"] == {"create": 1998, "update": 0, "delete": 0}
    assert [r for r in during(requests, run, "Apply (check)") if r["write"]] == []     # check mode sends no write

    assert run.task("Apply")["changed"] is True
    routes = [r["route"].split("/{")[0] for r in during(requests, run, "Apply")]
    assert 0 < len(routes) <= 6, routes
    assert [r for r in routes if r.startswith(("/Add", "/UpdateCustomerExtension"))] == [], routes

    result = run.task("Apply (no-op)")
    assert result["changed"] is False
    noop = during(requests, run, "Apply (no-op)")
    assert 0 < len(noop) <= 3, noop
    size = len(json.dumps(result))
    assert size <= 4096, size
    assert "invocation" not in result and "before" not in result


VAULT_PASSWORD = "vault-pw-for-tests"


def test_a_file_is_data_templates_are_refused_and_run_nothing_vault_values_work(sandbox, play, tmp_path):
    from ansible.parsing.vault import VaultLib, VaultSecret   # the test encrypts as ansible-vault would
    cipher = VaultLib([("default", VaultSecret(b"vault-pw-for-tests"))]).encrypt("Clear-Sip-Pw-7").decode()
    (tmp_path / "vault-pass").write_text(VAULT_PASSWORD)
    env = {"ANSIBLE_VAULT_PASSWORD_FILE": str(tmp_path / "vault-pass")}
    # One -vvvv --diff run: the file refused as it is, then applied with templating: true. Each has its own
    # copy of the file, whose template touches a marker of its own: the refused one's must never appear.
    tasks = ""
    for step in ("refused", "trusted"):
        text = ("customer: 1002\nname: Globex\naccounts:\n  - account_id: \"441632960101\"\n"
                "    first_name: \"{{ lookup('pipe', 'touch %s') }}Dan\"\n    password: !vault |\n%s\n"
                % (tmp_path / ("marker-" + step), "\n".join("      " + line for line in cipher.splitlines())))
        (tmp_path / ("globex-%s.yml" % step)).write_text(text)
        tasks += ("- name: Apply (%s)\n  portaplus.softswitch.customer:\n    src: %s\n    source: customers/globex.yml\n"
                  % (step, tmp_path / ("globex-%s.yml" % step)))
        tasks += "    templating: true\n" if step == "trusted" else "  ignore_errors: true\n"

    run = play(tasks, extra_env=env, verbosity=4, diff=True)
    assert run.rc == 0, run.output
    assert [t["status"] for t in run.tasks if t["task"] == "Apply (refused)"] == ["failed"]
    assert "customers/globex.yml: accounts[0].first_name: holds a Jinja template" in run.task("Apply (refused)")["msg"]
    assert not (tmp_path / "marker-refused").exists()          # nothing ran
    assert during(sandbox.requests(), run, "Apply (refused)") == []   # not even a read

    assert (tmp_path / "marker-trusted").exists()
    with urllib.request.urlopen("%s/GetAccounts/DEMO-LICENSE/1002?format=json" % sandbox.url) as answer:
        dan = [a for a in json.load(answer)["Accounts"] if a["AccountId"] == "441632960101"][0]
    assert dan["VoipPassword"] == "Clear-Sip-Pw-7"   # the !vault value, decrypted with the play's secret
    assert "Clear-Sip-Pw-7" not in run.output and "Clear-Sip-Pw-7" not in json.dumps(run.tasks)


def test_a_stale_saved_plan_is_refused_with_no_write_and_a_fresh_one_applies(sandbox, play, tmp_path):
    tasks = """
    - name: Plan
      portaplus.softswitch.customer: &globex
        customer: 1002
        name: Globex
        accounts: [{account_id: "441632960101", email: dan@globex.example, first_name: Daniel}]
      check_mode: true
      register: planned
    - name: Someone changes Dan meanwhile
      portaplus.softswitch.account:
        customer: 1002
        account_id: "441632960101"
        last_name: Dalton
    - name: Apply the stale plan
      portaplus.softswitch.customer:
        <<: *globex
        saved_plan: "{{ planned.plan }}"
      ignore_errors: true
    - name: Plan again
      portaplus.softswitch.customer: *globex
      check_mode: true
      register: replanned
    - name: Apply the fresh plan
      portaplus.softswitch.customer:
        <<: *globex
        saved_plan: "{{ replanned.plan }}"
    """
    run = play(tasks)
    stale = [t for t in run.tasks if t["task"] == "Apply the stale plan"][0]
    assert stale["status"] == "failed" and stale["result"]["msg"] == (
        "saved_plan: the state of Globex (1002) changed since the plan was made; plan again"), stale
    assert run.task("Apply the fresh plan")["changed"] is True, run.output
    updates = [r for r in sandbox.requests() if r["write"]]
    assert len(updates) == 2, updates      # Dan's last name, then the fresh plan: nothing from the stale one
