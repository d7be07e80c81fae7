"""What ``portal new`` prints, in French: how the file was read, every conversion, every value
left as it was, the header mapping, what the metadata took from the data, and the checklist."""

from __future__ import annotations

from collections import defaultdict

from portal.dataset import display_path
from portal.new import NewResult
from portal.normalise import CONVERTED
from portal.problems import CODES
from portal.reader import DELIMITERS
from portal.report.text import SEVERITY, SHOWN_PER_CODE
from portal.validate import DatasetReport


def render_conversion(result: NewResult) -> list[str]:
    """The conversion report: everything done to the data, and everything not done."""
    table = result.table
    lines = [
        f"Nouveau jeu : {display_path(result.folder)}",
        f"  original conservé tel quel : {display_path(result.archive_path)}",
        f"  données normalisées : {display_path(result.data_path)} (UTF-8, séparateur « , », fins de ligne LF)",
        "",
        "Lecture du fichier",
        f"  encodage : {table.encoding_label}",
        f"  séparateur : {DELIMITERS[table.delimiter]}",
        f"  fins de ligne : {table.line_ends}",
        f"  {result.rows} ligne(s) de données, {result.columns} colonne(s)",
    ]
    lines += [f"  - {fix}" for fix in result.fixes]
    if result.warnings:
        lines += ["", "À vérifier dans le fichier"] + [f"  - {w}" for w in result.warnings]
    lines += ["", f"Conversions ({sum(c.count for c in result.conversions)} valeur(s))"]
    for c in result.conversions:
        lines.append(f"  - {c.column} : {c.count} {CONVERTED[c.kind]} ({c.detail}), ex. « {c.before} » → « {c.after} »")
    if not result.conversions:
        lines.append("  aucune : les valeurs étaient déjà au bon format")
    if result.identifiers:
        shown = ", ".join(result.identifiers)
        lines += ["", f"Gardées en texte, jamais en nombres (identifiants et codes) : {shown}"]
    if result.failures:
        lines += [
            "",
            f"Valeurs non converties ({len(result.failures)}), laissées telles quelles (lignes du fichier d'origine)",
        ]
        lines += _failures(result)
    lines += ["", f"Schéma : {result.schema_label}"]
    if result.match is not None:
        lines += _mapping(result)
    lines += ["", "Métadonnées déduites des données"] + [f"  - {note}" for note in result.inferred]
    return lines


ABANDONED = {
    "date": "colonne laissée telle quelle : aucune de ses dates n'est convertie",
    "nombre": "colonne laissée telle quelle : aucun de ses nombres n'est converti",
}


def _failures(result: NewResult) -> list[str]:
    by_column: dict[str, list] = defaultdict(list)
    for failure in result.failures:
        by_column[failure.column].append(failure)
    lines = []
    for column, failures in by_column.items():
        abandoned = result.abandoned.get(column)
        lines.append(f"  {column}" + (f" ({ABANDONED[abandoned]})" if abandoned else ""))
        lines += [f"    - ligne {f.row} : « {f.value} » {f.why}" for f in failures]
    return lines


def _mapping(result: NewResult) -> list[str]:
    match = result.match
    lines = ["  correspondance des en-têtes :"]
    for header, name in match.mapping.items():
        lines.append(f"    {header} → {name}" if header != name else f"    {header} (identique)")
    for name, headers in match.ambiguous.items():
        lines.append(f"  ambigu : {', '.join(headers)} correspondent tous à « {name} » ; aucun n'est renommé")
    if match.unmatched:
        lines.append(f"  en-têtes sans champ dans le schéma (gardés en fin de fichier) : {', '.join(match.unmatched)}")
    if match.missing:
        lines.append(f"  champs du schéma absents du fichier, ajoutés en colonnes vides : {', '.join(match.missing)}")
    if match.missing_required:
        lines.append(f"  dont obligatoires, à remplir : {', '.join(match.missing_required)}")
    return lines


def render_checklist(report: DatasetReport) -> list[str]:
    """What remains to be done: the failed criteria with their problems, and the score."""
    met = sum(r.passed for r in report.checklist)
    lines = [
        f"Ce qui reste à faire — score {report.score}/100 ({met}/{len(report.checklist)} critères remplis, "
        f"{len(report.errors)} erreur(s), {len(report.warnings)} avertissement(s))"
    ]
    by_criterion = defaultdict(list)
    for problem in report.problems:
        by_criterion[CODES[problem.code].criterion].append(problem)
    for result in report.checklist:
        if result.passed:
            continue
        lines.append(f"  ✗ {result.criterion.label}")
        lines += _problems(by_criterion.pop(result.criterion.id, []))
    remaining = [p for problems in by_criterion.values() for p in problems]
    if remaining:
        lines.append("  • Autres remarques")
        lines += _problems(remaining)
    if met == len(report.checklist) and not report.problems:
        lines.append("  rien : le jeu remplit toute la checklist.")
    return lines


def _problems(problems: list) -> list[str]:
    lines: list[str] = []
    by_code = defaultdict(list)
    for problem in problems:
        by_code[problem.code].append(problem)
    for code, same in by_code.items():
        for problem in same[:SHOWN_PER_CODE]:
            lines += [f"      {SEVERITY[problem.severity]} [{code}] {problem.message}", f"        → {problem.fix}"]
        if len(same) > SHOWN_PER_CODE:
            lines.append(f"      … et {len(same) - SHOWN_PER_CODE} autres [{code}] (portal validate --format json)")
    return lines


def render(result: NewResult) -> str:
    lines = render_conversion(result)
    if result.validation is not None:
        lines += ["", *render_checklist(result.validation)]
    lines += [
        "",
        f"Ensuite : complétez {display_path(result.folder / 'datapackage.json')}, puis lancez portal validate.",
    ]
    return "\n".join(lines) + "\n"
