"""OpenAPI links: what a client (and schemathesis's stateful phase) may do with a record it has just
created — read it, change it, delete it — with the path values taken from the response."""

from __future__ import annotations

from typing import Any

PROGRAM = {"provider_key": "$response.body#/provider", "code": "$response.body#/code"}
RUN_PROGRAM = {"provider_key": "$request.path.provider_key", "code": "$request.path.code"}

# operation id of a create → (status, {link name: (operation id, parameters)})
LINKS: dict[str, dict[str, tuple[str, dict[str, str]]]] = {
    "programs_create": {
        "GetProgram": ("programs_detail", PROGRAM),
        "UpdateProgram": ("programs_update", PROGRAM),
        "DeleteProgram": ("programs_delete", PROGRAM),
        "AddRun": ("programs_runs_create", PROGRAM),
    },
    "programs_runs_create": {
        "GetRun": ("programs_runs_detail", {**RUN_PROGRAM, "run_id": "$response.body#/id"}),
        "UpdateRun": ("programs_runs_update", {**RUN_PROGRAM, "run_id": "$response.body#/id"}),
        "DeleteRun": ("programs_runs_delete", {**RUN_PROGRAM, "run_id": "$response.body#/id"}),
    },
    "organisations_create": {
        "GetOrganisation": ("organisations_detail", {"key": "$response.body#/key"}),
        "UpdateOrganisation": ("organisations_update", {"key": "$response.body#/key"}),
    },
    "memberships_create": {
        "GetMembership": ("memberships_detail", {"membership_id": "$response.body#/id"}),
        "UpdateMembership": ("memberships_update", {"membership_id": "$response.body#/id"}),
    },
    "meetings_create": {
        "GetMeeting": ("meetings_detail", {"meeting_id": "$response.body#/id"}),
        "UpdateMeeting": ("meetings_update", {"meeting_id": "$response.body#/id"}),
    },
}


def add_links(schema: dict[str, Any]) -> None:
    for path in schema.get("paths", {}).values():
        for operation in path.values():
            links = LINKS.get(operation.get("operationId", ""))
            if not links:
                continue
            created = operation.get("responses", {}).get(201)
            if created is None:
                created = operation["responses"]["201"]
            created["links"] = {
                name: {"operationId": target, "parameters": dict(parameters)}
                for name, (target, parameters) in links.items()
            }
