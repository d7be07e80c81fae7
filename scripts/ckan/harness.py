"""A real CKAN on this machine, without Docker: for the tests of ``portal publish ckan`` and by hand.

    python3 scripts/ckan/harness.py start    # install what is missing, start everything, wait for CKAN
    python3 scripts/ckan/harness.py stop     # stop CKAN, the Solr stand-in, redis and PostgreSQL
    python3 scripts/ckan/harness.py status   # what runs
    python3 scripts/ckan/harness.py env      # CKAN_URL=... and CKAN_API_TOKEN=... (for eval / a .env)
    python3 scripts/ckan/harness.py stop-ckan | start-ckan   # CKAN alone, the rest stays up

CKAN (pinned below, from PyPI, in its own virtualenv ``.ckan/venv``) runs unchanged, with
PostgreSQL and redis from Debian's packages, each on a loopback port, and, since Apache Solr
cannot be installed here, ``solr_standin.py`` beside this file in Solr's place. All state
(database cluster, uploads, search index, ini, sysadmin token) lives in ``.ckan/`` at the root
of the repository (git-ignored), logs in ``.ckan/logs/``. Standard library only, so that any
python3 runs it; the tests import it (``from scripts.ckan import harness``) and call
``start()``, ``url()``, ``api_token()``, ``stop_ckan()``, ``start_ckan()``, ``stop()``.
"""

from __future__ import annotations

import contextlib
import ctypes.util
import fcntl
import json
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tarfile
import time
import urllib.error
import urllib.request
from pathlib import Path

CKAN_VERSION = "2.11.6"
HOST = "127.0.0.1"
CKAN_PORT = 5050
PG_PORT = 54329
REDIS_PORT = 56379
SOLR_PORT = 58983
SYSADMIN = "ckan_admin"
DATABASE = "ckan"

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
STATE = ROOT / ".ckan"
VENV = STATE / "venv"
SRC = STATE / "src"
PGDATA = STATE / "pgdata"
PGSOCK = STATE / "pgsock"
REDIS_DIR = STATE / "redis"
SOLR_DIR = STATE / "solr"
STORAGE = STATE / "storage"
LOGS = STATE / "logs"
RUN = STATE / "run"
INI = STATE / "ckan.ini"
LICENSES = STATE / "licenses.json"
SECRETS = STATE / "secrets.json"  # database password, sysadmin password and API token: never committed
INSTALLED = VENV / ".harness-installed"
DB_READY = STATE / ".db-initialized"
SOLR_SCRIPT = HERE / "solr_standin.py"
_CHILDREN: list[subprocess.Popen] = []

# CKAN's default licences (ckan/model/license.py) plus the French Licence Ouverte, 2.0 and 1.0:
# id, title, url, Open Definition conformance, domains (c: content, d: data).
_LICENCES = [
    ("etalab-2.0", "Licence Ouverte / Open Licence version 2.0", "https://www.etalab.gouv.fr/licence-ouverte-open-licence/", "approved", "cd"),
    ("fr-lo", "Licence Ouverte / Open Licence", "https://www.etalab.gouv.fr/wp-content/uploads/2014/05/Licence_Ouverte.pdf", "approved", "cd"),
    ("notspecified", "License not specified", "", "not reviewed", ""),
    ("odc-pddl", "Open Data Commons Public Domain Dedication and License (PDDL)", "http://www.opendefinition.org/licenses/odc-pddl", "approved", "d"),
    ("odc-odbl", "Open Data Commons Open Database License (ODbL)", "http://www.opendefinition.org/licenses/odc-odbl", "approved", "d"),
    ("odc-by", "Open Data Commons Attribution License", "http://www.opendefinition.org/licenses/odc-by", "approved", "d"),
    ("cc-zero", "Creative Commons CCZero", "http://www.opendefinition.org/licenses/cc-zero", "approved", "cd"),
    ("cc-by", "Creative Commons Attribution", "http://www.opendefinition.org/licenses/cc-by", "approved", ""),
    ("cc-by-sa", "Creative Commons Attribution Share-Alike", "http://www.opendefinition.org/licenses/cc-by-sa", "approved", "c"),
    ("gfdl", "GNU Free Documentation License", "http://www.opendefinition.org/licenses/gfdl", "approved", "c"),
    ("other-open", "Other (Open)", "", "approved", "c"),
    ("other-pd", "Other (Public Domain)", "", "approved", "c"),
    ("other-at", "Other (Attribution)", "", "approved", "c"),
    ("uk-ogl", "UK Open Government Licence (OGL)", "https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/", "approved", "c"),
    ("cc-nc", "Creative Commons Non-Commercial (Any)", "http://creativecommons.org/licenses/by-nc/2.0/", "not reviewed", ""),
    ("other-nc", "Other (Non-Commercial)", "", "not reviewed", ""),
    ("other-closed", "Other (Not Open)", "", "not reviewed", ""),
]  # fmt: skip
_GENERIC = {"notspecified", "other-open", "other-pd", "other-at", "other-nc", "other-closed"}


