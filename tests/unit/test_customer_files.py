"""Customer files as inventory hosts: found where the user runs, and loud when there is nothing or a clash."""
import os

import pytest

from ansible_collections.portaplus.softswitch.plugins.module_utils.customer_files import (
    export_file_name, export_path, find_customer_files, from_controller_cwd, limit_problem, shown_path, write_file)
from ansible_collections.portaplus.softswitch.plugins.module_utils.engine.fields import InputError


def test_files_become_hosts_relative_to_the_directory_the_user_runs_in(tmp_path):
    (tmp_path / "customers").mkdir()
    for name in ("globex.yaml", "acme.yml", ".hidden.yml", "notes.txt"):
        (tmp_path / "customers" / name).write_text("customer: 1\n")
    elsewhere = tmp_path / "elsewhere.yml"
    elsewhere.write_text("customer: 3\n")
    os.symlink(str(elsewhere), str(tmp_path / "customers" / "linked.yml"))
    files = find_customer_files("customers", cwd=str(tmp_path))
    assert [(f["host"], os.path.basename(f["path"])) for f in files] == [
        ("acme", "acme.yml"), ("globex", "globex.yaml"), ("linked", "linked.yml")]
    assert all(os.path.isabs(f["path"]) for f in files)


@pytest.mark.parametrize("setup, expected", [
    (lambda d: None, "customers_dir: the directory customers (%s/customers) does not exist"),
    (lambda d: (d / "customers").mkdir(), "customers_dir: the directory customers (%s/customers) holds no customer file"),
    (lambda d: (d / "customers").write_text("x"), "customers_dir: customers (%s/customers) is not a directory"),
])
def test_a_missing_or_empty_directory_fails_naming_it(tmp_path, setup, expected):
    setup(tmp_path)
    with pytest.raises(InputError) as failure:
        find_customer_files("customers", cwd=str(tmp_path))
    assert str(failure.value).startswith(expected % tmp_path)


def test_no_directory_at_all_fails_saying_it_is_required():
    with pytest.raises(InputError, match="customers_dir: is required"):
        find_customer_files(None)
    assert find_customer_files(".", cwd=os.path.dirname(__file__), allow_empty=True) == []


def test_two_files_that_would_become_one_host_fail_naming_both(tmp_path):
    (tmp_path / "acme.yml").write_text("customer: 1001\n")
    (tmp_path / "acme.yaml").write_text("customer: 1002\n")
    with pytest.raises(InputError) as failure:
        find_customer_files(str(tmp_path))
    message = str(failure.value)
    assert "%s/acme.yaml and %s/acme.yml would all become the host acme" % (tmp_path, tmp_path) in message
    assert "Nothing was sent" in message


def test_a_link_to_nothing_and_a_file_named_after_the_controller_fail(tmp_path):
    os.symlink(str(tmp_path / "gone.yml"), str(tmp_path / "broken.yml"))
    with pytest.raises(InputError, match="symbolic link to a file that does not exist: .*broken.yml"):
        find_customer_files(str(tmp_path))
    os.remove(str(tmp_path / "broken.yml"))
    (tmp_path / "localhost.yml").write_text("customer: 1\n")
    with pytest.raises(InputError, match="would become the host localhost"):
        find_customer_files(str(tmp_path))


def test_a_limit_that_skips_the_play_making_the_hosts_is_refused_with_what_to_write():
    problem = limit_problem({"all": [], "ungrouped": []}, "acme")
    assert "--limit acme" in problem and "--limit localhost,acme" in problem
    assert limit_problem({}, "localhost,acme") is None
    assert limit_problem({}, "") is None
    assert limit_problem({"customers": ["acme"]}, "acme") is None           # the inventory lists the customers
    assert "the plan is read and written on localhost" in limit_problem({"customers": ["acme"]}, "acme", always=True)


def test_relative_paths_are_taken_from_the_controller_and_shown_as_given():
    args = from_controller_cwd({"path": "customers", "plan_file": "/abs/plan.json", "other": "x"},
                               ("path", "plan_file"), cwd="/work/repo")
    assert args == {"path": "/work/repo/customers", "plan_file": "/abs/plan.json", "other": "x"}
    assert shown_path("/work/repo/customers/acme.yml", "/work/repo") == "customers/acme.yml"
    assert shown_path("/srv/acme.yml", "/work/repo") == "/srv/acme.yml"


def test_export_names_follow_the_customer_and_never_take_another_customers_file(tmp_path):
    assert export_file_name(1001, "Acme Ltd", ()) == "acme-ltd.yml"
    assert export_file_name(1001, u"Zoë & Co.", ()) == "zo-co.yml"
    assert export_file_name(1003, u"日本", ()) == "customer-1003.yml"
    assert export_file_name(1001, "Localhost", ()) == "localhost-1001.yml"
    (tmp_path / "acme-ltd.yml").write_text("customer: 1002\n")
    assert export_path(str(tmp_path), 1001, "Acme Ltd") == str(tmp_path / "acme-ltd-1001.yml")
    assert export_path(str(tmp_path), 1002, "Acme Ltd") == str(tmp_path / "acme-ltd.yml")


def test_files_are_replaced_atomically_only_when_the_bytes_differ_and_never_through_a_link(tmp_path):
    target = tmp_path / "plan.json"
    assert write_file(str(target), b"one", check_mode=True) is True and not target.exists()
    assert write_file(str(target), b"one") is True and target.read_bytes() == b"one"
    assert write_file(str(target), b"one") is False
    victim = tmp_path / "victim"
    victim.write_bytes(b"keep")
    link = tmp_path / "plan.md"
    os.symlink(str(victim), str(link))
    with pytest.raises(InputError, match="plan.md is a symbolic link"):
        write_file(str(link), b"new")
    assert victim.read_bytes() == b"keep" and os.path.islink(str(link))
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".part")] == []
