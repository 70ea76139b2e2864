"""Unit tests of the declarative engine on an in-memory resource (pure logic, no HTTP)."""
import pytest

from ansible_collections.portaplus.softswitch.plugins.module_utils.api.errors import (
    NotFoundError, OutcomeUnknownError, ServerError, TransportError, ValidationError)
from ansible_collections.portaplus.softswitch.plugins.module_utils.engine.resource import (
    MASK, MASK_CHANGED, MAX_RESENDS, Engine, Field, IncompleteChangeError, InputError, ResourceSpec, run_single)


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
                raise self.fail_on.get("error", ServerError("server fell over", status=500))
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
    # netcommon's shape: `after` only when something changed (a no-op would return every object twice)
    assert "after" in first and "after" not in second
    assert [item["number"] for item in second["before"]] == ["101", "102", "103", "104"]


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


# -- H4: nothing destructive by accident --------------------------------------------------------

def test_deleted_with_an_empty_list_deletes_nothing_and_omitted_config_deletes_all_through_the_guard():
    spec = MemoryPhones(SEED)
    result = run(spec, [{"number": "102"}, {"number": "999"}], "deleted", max_deletions=5)
    assert result["deleted"] == ["102"]
    assert sorted(spec.store) == ["101"]
    spec = MemoryPhones(SEED)
    result = run(spec, [], "deleted", max_deletions=5)       # a variable that came out empty
    assert result["changed"] is False and result["deleted"] == [] and spec.writes() == []
    with pytest.raises(InputError, match="max_deletions"):
        run(spec, None, "deleted", max_deletions=1)            # the explicit form still passes the guard
    assert spec.writes() == []
    result = run(spec, None, "deleted", max_deletions=2)
    assert sorted(result["deleted"]) == ["101", "102"]
    assert spec.store == {}


@pytest.mark.parametrize("state", ["merged", "replaced", "overridden"])
def test_config_is_required_for_the_writing_states(state):
    spec = MemoryPhones(SEED)
    with pytest.raises(InputError, match="config: is required with state=%s" % state):
        run(spec, None, state, max_deletions=10)
    assert spec.calls == []  # refused before even reading


def test_overridden_with_an_empty_list_is_refused_not_read_as_remove_everything():
    spec = MemoryPhones(SEED)
    with pytest.raises(InputError) as err:
        run(spec, [], "overridden", max_deletions=10)
    assert "empty list" in str(err.value) and "state=deleted and omit config" in str(err.value)
    assert spec.writes() == []


# -- H2/H3: gathered round-trips, secrets never read back, masks never written ---------------------

def test_gathered_is_the_config_shape_without_secrets_and_facts_beside():
    spec = MemoryPhones(SEED)
    result = run(spec, None, "gathered")
    assert result["changed"] is False
    assert result["gathered"] == [
        {"number": "101", "name": "Reception", "tags": ["b", "a"], "limit": 10},
        {"number": "102", "name": "Sales", "tags": [], "limit": 5.0}]
    assert result["facts"] == {"101": {"pid": 1}, "102": {"pid": 2}}
    assert "1111" not in repr(result) and "pin" not in repr(result)
    assert sorted(result) == ["changed", "facts", "gathered"]      # not the same objects twice more
    assert spec.writes() == []


@pytest.mark.parametrize("state", ["merged", "replaced", "overridden"])
def test_gathered_fed_back_as_config_is_a_no_op(state):
    spec = MemoryPhones(SEED)
    gathered = run(spec, None, "gathered")["gathered"]
    result = run(spec, gathered, state)
    assert result["changed"] is False and spec.writes() == []


@pytest.mark.parametrize("mask", [MASK, MASK_CHANGED, "VALUE_SPECIFIED_IN_NO_LOG_PARAMETER", "************"])
def test_a_masked_secret_is_refused_naming_the_option_before_any_request(mask):
    spec = MemoryPhones(SEED)
    with pytest.raises(InputError) as err:
        run(spec, [{"number": "101"}, {"number": "102", "pin": mask}], "merged")
    assert str(err.value).startswith("config[1].pin: is ")
    assert spec.calls == []