class HarnessError(RuntimeError):
    """A step failed: the message names the step and the log file to read."""

    def __init__(self, step: str, detail: str, log: Path | None = None):
        self.step, self.detail, self.log = step, detail, log
        message = f"CKAN local : l'étape « {step} » a échoué : {detail}"
        if log is not None:
            message += f"\n  journal à lire : {log}"
            tail = _tail(log)
            if tail:
                message += "\n  dernières lignes :\n" + "\n".join("    " + line for line in tail)
        super().__init__(message)


def _tail(path: Path, lines: int = 15) -> list[str]:
    try:
        return path.read_text("utf-8", errors="replace").splitlines()[-lines:]
    except OSError:
        return []


def _say(message: str) -> None:
    print(f"[ckan] {message}", file=sys.stderr, flush=True)


# --- small helpers ---


def url() -> str:
    """The local CKAN's address."""
    return f"http://{HOST}:{CKAN_PORT}"


def api_token() -> str:
    """The sysadmin's API token (created by ``start()``)."""
    token = _secrets().get("api_token")
    if not token:
        raise HarnessError(
            "jeton d'API", f"aucun jeton dans {SECRETS} : lancez d'abord `python3 scripts/ckan/harness.py start`"
        )
    return token


def _secrets() -> dict:
    try:
        return json.loads(SECRETS.read_text("utf-8"))
    except (OSError, ValueError):
        return {}


def _save_secrets(data: dict) -> None:
    SECRETS.parent.mkdir(parents=True, exist_ok=True)
    tmp = SECRETS.with_suffix(".tmp")
    with open(os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), "w", encoding="utf-8") as fh:
        json.dump(data, fh, indent=2)
    os.replace(tmp, SECRETS)


def _is_root() -> bool:
    return os.geteuid() == 0


def _env() -> dict:
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV", "PIP_REQUIRE_VIRTUALENV")
    }
    env["CKAN_INI"] = str(INI)
    env["PATH"] = f"{VENV / 'bin'}:{env.get('PATH', '/usr/bin:/bin')}"
    return env


def _run(
    cmd: list, step: str, log: Path, *, as_postgres: bool = False, env: dict | None = None, timeout: float = 1800
) -> str:
    """Run ``cmd``, appending its output to ``log``; raise HarnessError naming ``step`` on failure."""
    if as_postgres and _is_root():
        cmd = ["runuser", "-u", "postgres", "--", *cmd]
    log.parent.mkdir(parents=True, exist_ok=True)
    with open(log, "a", encoding="utf-8") as fh:
        fh.write(_mask(f"\n=== {time.strftime('%Y-%m-%d %H:%M:%S')} $ {' '.join(str(c) for c in cmd)}\n"))
        fh.flush()
        try:
            proc = subprocess.run(
                [str(c) for c in cmd],
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                env=env or _env(),
                cwd=STATE,
                timeout=timeout,
                text=True,
                errors="replace",
            )
        except FileNotFoundError as exc:
            raise HarnessError(step, f"commande introuvable : {exc.filename}", log) from exc
        except subprocess.TimeoutExpired as exc:
            raise HarnessError(step, f"délai dépassé ({timeout:.0f} s) pour {cmd[0]}", log) from exc
        fh.write(_mask(proc.stdout))
    if proc.returncode != 0:
        raise HarnessError(step, f"{Path(str(cmd[0])).name} a renvoyé le code {proc.returncode}", log)
    return proc.stdout


_JWT = re.compile(r"eyJ[\w-]+\.[\w-]+\.[\w-]+")


