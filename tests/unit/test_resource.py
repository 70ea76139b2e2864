"""Unit tests of the declarative engine on an in-memory resource (pure logic, no HTTP)."""
import pytest

from ansible_collections.portaplus.softswitch.plugins.module_utils.resource import (
    MASK, MASK_CHANGED, Engine, Field, IncompleteChangeError, InputError, ResourceSpec, run_single)


class MemoryPhones(ResourceSpec):
    """A fake resource: phones keyed by number, with a name, a tag set and a secret pin."""

    noun = "phone"
    plural = "phones"
    key = "number"
    fields = {
        "name": Field("str", reset=""),
        "tags": Field("set", reset=[]),
        "limit": Field("float"),
        "pin": Field("str", secret=True),
    }

    def __init__(self, store=None, fail_on=None):
        self.store = dict((item["number"], dict(item)) for item in (store or []))
        self.calls = []
        self.fail_on = fail_on or {}

    def read_all(self):
        self.calls.append(("read",))
        return [dict(item) for item in sorted(self.store.values(), key=lambda i: i["number"])]

    def check_create(self, item, index):
        if not item.get("name"):
            raise InputError("config[%d].name" % index, "is required to create a phone")

    def create(self, items):
        self.calls.append(("create", [i["number"] for i in items]))
        for position, item in enumerate(items):
            if self.fail_on.get("create") == position:
                raise RuntimeError("server fell over")
            self.store[item["number"]] = dict(item, pid=len(self.store) + 100)

    def update(self, pairs):
        self.calls.append(("update", [d["number"] for d, _h in pairs]))
        for desired, _have in pairs:
            self.store[desired["number"]].update(desired)

    def delete(self, items):
        self.calls.append(("delete", [i["number"] for i in items]))
        for item in items:
            del self.store[item["number"]]

    def writes(self):
        return [call for call in self.calls if call[0] != "read"]


SEED = [
    {"number": "101", "name": "Reception", "tags": ["b", "a"], "limit": 10, "pin": "1111", "pid": 1},
    {"number": "102", "name": "Sales", "tags": [], "limit": 5.0, "pin": "2222", "pid": 2},
]


def run(spec, config, state, **kw):
    return Engine(spec).run(config, state, **kw)


def test_merged_changes_only_supplied_fields_and_normalises_types():
    spec = MemoryPhones(SEED)
    # tags in another order and limit as int-vs-float are the same value: no change.
    result = run(spec, [{"number": "101", "tags": ["a", "b"], "limit": 10.0}], "merged")
    assert result["changed"] is False
    assert spec.writes() == []
    result = run(spec, [{"number": "101", "name": "Front desk"}], "merged")
    assert result["changed"] is True
    assert result["updated"] == ["101"]
    assert spec.store["101"]["name"] == "Front desk"
    assert spec.store["101"]["tags"] == ["b", "a"]  # untouched


def test_merged_second_run_is_idempotent_and_batches_writes():
    spec = MemoryPhones(SEED)
    config = [{"number": "103", "name": "New"}, {"number": "104", "name": "Newer"},
              {"number": "102", "limit": 7}]
    first = run(spec, config, "merged")
    assert first["changed"] is True
    assert sorted(first["created"]) == ["103", "104"]
    assert spec.writes() == [("update", ["102"]), ("create", ["103", "104"])]
    spec.calls = []
    second = run(spec, config, "merged")
    assert second["changed"] is False
    assert spec.writes() == []


def test_replaced_resets_fields_left_out_but_keeps_fields_without_reset():
    spec = MemoryPhones(SEED)
    result = run(spec, [{"number": "101", "name": "Reception"}], "replaced")
    assert result["changed"] is True
    assert spec.store["101"]["tags"] == []        # reset
    assert spec.store["101"]["limit"] == 10       # no reset value: kept
    assert spec.store["102"]["name"] == "Sales"   # not listed: untouched by replaced


def test_overridden_deletes_unlisted_within_guard():
    spec = MemoryPhones(SEED)
    with pytest.raises(InputError) as err:
        run(spec, [{"number": "101", "name": "Reception", "tags": ["a", "b"]}], "overridden", max_deletions=0)
    assert "would delete 1 phone (102)" in str(err.value)
    assert "max_deletions" in str(err.value)
    assert spec.writes() == []  # the guard fails before any write
    result = run(spec, [{"number": "101", "name": "Reception", "tags": ["a", "b"]}], "overridden", max_deletions=1)
    assert result["deleted"] == ["102"]
    assert sorted(spec.store) == ["101"]


def test_deleted_with_and_without_config():
    spec = MemoryPhones(SEED)
    result = run(spec, [{"number": "102"}, {"number": "999"}], "deleted", max_deletions=5)
    assert result["deleted"] == ["102"]
    assert sorted(spec.store) == ["101"]
    spec = MemoryPhones(SEED)
    with pytest.raises(InputError):
        run(spec, [], "deleted", max_deletions=1)
    assert spec.writes() == []
    result = run(spec, [], "deleted", max_deletions=2)
    assert sorted(result["deleted"]) == ["101", "102"]
    assert spec.store == {}


