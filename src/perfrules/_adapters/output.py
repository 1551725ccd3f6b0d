"""
Output files a payroll clerk can trust: checked first, written whole, never half-way.

- ``-`` is standard output.
- A symlink is followed: its target is written, the link stays a link.
- A device or pipe (``/dev/stdout``) is written into, never replaced.
- A regular file is written to a temporary file beside it that replaces it in
  one rename: a reader never sees half a file, a failure leaves the old one.
- A new file gets the mode the umask gives (``0o666 & ~umask``); a replaced
  file keeps its mode.
- :func:`check_writable` runs before anything is scored or published;
  :func:`prepare` writes the temporary file and :meth:`Pending.commit` puts it
  in place, so a caller can prepare every output, publish, then commit.
  Temporary files are removed on any failure, Ctrl-C included.
"""

from __future__ import annotations

import contextlib
import os
import stat
import sys
import tempfile
from pathlib import Path
from typing import IO

import attrs

from .._errors import Issue, OutputError

__all__ = ["STDOUT", "Pending", "check_writable", "open_pending", "prepare", "write_atomic"]

STDOUT = "-"


def _umask() -> int:
    # Linux shows the umask without changing it; elsewhere it is set and put back.
    with contextlib.suppress(OSError):  # not Linux: fall back below
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("Umask:"):
                return int(line.split()[1], 8)
    mask = os.umask(0o022)  # pragma: no cover
    os.umask(mask)  # pragma: no cover
    return mask  # pragma: no cover


def _fail(path: str, code: str, message: str, hint: str | None = None) -> OutputError:
    return OutputError([Issue(code, message, source=path, hint=hint)], f"cannot write {path}; nothing was written")


def _resolve(path: str | os.PathLike[str]) -> Path:
    return Path(os.path.realpath(path))


def _stream(path: str | os.PathLike[str]) -> bool:
    # A device, pipe or socket (/dev/stdout, /dev/null, a FIFO) is written into, never replaced.
    try:
        return not stat.S_ISREG(os.stat(path).st_mode) and not stat.S_ISDIR(os.stat(path).st_mode)
    except OSError:
        return False


def check_writable(path: str | os.PathLike[str]) -> None:
    """
    Raise :class:`OutputError` unless ``path`` can be written: its folder exists and takes new files.
    """
    shown = os.fspath(path)
    if shown == STDOUT:
        return
    if _stream(path):
        if not os.access(path, os.W_OK):
            raise _fail(shown, "output-unwritable", f"{shown} is not writable")
        return
    target = _resolve(path)
    if target.is_dir():
        raise _fail(shown, "output-unwritable", f"{shown} is a folder", hint="name a file: --out folder/results.csv")
    folder = target.parent
    if not folder.is_dir():
        raise _fail(
            shown,
            "output-folder-missing",
            f"the folder {folder} does not exist",
            hint=f"create it first (mkdir -p {folder}), or write somewhere else",
        )
    if target.exists() and not os.access(target, os.W_OK):
        raise _fail(shown, "output-unwritable", f"{shown} is read-only")
    try:
        # Named apart from the output's own temporary file (".tmp"), and removed even when a signal comes.
        fd, probe = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".probe", dir=folder)
    except OSError as exc:
        raise _fail(shown, "output-unwritable", f"cannot create files in {folder}: {exc.strerror}") from None
    try:
        os.close(fd)
    finally:
        os.unlink(probe)


@attrs.define
class Pending:
    """
    An output written to a temporary file (or held, for a stream) and not yet in place.
    """

    path: str
    data: bytes
    target: Path | None = None
    tmp: str | None = None
    done: bool = False

    def commit(self) -> None:
        """
        Put the output in place: rename the temporary file over the target, or write the stream.
        """
        if self.done:
            return
        self.done = True
        if self.tmp is None:
            if self.path == STDOUT:
                sys.stdout.flush()
                sys.stdout.buffer.write(self.data)
                sys.stdout.buffer.flush()
            else:  # a device or a pipe: written into, never replaced
                try:
                    with open(self.path, "wb") as fh:
                        fh.write(self.data)
                except OSError as exc:
                    raise _fail(self.path, "output-unwritable", f"cannot write {self.path}: {exc.strerror}") from None
            return
        assert self.target is not None
        try:
            os.replace(self.tmp, self.target)
        except BaseException as exc:
            Path(self.tmp).unlink(missing_ok=True)
            if isinstance(exc, OSError):
                raise _fail(self.path, "output-unwritable", f"cannot write {self.path}: {exc.strerror}") from None
            raise

    def finish(self, fh: IO[str]) -> None:
        """
        Close ``fh``, the temporary file :func:`open_pending` opened, with the target's mode, on disk.
        """
        try:
            fh.flush()
            if self.target is not None:
                mode = stat.S_IMODE(self.target.stat().st_mode) if self.target.exists() else 0o666 & ~_umask()
                os.fchmod(fh.fileno(), mode)
            os.fsync(fh.fileno())
        except OSError as exc:
            raise _fail(self.path, "output-unwritable", f"cannot write {self.path}: {exc.strerror}") from None
        finally:
            fh.close()

    def discard(self) -> None:
        """
        Remove the temporary file; the target stays as it was.
        """
        if not self.done and self.tmp is not None:
            Path(self.tmp).unlink(missing_ok=True)
        self.done = True


def prepare(path: str | os.PathLike[str], data: str | bytes) -> Pending:
    """
    Write ``data`` to a temporary file beside ``path``'s target, ready to :meth:`~Pending.commit`.
    """
    shown = os.fspath(path)
    raw = data.encode("utf-8") if isinstance(data, str) else data
    if shown == STDOUT:
        return Pending(shown, raw)
    check_writable(path)
    if _stream(path):
        return Pending(shown, raw)
    target = _resolve(path)
    mode = stat.S_IMODE(target.stat().st_mode) if target.exists() else 0o666 & ~_umask()
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(raw)
            fh.flush()
            os.fchmod(fh.fileno(), mode)
            os.fsync(fh.fileno())
    except BaseException as exc:  # Ctrl-C and SIGTERM (turned into SystemExit by the CLI) too
        Path(tmp).unlink(missing_ok=True)
        if isinstance(exc, OSError):
            raise _fail(shown, "output-unwritable", f"cannot write {shown}: {exc.strerror}") from None
        raise
    return Pending(shown, raw, target, tmp)


def open_pending(path: str | os.PathLike[str]) -> tuple[Pending | None, IO[str] | None]:
    """
    Return a :class:`Pending` output and its temporary file opened for UTF-8 text, to be written as it goes.

    ``(None, None)`` for standard output, a device or a pipe, which cannot be
    written half-way and thrown away.  Write, then :meth:`Pending.finish` and
    :meth:`~Pending.commit`; :meth:`~Pending.discard` on any failure.
    """
    shown = os.fspath(path)
    if shown == STDOUT:
        return None, None
    check_writable(path)
    if _stream(path):
        return None, None
    target = _resolve(path)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    try:
        fh = os.fdopen(fd, "w", encoding="utf-8", newline="")
    except BaseException:
        os.close(fd)
        Path(tmp).unlink(missing_ok=True)
        raise
    return Pending(shown, b"", target, tmp), fh


def write_atomic(path: str | os.PathLike[str], data: str | bytes) -> None:
    """
    Write ``data`` to ``path`` so that the file is either wholly old or wholly new (``-``: standard output).
    """
    prepare(path, data).commit()
