"""Pure logic of the Event-Driven Ansible sources (plugins/module_utils/events.py)."""
import datetime
import json
import os
import stat

import pytest

from ansible_collections.portaplus.softswitch.plugins.module_utils.events import (
    CallTracker, CdrWatermark, SourceArgumentError, country_of, load_state, save_state, source_settings, until_next_poll)

UTC = datetime.timezone.utc
NOW = datetime.datetime(2026, 12, 1, 12, 0, 0, tzinfo=UTC)


def call(call_id, account="441632960001", callee="442071234567", direction="outgoing", i_account=5001,
         start="2026-12-01T11:59:00Z", duration=60):
    return {"call_id": call_id, "caller": account if direction == "outgoing" else callee,
            "callee": callee if direction == "outgoing" else account, "account_id": account,
            "i_account": i_account, "customer": 1001, "extension": "", "start_time": start,
            "duration": duration, "direction": direction, "product": "", "subscriber": ""}


def kinds(events):
    return [(e["type"], e.get("call", {}).get("call_id") or e["concurrent_calls"]["calls"]) for e in events]


def test_polls_start_every_interval_whatever_a_poll_takes():
    """Detection within one interval: the wait after a poll is the rest of the interval, none after a
    poll slower than the interval (a sleep of a whole interval after each poll drifted by the
    poll's own time, seconds under load)."""
    assert until_next_poll(started=100.0, interval=2, now=100.7) == pytest.approx(1.3)
    assert until_next_poll(started=100.0, interval=2, now=100.0) == 2
    assert until_next_poll(started=100.0, interval=2, now=103.5) == 0


def test_each_call_starts_and_ends_once_across_a_gap():
    tracker = CallTracker()
    first = tracker.update([call("a"), call("b")], NOW)
    assert kinds(first) == [("call_started", "a"), ("call_started", "b"), ("concurrent_calls", 2)]
    assert tracker.update([call("a"), call("b")], NOW) == []            # nothing changed, nothing sent
    # a failed poll is simply not passed in; the next snapshot is compared with the last good one
    later = tracker.update([call("b"), call("c")], NOW + datetime.timedelta(seconds=30))
    assert kinds(later) == [("call_ended", "a"), ("call_started", "c")]  # count still 2: no count event
    ended = later[0]["call"]
    assert ended["duration"] == 90 and ended["end_time"] == "2026-12-01T12:00:30Z"
    last = tracker.update([], NOW + datetime.timedelta(seconds=40))
    assert kinds(last) == [("call_ended", "b"), ("call_ended", "c"), ("concurrent_calls", 0)]
    assert last[-1]["concurrent_calls"]["account_id"] == "441632960001"


def test_international_and_premium_calls_are_counted_per_account():
    tracker = CallTracker(premium_prefixes=("882",))
    events = tracker.update([
        call("uk", callee="447700900123"), call("fr", callee="33123456789"),
        call("sat", callee="+882 16 000 0001"), call("in", callee="33123456789", direction="incoming"),
        call("other", account="441632960002", i_account=5002, callee="4420"),
    ], NOW)
    counts = {e["concurrent_calls"]["i_account"]: e["concurrent_calls"] for e in events
              if e["type"] == "concurrent_calls"}
    assert (counts[5001]["calls"], counts[5001]["international"], counts[5001]["premium"]) == (4, 2, 1)
    assert (counts[5002]["calls"], counts[5002]["international"]) == (1, 0)
    started = {e["call"]["call_id"]: e["call"] for e in events if e["type"] == "call_started"}
    assert started["fr"]["destination_country"] == "FR" and started["fr"]["international"]
    assert not started["in"]["international"], "an incoming call costs the account nothing"
    assert started["uk"]["destination_country"] == "GB" and not started["uk"]["international"]
    assert started["sat"]["premium"] and started["sat"]["destination_code"] == "882"


