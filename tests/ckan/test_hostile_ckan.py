"""`portal publish ckan` facing a wrong token, a CKAN that answers nonsense, and a bad --url.

Tokens are tried against the real CKAN of the harness: an unknown one, a revoked one, one whose
user has no role in the organisation. A real CKAN never sends a malformed reply, so a small
proxy on 127.0.0.1 passes every action to it but the one it breaks.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import threading
import urllib.error
import urllib.request
import uuid
from collections import Counter
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from portal.publish.ckan.client import Client
from portal.publish.ckan.run import Target, publish, render
from tests.conftest import PACKAGES

BASE = "https://portail.example.org/"
PORTAL = Path(sys.executable).with_name("portal")


@pytest.fixture
def names() -> dict[str, str]:
    suffix = uuid.uuid4().hex[:8]
    return {"org": f"org-{suffix}", "jeu": f"complet-{suffix}"}


@pytest.fixture
def datasets(tmp_path: Path, names) -> Path:
    root = tmp_path / "datasets"
    shutil.copytree(PACKAGES / "complet", root / names["jeu"])
    path = root / names["jeu"] / "datapackage.json"
    descriptor = json.loads(path.read_text("utf-8"))
    descriptor["name"] = names["jeu"]
    path.write_text(json.dumps(descriptor, ensure_ascii=False), "utf-8")
    return root


def publish_command(
    url: str, datasets: Path, org: str, token: str | None, *options: str
) -> subprocess.CompletedProcess:
    """The real command, as a user runs it, the token in CKAN_API_TOKEN."""
    env = {k: v for k, v in os.environ.items() if k != "CKAN_API_TOKEN"}
    if token is not None:
        env["CKAN_API_TOKEN"] = token
    arguments = ["publish", "ckan", str(datasets), "--url", url, "--org", org, "--base-url", BASE, *options]
    return subprocess.run([str(PORTAL), *arguments], capture_output=True, text=True, env=env, timeout=300)


def assert_clean_failure(result: subprocess.CompletedProcess, code: int, *secrets: str) -> str:
    output = result.stdout + result.stderr
    assert result.returncode == code, output
    assert "Traceback" not in output, output
    for secret in secrets:
        assert secret not in output, "the token is never printed"
    return output


def admin(ckan_local) -> Client:
    return Client(ckan_local.url, ckan_local.token)


@pytest.fixture
def published(ckan_local, datasets, names) -> Path:
    """The dataset already on CKAN: a new push has nothing to write."""
    result = publish_command(ckan_local.url, datasets, names["org"], ckan_local.token, "--create-org")
    assert result.returncode == 0, result.stdout + result.stderr
    return datasets


# --- the token is checked first --------------------------------------------------------------


def test_a_wrong_token_fails_even_with_nothing_to_write(ckan_local, published, names) -> None:
    secret = "jeton-faux-" + uuid.uuid4().hex
    result = publish_command(ckan_local.url, published, names["org"], secret)
    output = assert_clean_failure(result, 1, secret)
    assert f"ne permet pas de publier dans l'organisation « {names['org']} »" in output
    assert "invalide, expiré ou révoqué" in output
    assert names["jeu"] not in output, "refused before anything is planned"
    # the same in a dry run: a token given is a token checked
    dry = publish_command(ckan_local.url, published, names["org"], secret, "--dry-run")
    assert "ne permet pas de publier" in assert_clean_failure(dry, 1, secret)


def test_a_revoked_token_fails(ckan_local, published, names) -> None:
    token = admin(ckan_local).call("api_token_create", user="ckan_admin", name=f"revoque-{names['org']}")["token"]
    assert publish_command(ckan_local.url, published, names["org"], token).returncode == 0
    admin(ckan_local).call("api_token_revoke", token=token)
    result = publish_command(ckan_local.url, published, names["org"], token)
    assert "ne permet pas de publier" in assert_clean_failure(result, 1, token)


def test_a_user_without_a_role_in_the_organisation_is_refused_then_accepted_as_editor(
    ckan_local, published, names
) -> None:
    sysadmin = admin(ckan_local)
    user = f"agent-{names['org']}"
    sysadmin.call("user_create", name=user, email=f"{user}@example.org", password=uuid.uuid4().hex)
    token = sysadmin.call("api_token_create", user=user, name="portal")["token"]
    refused = publish_command(ckan_local.url, published, names["org"], token)
    assert "rôle d'éditeur" in assert_clean_failure(refused, 1, token)
    sysadmin.call("organization_member_create", id=names["org"], username=user, role="editor")
    accepted = publish_command(ckan_local.url, published, names["org"], token)
    assert accepted.returncode == 0, accepted.stdout + accepted.stderr
    assert "0 écriture(s) sur CKAN" in accepted.stdout


# --- malformed replies, through a proxy that breaks one action -------------------------------


Reply = tuple[int, bytes]


class BreakingProxy:
    """Passes every action to the real CKAN, except those in ``broken`` (action → reply maker)."""

    def __init__(self, upstream: str, broken: dict[str, Callable[[Reply], Reply]]):
        self.upstream, self.broken, self.calls = upstream, broken, Counter()
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                action = self.path.rstrip("/").rsplit("/", 1)[-1]
                proxy.calls[action] += 1
                status, reply = proxy.forward(self.path, body, self.headers)
                if action in proxy.broken:
                    status, reply = proxy.broken[action]((status, reply))
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(reply)))
                self.end_headers()
                self.wfile.write(reply)

            do_GET = do_POST

            def log_message(self, *args) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"

    def forward(self, path: str, body: bytes, headers) -> Reply:
        kept = {k: v for k, v in headers.items() if k.lower() in {"authorization", "content-type", "user-agent"}}
        request = urllib.request.Request(self.upstream + path, data=body or None, headers=kept)
        try:
            with urllib.request.urlopen(request, timeout=60) as response:
                return response.status, response.read()
        except urllib.error.HTTPError as error:
            return error.code, error.read()


@pytest.fixture
def proxy(ckan_local) -> Iterator[Callable[..., BreakingProxy]]:
    started: list[BreakingProxy] = []

    def start(**broken: Callable[[Reply], Reply]) -> BreakingProxy:
        made = BreakingProxy(ckan_local.url, broken)
        threading.Thread(target=made.server.serve_forever, daemon=True).start()
        started.append(made)
        return made

    yield start
    for made in started:
        made.server.shutdown()
        made.server.server_close()


def result_without(*keys: str) -> Callable[[Reply], Reply]:
    def edit(reply: Reply) -> Reply:
        parsed = json.loads(reply[1])
        for key in keys:
            parsed["result"].pop(key, None)
        return reply[0], json.dumps(parsed).encode()

    return edit


def constant(status: int, body: bytes) -> Callable[[Reply], Reply]:
    return lambda reply: (status, body)


@pytest.mark.parametrize(
    ("action", "edit", "words"),
    [
        ("organization_show", result_without("id"), "organization_show : l'organisation n'a pas d'identifiant (`id`)"),
        ("status_show", constant(200, b"<html>un portail, pas un CKAN</html>"), "pas du JSON (code HTTP 200)"),
        ("license_list", constant(200, b"[]"), "du JSON qui n'est pas une réponse de l'API"),
        ("license_list", constant(200, b'{"success": true}'), "une réponse sans `result`"),
        ("organization_list_for_user", constant(200, b'{"success": true, "result": {}}'), "pas une liste d'objets"),
    ],
    ids=["organisation-sans-id", "html", "liste", "sans-result", "organisations-pas-une-liste"],
)
def test_a_malformed_reply_before_planning_is_one_clear_error(
    ckan_local, published, names, proxy, action, edit, words
) -> None:
    breaking = proxy(**{action: edit})
    result = publish_command(breaking.url, published, names["org"], ckan_local.token)
    output = assert_clean_failure(result, 1, ckan_local.token)
    assert words in output and f"réponse inattendue de {breaking.url}" in output, output
    assert len(output.strip().splitlines()) == 1, output


def test_a_package_without_resources_fails_that_dataset_only(ckan_local, published, names, proxy) -> None:
    breaking = proxy(package_show=result_without("resources"))
    result = publish_command(breaking.url, published, names["org"], ckan_local.token)
    output = assert_clean_failure(result, 1, ckan_local.token)
    assert f"{names['jeu']} : échec — réponse inattendue de {breaking.url} à package_show" in output
    assert f"le jeu « {names['jeu']} » n'a pas de liste `resources`" in output
    assert breaking.calls["resource_create"] == 0 and breaking.calls["package_patch"] == 0


def test_the_retry_count_reported_is_the_real_one(ckan_local, datasets, names, proxy) -> None:
    breaking = proxy(status_show=constant(503, b"{}"))
    client = Client(breaking.url, ckan_local.token, retries=2, backoff=0.01)
    target = Target(url=breaking.url, organisation=names["org"], token=ckan_local.token, base_url=BASE)
    report = publish([datasets], target, client=client)
    assert breaking.calls["status_show"] == 3
    assert report.fatal and "ne répond pas (erreur 503 du serveur) après 3 essais" in report.fatal, render(report)

    creating = proxy(package_create=constant(503, b"{}"))
    client = Client(creating.url, ckan_local.token, retries=2, backoff=0.01)
    target = Target(url=creating.url, organisation=names["org"], token=ckan_local.token, base_url=BASE)
    report = publish([datasets], target, client=client, create_org=True)
    assert creating.calls["package_create"] == 1, "a create is never repeated"
    detail = next(o.detail for o in report.outcomes if o.name == names["jeu"])
    assert "après 1 essai (package_create n'est pas répété" in detail, detail


# --- --url -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "words"),
    [
        ("127.0.0.1:5000", "ne commence pas par http:// ou https:// : écrivez par exemple http://127.0.0.1:5000"),
        ("http://[::1", "ne se lit pas comme une adresse"),
        ("http://127.0.0.1:99999", "ne se lit pas comme une adresse"),
        ("ftp://ckan.example.org", "ne commence pas par http:// ou https://"),
        ("https://", "n'a pas de nom d'hôte valide"),
    ],
    ids=["sans-schema", "ipv6-ouvert", "port", "ftp", "sans-hote"],
)
def test_a_bad_url_is_a_one_line_usage_error(tmp_path: Path, url: str, words: str) -> None:
    result = publish_command(url, tmp_path, "org", "un-jeton")
    lines = assert_clean_failure(result, 2, "un-jeton").strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"erreur : --url : « {url} » ") and words in lines[0], lines
