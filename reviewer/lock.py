"""The set lock: one reviewer at a time edits a set; a second one is told who holds it.

``<set>/.reviewer.lock`` is created with ``O_CREAT | O_EXCL`` (atomic: exactly one process wins)
and holds the holder's pid, host, user, start time and a random token. It is hidden, so
``AnnotationStore.document_ids`` ignores it, and it does not match the temporary-file prefix, so
``atomic.clean_temporaries`` leaves it alone.

A lock left by a process that died (same host, pid gone, or pid reused by a process that started
after the lock was written) is *stale* and is taken over safely: the taker first wins a short-lived
guard file (again ``O_EXCL``), re-reads the lock to check it is still the same stale one, replaces
it, and re-checks that the lock now on disk is its own. Locks from another host are never judged
stale automatically (we cannot see its processes): ``acquire(..., force=True)`` takes them over.
"""

from __future__ import annotations

import atexit
import contextlib
import getpass
import os
import threading
import secrets
import socket
import time
import tomllib
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from reviewer.errors import ReviewerError
from reviewer.safeio import read_regular

try:
    import fcntl
except ImportError:  # pragma: no cover - not on Windows
    fcntl = None  # type: ignore[assignment]  # no fcntl on Windows

LOCK_NAME = ".reviewer.lock"
GUARD_SUFFIX = ".takeover"
GUARD_STALE_SECONDS = 3.0       # a takeover guard older than this was left by a killed taker
UNREADABLE_GRACE_SECONDS = 2.0  # an empty/partial lock younger than this is being written right now


@dataclass(frozen=True)
class LockInfo:
    pid: int
    host: str
    user: str
    started: datetime
    token: str = ""

    def dumps(self) -> str:
        started = self.started.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
        return (f"pid = {self.pid}\nhost = {_toml_str(self.host)}\nuser = {_toml_str(self.user)}\n"
                f"started = {started}\ntoken = {_toml_str(self.token)}\n")

    @classmethod
    def parse(cls, text: str) -> "LockInfo | None":
        try:
            data = tomllib.loads(text)
        except (tomllib.TOMLDecodeError, RecursionError):
            return None
        pid, host, user, started = data.get("pid"), data.get("host"), data.get("user", ""), data.get("started")
        if not isinstance(pid, int) or isinstance(pid, bool) or not isinstance(host, str):
            return None
        if not isinstance(started, datetime):
            return None
        if started.tzinfo is None:
            started = started.replace(tzinfo=timezone.utc)
        token = data.get("token", "")
        return cls(pid, host, user if isinstance(user, str) else "", started, token if isinstance(token, str) else "")


def _toml_str(value: str) -> str:
    escaped = value.replace("\\", "\\\\").replace('"', '\\"')
    return '"' + "".join(c if c.isprintable() else f"\\u{ord(c):04x}" for c in escaped) + '"'


class LockHeld(ReviewerError):
    """The set is open in another live reviewer."""

    def __init__(self, pid: int, host: str, since: datetime, *, user: str = "", path: Path | None = None) -> None:
        self.pid, self.host, self.since, self.user = pid, host, since, user
        when = since.astimezone(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
        who = f"pid {pid} on {host}" + (f", user {user}" if user else "")
        folder = path.parent if path is not None else None
        super().__init__(folder, f"this annotation set is open in another reviewer ({who}, since {when}); "
                                 "open it read-only, or close the other one first")


class LockUnavailable(LockHeld):
    """The lock cannot be taken at all (read-only folder, no permission). A LockHeld, so callers
    that offer read-only when the set is held elsewhere do the same here (nothing could be
    written anyway)."""

    def __init__(self, root: Path, reason: str) -> None:
        ReviewerError.__init__(self, root, f"cannot create the lock file {LOCK_NAME} ({reason}); "
                                           "the set can only be opened read-only")
        self.pid, self.host, self.since, self.user = 0, "", datetime.now(timezone.utc), ""


class Lock:
    """A held set lock; release() (or leaving a ``with`` block, or exiting) removes it."""

    def __init__(self, path: Path, info: LockInfo) -> None:
        self.path = path
        self.info = info
        self._released = False
        atexit.register(self.release)

    @property
    def held(self) -> bool:
        """Is the file on disk still our lock?"""
        current = read_lock(self.path.parent)
        return not self._released and current is not None and current.token == self.info.token

    def release(self) -> None:
        """Remove the lock file if it is still ours (never another process's lock)."""
        if self._released:
            return
        self._released = True
        try:
            atexit.unregister(self.release)
        except Exception:  # noqa: BLE001 - interpreter shutting down
            pass
        current = read_lock(self.path.parent)
        if current is not None and current.token == self.info.token:
            try:
                self.path.unlink()
            except OSError:
                pass

    def __enter__(self) -> "Lock":
        return self

    def __exit__(self, *exc: object) -> None:
        self.release()

    def __repr__(self) -> str:
        return f"Lock({self.path}, pid={self.info.pid})"


def read_lock(root: Path | str) -> LockInfo | None:
    """The lock in a set folder, or None when there is none (or it cannot be read)."""
    try:
        text = read_regular(Path(root) / LOCK_NAME, 64 * 1024).decode("utf-8", errors="replace")
    except OSError:
        return None
    return LockInfo.parse(text)


def _this_host() -> str:
    return socket.gethostname()


def _user() -> str:
    try:
        return getpass.getuser()
    except Exception:  # noqa: BLE001
        return ""


def _boot_time() -> float | None:
    try:
        for line in Path("/proc/stat").read_text().splitlines():
            if line.startswith("btime "):
                return float(line.split()[1])
    except OSError:
        pass
    return None


def process_started(pid: int) -> float | None:
    """When process ``pid`` started (epoch seconds), where the system tells us (Linux /proc)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    boot = _boot_time()
    if boot is None:
        return None
    try:
        fields = stat[stat.rindex(")") + 2:].split()
        ticks = int(fields[19])  # field 22 of /proc/pid/stat: start time in clock ticks after boot
        return boot + ticks / os.sysconf("SC_CLK_TCK")
    except (ValueError, IndexError, OSError):
        return None


def pid_alive(pid: int) -> bool:
    if pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # exists, owned by someone else
    except OSError:
        return False
    return not _zombie(pid)


def _zombie(pid: int) -> bool:
    """A killed process not yet reaped by its parent (Linux /proc state Z or X): it is dead and will
    never release its lock. Under an init that does not reap (some containers), it stays forever."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    state = stat[stat.rfind(")") + 2:stat.rfind(")") + 3]
    return state in ("Z", "X")