def test_the_home_country_can_be_given():
    tracker = CallTracker(home_country="FR")
    [started, _count] = tracker.update([call("fr", callee="33123456789")], NOW)
    assert not started["call"]["international"]


@pytest.mark.parametrize("number, country", [("441632960001", "GB"), ("0033123", "FR"), ("+1 212 555", "US"),
                                             ("8821600", "INTERNATIONAL_NETWORKS"), ("999", "")])
def test_country_of_a_number(number, country):
    assert country_of(number) == country


def cdr(cdr_id, billed):
    return {"id": cdr_id, "disconnect_time": datetime.datetime.fromtimestamp(billed, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")}


def test_the_watermark_emits_each_cdr_once_and_catches_late_ones():
    mark = CdrWatermark(floor=1000, overlap=60)
    first = mark.fresh([cdr(1, 990), cdr(2, 1000), cdr(3, 1010)])
    assert [r["id"] for r in first] == [2, 3], "nothing billed before the floor"
    for record in first:
        mark.emitted(record)
    assert mark.since() == 1000 and mark.mark == 1010
    # the next read overlaps; a CDR billed before the mark but written late (id 5) still comes
    again = mark.fresh([cdr(2, 1000), cdr(3, 1010), cdr(5, 1005), cdr(4, 1020)])
    assert [r["id"] for r in again] == [5, 4]
    for record in again:
        mark.emitted(record)
    # the seen IDs are kept only within the overlap below the mark
    mark.emitted(cdr(9, 1200))
    assert mark.since() == 1140 and set(mark.seen) == {9}


def test_the_state_survives_a_restart_and_is_private(tmp_path):
    path = str(tmp_path / "state.json")
    marks = load_state(path, (1001,), "http://api", 60, 1000)
    marks[1001].emitted(cdr(7, 1100))
    save_state(path, "http://api", marks)
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert os.listdir(str(tmp_path)) == ["state.json"]
    again = load_state(path, (1001, 1002), "http://api", 60, 5000)
    assert again[1001].mark == 1100 and 7 in again[1001].seen and again[1001].floor == 1000
    assert again[1002].floor == 5000, "a customer added later starts from now"
    assert again[1001].fresh([cdr(7, 1100)]) == []
    with pytest.raises(SourceArgumentError, match="another server"):
        load_state(path, (1001,), "http://other", 60, 0)
    (tmp_path / "state.json").write_text("not json")
    with pytest.raises(SourceArgumentError, match="state_file"):
        load_state(path, (1001,), "http://api", 60, 0)
    assert json.dumps(marks[1001].to_json())


@pytest.mark.parametrize("kind, args, words", [
    ("active_calls", {}, "url is required"),
    ("active_calls", {"url": "http://x"}, "license is required"),
    ("active_calls", {"url": "http://x", "license": "ab/cd-SECRET"}, "license contains one of the characters"),
    ("active_calls", {"url": "http://x", "license": "L", "customer": [1, 2]}, "one customer"),
    ("active_calls", {"url": "http://x", "license": "L", "interval": True}, "interval"),
    ("cdrs", {"url": "http://x", "license": "L", "customer": 1001, "overlap": -1}, "overlap"),
    ("cdrs", {"url": "http://x", "license": "L", "customer": 0}, "customer"),
])
def test_bad_arguments_name_the_argument_and_never_the_license(kind, args, words):
    with pytest.raises(SourceArgumentError) as error:
        source_settings(args, kind, environ={})
    assert words in str(error.value) and "SECRET" not in str(error.value)


def test_the_environment_gives_url_and_license():
    settings = source_settings({"customer": [1001, "1002"]}, "cdrs",
                               environ={"PORTAPLUS_URL": "http://x", "PORTAPLUS_LICENSE": "L"})
    assert settings["customers"] == (1001, 1002) and settings["client"].url == "http://x"
    assert settings["interval"] == 60 and settings["overlap"] == 300 and settings["state_file"] is None
