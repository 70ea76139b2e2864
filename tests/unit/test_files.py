# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Files written safely (engine/files.py) and the inventory's keyed cache names (issue 22), on a real file system."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import hashlib
import json
import os
import stat

import pytest

from ansible_collections.portaplus.softswitch.plugins.module_utils.engine import files
from ansible_collections.portaplus.softswitch.plugins.module_utils.engine.fields import InputError
from ansible_collections.portaplus.softswitch.plugins.module_utils.inventory import (
    CACHE_KEY_FILE, cache_digest, cache_key_secret)


def _kinds(tmp_path):
    victim = tmp_path / "victim.txt"
    victim.write_text("precious")
    os.symlink(str(victim), str(tmp_path / "link"))
    os.symlink(str(tmp_path / "nowhere"), str(tmp_path / "dangling"))
    os.mkfifo(str(tmp_path / "fifo"))
    (tmp_path / "folder").mkdir()
    return {"link": "symbolic link", "dangling": "symbolic link", "fifo": "FIFO", "folder": "directory",
            "/dev/null": "character device"}


def test_links_and_special_files_are_refused_even_with_force(tmp_path):
    for name, words in _kinds(tmp_path).items():
        path = name if name.startswith("/") else str(tmp_path / name)
        with pytest.raises(InputError) as info:
            files.write_file(path, b"data", force=True)
        assert info.value.option == "dest" and words in str(info.value) and path in str(info.value)
    assert (tmp_path / "victim.txt").read_text() == "precious"
    assert stat.S_ISFIFO(os.lstat(str(tmp_path / "fifo")).st_mode)
    assert not os.path.exists(str(tmp_path / "nowhere"))
    assert sorted(os.listdir(str(tmp_path))) == ["dangling", "fifo", "folder", "link", "victim.txt"]


def test_a_strangers_file_needs_force_and_our_own_does_not(tmp_path):
    theirs = tmp_path / "theirs.html"
    theirs.write_text("their notes")
    with pytest.raises(InputError, match="not written by portaplus.softswitch.*force"):
        files.write_file(str(theirs), b"ours")
    assert theirs.read_text() == "their notes"
    files.write_file(str(theirs), b"MARK ours", force=True)
    assert theirs.read_bytes() == b"MARK ours"
    files.write_file(str(theirs), b"MARK again", written_by_us=files.starts_with(b"MARK"))
    assert theirs.read_bytes() == b"MARK again"


def test_the_temporary_file_is_private_exclusive_and_gone_after(tmp_path):
    dest = str(tmp_path / "out.csv")
    with files.TempFile(dest) as handle:
        assert stat.S_IMODE(os.lstat(handle.path).st_mode) == 0o600
        assert os.path.dirname(handle.path) == str(tmp_path)
        handle.write(b"abc")
        handle.commit(0o640)
    assert open(dest, "rb").read() == b"abc" and stat.S_IMODE(os.stat(dest).st_mode) == 0o640
    assert os.listdir(str(tmp_path)) == ["out.csv"]


def test_a_link_planted_at_the_temporary_name_is_not_followed(tmp_path):
    dest = str(tmp_path / "out.csv")
    victim = tmp_path / "victim.txt"
    victim.write_text("precious")
    os.symlink(str(victim), files.temp_path(dest))
    files.write_file(dest, b"export", force=True)
    assert victim.read_text() == "precious" and open(dest, "rb").read() == b"export"


def test_dest_turned_into_a_link_while_writing_is_refused_at_the_rename(tmp_path):
    dest = tmp_path / "out.csv"
    with pytest.raises(InputError, match="symbolic link"):
        with files.TempFile(str(dest)) as handle:
            handle.write(b"abc")
            os.symlink(str(tmp_path / "elsewhere"), str(dest))
            handle.commit()
    assert os.listdir(str(tmp_path)) == ["out.csv"] and os.path.islink(str(dest))


def test_the_cache_key_is_random_private_made_once_and_kept(tmp_path):
    key = cache_key_secret(str(tmp_path))
    path = tmp_path / CACHE_KEY_FILE
    assert len(key) == 32 and stat.S_IMODE(os.lstat(str(path)).st_mode) == 0o600
    assert cache_key_secret(str(tmp_path)) == key
    assert cache_key_secret(str(tmp_path / ".." / tmp_path.name)) == key
    other = tmp_path / "other"
    other.mkdir()
    assert cache_key_secret(str(other)) != key


def test_a_cache_key_file_that_is_not_ours_or_a_link_is_refused(tmp_path):
    (tmp_path / CACHE_KEY_FILE).write_text("guessable")
    with pytest.raises(ValueError, match="not a cache key"):
        cache_key_secret(str(tmp_path))
    linked = tmp_path / "linked"
    linked.mkdir()
    os.symlink(str(tmp_path / CACHE_KEY_FILE), str(linked / CACHE_KEY_FILE))
    with pytest.raises(OSError):
        cache_key_secret(str(linked))


def test_a_cache_name_cannot_be_checked_against_a_guessed_license(tmp_path):
    settings = ["http://127.0.0.1:8089", "DEMO-LICENSE", [1001], False, 0]
    digest = cache_digest(cache_key_secret(str(tmp_path)), settings)
    unkeyed = hashlib.sha256(json.dumps(settings, sort_keys=True, default=str).encode("utf-8")).hexdigest()
    assert digest[:16] != unkeyed[:16] and "DEMO" not in digest
    assert digest == cache_digest(cache_key_secret(str(tmp_path)), settings)
    assert digest != cache_digest(cache_key_secret(str(tmp_path)), settings[:1] + ["OTHER-LICENSE"] + settings[2:])