def _mask(text: str) -> str:
    """Logs are world-readable: no password nor token in them."""
    for value in _secrets().values():
        if isinstance(value, str) and len(value) >= 8 and value != SYSADMIN:
            text = text.replace(value, "***")
    return _JWT.sub("***", text)


def _port_open(port: int) -> bool:
    with contextlib.closing(socket.socket(socket.AF_INET, socket.SOCK_STREAM)) as sock:
        sock.settimeout(0.5)
        return sock.connect_ex((HOST, port)) == 0


def _wait(predicate, seconds: float, interval: float = 0.2) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(interval)
    return predicate()


def _read_pid(name: str) -> int | None:
    try:
        return int((RUN / f"{name}.pid").read_text().strip())
    except (OSError, ValueError):
        return None


def _cmdline(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode("utf-8", "replace")
    except OSError:
        return ""


def _our_pid(name: str, marker: str) -> int | None:
    """The pid recorded for ``name`` if that process still runs and is ours (``marker`` in its command line)."""
    pid = _read_pid(name)
    if pid and marker in _cmdline(pid):
        try:
            os.kill(pid, 0)
        except OSError:
            return None
        with contextlib.suppress(OSError):  # a zombie (our own dead child) is not running
            if Path(f"/proc/{pid}/stat").read_text().split(")")[-1].split()[0] == "Z":
                return None
        return pid
    return None


def _kill(name: str, marker: str, seconds: float = 20) -> bool:
    """Stop the process recorded as ``name`` (its process group): SIGTERM, then SIGKILL."""
    pid = _our_pid(name, marker)
    if pid is None:
        (RUN / f"{name}.pid").unlink(missing_ok=True)
        return False
    try:
        pgid = os.getpgid(pid)
    except OSError:
        pgid = None
    targets = (lambda sig: os.killpg(pgid, sig)) if pgid == pid else (lambda sig: os.kill(pid, sig))
    with contextlib.suppress(OSError):
        targets(signal.SIGTERM)
    if not _wait(lambda: _our_pid(name, marker) is None, seconds):
        with contextlib.suppress(OSError):
            targets(signal.SIGKILL)
        _wait(lambda: _our_pid(name, marker) is None, 5)
    (RUN / f"{name}.pid").unlink(missing_ok=True)
    return True


def _spawn(name: str, cmd: list, log: Path) -> subprocess.Popen:
    """Start ``cmd`` in the background in its own session, output appended to ``log``; record its pid."""
    RUN.mkdir(parents=True, exist_ok=True)
    log.parent.mkdir(parents=True, exist_ok=True)
    with open(log, "a", encoding="utf-8") as fh:
        fh.write(f"\n=== {time.strftime('%Y-%m-%d %H:%M:%S')} $ {' '.join(str(c) for c in cmd)}\n")
        fh.flush()
        proc = subprocess.Popen(
            [str(c) for c in cmd],
            stdout=fh,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            env=_env(),
            cwd=STATE,
            start_new_session=True,
        )
    _CHILDREN.append(proc)  # kept, so that Python does not warn about a child still running
    (RUN / f"{name}.pid").write_text(str(proc.pid))
    return proc


def _http_json(
    path_or_url: str, data: dict | None = None, token: str | None = None, timeout: float = 5
) -> tuple[int, dict]:
    target = path_or_url if path_or_url.startswith("http") else url() + path_or_url
    body = json.dumps(data).encode() if data is not None else None
    request = urllib.request.Request(target, data=body, headers={"Content-Type": "application/json"})
    if token:
        request.add_header("Authorization", token)
    try:
        with urllib.request.urlopen(request, timeout=timeout) as resp:
            return resp.status, json.loads(resp.read() or b"{}")
    except urllib.error.HTTPError as exc:
        try:
            return exc.code, json.loads(exc.read() or b"{}")
        except ValueError:
            return exc.code, {}
    except (OSError, ValueError):
        return 0, {}


# --- installation ---


def _pg_bin() -> Path | None:
    versions = sorted(
        (p for p in Path("/usr/lib/postgresql").glob("*/bin") if (p / "initdb").exists()),
        key=lambda p: int(p.parent.name) if p.parent.name.isdigit() else 0,
    )
    return versions[-1] if versions else None


def _ensure_debian_packages() -> None:
    missing = []
    if _pg_bin() is None:
        missing.append("postgresql")
    if shutil.which("redis-server") is None:
        missing.append("redis-server")
    if ctypes.util.find_library("magic") is None:
        missing.append("libmagic1")
    if not missing:
        return
    log = LOGS / "install.log"
    step = "installation des paquets Debian " + ", ".join(missing)
    if not _is_root() or shutil.which("apt-get") is None:
        raise HarnessError(
            step, f"il faut être root avec apt-get, ou installer à la main : apt-get install {' '.join(missing)}"
        )
    _say(f"installation des paquets Debian : {', '.join(missing)}")
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    _run(["apt-get", "update", "-qq"], step, log, env=env)
    _run(["apt-get", "install", "-y", "-qq", "--no-install-recommends", *missing], step, log, env=env)


def _base_python() -> str:
    """A Python that CKAN supports (3.9 to 3.12) for its virtualenv."""
    if (3, 9) <= sys.version_info[:2] <= (3, 12):
        return sys.executable
    for name in ("python3.12", "python3.11", "python3.10", "python3.9"):
        found = shutil.which(name)
        if found:
            return found
    raise HarnessError(
        "virtualenv de CKAN",
        f"CKAN {CKAN_VERSION} demande Python 3.9 à 3.12 ; aucun trouvé (celui-ci : {sys.version.split()[0]})",
    )


def _ensure_venv() -> None:
    if INSTALLED.exists() and INSTALLED.read_text().strip() == CKAN_VERSION and (VENV / "bin" / "ckan").exists():
        return
    log = LOGS / "install.log"
    step = f"installation de CKAN {CKAN_VERSION} dans {VENV}"
    _say(f"installation de CKAN {CKAN_VERSION} dans {VENV.relative_to(ROOT)} (une minute environ)")
    if VENV.exists():
        shutil.rmtree(VENV)
    _run([_base_python(), "-m", "venv", VENV], step, log)
    pip = [VENV / "bin" / "python", "-m", "pip"]
    # The wheel declares no dependencies: the pins are in the source distribution's requirements.txt.
    SRC.mkdir(parents=True, exist_ok=True)
    sdist = SRC / f"ckan-{CKAN_VERSION}.tar.gz"
    if not sdist.exists():
        _run([*pip, "download", f"ckan=={CKAN_VERSION}", "--no-deps", "--no-binary", ":all:", "-d", SRC], step, log)
    with tarfile.open(sdist) as tar:
        member = tar.getmember(f"ckan-{CKAN_VERSION}/requirements.txt")
        pins = tar.extractfile(member).read().decode("utf-8")
    # psycopg2 builds from source (compiler, libpq-dev); psycopg2-binary is the same code, prebuilt.
    pins = re.sub(r"^psycopg2==", "psycopg2-binary==", pins, flags=re.M)
    requirements = SRC / f"requirements-{CKAN_VERSION}.txt"
    requirements.write_text(pins, "utf-8")
    # One resolver run: the pins, and CKAN itself (its wheel declares nothing but setuptools).
    ckan = [f"ckan=={CKAN_VERSION}", "--only-binary", "ckan"]
    _run([*pip, "install", "--quiet", "--prefer-binary", "-r", requirements, *ckan], step, log)
    _run([VENV / "bin" / "python", "-c", "import ckan, psycopg2, magic, redis, pysolr"], step, log)
    INSTALLED.write_text(CKAN_VERSION)


# --- PostgreSQL ---


def _pg_owner_setup(paths: list[Path]) -> None:
    if _is_root():
        for path in paths:
            shutil.chown(path, "postgres", "postgres")


def _pg_ctl(*args: str, step: str) -> str:
    return _run([_pg_bin() / "pg_ctl", "-D", PGDATA, *args], step, LOGS / "postgres-ctl.log", as_postgres=True)


def _pg_running() -> bool:
    if not (PGDATA / "PG_VERSION").exists():
        return False
    cmd = [str(_pg_bin() / "pg_ctl"), "-D", str(PGDATA), "status"]
    if _is_root():
        cmd = ["runuser", "-u", "postgres", "--", *cmd]
    return subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd="/").returncode == 0


