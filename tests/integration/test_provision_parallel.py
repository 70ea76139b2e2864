"""Eight customer files applied with --forks 8 end exactly as declared: nothing crosses."""
import json
import urllib.request

import pytest
import yaml
from portaplus_sandbox.testing import SandboxServer

from tests.integration.playbooks import run_playbook

CUSTOMERS = 8
FIRST_CUSTOMER = 1101        # the sandbox's --customers N generator numbers them from here


def existing_account(index, rank):
    """Account IDs the sandbox's --accounts generator gives customer `index` (round robin)."""
    return "44163297%04d" % (index + 1 + rank * CUSTOMERS)


def customer_file(index):
    return {
        "customer": FIRST_CUSTOMER + index,
        "name": "Customer %d" % index,
        "policy": {"accounts": {"state": "overridden", "max_deletions": 1},
                   "extensions": {"state": "overridden"}},
        "accounts": [
            {"account_id": existing_account(index, 0), "first_name": "Kept", "last_name": str(index),
             "email": "kept%d@customer.example" % index},
            {"account_id": "44170%02d0001" % index, "product": "Office Line", "first_name": "New",
             "last_name": "One %d" % index},
            {"account_id": "44170%02d0002" % index, "product": "Hosted PBX Seat", "first_name": "New",
             "last_name": "Two %d" % index, "addons": ["Call Recording"]},
        ],
        "extensions": [
            {"number": "101", "name": "Reception %d" % index, "account_id": "44170%02d0001" % index},
            {"number": "102", "name": "Kept %d" % index, "account_id": existing_account(index, 0)},
            {"number": "103", "name": "Lobby %d" % index},
        ],
    }


@pytest.fixture
def eight_customers():
    with SandboxServer(seed="demo", extra_args=["--customers", str(CUSTOMERS), "--accounts", str(2 * CUSTOMERS),
                                                "--cdrs", "0"]) as server:
        yield server


def read(server, route):
    with urllib.request.urlopen("%s/%s?format=json" % (server.url, route)) as answer:
        return json.load(answer)


def test_eight_customers_with_eight_forks_end_exactly_as_declared(eight_customers, tmp_path):
    directory = tmp_path / "customers"
    directory.mkdir()
    for index in range(CUSTOMERS):
        (directory / ("customer%d.yml" % index)).write_text(yaml.safe_dump(customer_file(index), sort_keys=False))
    run = run_playbook(eight_customers.url, "provision.yml", "--forks", str(CUSTOMERS),
                       "-e", "customers_dir=%s" % directory, tmp_path=tmp_path)
    assert run.rc == 0, run.output
    assert sorted(h for h in run.recap if h != "localhost") == ["customer%d" % i for i in range(CUSTOMERS)]
    for index in range(CUSTOMERS):
        declared = customer_file(index)
        customer = declared["customer"]
        accounts = read(eight_customers, "GetAccounts/DEMO-LICENSE/%d" % customer)["Accounts"]
        assert sorted(a["AccountId"] for a in accounts) == sorted(a["account_id"] for a in declared["accounts"]), \
            customer
        extensions = read(eight_customers, "GetCustomerExtensions/DEMO-LICENSE/%d" % customer)["ExtensionLst"]
        got = sorted((e["id"], e["name"], e["account_id"] if e["i_account"] else "") for e in extensions)
        assert got == sorted((e["number"], e["name"], e.get("account_id", "")) for e in declared["extensions"]), \
            customer
    # the seeded customers were never touched
    assert sorted(a["AccountId"] for a in read(eight_customers, "GetAccounts/DEMO-LICENSE/1001")["Accounts"]) == [
        "441632960001", "441632960002", "441632960003"]
