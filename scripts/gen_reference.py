"""Regenerate the parts of the docs that the code owns: the CLI reference and the table of codes.

python scripts/gen_reference.py          # rewrite portal/site/docs/reference/*.md
python scripts/gen_reference.py --check  # exit 1 if they are out of date (run by the tests)
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

from click.testing import CliRunner

from portal.cli import main
from portal.problems import CODES
from portal.score import CRITERIA

ROOT = Path(__file__).resolve().parents[1]
REFERENCE = ROOT / "portal" / "site" / "docs" / "reference"
SEVERITY = {"error": "erreur", "warning": "avertissement"}
CRITERION_LABELS = {c.id: c.label for c in CRITERIA}


def cli_reference() -> str:
    runner = CliRunner()
    parts = [
        "# La ligne de commande\n",
        "Cette page est générée par `scripts/gen_reference.py` à partir de l'aide de la commande ;",
        "un test vérifie qu'elle est à jour.\n",
    ]
    commands = [[], *[[name] for name in sorted(main.commands)]]
    for args in commands:
        title = " ".join(["portal", *args])
        result = runner.invoke(main, [*args, "--help"], prog_name="portal", terminal_width=100)
        parts += [f"## `{title}`\n", "```text", result.output.rstrip(), "```\n"]
    return "\n".join(parts)


def codes_table() -> str:
    lines = ["| code | contrôle | gravité | critère | signification |", "|---|---|---|---|---|"]
    for code, info in sorted(CODES.items(), key=lambda item: (item[1].check, item[0])):
        criterion = CRITERION_LABELS.get(info.criterion, "—") if info.criterion else "— (hors score)"
        lines.append(f"| `{code}` | {info.check} | {SEVERITY[info.severity]} | {criterion} | {info.summary} |")
    return "\n".join(lines)


def with_generated_block(text: str, name: str, block: str) -> str:
    pattern = re.compile(rf"(<!-- {name}:start -->\n).*?(<!-- {name}:end -->)", re.S)
    if not pattern.search(text):
        raise SystemExit(f"marker <!-- {name}:start --> missing")
    return pattern.sub(lambda m: m.group(1) + block + "\n" + m.group(2), text)


def expected() -> dict[Path, str]:
    codes_page = REFERENCE / "codes.md"
    return {
        REFERENCE / "cli.md": cli_reference(),
        codes_page: with_generated_block(codes_page.read_text("utf-8"), "codes", codes_table()),
    }


def main_script(argv: list[str]) -> int:
    stale = [path for path, text in expected().items() if not path.exists() or path.read_text("utf-8") != text]
    if "--check" in argv:
        for path in stale:
            print(f"{path.relative_to(ROOT)} n'est pas à jour : lancez python scripts/gen_reference.py")
        return 1 if stale else 0
    for path, text in expected().items():
        path.write_text(text, "utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main_script(sys.argv[1:]))