def _psql(sql: str, step: str, database: str = "postgres") -> str:
    cmd = [
        _pg_bin() / "psql",
        "-h",
        PGSOCK,
        "-p",
        str(PG_PORT),
        "-U",
        "postgres",
        "-d",
        database,
        "-v",
        "ON_ERROR_STOP=1",
        "-tAc",
        sql,
    ]
    return _run(cmd, step, LOGS / "postgres-ctl.log", as_postgres=True).strip()


def _ensure_postgres() -> None:
    log = LOGS / "postgres.log"
    if _pg_bin() is None:
        raise HarnessError("PostgreSQL", "aucun PostgreSQL sous /usr/lib/postgresql")
    if _is_root():
        probe = subprocess.run(["runuser", "-u", "postgres", "--", "test", "-x", str(STATE)], cwd="/")
        if probe.returncode != 0:
            raise HarnessError(
                "PostgreSQL",
                f"l'utilisateur postgres ne peut pas traverser {STATE} : rendez ses dossiers parents lisibles (chmod o+x)",
            )
    if not (PGDATA / "PG_VERSION").exists():
        step = "création du cluster PostgreSQL (initdb)"
        _say(f"création du cluster PostgreSQL dans {PGDATA.relative_to(ROOT)}")
        if PGDATA.exists():
            shutil.rmtree(PGDATA)
        PGDATA.mkdir(parents=True, mode=0o700)
        _pg_owner_setup([PGDATA])
        _run(
            [
                _pg_bin() / "initdb",
                "-D",
                PGDATA,
                "-U",
                "postgres",
                "-E",
                "UTF8",
                "--locale=C.UTF-8",
                "--auth-local=trust",
                "--auth-host=scram-sha-256",
            ],
            step,
            LOGS / "initdb.log",
            as_postgres=True,
        )
        with open(PGDATA / "postgresql.conf", "a", encoding="utf-8") as fh:
            fh.write(
                f"\n# CKAN local harness\nport = {PG_PORT}\nlisten_addresses = '{HOST}'\n"
                f"unix_socket_directories = '{PGSOCK}'\nfsync = off\nsynchronous_commit = off\nfull_page_writes = off\n"
            )
        # a new cluster: what pointed into the old one is gone
        for stale in (DB_READY, SECRETS, SOLR_DIR / "index.json"):
            stale.unlink(missing_ok=True)
    PGSOCK.mkdir(parents=True, exist_ok=True)
    log.parent.mkdir(parents=True, exist_ok=True)
    log.touch()
    _pg_owner_setup([PGSOCK, log])
    if not _pg_running():
        step = f"démarrage de PostgreSQL (port {PG_PORT})"
        if _port_open(PG_PORT):
            raise HarnessError(step, f"le port {PG_PORT} est déjà pris par un autre programme")
        _pg_ctl("-l", str(log), "-w", "-t", "60", "start", step=step)
    secret = _secrets()
    if not secret.get("db_password"):
        secret["db_password"] = secrets.token_urlsafe(18)
        _save_secrets(secret)
    step = "création de la base PostgreSQL de CKAN"
    password = secret["db_password"].replace("'", "''")
    if _psql(f"SELECT 1 FROM pg_roles WHERE rolname = '{DATABASE}'", step) != "1":
        _psql(f"CREATE ROLE {DATABASE} LOGIN PASSWORD '{password}'", step)
    else:
        _psql(f"ALTER ROLE {DATABASE} PASSWORD '{password}'", step)
    if _psql(f"SELECT 1 FROM pg_database WHERE datname = '{DATABASE}'", step) != "1":
        _psql(f"CREATE DATABASE {DATABASE} OWNER {DATABASE} ENCODING 'UTF8' TEMPLATE template0", step)


