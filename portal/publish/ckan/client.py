"""A CKAN client over ckanapi: clear French errors, retries with backoff, and a count of writes.

The API token is sent in the Authorization header by ckanapi and never appears in a message.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from typing import Any

from portal.text import printable

READS = {
    "status_show",
    "license_list",
    "organization_show",
    "organization_list_for_user",
    "package_show",
    "package_search",
    "resource_show",
}
# Retrying these cannot duplicate anything; a create whose answer was lost is left to the next run.
SAFE_TO_RETRY = READS | {"package_patch", "resource_patch", "resource_update", "resource_delete", "package_delete"}


def url_problem(url: str) -> str | None:
    """Why ``url`` cannot be a CKAN's address (a scheme, a host, a port), in French; None when it can."""
    from urllib.parse import urlsplit

    shown = printable(url)  # no escape reaches the terminal
    try:
        parts = urlsplit(url)
        host, _ = parts.hostname, parts.port  # the port is parsed lazily: ValueError here
    except ValueError:
        return (
            f"« {shown} » ne se lit pas comme une adresse (crochets, port) : écrivez-la comme https://ckan.example.org"
        )
    if parts.scheme not in {"http", "https"}:
        example = f"http://{url}" if "://" not in url else "https://ckan.example.org"
        return f"« {shown} » ne commence pas par http:// ou https:// : écrivez par exemple {example}"
    if not host or any(c.isspace() or ord(c) < 32 for c in url):
        return f"« {shown} » n'a pas de nom d'hôte valide : écrivez-la comme https://ckan.example.org"
    return None


class CkanError(Exception):
    """A failure with a message fit for the publisher's report."""


class Transient(CkanError):
    """A network error, a timeout or a 5xx: worth retrying."""


class Malformed(CkanError):
    """A reply that is not shaped as a CKAN's: the message names the instance, the action and the gap."""

    def __init__(self, url: str, action: str, what: str):
        super().__init__(
            f"réponse inattendue de {url} à {action} : {what} ; vérifiez que --url est l'adresse d'un CKAN (2.9 ou plus)"
        )


class _NotApiReply(Exception):
    """Raised under ckanapi, which would fail on it with a TypeError or a KeyError; ``Client.call`` names the action."""


def api_reply_problem(status: int, text: str) -> str | None:
    """Why a reply's body is not one of the CKAN action API (a JSON object with ``success``), or None."""
    try:
        parsed = json.loads(text)
    except ValueError:
        return f"pas du JSON (code HTTP {status})"
    if not isinstance(parsed, dict) or not isinstance(parsed.get("success"), bool):
        return f"du JSON qui n'est pas une réponse de l'API (code HTTP {status})"
    if parsed["success"] and "result" not in parsed:
        return "une réponse sans `result`"
    if not parsed["success"] and not isinstance(parsed.get("error", {}), dict):
        return "une erreur sans détail"
    return None


def _remote_class():
    import requests
    from ckanapi import RemoteCKAN

    class Remote(RemoteCKAN):
        """RemoteCKAN that tells a server or network failure apart from an API error."""

        def _request_fn(self, url, data, headers, files, requests_kwargs):
            try:
                status, text = super()._request_fn(url, data, headers, files, requests_kwargs)
            except requests.Timeout as error:
                raise Transient("délai dépassé") from error
            except requests.ConnectionError as error:
                raise Transient("connexion impossible") from error
            except requests.RequestException as error:  # a broken transfer, too many redirects…
                raise Transient(f"échange interrompu ({type(error).__name__})") from error
            if status >= 500:
                raise Transient(f"erreur {status} du serveur")
            if problem := api_reply_problem(status, text):
                raise _NotApiReply(problem)
            return status, text

    return Remote


class Client:
    """The few CKAN actions the publisher needs, with retries on transient failures."""

    def __init__(
        self,
        url: str,
        token: str | None,
        *,
        retries: int = 3,
        backoff: float = 0.5,
        timeout: float = 30,
        sleep: Callable[[float], None] = time.sleep,
    ):
        self.url = url.rstrip("/")
        self._remote = _remote_class()(self.url, apikey=token, user_agent="portal-publish-ckan")
        self.retries = retries
        self.backoff = backoff
        self.timeout = timeout
        self.sleep = sleep
        self.writes: list[str] = []

    def call(self, action: str, files: dict | None = None, **data: Any) -> Any:
        from ckanapi.errors import CKANAPIError, NotAuthorized, NotFound, ServerIncompatibleError, ValidationError

        for attempt in range(self.retries + 1):
            try:
                for value in (files or {}).values():
                    # A retry sends the file again from its start; values are files or (name, file).
                    (value[1] if isinstance(value, tuple) else value).seek(0)
                result = self._remote.call_action(action, data, files=files, requests_kwargs={"timeout": self.timeout})
            except Transient as error:
                if attempt == self.retries or action not in SAFE_TO_RETRY:
                    tries = f"après {attempt + 1} essai{'s' if attempt else ''}"  # the real count
                    if action not in SAFE_TO_RETRY:
                        tries += f" ({action} n'est pas répété : il pourrait créer un doublon)"
                    raise CkanError(f"{self.url} ne répond pas ({error}) {tries}") from None
                self.sleep(self.backoff * 2**attempt)
                continue
            except _NotApiReply as error:
                raise Malformed(self.url, action, str(error)) from None
            except NotAuthorized:
                raise CkanError(
                    f"{self.url} refuse l'action {action} : jeton d'API (CKAN_API_TOKEN) invalide ou sans droit suffisant"
                ) from None
            except NotFound as error:
                raise NotFoundError(str(error) or action) from None
            except ValidationError as error:
                details = error.args[0] if error.args else {}
                if isinstance(details, dict):
                    details = {k: v for k, v in details.items() if k != "__type"}
                raise CkanError(f"CKAN refuse les données ({action}) : {details}") from None
            except (CKANAPIError, ServerIncompatibleError) as error:
                raise CkanError(f"réponse inattendue de {self.url} à {action} : {str(error)[:200]}") from None
            if action not in READS:
                self.writes.append(action)
            return result
        raise AssertionError("unreachable")


class NotFoundError(CkanError):
    pass
