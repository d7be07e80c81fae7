"""The shape of what CKAN answers, checked once when it arrives.

The planner and the publisher then read plain fields; a reply that is not what a CKAN sends (an
organisation without ``id``, a package without ``resources``…) is a ``Malformed`` error that
names the action and what is missing, never a ``KeyError`` deep in the plan.
"""

from __future__ import annotations

from typing import Any

from portal.publish.ckan.client import Malformed


def _text(value: Any) -> bool:
    return isinstance(value, str) and value != ""


def _objects(value: Any, url: str, action: str, what: str) -> list[dict[str, Any]]:
    if not isinstance(value, list) or not all(isinstance(item, dict) for item in value):
        raise Malformed(url, action, f"{what} n'est pas une liste d'objets")
    return value


def identified(reply: Any, url: str, action: str, what: str = "l'organisation") -> dict[str, Any]:
    """An object with an ``id``: an organisation, or what a create returns."""
    if not isinstance(reply, dict) or not _text(reply.get("id")):
        raise Malformed(url, action, f"{what} n'a pas d'identifiant (`id`)")
    return reply


def organisation(reply: Any, url: str, action: str) -> dict[str, Any]:
    return identified(reply, url, action)


def organisations(reply: Any, url: str, action: str) -> list[dict[str, Any]]:
    return [organisation(item, url, action) for item in _objects(reply, url, action, "la liste des organisations")]


def licences(reply: Any, url: str, action: str) -> list[dict[str, Any]]:
    found = _objects(reply, url, action, "la liste des licences")
    if not all(_text(item.get("id")) for item in found):
        raise Malformed(url, action, "une licence n'a pas d'identifiant (`id`)")
    return found


def package(reply: Any, url: str, action: str) -> dict[str, Any]:
    """A package as package_show gives it: id, name, and lists of resources, tags and extras."""
    if not isinstance(reply, dict) or not _text(reply.get("id")) or not _text(reply.get("name")):
        raise Malformed(url, action, "le jeu n'a pas d'identifiant (`id`) ou de nom (`name`)")
    if "resources" not in reply:
        raise Malformed(url, action, f"le jeu « {reply['name']} » n'a pas de liste `resources`")
    resources = _objects(reply["resources"], url, action, "`resources`")
    if not all(_text(r.get("id")) for r in resources):
        raise Malformed(url, action, f"une ressource du jeu « {reply['name']} » n'a pas d'identifiant (`id`)")
    tags = _objects(reply.get("tags") or [], url, action, "`tags`")
    if not all(isinstance(t.get("name"), str) for t in tags):
        raise Malformed(url, action, f"un mot-clé du jeu « {reply['name']} » n'a pas de nom (`name`)")
    _extras(reply, url, action)
    return reply


def _extras(package: dict[str, Any], url: str, action: str) -> None:
    extras = _objects(package.get("extras") or [], url, action, "`extras`")
    if not all(isinstance(e.get("key"), str) and "value" in e for e in extras):
        raise Malformed(url, action, f"un champ `extras` du jeu « {package['name']} » n'a pas de `key` ou de `value`")


def search_results(reply: Any, url: str, action: str) -> list[dict[str, Any]]:
    if not isinstance(reply, dict):
        raise Malformed(url, action, "la recherche ne donne pas d'objet")
    found = _objects(reply.get("results", []), url, action, "`results`")
    if not all(_text(p.get("id")) and _text(p.get("name")) for p in found):
        raise Malformed(url, action, "un jeu trouvé n'a pas d'identifiant (`id`) ou de nom (`name`)")
    for package in found:  # the publisher reads their extras to know which ones it made
        _extras(package, url, action)
    return found