# --- redis and the Solr stand-in ---


def _redis_ping() -> bool:
    try:
        with socket.create_connection((HOST, REDIS_PORT), timeout=1) as sock:
            sock.sendall(b"PING\r\n")
            return sock.recv(64).startswith(b"+PONG")
    except OSError:
        return False


def _redis_pid() -> int | None:
    return _our_pid("redis", f":{REDIS_PORT}")


def _ensure_redis() -> None:
    if _redis_pid() and _redis_ping():
        return
    step = f"démarrage de redis (port {REDIS_PORT})"
    log = LOGS / "redis.log"
    if _port_open(REDIS_PORT):
        raise HarnessError(step, f"le port {REDIS_PORT} est déjà pris par un autre programme")
    REDIS_DIR.mkdir(parents=True, exist_ok=True)
    cmd = [
        shutil.which("redis-server") or "redis-server",
        "--bind",
        HOST,
        "--port",
        str(REDIS_PORT),
        "--dir",
        REDIS_DIR,
        "--save",
        "",
        "--appendonly",
        "no",
        "--daemonize",
        "no",
    ]
    proc = _spawn("redis", cmd, log)
    if not _wait(lambda: _redis_ping() or proc.poll() is not None, 20) or not _redis_ping():
        raise HarnessError(step, "redis s'est arrêté" if proc.poll() is not None else "redis ne répond pas", log)


