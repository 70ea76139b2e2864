"""product_info: the catalogue of a License, split into main products and add-ons."""
from tests.integration.conftest import OTHER_LICENSE, writes
from tests.integration.test_accounts import everything, failed, task


def names(products):
    return [product["name"] for product in products]


def test_catalogue_is_split_by_addon_priority_and_filtered_and_each_license_sees_its_own(play, sandbox):
    result = play(
        task("All", "product_info", {})
        + task("Pounds", "product_info", {"currency": "gbp"})
        + task("Euros", "product_info", {"currency": "EUR"})
        + task("Search", "product_info", {"search": "CALL"})
        + task("Bad currency", "product_info", {"currency": "G/P"}, ignore_errors=True)
        # each License sees only its own catalogue: the other reseller's, in the same run
        + task("Other", "product_info", {"license": OTHER_LICENSE}))
    assert result.rc == 0, result.output
    everything_ = result.task("All")
    assert names(everything_["products"]) == ["Hosted PBX Seat", "Office Line", "SIP Trunk"]
    assert names(everything_["addons"]) == ["Call Recording", "International Calling", "Voicemail to Email"]
    recording = everything_["addons"][0]
    assert (recording["id"], recording["addon_priority"], recording["kind"]) == (11, 10, "addon")
    assert everything_["products"][0] == {
        "id": 2, "name": "Hosted PBX Seat", "description": "A seat on the hosted PBX", "end_user_name": "Hosted PBX Seat",
        "maintenance_fee": 15.0, "product_group_id": 1, "addon_priority": 0, "kind": "main"}
    assert everything_["changed"] is False
    assert result.task("Pounds")["products"] == everything_["products"]
    assert result.task("Euros")["products"] == [] and result.task("Euros")["addons"] == []
    assert names(result.task("Search")["addons"]) == ["Call Recording", "International Calling"]
    assert result.task("Search")["products"] == []
    bad = result.task("Bad currency")
    assert failed(result, "Bad currency") and "currency: must be a three-letter ISO 4217 code such as GBP (got 'G/P')" in bad["msg"]
    assert writes(sandbox) == []
    other = result.task("Other")
    assert [(p["id"], p["name"]) for p in other["products"]] == [(21, "Basic Line")]
    assert [(p["id"], p["name"]) for p in other["addons"]] == [(31, "Call Recording")]
    assert OTHER_LICENSE not in everything(result)
