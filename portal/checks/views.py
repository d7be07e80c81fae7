"""Chart declarations (``views``): known resource and fields, a numeric value, at most 5,000 rows."""

from __future__ import annotations

from collections.abc import Iterator

from portal.charts.declaration import read_views
from portal.checks.base import Context
from portal.dataset import display_path
from portal.problems import Problem, problem

NAME = "views"


def run(context: Context) -> Iterator[Problem]:
    dataset = context.dataset
    where = display_path(dataset.descriptor_path)
    views, found = read_views(dataset.descriptor or {})
    for item in found:
        yield problem(item.code, f"{where} : {item.message}.", item.fix, file=where, field=item.field)
    readable = {
        rf.descriptor.get("name"): rf for rf in context.files if rf.path is not None and rf.readable and rf.tabular
    }
    needed = {view.resource for view in views if view.resource in readable}
    if not needed:
        return
    from portal.charts.data import ROW_LIMIT, TooManyRows
    from portal.charts.stream import Table, UnreadableTable

    # Each table read once for all its views, in chunks: memory bounded whatever its size.
    tables = {
        name: Table(
            readable[name].path,
            readable[name].descriptor,
            [v for v in views if v.resource == name],
            readable[name].encoding,
        )
        for name in needed
    }
    for view in views:
        if view.resource not in tables:
            continue
        try:
            tables[view.resource].chart(view)
        except (UnreadableTable, KeyError):
            continue  # an unreadable table, or a column missing from the file: the structure check says which
        except TooManyRows:
            yield problem(
                "view-too-many-rows",
                f"{where} : la vue « {view.name} » montrerait plus de {ROW_LIMIT} lignes.",
                "Filtrez les lignes (`filter`) ou agrégez-les (`aggregate`) pour rester sous 5 000 lignes.",
                file=where,
                field=view.name,
            )