def _solr_ping() -> bool:
    status, _ = _http_json(f"http://{HOST}:{SOLR_PORT}/solr/ckan/admin/ping", timeout=2)
    return status == 200


def _solr_pid() -> int | None:
    return _our_pid("solr", SOLR_SCRIPT.name)


def _ensure_solr() -> None:
    if _solr_pid() and _solr_ping():
        return
    step = f"démarrage du remplaçant de Solr (port {SOLR_PORT})"
    log = LOGS / "solr.log"
    if _port_open(SOLR_PORT):
        raise HarnessError(step, f"le port {SOLR_PORT} est déjà pris par un autre programme")
    schema = "ckan-" + ".".join(CKAN_VERSION.split(".")[:2])
    python = VENV / "bin" / "python"
    cmd = [
        python if python.exists() else sys.executable,
        SOLR_SCRIPT,
        "--host",
        HOST,
        "--port",
        str(SOLR_PORT),
        "--data",
        SOLR_DIR,
        "--schema-name",
        schema,
    ]
    proc = _spawn("solr", cmd, log)
    if not _wait(lambda: _solr_ping() or proc.poll() is not None, 20) or not _solr_ping():
        detail = "il s'est arrêté" if proc.poll() is not None else "il ne répond pas"
        raise HarnessError(step, f"remplaçant de Solr (pid {proc.pid}) : {detail}", log)


# --- CKAN's configuration, database and sysadmin ---


def _licences() -> list[dict]:
    out = []
    for ident, title, link, od, domains in _LICENCES:
        out.append(
            {
                "id": ident,
                "title": title,
                "url": link,
                "od_conformance": od,
                "osd_conformance": "not reviewed",
                "domain_content": "c" in domains,
                "domain_data": "d" in domains,
                "domain_software": False,
                "family": "",
                "is_generic": ident in _GENERIC,
                "maintainer": "Etalab" if ident in ("etalab-2.0", "fr-lo") else "",
                "status": "active",
            }
        )
    return out


def _set_options(text: str, options: dict[str, str]) -> str:
    """Set ``key = value`` lines of the [app:main] section (replaced where they are, else added)."""
    lines = text.splitlines()
    start = next(i for i, line in enumerate(lines) if line.strip() == "[app:main]")
    end = next((i for i in range(start + 1, len(lines)) if lines[i].startswith("[")), len(lines))
    pending = dict(options)
    for i in range(start + 1, end):
        match = re.match(r"^([A-Za-z0-9_.]+)\s*=", lines[i])
        if match and match.group(1) in pending:
            lines[i] = f"{match.group(1)} = {pending.pop(match.group(1))}"
    if pending:
        lines[end:end] = ["## CKAN local harness", *(f"{k} = {v}" for k, v in pending.items()), ""]
    return "\n".join(lines) + "\n"


def _ensure_config() -> None:
    step = "écriture de la configuration de CKAN (.ckan/ckan.ini)"
    log = LOGS / "ckan-cli.log"
    STORAGE.mkdir(parents=True, exist_ok=True)
    LICENSES.write_text(json.dumps(_licences(), ensure_ascii=False, indent=2), "utf-8")
    if not INI.exists():
        _run([VENV / "bin" / "ckan", "generate", "config", INI], step, log)
    password = _secrets()["db_password"]
    options = {
        "sqlalchemy.url": f"postgresql://{DATABASE}:{password}@{HOST}:{PG_PORT}/{DATABASE}",
        "ckan.site_url": url(),
        "ckan.site_id": "default",
        "ckan.site_title": "CKAN local (harnais de test)",
        "solr_url": f"http://{HOST}:{SOLR_PORT}/solr/ckan",
        "ckan.redis.url": f"redis://{HOST}:{REDIS_PORT}/0",
        "ckan.storage_path": str(STORAGE),
        "ckan.max_resource_size": "100",
        "licenses_group_url": LICENSES.as_uri(),
        "ckan.devserver.host": HOST,
        "ckan.devserver.port": str(CKAN_PORT),
    }
    text = INI.read_text("utf-8")
    new = _set_options(text, options)
    if new != text:
        INI.write_text(new, "utf-8")
        INI.chmod(0o600)


