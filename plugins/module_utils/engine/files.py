# -*- coding: utf-8 -*-
# Copyright (c) portaplus.softswitch contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Files the modules write (an export, its manifest, a report), written one safe way.

``check_dest`` refuses a ``dest`` that is a symbolic link, a directory, a FIFO, a device or a
socket, and an existing regular file the collection did not write unless ``force``;
``TempFile`` creates its file beside ``dest`` with ``O_EXCL``, ``O_NOFOLLOW`` and mode 0600,
and ``commit`` checks ``dest`` again and renames the whole file into place, so no one ever
reads a short file, and nothing is written through a link planted in a shared directory.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import glob
import os
import stat

from ansible_collections.portaplus.softswitch.plugins.module_utils.engine.fields import InputError

_KINDS = ((stat.S_ISLNK, "a symbolic link; nothing is written through a link"),
          (stat.S_ISDIR, "a directory, not a file name"),
          (stat.S_ISFIFO, "a FIFO (named pipe); only a regular file is replaced"),
          (stat.S_ISCHR, "a character device; only a regular file is replaced"),
          (stat.S_ISBLK, "a block device; only a regular file is replaced"),
          (stat.S_ISSOCK, "a socket; only a regular file is replaced"))


def check_dest(option, path, force=False, written_by_us=None):
    """Refuse to replace ``path`` unless it is absent, or a regular file that ``written_by_us(path)``
    recognises (a manifest, a marker), or a regular file and ``force``. ``InputError`` names the option
    and the path."""
    try:
        status = os.lstat(path)
    except FileNotFoundError:
        return
    except OSError as exc:
        raise InputError(option, "cannot check %s: %s" % (path, exc.strerror or exc))
    for is_kind, what in _KINDS:
        if is_kind(status.st_mode):
            raise InputError(option, "%s is %s; choose another path or remove it" % (path, what))
    if not force and not (written_by_us is not None and written_by_us(path)):
        raise InputError(option, "%s exists and was not written by portaplus.softswitch (no manifest or marker of "
                                 "ours); set force: true to replace it" % path)


def starts_with(marker, size=4096):
    """A ``written_by_us`` test: the file's first ``size`` bytes hold ``marker`` (bytes)."""
    def written_by_us(path):
        try:
            with open(path, "rb") as handle:
                return marker in handle.read(size)
        except OSError:
            return False
    return written_by_us


def file_content(path):
    """The bytes of a regular file (``check_dest`` has refused anything else)."""
    with open(path, "rb") as handle:
        return handle.read()


def temp_path(dest, pid=None):
    """The temporary file of this process beside ``dest`` (``.<name>.<pid>.part``)."""
    directory, name = os.path.split(dest)
    return os.path.join(directory, ".%s.%d.part" % (name, os.getpid() if pid is None else pid))


def remove_stale_parts(dest):
    """Delete the temporary files of earlier writes to ``dest`` whose process is gone (killed)."""
    directory, name = os.path.split(dest)
    removed = []
    for path in glob.glob(os.path.join(glob.escape(directory), ".%s.*.part" % glob.escape(name))):
        pid = path[:-len(".part")].rsplit(".", 1)[-1]
        if not pid.isdigit() or int(pid) == os.getpid() or _alive(int(pid)):
            continue
        try:
            os.remove(path)
            removed.append(path)
        except OSError:
            pass
    return removed


def _alive(pid):
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True
    # A killed writer whose parent was killed too can linger as a zombie until init reaps it:
    # it holds no file any more, so its part file is stale.
    try:
        with open("/proc/%d/stat" % pid) as handle:
            return handle.read().rsplit(")", 1)[1].split()[0] != "Z"
    except (OSError, IndexError):
        return True


def default_mode(dest):
    """Keep the mode of the file being replaced; a new file gets 0666 less the umask."""
    try:
        status = os.lstat(dest)
        if stat.S_ISREG(status.st_mode):
            return status.st_mode & 0o7777
    except OSError:
        pass
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


def _open_exclusive(path):
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0)
    try:
        return os.open(path, flags, 0o600)
    except FileExistsError:
        # our own pid's name, left by a dead process that had this pid (or planted): remove the entry
        # itself (a link is removed, never followed) and create afresh, exclusively again
        if stat.S_ISDIR(os.lstat(path).st_mode):
            raise
        os.remove(path)
        return os.open(path, flags, 0o600)


class TempFile:
    """A new file beside ``dest`` (``O_EXCL``, ``O_NOFOLLOW``, 0600) that ``commit`` renames to ``dest``.

    ``with TempFile(dest, "dest") as handle: handle.write(data); handle.commit()``. Leaving the block
    without ``commit`` (an error, an interrupt) removes the temporary file; a killed process leaves only
    a ``.<name>.<pid>.part`` file (``remove_stale_parts``), never a short ``dest``.
    """

    def __init__(self, dest, option="dest", force=False, written_by_us=None):
        self.dest = dest
        self.option = option
        self.force = force
        self.written_by_us = written_by_us
        self.path = temp_path(dest)
        self.file = None

    def __enter__(self):
        self.file = os.fdopen(_open_exclusive(self.path), "wb")
        return self

    def write(self, data):
        return self.file.write(data)

    def finish(self):
        """Flush the file to disk and close it (``commit`` does this first)."""
        if self.file is not None and not self.file.closed:
            self.file.flush()
            os.fsync(self.file.fileno())
            self.file.close()

    def commit(self, mode=None):
        """Rename the whole file to ``dest``, checking ``dest`` again first (it may have changed since the
        task started); ``mode`` defaults to the replaced file's, or 0666 less the umask."""
        self.finish()
        check_dest(self.option, self.dest, self.force, self.written_by_us)
        os.chmod(self.path, mode if mode is not None else default_mode(self.dest))
        os.rename(self.path, self.dest)
        self.path = None

    def __exit__(self, exc_type, exc, traceback):
        if self.path is not None:
            try:
                if self.file is not None and not self.file.closed:
                    self.file.close()
            except (OSError, ValueError):
                pass
            try:
                os.remove(self.path)
            except OSError:
                pass
        return False


def write_file(dest, data, option="dest", force=False, written_by_us=None, mode=None):
    """Write ``data`` (bytes) to ``dest`` the safe way: checked, created beside it, renamed into place."""
    check_dest(option, dest, force, written_by_us)
    remove_stale_parts(dest)
    with TempFile(dest, option, force, written_by_us) as handle:
        handle.write(data)
        handle.commit(mode)