def test_single_object_messages_name_the_plain_option():
    class Single(MemoryPhones):
        single = True

    with pytest.raises(InputError) as err:
        run_single(Single(SEED), {"number": "101", "pin": MASK}, "present")
    assert str(err.value).startswith("pin: ")
    with pytest.raises(InputError) as err:
        run_single(Single(SEED), {"number": ""}, "present")
    assert str(err.value) == "number: is required"


# -- H9: readable diffs ----------------------------------------------------------------------

def test_diff_names_each_object_as_yaml_text_with_secrets_masked():
    spec = MemoryPhones(SEED)
    result = run(spec, [{"number": "101", "pin": "9999", "name": u"Zo\u00eb"}, {"number": "105", "name": "X", "pin": "5555"}],
                 "merged")
    diff = result["diff"]
    assert [entry["before_header"] for entry in diff] == ["phone 101", "phone 105"]
    assert [entry["after_header"] for entry in diff] == ["phone 101 (changed)", "phone 105 (created)"]
    assert diff[0]["before"].startswith('"101":\n') and '  pin: "********"\n' in diff[0]["before"]
    assert '  pin: "******** (changed)"\n' in diff[0]["after"]
    assert u'  name: "Zo\u00eb"\n' in diff[0]["after"]      # non-ASCII as itself, not \\u00eb
    assert diff[1]["before"] == "" and diff[1]["after"].startswith('"105":\n')
    assert all("102" not in entry["before_header"] for entry in diff)  # unchanged objects stay out
    for secret in ("1111", "2222", "9999", "5555"):
        assert secret not in repr(result)


# -- H5/H6: retries that converge, exact changed ---------------------------------------------------

def test_a_failed_write_is_read_back_and_only_what_did_not_take_effect_is_sent_again():
    spec = MemoryPhones(SEED, fail_on={"create": 1})
    config = [{"number": "201", "name": "A"}, {"number": "202", "name": "B"}, {"number": "203", "name": "C"}]
    result = run(spec, config, "merged")
    assert sorted(result["created"]) == ["201", "202", "203"]
    # each round commits the first item and fails on the second; what was committed is never sent again
    creates = [c for c in spec.writes() if c[0] == "create"]
    assert creates == [("create", ["201", "202", "203"]), ("create", ["202", "203"]), ("create", ["203"])]
    assert sorted(spec.store) == ["101", "102", "201", "202", "203"]


def test_a_write_that_keeps_failing_stops_after_bounded_resends_and_reports_exactly():
    class AlwaysFails(MemoryPhones):
        def create(self, items):
            self.calls.append(("create", [i["number"] for i in items]))
            if len(items) > 1:
                self.store[items[0]["number"]] = dict(items[0], pid=1)
            raise ServerError("503 Service Unavailable", status=503)

    spec = AlwaysFails(SEED)
    with pytest.raises(IncompleteChangeError) as err:
        run(spec, [{"number": "201", "name": "A"}, {"number": "202", "name": "B"}], "merged")
    assert len([c for c in spec.writes() if c[0] == "create"]) == MAX_RESENDS + 1
    assert err.value.changed is True                      # 201 was committed
    assert err.value.unconfirmed == ["create 202"]
    assert "running the task again sends only the rest" in str(err.value)


def test_a_refused_write_commits_nothing_reports_changed_false_and_does_not_advise_a_rerun():
    spec = MemoryPhones(SEED, fail_on={"create": 0, "error": ValidationError("400 refused", status=400)})
    with pytest.raises(IncompleteChangeError) as err:
        run(spec, [{"number": "201", "name": "A"}], "merged")
    assert err.value.changed is False
    assert err.value.unconfirmed == ["create 201"]
    assert "run" not in str(err.value).split("400 refused")[1].replace("running again unchanged will fail", "")
    assert len([c for c in spec.writes() if c[0] == "create"]) == 1   # no progress: not repeated