def _ckan(*args: str, step: str, log: Path | None = None) -> str:
    return _run([VENV / "bin" / "ckan", "-c", INI, *args], step, log or LOGS / "ckan-cli.log")


def _ensure_database() -> None:
    if DB_READY.exists() and DB_READY.read_text().strip() == CKAN_VERSION:
        return
    _say("initialisation de la base de CKAN (ckan db init)")
    _ckan("db", "init", step="initialisation de la base de CKAN (ckan db init)", log=LOGS / "db-init.log")
    DB_READY.write_text(CKAN_VERSION)


def _ensure_sysadmin() -> None:
    secret = _secrets()
    if secret.get("api_token") and secret.get("sysadmin") == SYSADMIN:
        return
    step = f"création de l'administrateur {SYSADMIN} et de son jeton d'API"
    _say(f"création de l'administrateur {SYSADMIN} et de son jeton d'API")
    password = secret.get("sysadmin_password") or secrets.token_urlsafe(18)
    secret["sysadmin_password"] = password
    _save_secrets(secret)  # before use, so that the logs mask it
    try:
        _ckan("user", "add", SYSADMIN, f"email={SYSADMIN}@localhost.localdomain", f"password={password}", step=step)
    except HarnessError:
        # already there (secrets lost): give it the password we know
        _ckan("user", "setpass", SYSADMIN, "-p", password, step=step)
    _ckan("sysadmin", "add", SYSADMIN, step=step)
    secret.update(sysadmin=SYSADMIN, sysadmin_password=password, api_token=_new_token(step))
    _save_secrets(secret)


def _new_token(step: str) -> str:
    out = _ckan("user", "token", "add", SYSADMIN, "harness", step=step)
    tokens = [
        line.strip() for line in out.splitlines() if line.strip() and " " not in line.strip() and len(line.strip()) > 40
    ]
    if not tokens:
        raise HarnessError(step, "jeton introuvable dans la sortie de `ckan user token add`", LOGS / "ckan-cli.log")
    return tokens[-1]


def _token_valid(token: str) -> bool:
    status, body = _http_json("/api/3/action/api_token_list", {"user_id": SYSADMIN}, token=token)
    return status == 200 and body.get("success") is True


# --- CKAN itself ---


def _ckan_pid() -> int | None:
    return _our_pid("ckan", str(INI))


def ckan_ready() -> bool:
    """Whether CKAN answers ``status_show``."""
    status, body = _http_json("/api/3/action/status_show", timeout=3)
    return status == 200 and body.get("success") is True


def _services_running() -> list[str]:
    down = []
    if not _pg_running():
        down.append("PostgreSQL")
    if not (_redis_pid() and _redis_ping()):
        down.append("redis")
    if not (_solr_pid() and _solr_ping()):
        down.append("le remplaçant de Solr")
    return down


def start_ckan(timeout: float = 180) -> str:
    """Start CKAN alone (PostgreSQL, redis and the Solr stand-in must run); wait until it answers."""
    step = f"démarrage de CKAN (port {CKAN_PORT})"
    log = LOGS / "ckan.log"
    with _lock():
        if _ckan_pid() and ckan_ready():
            return url()
        down = _services_running()
        if down:
            raise HarnessError(
                step, f"ne tourne(nt) pas : {', '.join(down)} ; lancez `python3 scripts/ckan/harness.py start`"
            )
        if _ckan_pid() is None and _port_open(CKAN_PORT):
            raise HarnessError(step, f"le port {CKAN_PORT} est déjà pris par un autre programme")
        proc = None
        if _ckan_pid() is None:
            cmd = [VENV / "bin" / "ckan", "-c", INI, "run", "--host", HOST, "--port", str(CKAN_PORT)]
            proc = _spawn("ckan", [*cmd, "--disable-reloader", "--threaded"], log)

        def gone() -> bool:
            return proc.poll() is not None if proc is not None else _ckan_pid() is None

        if not _wait(lambda: ckan_ready() or gone(), timeout, 0.25) or not ckan_ready():
            waited = f"pas de réponse de /api/3/action/status_show en {timeout:.0f} s"
            raise HarnessError(step, "le processus s'est arrêté" if gone() else waited, log)
    return url()


