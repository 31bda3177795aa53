"""The import pipeline: CSV and .xlsx files → a plan (dry run) → one all-or-nothing, audited commit.

    spec = get_importer("organisations")
    plan = plan_import(spec, data, filename="orgs.csv", user=None)   # raises ImportRejected
    print(plan.counts, plan.writes)                                   # what would change
    apply_plan(plan, actor=user, via=Via.WEB)                         # writes exactly that

An importer is an `ImportSpec` subclass in an app's `importers` module, registered with `@register`.
The stages: `readers` (a file → a table), `planning` (a table → a `Plan`, writing nothing),
`applying` (a `Plan` → the database); `plans` holds what they share. See
docs/decisions/0003-import-pipeline.md.
"""

from renkei.importing.applying import ApplyResult, apply_plan
from renkei.importing.limits import Limits
from renkei.importing.planning import plan_import, plan_table
from renkei.importing.plans import CREATE, UNCHANGED, UPDATE, Plan, RowChange, read_stored
from renkei.importing.problems import CellError, ImportRejected, Msg, Problem, Problems
from renkei.importing.spec import (
    Column,
    ImportSpec,
    Ref,
    RowContext,
    field_column,
    get_importer,
    importers,
    register,
)

__all__ = [
    "CREATE",
    "UNCHANGED",
    "UPDATE",
    "ApplyResult",
    "CellError",
    "Column",
    "ImportRejected",
    "ImportSpec",
    "Limits",
    "Msg",
    "Plan",
    "Problem",
    "Problems",
    "Ref",
    "RowChange",
    "RowContext",
    "apply_plan",
    "field_column",
    "get_importer",
    "importers",
    "plan_import",
    "plan_table",
    "read_stored",
    "register",
]