def test_gathered_reads_and_masks_secrets():
    spec = MemoryPhones(SEED)
    result = run(spec, None, "gathered")
    assert result["changed"] is False
    assert [item["number"] for item in result["gathered"]] == ["101", "102"]
    assert all(item["pin"] == MASK for item in result["gathered"])
    assert "1111" not in repr(result)
    assert spec.writes() == []


def test_check_mode_never_writes_and_predicts_the_same_change():
    config = [{"number": "103", "name": "New"}, {"number": "101", "name": "Renamed"}]
    spec = MemoryPhones(SEED)
    predicted = run(spec, config, "overridden", check_mode=True, max_deletions=1)
    assert spec.writes() == []
    real_spec = MemoryPhones(SEED)
    real = run(real_spec, config, "overridden", max_deletions=1)
    assert predicted["changed"] is True
    assert real["changed"] is True
    assert (predicted["created"], predicted["updated"], predicted["deleted"]) == \
        (real["created"], real["updated"], real["deleted"])
    assert sorted(i["number"] for i in predicted["after"]) == sorted(i["number"] for i in real["after"])


def test_diff_is_field_level_and_masks_secrets():
    spec = MemoryPhones(SEED)
    result = run(spec, [{"number": "101", "pin": "9999"}, {"number": "105", "name": "X", "pin": "5555"}], "merged")
    diff = result["diff"]
    assert diff["before"]["101"]["pin"] == MASK
    assert diff["after"]["101"]["pin"] == MASK_CHANGED
    assert diff["after"]["105"]["pin"] == MASK
    assert diff["before"]["101"]["name"] == diff["after"]["101"]["name"] == "Reception"
    assert "102" not in diff["before"]  # unchanged objects stay out of the diff
    for secret in ("1111", "2222", "9999", "5555"):
        assert secret not in repr(result)


def test_duplicate_and_missing_keys_fail_before_reading():
    spec = MemoryPhones(SEED)
    with pytest.raises(InputError) as err:
        run(spec, [{"number": "101"}, {"number": "101"}], "merged")
    assert "listed twice" in str(err.value) and "items 0 and 1" in str(err.value)
    with pytest.raises(InputError) as err:
        run(spec, [{"name": "no key"}], "merged")
    assert "config[0].number" in str(err.value)
    assert spec.calls == []


def test_create_check_runs_before_any_write():
    spec = MemoryPhones(SEED)
    with pytest.raises(InputError) as err:
        run(spec, [{"number": "101", "name": "Changed"}, {"number": "200"}], "merged")
    assert "config[1].name" in str(err.value)
    assert spec.writes() == []


def test_partial_failure_reports_pending_and_next_run_repairs():
    spec = MemoryPhones(SEED, fail_on={"create": 1})
    config = [{"number": "201", "name": "A"}, {"number": "202", "name": "B"}, {"number": "203", "name": "C"}]
    with pytest.raises(IncompleteChangeError) as err:
        run(spec, config, "merged")
    assert "create 202" in str(err.value) and "create 203" in str(err.value)
    assert "201" in spec.store
    spec.fail_on = {}
    spec.calls = []
    result = run(spec, config, "merged")
    assert sorted(result["created"]) == ["202", "203"]   # nothing created twice
    assert sorted(spec.store) == ["101", "102", "201", "202", "203"]


def test_unknown_outcome_that_was_applied_counts_as_done():
    class AppliedThenTimedOut(MemoryPhones):
        def create(self, items):
            MemoryPhones.create(self, items)
            raise TimeoutError("read timed out")

    spec = AppliedThenTimedOut(SEED)
    result = run(spec, [{"number": "300", "name": "Z"}], "merged")
    assert result["changed"] is True
    assert "300" in spec.store
    assert [c for c in spec.writes() if c[0] == "create"] == [("create", ["300"])]  # never re-sent


def test_run_single_present_and_absent():
    spec = MemoryPhones(SEED)
    result = run_single(spec, {"number": "101", "name": None, "tags": ["x"], "limit": None, "pin": None}, "present")
    assert result["changed"] is True
    assert result["phone"]["tags"] == ["x"]
    assert result["existed"] is True
    result = run_single(spec, {"number": "101"}, "absent")
    assert result["changed"] is True and result["phone"] == {}
    result = run_single(spec, {"number": "101"}, "absent")
    assert result["changed"] is False
    assert spec.writes() == [("update", ["101"]), ("delete", ["101"])]


def test_invalid_state_is_refused():
    with pytest.raises(InputError) as err:
        run(MemoryPhones(SEED), [], "purged")
    assert "state" in str(err.value) and "purged" in str(err.value)


def test_run_single_finds_the_object_by_the_prepared_key():
    class CaseInsensitive(MemoryPhones):
        def prepare(self, items, state):
            return [dict(item, number=item["number"].strip()) for item in items]

    spec = CaseInsensitive(SEED)
    result = run_single(spec, {"number": " 101 ", "name": "Reception"}, "present")
    assert result["changed"] is False
    assert result["existed"] is True
    assert result["phone"]["number"] == "101"