def stop_ckan() -> bool:
    """Stop CKAN alone; PostgreSQL, redis and the Solr stand-in keep running. True if it was running."""
    with _lock():
        stopped = _kill("ckan", str(INI))
    if stopped:
        _say("CKAN arrêté (PostgreSQL, redis et le remplaçant de Solr continuent)")
    return stopped


@contextlib.contextmanager
def _lock():
    """One harness action at a time (two test sessions starting together, say); re-entrant in a process."""
    if getattr(_lock, "held", False):
        yield
        return
    STATE.mkdir(parents=True, exist_ok=True)
    with open(STATE / "harness.lock", "w") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        _lock.held = True
        try:
            yield
        finally:
            _lock.held = False
            fcntl.flock(fh, fcntl.LOCK_UN)


def start() -> str:
    """Install what is missing, start PostgreSQL, redis, the Solr stand-in and CKAN; return CKAN's URL."""
    began = time.monotonic()
    with _lock():
        for folder in (STATE, LOGS, RUN):
            folder.mkdir(parents=True, exist_ok=True)
        _ensure_debian_packages()
        _ensure_venv()
        _ensure_postgres()
        index_lost = DB_READY.exists() and not (SOLR_DIR / "index.json").exists()
        _ensure_redis()
        _ensure_solr()
        _ensure_config()
        _ensure_database()
        _ensure_sysadmin()
        if index_lost:
            _say("index de recherche perdu : reconstruction (ckan search-index rebuild)")
            _ckan("search-index", "rebuild", step="reconstruction de l'index de recherche")
        start_ckan()
        token = _secrets()["api_token"]
        if not _token_valid(token):
            step = "vérification du jeton d'API"
            secret = _secrets()
            secret["api_token"] = _new_token(step)
            _save_secrets(secret)
            if not _token_valid(secret["api_token"]):
                raise HarnessError(step, "CKAN refuse le jeton de l'administrateur", LOGS / "ckan.log")
    _say(f"CKAN prêt sur {url()} en {time.monotonic() - began:.1f} s")
    return url()


def stop() -> None:
    """Stop CKAN, the Solr stand-in, redis and PostgreSQL (state is kept in .ckan/)."""
    with _lock():
        if _kill("ckan", str(INI)):
            _say("CKAN arrêté")
        if _kill("solr", SOLR_SCRIPT.name):
            _say("remplaçant de Solr arrêté")
        if _kill("redis", f":{REDIS_PORT}"):
            _say("redis arrêté")
        if _pg_bin() is not None and _pg_running():
            _pg_ctl("-m", "fast", "-w", "-t", "60", "stop", step="arrêt de PostgreSQL")
            _say("PostgreSQL arrêté")


def status() -> dict[str, bool]:
    """What runs: {"postgres": bool, "redis": bool, "solr": bool, "ckan": bool}."""
    return {
        "postgres": _pg_bin() is not None and _pg_running(),
        "redis": bool(_redis_pid() and _redis_ping()),
        "solr": bool(_solr_pid() and _solr_ping()),
        "ckan": bool(_ckan_pid() and ckan_ready()),
    }


_LABELS = {
    "postgres": ("PostgreSQL", PG_PORT, "postgres.log"),
    "redis": ("redis", REDIS_PORT, "redis.log"),
    "solr": ("Solr (remplaçant)", SOLR_PORT, "solr.log"),
    "ckan": ("CKAN", CKAN_PORT, "ckan.log"),
}


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    command = args[0] if args else "help"
    try:
        if command == "start":
            print(start())
        elif command == "stop":
            stop()
        elif command == "start-ckan":
            print(start_ckan())
        elif command == "stop-ckan":
            stop_ckan()
        elif command == "status":
            state = status()
            for key, running in state.items():
                label, port, log = _LABELS[key]
                print(f"{label:<18} {'en marche' if running else 'arrêté':<10} {HOST}:{port:<6} .ckan/logs/{log}")
            print(f"état : {STATE}   journaux : {LOGS}")
            return 0 if all(state.values()) else 3
        elif command == "env":
            print(f"CKAN_URL={url()}")
            print(f"CKAN_API_TOKEN={api_token()}")
        else:
            print(__doc__.strip())
            return 0 if command in ("help", "-h", "--help") else 2
    except HarnessError as exc:
        print(exc, file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