def test_independent_writes_go_on_after_one_fails():
    class UpdateFails(MemoryPhones):
        def update(self, pairs):
            self.calls.append(("update", [d["number"] for d, _h in pairs]))
            raise NotFoundError("404 gone", status=404)

    spec = UpdateFails(SEED)
    with pytest.raises(IncompleteChangeError) as err:
        run(spec, [{"number": "101", "name": "New"}, {"number": "300", "name": "Z"}], "merged")
    assert "300" in spec.store                           # the create was still sent
    assert err.value.changed is True and err.value.unconfirmed == ["update 101 (name)"]


def test_unknown_outcome_that_was_applied_counts_as_done_and_is_never_resent():
    class AppliedThenTimedOut(MemoryPhones):
        def create(self, items):
            MemoryPhones.create(self, items)
            raise OutcomeUnknownError("read timed out")

    spec = AppliedThenTimedOut(SEED)
    result = run(spec, [{"number": "300", "name": "Z"}], "merged")
    assert result["changed"] is True
    assert "300" in spec.store
    assert [c for c in spec.writes() if c[0] == "create"] == [("create", ["300"])]  # never re-sent


def test_read_back_failure_makes_the_outcome_unknown_with_the_unconfirmed_writes():
    class ReadBackFails(MemoryPhones):
        def create(self, items):
            MemoryPhones.create(self, items)
            self.broken = True
            raise OutcomeUnknownError("reset")

        def read_all(self):
            if getattr(self, "broken", False):
                raise TransportError("connection refused")
            return MemoryPhones.read_all(self)

    spec = ReadBackFails(SEED)
    with pytest.raises(IncompleteChangeError) as err:
        run(spec, [{"number": "300", "name": "Z"}], "merged")
    assert err.value.changed is True
    assert err.value.unconfirmed == ["create 300"]
    assert "outcome is unknown" in str(err.value) and "run again" not in str(err.value)


def test_success_that_does_not_stick_says_a_rerun_will_not_help():
    class Forgetful(MemoryPhones):
        def update(self, pairs):
            self.calls.append(("update", [d["number"] for d, _h in pairs]))

    spec = Forgetful(SEED)
    with pytest.raises(IncompleteChangeError) as err:
        run(spec, [{"number": "101", "name": "New"}], "merged")
    assert "running again will not help" in str(err.value)
    assert err.value.changed is False


def test_a_secret_the_api_does_not_return_is_not_reported_as_unconfirmed():
    class WriteOnlyPin(MemoryPhones):
        def read_all(self):
            return [dict((k, v) for k, v in item.items() if k != "pin") for item in MemoryPhones.read_all(self)]

    spec = WriteOnlyPin(SEED)
    result = run(spec, [{"number": "101", "pin": "4321"}], "merged")
    assert result["changed"] is True and spec.store["101"]["pin"] == "4321"
    assert [c for c in spec.writes() if c[0] == "update"] == [("update", ["101"])]


def test_a_re_plan_made_impossible_by_a_failure_reports_changed_conservatively():
    class Breaks(MemoryPhones):
        def check_create(self, item, index):
            if getattr(self, "broken", False):
                raise InputError("config[%d].name" % index, "cannot be created any more")

        def create(self, items):
            self.store[items[0]["number"]] = dict(items[0], pid=9)
            self.broken = True
            raise OutcomeUnknownError("reset")

    spec = Breaks(SEED)
    with pytest.raises(IncompleteChangeError) as err:
        run(spec, [{"number": "201", "name": "A"}, {"number": "202", "name": "B"}], "merged")
    assert err.value.changed is True and "cannot be created any more" in str(err.value)
