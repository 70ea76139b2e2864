"""customer_info: the customers a License sees, with search and sites (real ansible-playbook runs)."""
from tests.integration.conftest import DEMO_LICENSE, OTHER_LICENSE, writes
from tests.ansible_cli import during, names
from tests.integration.test_accounts import everything, failed, task


def ids(customers):
    return [customer["id"] for customer in customers]


LISTS = (task("All", "customer_info", {})
         + task("Search", "customer_info", {"search": "GLOBEX"})
         + task("Search by id", "customer_info", {"search": "1001"})
         + task("Sites", "customer_info", {"sites": True})
         + task("One", "customer_info", {"customer": 1002, "sites": True})
         + task("Nobody", "customer_info", {"search": "no such customer"}))
BAD = (task("Foreign", "customer_info", {"customer": 2001}, ignore_errors=True)
       + task("Slash", "customer_info", {"search": "a/b"}, ignore_errors=True)
       + task("Suffix", "customer_info", {"search": "acme.json"}, ignore_errors=True)
       + task("Zero", "customer_info", {"customer": 0}, ignore_errors=True))


def test_lists_searches_and_adds_sites_and_bad_input_fails_naming_the_option(play, sandbox):
    result = play(LISTS + BAD)
    assert result.rc == 0, result.output
    requests = sandbox.requests()
    everyone = result.task("All")["customers"]
    assert ids(everyone) == [1001, 1002]
    acme = everyone[0]
    assert acme == {"id": 1001, "name": "Acme Ltd", "first_name": "Ada", "last_name": "Acme",
                    "email": "billing@acme.example", "phone": "442079460100", "city": "London", "country": "GB",
                    "currency": "GBP", "balance": 120.5, "credit_limit": 1000, "available_balance": 879.5}
    assert result.task("All")["changed"] is False
    assert ids(result.task("Search")["customers"]) == [1002]
    assert ids(result.task("Search by id")["customers"]) == [1001]
    with_sites = result.task("Sites")["customers"]
    assert [(c["id"], [(s["id"], s["name"], s["accounts"]) for s in c["sites"]]) for c in with_sites] == [
        (1001, [(301, "London HQ", 2), (302, "Bristol Branch", 1)]), (1002, [(303, "Manchester", 1)])]
    assert ids(result.task("One")["customers"]) == [1002]
    assert result.task("One")["customers"][0]["sites"][0]["name"] == "Manchester"
    assert result.task("Nobody")["customers"] == []
    # Sites come with the list: one request per task, whatever the number of customers.
    assert [r["route"] for r in during(requests, result, *names(LISTS))] == [
        "/GetCustomersShortInfo/{License}", "/GetCustomersShortInfo/{License}/{SearchString}/{IParent}",
        "/GetCustomersShortInfo/{License}/{SearchString}/{IParent}", "/GetCustomersShortInfo/{License}",
        "/GetCustomersShortInfo/{License}", "/GetCustomersShortInfo/{License}/{SearchString}/{IParent}"]
    assert failed(result, "Foreign")
    assert "customer: no customer with this id is visible to the License (got 2001)" in result.task("Foreign")["msg"]
    assert "search: must not contain '/' (got 'a/b')" in result.task("Slash")["msg"]
    assert "search: must not end in .json" in result.task("Suffix")["msg"]
    assert "customer: must be a customer id (a positive integer) (got 0)" in result.task("Zero")["msg"]
    # Only the foreign-customer task reached the server; bad search text is refused before sending.
    assert [r["route"] for r in during(requests, result, *names(BAD))] == ["/GetCustomersShortInfo/{License}"]
    assert writes(sandbox) == []
    assert DEMO_LICENSE not in everything(result)


def test_another_licenses_customers_and_sites(play, sandbox):
    # the other License's view and nothing of it shown: a run of its own (the License is the environment's)
    other = play(task("Other", "customer_info", {"sites": True}), license=OTHER_LICENSE)
    assert other.rc == 0, other.output
    assert [(c["id"], [s["name"] for s in c["sites"]]) for c in other.task("Other")["customers"]] == [(2001, ["Leeds"])]
    assert OTHER_LICENSE not in everything(other)
