"""What a push would change, decided before anything is written (a pure function of both states)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from portal.publish.ckan.mapping import (
    HASH_KEY,
    MARKER,
    ResourceFile,
    comparable_desired,
    comparable_package,
    comparable_resource,
    resource_dict,
)


@dataclass
class ResourceStep:
    action: str  # "create", "upload" (new file), "update" (metadata only), "delete", "unchanged"
    name: str
    file: ResourceFile | None = None
    current_id: str | None = None


@dataclass
class DatasetPlan:
    name: str
    action: str  # "create", "update", "unchanged", "delete", "refuse"
    package: dict[str, Any] = field(default_factory=dict)
    resources: list[ResourceStep] = field(default_factory=list)
    metadata_changed: bool = False
    reason: str = ""

    @property
    def changes(self) -> bool:
        return (
            self.action in {"create", "delete"}
            or self.metadata_changed
            or any(r.action != "unchanged" for r in self.resources)
        )


def is_managed(package: dict[str, Any]) -> bool:
    return any(e.get("key") == MARKER and e.get("value") == "true" for e in package.get("extras") or [])


def plan_dataset(desired: dict[str, Any], files: list[ResourceFile], current: dict[str, Any] | None) -> DatasetPlan:
    name = desired["name"]
    if current is None:
        return DatasetPlan(name, "create", desired, [ResourceStep("create", f.name, f) for f in files], True)
    if not is_managed(current):
        return DatasetPlan(
            name,
            "refuse",
            reason="un jeu de ce nom existe déjà sur CKAN sans avoir été publié par portal : il n'est pas modifié",
        )
    # A dataset deleted by an earlier --prune and back in datasets/ is brought back to life.
    metadata_changed = comparable_package(current) != comparable_desired(desired) or current.get("state") == "deleted"
    existing = {r.get("name"): r for r in current.get("resources") or []}
    steps = []
    for resource_file in files:
        now = existing.pop(resource_file.name, None)
        if now is None:
            steps.append(ResourceStep("create", resource_file.name, resource_file))
        elif now.get(HASH_KEY) != resource_file.sha256:
            steps.append(ResourceStep("upload", resource_file.name, resource_file, now["id"]))
        elif comparable_resource(now) != comparable_resource(resource_dict(resource_file)):
            steps.append(ResourceStep("update", resource_file.name, resource_file, now["id"]))
        else:
            steps.append(ResourceStep("unchanged", resource_file.name, resource_file, now["id"]))
    steps += [ResourceStep("delete", str(name_), None, r["id"]) for name_, r in existing.items()]
    plan = DatasetPlan(name, "update", desired, steps, metadata_changed)
    if not plan.changes:
        plan.action = "unchanged"
    return plan
