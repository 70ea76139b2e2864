"""Rendering a live customer as a customer file (customer_export): the text people would write."""
import re

import yaml

from ansible_collections.portaplus.softswitch.plugins.module_utils.customer_export import (
    ACCOUNT_FILE_FIELDS, quoted, render_customer_file, text)
from ansible_collections.portaplus.softswitch.plugins.module_utils.customer_file import finish_values, parse_strict


def load(text):
    """As the customer module reads a file: strict YAML, and a template not marked !unsafe is refused."""
    return finish_values(parse_strict(text, "exported.yml"), "exported.yml")


def account(account_id, **fields):
    item = {"account_id": account_id, "product": "Office Line", "first_name": "", "last_name": "", "email": "",
            "extension": "", "password": None, "credit_limit": 10.0, "blocked": False, "unified_messaging": False,
            "addons": [], "i_account": 1, "balance": 3.5}
    item.update(fields)
    return item


def extension(number, name, account_id=""):
    return {"number": number, "name": name, "account_id": account_id, "record_id": 9, "i_account": 0}


ACCOUNTS = [
    account("441632960002", first_name=u"Zoë", last_name=u"Ångström", email="zoe@example.org", credit_limit=12.5,
            addons=["Voicemail to Email", "Call Recording"], password="S3cret-never-shown", extension="102"),
    account("441632960001", first_name="Alice", blocked=True, unified_messaging=True),
]
EXTENSIONS = [extension("102", u"Sales & Support: 日本", "441632960002"), extension("0101", "Lobby")]


def test_the_file_reads_back_as_the_live_state_in_a_stable_order_without_secrets():
    rendered = render_customer_file(1001, "Acme Ltd", ACCOUNTS, EXTENSIONS)
    data = load(rendered)
    assert data["customer"] == 1001 and data["name"] == "Acme Ltd"
    assert data["policy"] == {"accounts": {"state": "merged", "max_deletions": 0, "update_password": "always"},
                              "extensions": {"state": "merged", "max_deletions": 0}}
    assert [a["account_id"] for a in data["accounts"]] == ["441632960001", "441632960002"]
    zoe = data["accounts"][1]
    assert zoe == {"account_id": "441632960002", "product": "Office Line", "first_name": u"Zoë",
                   "last_name": u"Ångström", "email": "zoe@example.org", "credit_limit": 12.5, "blocked": False,
                   "unified_messaging": False, "addons": ["Call Recording", "Voicemail to Email"]}
    assert data["extensions"] == [{"number": "0101", "name": "Lobby"},
                                  {"number": "102", "name": u"Sales & Support: 日本", "account_id": "441632960002"}]
    assert "S3cret" not in rendered and not re.search(r"^[ -]*password:", rendered, re.M)
    assert "#   password: !vault |" in rendered    # where a vault value goes
    assert "extension:" not in rendered and "balance" not in rendered
    assert set(ACCOUNT_FILE_FIELDS) == set(zoe) - {"account_id"}


def test_text_is_written_as_it_is_and_ids_are_quoted():
    rendered = render_customer_file(1001, "Acme Ltd", ACCOUNTS, EXTENSIONS)
    assert u"first_name: Zoë" in rendered and "\\u" not in rendered
    assert '- account_id: "441632960001"' in rendered and '- number: "0101"' in rendered
    assert "credit_limit: 50" in render_customer_file(1, "x", [account("1", credit_limit=50.0)], [])
    assert render_customer_file(1001, "Acme Ltd", ACCOUNTS, EXTENSIONS) == render_customer_file(
        1001, "Acme Ltd", list(reversed(ACCOUNTS)), list(reversed(EXTENSIONS)))


def test_values_yaml_would_misread_are_quoted_and_read_back_exactly():
    tricky = [u"yes", u"null", u"123", u"1e3", u"2026-01-01", u"- dash", u"a: b", u"x #y", u" lead", u"trail ",
              u"[list]", u"{map}", u"'single'", u'"double"', u"back\\slash", u"line\nbreak", u"tab\there",
              u"nul\x00", u"bell\x07", u"c1\x85", u"sep\u2028", u"bom\ufeff", u"@at", u"`tick", u"%pct", u"!bang",
              u"&amp", u"*star", u"?q", u"|pipe", u">gt", u"", u"emoji \U0001F600", u"～"]
    for value in tricky:
        for in_list in (False, True):
            written = text(value, in_list=in_list)
            document = u"[%s]" % written if in_list else u"key: %s" % written
            loaded = load(document)
            assert (loaded[0] if in_list else loaded["key"]) == value, (value, written)
    assert text(u"Zoë Ångström") == u"Zoë Ångström"
    assert quoted(u"日本") == u'"日本"'


def test_template_markers_are_kept_as_text_for_ansible():
    assert text(u"{{ lookup('pipe', 'id') }}").startswith(u"!unsafe ")
    rendered = render_customer_file(7, u"{{ evil }}\nname: injected", [], [extension("1", u"{% raw %}")])
    data = load(rendered)
    assert data["accounts"] == [] and data["customer"] == 7
    assert "\nname: injected" not in rendered


def test_a_customer_without_objects_has_empty_lists_that_never_delete():
    data = yaml.safe_load(render_customer_file(1002, "Globex", [], []))
    assert data["accounts"] == [] and data["extensions"] == []
    assert data["policy"]["accounts"]["state"] == "merged" and data["policy"]["accounts"]["max_deletions"] == 0
