"""Chart declarations (``views``): known resource and fields, a numeric value, at most 5,000 rows."""

from __future__ import annotations

from collections.abc import Iterator

from portal.charts.declaration import MAX_ROWS, read_views
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
    from portal.charts.data import TooManyRows, chart_data, columns_used, read_table

    tables = {}
    for name in needed:
        resource_file = readable[name]
        columns = columns_used([view for view in views if view.resource == name])
        try:
            tables[name] = read_table(resource_file.path, resource_file.descriptor, resource_file.encoding, columns)
        except (ValueError, UnicodeDecodeError):
            continue  # an unreadable table: the structure check says why
    for view in views:
        if view.resource not in tables:
            continue
        try:
            chart_data(view, tables[view.resource])
        except TooManyRows as too_many:
            yield problem(
                "view-too-many-rows",
                f"{where} : la vue « {view.name} » montrerait {too_many.rows} lignes (au plus {MAX_ROWS}).",
                "Filtrez les lignes (`filter`) ou agrégez-les (`aggregate`) pour rester sous 5 000 lignes.",
                file=where,
                field=view.name,
            )
