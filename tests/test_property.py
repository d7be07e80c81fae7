"""Random descriptors and CSV bytes thrown at portal validate: no exception may escape."""

from __future__ import annotations

import json
import shutil
import tempfile
from pathlib import Path

from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from portal.checks.base import Options
from portal.cli import main
from portal.dataset import load_dataset
from portal.validate import validate_dataset
from tests.conftest import TODAY

json_scalars = st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20)
json_values = st.recursive(
    json_scalars,
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=10), children, max_size=4),
    max_leaves=20,
)
field_types = st.sampled_from(["string", "integer", "number", "date", "boolean", "year", "any", "geopoint", 7, None])
fields = st.lists(
    st.fixed_dictionaries(
        {"name": st.text(max_size=8), "type": field_types},
        optional={"description": json_scalars, "constraints": json_values},
    ),
    max_size=5,
)
resources = st.lists(
    st.fixed_dictionaries(
        {"name": st.text(max_size=8), "path": st.sampled_from(["data.csv", "../x.csv", "/etc/hosts", "", "autre.csv"])},
        optional={
            "schema": st.fixed_dictionaries({"fields": fields}) | json_values,
            "dialect": json_values,
            "format": st.sampled_from(["csv", "xlsx", "json", ""]),
            "encoding": st.sampled_from(["utf-8", "latin-1", "nope"]),
        },
    ),
    max_size=3,
)
descriptors = (
    st.fixed_dictionaries(
        {"name": st.just("jeu"), "resources": resources | json_values},
        optional={
            "licenses": json_values,
            "frequency": json_values,
            "modified": st.text(max_size=12) | json_values,
            "temporal": json_values,
            "spatial": json_values,
            "contributors": json_values,
            "sources": json_values,
            "description": json_scalars,
        },
    )
    | json_values
)
csv_bytes = st.binary(max_size=300) | st.text(max_size=300).map(lambda t: t.encode("utf-8"))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(descriptor=descriptors, data=csv_bytes, raw=st.booleans(), junk=st.binary(max_size=60))
def test_validate_never_raises(descriptor, data, raw, junk):
    folder = Path(tempfile.mkdtemp()) / "jeu"
    folder.mkdir()
    try:
        content = junk if raw else json.dumps(descriptor).encode()
        (folder / "datapackage.json").write_bytes(content)
        (folder / "data.csv").write_bytes(data)
        report = validate_dataset(load_dataset(folder), Options(today=TODAY))
        assert "check-crashed" not in [p.code for p in report.problems], report.problems
        assert 0 <= report.score <= 100
        # And through the command itself: a report and exit code 0 or 1, never a traceback.
        result = CliRunner().invoke(main, ["validate", str(folder), "--format", "json"], catch_exceptions=False)
        assert result.exit_code in (0, 1)
        assert json.loads(result.output)["datasets"][0]["name"] == "jeu"
    finally:
        shutil.rmtree(folder.parent)