def is_stale(info: LockInfo) -> bool:
    """A lock on this host whose process is gone, or whose pid now belongs to a newer process."""
    if info.host != _this_host():
        return False
    if not pid_alive(info.pid):
        return True
    if info.pid == os.getpid():
        return False  # our own process (e.g. a second Session in the same app): held
    started = process_started(info.pid)
    # The holder wrote the lock after it started; a process that started later reuses the pid.
    return started is not None and started > info.started.timestamp() + 2.0


def _create(path: Path, info: LockInfo) -> bool:
    """Create the lock file atomically; False when it already exists."""
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
    except FileExistsError:
        return False
    try:
        os.write(fd, info.dumps().encode("utf-8"))
        os.fsync(fd)
    finally:
        os.close(fd)
    return True


def _age(path: Path) -> float:
    try:
        return time.time() - path.stat().st_mtime
    except OSError:
        return 0.0


def acquire(root: Path | str, *, force: bool = False, timeout: float = 5.0) -> Lock:
    """Take the set lock in ``root``.

    Raises LockHeld when a live process (or one on another host) holds it, unless ``force``.
    A stale lock is taken over safely. Raises ReviewerError when the folder cannot hold a lock.
    """
    root = Path(root)
    path = root / LOCK_NAME
    info = LockInfo(os.getpid(), _this_host(), _user(), datetime.now(timezone.utc).replace(microsecond=0),
                    secrets.token_hex(8))
    deadline = time.monotonic() + timeout
    while True:
        try:
            if _create(path, info):
                return Lock(path, info)
        except OSError as exc:
            raise LockUnavailable(root, exc.strerror or str(exc)) from None
        current = read_lock(root)
        if current is None:
            # Empty or partial: being written right now, or left by a writer killed mid-write.
            if path.exists() and _age(path) < UNREADABLE_GRACE_SECONDS and time.monotonic() < deadline:
                time.sleep(0.05)
                continue
            if not path.exists():
                continue
        elif not force and not is_stale(current):
            raise LockHeld(current.pid, current.host, current.started, user=current.user, path=path)
        if _take_over(root, path, current, info):
            return Lock(path, info)
        if time.monotonic() >= deadline:
            current = read_lock(root)
            if current is not None:
                raise LockHeld(current.pid, current.host, current.started, user=current.user, path=path)
            raise ReviewerError(root, f"cannot take the lock file {LOCK_NAME}: another process keeps changing it")
        time.sleep(0.02)


def _take_over(root: Path, path: Path, judged: LockInfo | None, info: LockInfo) -> bool:
    """Replace the lock we judged stale, under a guard so two takers cannot both win."""
    guard = root / (LOCK_NAME + GUARD_SUFFIX)
    try:
        fd = os.open(guard, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
    except FileExistsError:
        if _age(guard) > GUARD_STALE_SECONDS:
            try:
                guard.unlink()
            except OSError:
                pass
        return False
    except OSError:
        return False
    os.close(fd)
    try:
        # Re-check under the guard: is the lock still the one we judged stale?
        if read_lock(root) != judged:
            return False
        try:
            path.unlink()
        except FileNotFoundError:
            pass
        if not _create(path, info):
            return False
        current = read_lock(root)
        return current is not None and current.token == info.token
    finally:
        try:
            guard.unlink()
        except OSError:
            pass


@contextlib.contextmanager
def write_guard(root: Path | str):
    """Serialise check-then-write among cooperating writers (sessions, commands) on one set.

    An exclusive ``flock`` on the set folder itself (no extra file), held while a writer compares
    the file on disk with what it last saw, merges and replaces it, so two writers cannot both
    pass the check and the second overwrite the first. Re-entrant within a thread: a step that
    holds the guard (an import creating the set) may call one that takes it (writing ``set.toml``);
    a second ``flock`` on a new descriptor would wait for the first for ever. Best effort: where it
    cannot be taken (no fcntl, folder unreadable) the write goes ahead unguarded.
    """
    key = os.path.realpath(root)
    held: dict[str, int] = _HELD.__dict__.setdefault("roots", {})
    if key in held:
        held[key] += 1
        try:
            yield
        finally:
            held[key] -= 1
        return
    fd = None
    if fcntl is not None:
        try:
            fd = os.open(root, os.O_RDONLY)
            fcntl.flock(fd, fcntl.LOCK_EX)
        except OSError:
            if fd is not None:
                os.close(fd)
            fd = None
    held[key] = 1
    try:
        yield
    finally:
        del held[key]
        if fd is not None:
            os.close(fd)  # closing drops the flock


_HELD = threading.local()   # the set folders this thread holds the write guard of, with depth


__all__ = ["Lock", "write_guard", "LockHeld", "LockUnavailable", "LockInfo", "LOCK_NAME", "acquire", "read_lock",
           "is_stale", "pid_alive"]
