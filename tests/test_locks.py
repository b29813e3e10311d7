"""The output folder lock: one writer, nothing left behind, a fallback where folders cannot lock."""

from __future__ import annotations

import errno
import os

import pytest

from analysis.experiments import locks
from simulation import InputError


def test_a_second_writer_is_refused_until_the_first_is_done(tmp_path):
    first = locks.lock(tmp_path, "staffroom command", "--out")
    with pytest.raises(InputError, match=r"is writing to .* \(the folder is locked\)"):
        locks.lock(tmp_path, "staffroom command", "--out")
    first.close()
    locks.lock(tmp_path, "staffroom command", "--out").close()
    assert os.listdir(tmp_path) == [], "nothing is left in the folder"


def test_where_a_folder_cannot_be_locked_a_file_in_it_is(tmp_path, monkeypatch):
    # NFS emulates flock with write locks, which a folder (opened to read) cannot take
    real_flock = locks.fcntl.flock

    def flock(descriptor, operation):
        if os.path.isdir(f"/proc/self/fd/{descriptor}"):
            raise OSError(errno.EBADF, "Bad file descriptor")
        return real_flock(descriptor, operation)

    monkeypatch.setattr(locks.fcntl, "flock", flock)
    first = locks.lock(tmp_path, "staffroom command", "--out")
    assert os.listdir(tmp_path) == [locks.LOCK_FILE]
    with pytest.raises(InputError, match="is writing to"):
        locks.lock(tmp_path, "staffroom command", "--out")
    first.close()
    locks.lock(tmp_path, "staffroom command", "--out").close()


def test_where_nothing_can_be_locked_the_command_goes_on(tmp_path, monkeypatch):
    def flock(descriptor, operation):
        raise OSError(errno.ENOLCK, "No locks available")

    monkeypatch.setattr(locks.fcntl, "flock", flock)
    locks.lock(tmp_path, "staffroom command", "--out").close()  # no false "locked"
