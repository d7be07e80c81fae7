"""A minimal Solr stand-in for a local CKAN: answers the requests CKAN sends to its ``solr_url``.

CKAN writes to Solr on every dataset create, update and delete and reads from it for
``package_search`` (and so for ``organization_show(include_datasets=True)``, ``group_list``
with counts, the web search pages…). Apache Solr cannot be installed here, so this small
HTTP server, standard library only, speaks enough of Solr's protocol for CKAN's own
unchanged code (through pysolr):

- ``POST <core>/update``: JSON documents (``[{...}]``, what pysolr sends) or JSON commands
  (``{"add": …, "delete": …}``), and XML ``<add>``, ``<delete><id>|<query>``, ``<commit/>``;
  every change is visible at once and written to disk (one JSON file).
- ``GET|POST <core>/select``: ``q`` (standard Lucene syntax, or dismax/edismax with
  ``qf`` and ``mm``), several ``fq``, ``q.op``, ``df``, ``fl`` (stored fields of CKAN's
  schema, ``*``, ``score``), ``sort`` (several keys, ``score``), ``start``, ``rows``,
  ``facet.field`` with ``facet.limit`` and ``facet.mincount``.
- ``GET <core>/schema?wt=schema.xml`` and ``<core>/admin/file/?file=schema.xml``: a schema
  that names the CKAN version, so CKAN's start-up check passes; ``<core>/admin/ping``.

The query language covers what CKAN and its users write: ``field:value``, ``field:"a phrase"``,
``field:(a OR b)``, ``+``/``-``/``NOT``/``!``, ``AND``/``OR``/``&&``/``||``, parentheses,
``*:*``, ``field:*``, wildcards ``*`` and ``?``, ranges ``[a TO b]``/``{a TO b}`` on text,
numbers and dates (with ``NOW``, ``NOW-1DAY``, ``NOW/DAY``), boosts ``^n`` and fuzziness
``~n`` (ignored). Text fields are matched word by word after lower-casing and removing
accents, with a light plural stemming; string fields match exactly, as in CKAN's schema.

Not supported (an error or a plain answer): highlighting, spelling, grouping, ``facet.query``,
``facet.range``, pivots, local params ``{!…}``, function queries, real relevance (the score
only counts matching terms, weighted by ``qf`` boosts), stemming beyond plurals, synonyms.

Usage: python solr_standin.py --port 58983 --data DIR [--core ckan] [--schema-name ckan-2.11]
"""

from __future__ import annotations

import argparse
import datetime as dt
import fnmatch
import json
import os
import re
import sys
import threading
import unicodedata
import xml.etree.ElementTree as ET
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

# --- CKAN's Solr schema (ckan/config/solr/schema.xml), as far as matching and storing go ---

TEXT_FIELDS = {
    "title",
    "notes",
    "author",
    "author_email",
    "maintainer",
    "maintainer_email",
    "res_name",
    "res_description",
    "text",
    "urls",
    "depends_on",
    "dependency_of",
    "derives_from",
    "has_derivation",
    "links_to",
    "linked_from",
    "child_of",
    "parent_of",
}
NGRAM_FIELDS = {"title_ngram", "name_ngram"}
INT_FIELDS = {"views_total", "views_recent", "resources_accessed_total", "resources_accessed_recent"}
DATE_FIELDS = {"metadata_created", "metadata_modified", "indexed_ts"}
STORED_FIELDS = {
    "index_id",
    "id",
    "site_id",
    "title",
    "title_ngram",
    "entity_type",
    "dataset_type",
    "state",
    "name",
    "name_ngram",
    "revision_id",
    "version",
    "url",
    "ckan_url",
    "download_url",
    "notes",
    "author",
    "author_email",
    "maintainer",
    "maintainer_email",
    "license",
    "license_id",
    "tags",
    "groups",
    "organization",
    "capacity",
    "res_name",
    "res_description",
    "res_format",
    "res_url",
    "res_type",
    "metadata_created",
    "metadata_modified",
    "indexed_ts",
    "data_dict",
    "validated_data_dict",
    "_version_",
}
# copyField rules: the catch-all ``text`` and ``urls`` fields
URL_SOURCES = ("url", "ckan_url", "download_url", "res_url")
TEXT_SOURCES = (
    "name",
    "title",
    "text",
    "license",
    "notes",
    "tags",
    "groups",
    "organization",
    "res_name",
    "res_description",
    "maintainer",
    "author",
)
TEXT_SOURCE_PREFIXES = ("extras_", "res_extras_", "vocab_")
UNIQUE_KEY = "index_id"


def field_type(name: str) -> str:
    if name in TEXT_FIELDS or name.startswith(("extras_", "res_extras_")):
        return "text"
    if name in NGRAM_FIELDS:
        return "ngram"
    if name in INT_FIELDS:
        return "int"
    if name in DATE_FIELDS or name.endswith("_date"):
        return "date"
    return "string"


def is_stored(name: str) -> bool:
    return name in STORED_FIELDS or name.endswith("_date") or name.startswith(("extras_", "res_extras_", "vocab_"))


class SolrError(Exception):
    """A request this stand-in cannot answer: sent back as Solr's JSON error, status 400."""


# --- text analysis ---

_WORD = re.compile(r"[0-9a-z]+")


def fold(text: str) -> str:
    """Lower-case and strip accents ("Données" -> "donnees")."""
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def stem(token: str) -> str:
    """A light plural stemming, applied alike to documents and queries."""
    if len(token) > 3 and token.endswith("s") and not token.endswith("ss"):
        return token[:-1]
    return token


def words(text: str) -> list[str]:
    return _WORD.findall(fold(text))


def as_text(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (dict, list)):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


def values_of(doc: dict, field: str) -> list[str]:
    value = doc.get(field)
    if value is None:
        return []
    items = value if isinstance(value, list) else [value]
    return [as_text(v) for v in items if v is not None and v != ""]


# --- dates ---

_DATE_MATH = re.compile(
    r"([+-])(\d+)(YEARS?|MONTHS?|DAYS?|DATE|HOURS?|MINUTES?|SECONDS?)|/(YEAR|MONTH|DAY|HOUR|MINUTE|SECOND)"
)


def parse_date(text: str) -> dt.datetime:
    text = text.strip()
    if text.startswith("NOW"):
        value = dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)  # noqa: UP017 (Python < 3.11 too)
        rest = text[3:]
    else:
        match = re.match(r"(\d{4}-\d{2}-\d{2})(?:T(\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?))?Z?", text)
        if not match:
            raise SolrError(f"Invalid Date String:'{text}'")
        clock = match.group(2) or "00:00:00"
        if clock.count(":") == 1:
            clock += ":00"
        seconds, _, fraction = clock.partition(".")
        clock = f"{seconds}.{(fraction + '000000')[:6]}"  # fromisoformat before 3.11 wants 6 digits
        value = dt.datetime.fromisoformat(f"{match.group(1)}T{clock}")
        rest = text[match.end() :]
    for sign, amount, unit, round_unit in _DATE_MATH.findall(rest):
        if round_unit:
            value = _round_date(value, round_unit)
            continue
        n = int(amount) * (1 if sign == "+" else -1)
        unit = unit.rstrip("S") if unit != "DAYS" else "DAY"
        if unit in ("DAY", "DATE"):
            value += dt.timedelta(days=n)
        elif unit == "HOUR":
            value += dt.timedelta(hours=n)
        elif unit == "MINUTE":
            value += dt.timedelta(minutes=n)
        elif unit == "SECOND":
            value += dt.timedelta(seconds=n)
        elif unit == "MONTH":
            month = value.month - 1 + n
            value = value.replace(year=value.year + month // 12, month=month % 12 + 1, day=min(value.day, 28))
        elif unit == "YEAR":
            value = value.replace(year=value.year + n)
    return value


def _round_date(value: dt.datetime, unit: str) -> dt.datetime:
    parts = ["YEAR", "MONTH", "DAY", "HOUR", "MINUTE", "SECOND"]
    keep = parts.index(unit)
    defaults = {"month": 1, "day": 1, "hour": 0, "minute": 0, "second": 0, "microsecond": 0}
    names = ["year", "month", "day", "hour", "minute", "second"]
    return value.replace(**{k: v for k, v in defaults.items() if k not in names[: keep + 1]})


# --- the query language ---

MUST, SHOULD, MUST_NOT = "MUST", "SHOULD", "MUST_NOT"


class MatchAll:
    def match(self, doc: dict) -> bool:
        return True

    def score(self, doc: dict) -> float:
        return 1.0


class Term:
    """One condition on one or more fields: term, phrase, wildcard, range or presence."""

    def __init__(self, fields: list[tuple[str, float]], kind: str, value, boost: float = 1.0):
        self.fields, self.kind, self.value, self.boost = fields, kind, value, boost

    def _field_match(self, doc: dict, field: str) -> bool:
        values = values_of(doc, field)
        if not values:
            return False
        if self.kind == "exists":
            return True
        ftype = field_type(field)
        if self.kind == "range":
            return any(_in_range(v, ftype, *self.value) for v in values)
        if ftype in ("text", "ngram"):
            return any(self._text_match(v, ftype) for v in values)
        if ftype == "date" and self.kind == "term":
            try:
                wanted = parse_date(self.value)
                return any(_safe_date(v) == wanted for v in values)
            except SolrError:
                return False
        if self.kind == "wildcard":
            return any(fnmatch.fnmatchcase(v, self.value) for v in values)
        return self.value in values  # string fields (and phrases on them) match whole values

    def _text_match(self, value: str, ftype: str) -> bool:
        tokens = words(value)
        if self.kind == "wildcard":
            pattern = fold(self.value)
            return any(fnmatch.fnmatchcase(t, pattern) for t in tokens)
        wanted = [stem(w) for w in words(self.value)]
        if not wanted:
            return False
        if ftype == "ngram":
            return all(any(t.startswith(w) for t in tokens) for w in wanted)
        stems = [stem(t) for t in tokens]
        if len(wanted) == 1:
            return wanted[0] in stems
        if self.kind == "term":  # an unquoted term that analyses into several words
            return all(w in stems for w in wanted)
        n = len(wanted)
        return any(stems[i : i + n] == wanted for i in range(len(stems) - n + 1))

    def match(self, doc: dict) -> bool:
        return any(self._field_match(doc, field) for field, _ in self.fields)

    def score(self, doc: dict) -> float:
        return self.boost * sum(weight for field, weight in self.fields if self._field_match(doc, field))


def _safe_date(text: str) -> dt.datetime | None:
    try:
        return parse_date(text)
    except (SolrError, ValueError):
        return None


def _in_range(value: str, ftype: str, low: str, high: str, low_incl: bool, high_incl: bool) -> bool:
    def convert(text: str):
        if ftype == "date":
            return parse_date(text)
        if ftype == "int":
            return float(text)
        return text

    try:
        v = convert(value)
        if low != "*":
            lo = convert(low)
            if v < lo or (v == lo and not low_incl):
                return False
        if high != "*":
            hi = convert(high)
            if v > hi or (v == hi and not high_incl):
                return False
    except (ValueError, TypeError, SolrError):
        return False
    return True


class Bool:
    """Lucene's BooleanQuery; ``min_should`` is dismax's ``mm`` applied to the optional clauses."""

    def __init__(self, clauses: list[tuple[str, object]], min_should: int | None = None):
        self.clauses, self.min_should = clauses, min_should

    def match(self, doc: dict) -> bool:
        musts = [q for occ, q in self.clauses if occ == MUST]
        shoulds = [q for occ, q in self.clauses if occ == SHOULD]
        if any(q.match(doc) for occ, q in self.clauses if occ == MUST_NOT):
            return False
        if not all(q.match(doc) for q in musts):
            return False
        if self.min_should is not None:
            return sum(1 for q in shoulds if q.match(doc)) >= self.min_should
        if not musts and shoulds:
            return any(q.match(doc) for q in shoulds)
        return True  # only MUST clauses, or a purely negative query (Solr adds *:*)

    def score(self, doc: dict) -> float:
        total = sum(q.score(doc) for occ, q in self.clauses if occ != MUST_NOT and q.match(doc))
        return total or 1.0


SPECIAL = set('()"[]{}^~:\\ \t\r\n')


class Parser:
    """A recursive-descent parser for Lucene's standard query syntax."""

    def __init__(self, text: str, default_fields: list[tuple[str, float]], default_op: str = "OR"):
        self.text, self.pos = text, 0
        self.default_fields, self.and_default = default_fields, default_op.upper() == "AND"

    def parse(self) -> Bool:
        query = self._query(self.default_fields)
        self._skip_ws()
        if self.pos < len(self.text):
            raise SolrError(
                f"org.apache.solr.search.SyntaxError: Cannot parse '{self.text}': unexpected '{self.text[self.pos]}'"
            )
        return query

    # helpers
    def _peek(self, n: int = 1) -> str:
        return self.text[self.pos : self.pos + n]

    def _skip_ws(self) -> None:
        while self.pos < len(self.text) and self.text[self.pos].isspace():
            self.pos += 1

    def _keyword(self, word: str) -> bool:
        end = self.pos + len(word)
        if self.text[self.pos : end] == word and (
            end == len(self.text) or self.text[end].isspace() or self.text[end] == "("
        ):
            self.pos = end
            return True
        return False

    def _query(self, fields: list[tuple[str, float]]) -> Bool:
        clauses: list[list] = []  # [occur, query, prohibited]
        conj = None
        while True:
            self._skip_ws()
            if self.pos >= len(self.text) or self._peek() == ")":
                break
            if self._keyword("AND") or self._peek(2) == "&&":
                if self._peek(2) == "&&":
                    self.pos += 2
                conj = "AND"
                continue
            if self._keyword("OR") or self._peek(2) == "||":
                if self._peek(2) == "||":
                    self.pos += 2
                conj = "OR"
                continue
            mod = None
            if self._peek() == "+":
                mod, self.pos = "REQ", self.pos + 1
            elif self._peek() in ("-", "!"):
                mod, self.pos = "NOT", self.pos + 1
            elif self._keyword("NOT"):
                mod = "NOT"
            query = self._clause(fields)
            self._add_clause(clauses, conj, mod, query)
            conj = None
        return Bool([(occ, q) for occ, q, _ in clauses])

    def _add_clause(self, clauses: list[list], conj: str | None, mod: str | None, query) -> None:
        # QueryParserBase.addClause, as in Lucene
        if clauses and conj == "AND" and clauses[-1][0] != MUST_NOT:
            clauses[-1][0] = MUST
        if clauses and self.and_default and conj == "OR" and clauses[-1][0] != MUST_NOT:
            clauses[-1][0] = SHOULD
        prohibited = mod == "NOT"
        if self.and_default:
            required = not prohibited and conj != "OR"
        else:
            required = mod == "REQ" or (conj == "AND" and not prohibited)
        if mod == "REQ":
            required = True
        occur = MUST_NOT if prohibited else (MUST if required else SHOULD)
        clauses.append([occur, query, prohibited])

    def _clause(self, fields: list[tuple[str, float]]):
        self._skip_ws()
        char = self._peek()
        if char == "(":
            self.pos += 1
            query = self._query(fields)
            self._skip_ws()
            if self._peek() != ")":
                raise SolrError(f"org.apache.solr.search.SyntaxError: Cannot parse '{self.text}': missing ')'")
            self.pos += 1
            return self._modifiers(query)
        if char == '"':
            return self._modifiers(Term(fields, "phrase", self._phrase()))
        if char in "[{":
            return self._modifiers(Term(fields, "range", self._range()))
        word, wildcard = self._word()
        if self._peek() == ":" and word:
            self.pos += 1
            target = [(word, 1.0)]
            if word == "*":
                target = fields
            self._skip_ws()
            nxt = self._peek()
            if nxt in ("(", '"', "[", "{"):
                return self._clause(target)
            value, wildcard = self._word()
            if word == "*" and value == "*":
                return self._modifiers(MatchAll())
            return self._modifiers(self._term(target, value, wildcard))
        if not word:
            raise SolrError(f"org.apache.solr.search.SyntaxError: Cannot parse '{self.text}' at {self.pos}")
        return self._modifiers(self._term(fields, word, wildcard))

    @staticmethod
    def _term(fields: list[tuple[str, float]], value: str, wildcard: bool) -> Term:
        if value == "*" and wildcard:
            return Term(fields, "exists", None)
        return Term(fields, "wildcard" if wildcard else "term", value)

    def _modifiers(self, query):
        while self._peek() in ("^", "~") and self._peek():
            self.pos += 1
            start = self.pos
            while self.pos < len(self.text) and (self.text[self.pos].isdigit() or self.text[self.pos] == "."):
                self.pos += 1
            number = self.text[start : self.pos]
            if isinstance(query, Term) and self.text[start - 1] == "^" and number:
                query.boost = float(number)
        return query

    def _word(self) -> tuple[str, bool]:
        out, wildcard = [], False
        while self.pos < len(self.text):
            char = self.text[self.pos]
            if char == "\\" and self.pos + 1 < len(self.text):
                out.append(self.text[self.pos + 1])
                self.pos += 2
                continue
            if char in SPECIAL or (char.isspace()):
                break
            if char in "*?":
                wildcard = True
            out.append(char)
            self.pos += 1
        return "".join(out), wildcard

    def _phrase(self) -> str:
        self.pos += 1
        out = []
        while self.pos < len(self.text) and self.text[self.pos] != '"':
            if self.text[self.pos] == "\\" and self.pos + 1 < len(self.text):
                self.pos += 1
            out.append(self.text[self.pos])
            self.pos += 1
        if self.pos >= len(self.text):
            raise SolrError(f"org.apache.solr.search.SyntaxError: Cannot parse '{self.text}': unterminated phrase")
        self.pos += 1
        return "".join(out)

    def _range(self) -> tuple[str, str, bool, bool]:
        low_incl = self.text[self.pos] == "["
        end = min((i for i in (self.text.find("]", self.pos), self.text.find("}", self.pos)) if i != -1), default=-1)
        if end == -1:
            raise SolrError(f"org.apache.solr.search.SyntaxError: Cannot parse '{self.text}': unterminated range")
        body = self.text[self.pos + 1 : end]
        high_incl = self.text[end] == "]"
        self.pos = end + 1
        parts = re.split(r"\s+TO\s+", body.strip())
        if len(parts) != 2:
            raise SolrError(f"org.apache.solr.search.SyntaxError: Cannot parse range '{body}'")
        low, high = (p.strip().strip('"') for p in parts)
        return low, high, low_incl, high_incl


def parse_fields(spec: str) -> list[tuple[str, float]]:
    fields = []
    for part in spec.split():
        name, _, boost = part.partition("^")
        fields.append((name, float(boost) if boost else 1.0))
    return fields


def min_should_match(spec: str, count: int) -> int:
    """Solr's ``mm`` (e.g. "2<-1 5<80%") for ``count`` optional clauses."""

    def one(expr: str) -> int:
        expr = expr.strip()
        if expr.endswith("%"):
            pct = int(expr[:-1])
            n = int(count * abs(pct) / 100)
            return count - n if pct < 0 else n
        n = int(expr)
        return count + n if n < 0 else n

    spec = spec.strip()
    if not spec:
        return count
    if "<" not in spec:
        result = one(spec)
    else:
        result = count
        for cond in spec.split():
            limit, _, expr = cond.partition("<")
            if count > int(limit):
                result = one(expr)
    return max(0, min(count, result))


def build_query(params: dict[str, list[str]]) -> Bool | MatchAll:
    q = first(params, "q") or "*:*"
    def_type = first(params, "defType") or "lucene"
    q_op = first(params, "q.op") or "OR"
    if def_type in ("dismax", "edismax"):
        fields = parse_fields(first(params, "qf") or first(params, "df") or "text")
        if def_type == "dismax" and q.strip() in ("*:*", ""):
            return MatchAll()
        query = Parser(q, fields, "OR").parse()
        shoulds = sum(1 for occ, _ in query.clauses if occ == SHOULD)
        if shoulds:
            mm = first(params, "mm") or ("100%" if q_op.upper() == "AND" else "0%")
            needed = min_should_match(mm, shoulds)
            has_must = any(occ == MUST for occ, _ in query.clauses)
            query.min_should = needed if needed or has_must else 1
        return query
    df = first(params, "df") or "text"
    return Parser(q, [(df, 1.0)], q_op).parse()


def first(params: dict[str, list[str]], key: str) -> str | None:
    values = params.get(key)
    return values[0] if values else None


# --- the index ---


class Index:
    def __init__(self, path: str):
        self.path = path
        self.lock = threading.RLock()
        self.docs: dict[str, dict] = {}
        self.version = 0
        if os.path.exists(path):
            with open(path, encoding="utf-8") as fh:
                saved = json.load(fh)
            self.docs = saved.get("docs", {})
            self.version = saved.get("version", 0)

    def save(self) -> None:
        tmp = self.path + ".tmp"
        with open(tmp, "w", encoding="utf-8") as fh:
            json.dump({"version": self.version, "docs": self.docs}, fh, ensure_ascii=False)
        os.replace(tmp, self.path)

    def add(self, doc: dict) -> None:
        doc = {k: v for k, v in doc.items() if v is not None and v != ""}
        key = doc.get(UNIQUE_KEY) or doc.get("id")
        if not key:
            raise SolrError(f"Document is missing mandatory uniqueKey field: {UNIQUE_KEY}")
        self.version += 1
        doc.setdefault(UNIQUE_KEY, key)
        doc["_version_"] = str(self.version)
        doc["indexed_ts"] = dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"  # noqa: UP017 (Python < 3.11 too)
        urls = [v for f in URL_SOURCES for v in values_of(doc, f)]
        text = [v for f in TEXT_SOURCES for v in values_of(doc, f)]
        text += [v for f in doc if f.startswith(TEXT_SOURCE_PREFIXES) for v in values_of(doc, f)]
        doc["urls"] = urls
        doc["text"] = text + urls
        if "title" in doc:
            doc["title_ngram"] = doc["title"]
        if "name" in doc:
            doc["name_ngram"] = doc["name"]
        self.docs[key] = doc

    def delete_ids(self, ids: list[str]) -> None:
        for key in ids:
            if self.docs.pop(key, None) is None:  # ``id`` given for a uniqueKey: also try the id field
                for k in [k for k, d in self.docs.items() if d.get("id") == key]:
                    del self.docs[k]

    def delete_query(self, q: str) -> None:
        query = Parser(q, [("text", 1.0)], "OR").parse()
        for key in [k for k, d in self.docs.items() if query.match(d)]:
            del self.docs[key]

    def select(self, params: dict[str, list[str]]) -> dict:
        query = build_query(params)
        q_op = first(params, "q.op") or "OR"
        filters = [
            Parser(fq, [(first(params, "df") or "text", 1.0)], q_op).parse()
            for fq in params.get("fq", [])
            if fq.strip()
        ]
        hits = [d for d in self.docs.values() if query.match(d) and all(f.match(d) for f in filters)]
        scores = {id(d): query.score(d) for d in hits}
        hits = sort_docs(hits, first(params, "sort") or "score desc", scores)
        start = int(first(params, "start") or 0)
        rows = int(first(params, "rows") or 10)
        page = hits[start : start + rows] if rows >= 0 else hits[start:]
        fl = first(params, "fl") or "*"
        body: dict = {
            "responseHeader": {
                "status": 0,
                "QTime": 0,
                "params": {k: v[0] if len(v) == 1 else v for k, v in params.items()},
            },
            "response": {
                "numFound": len(hits),
                "start": start,
                "numFoundExact": True,
                "docs": [project(d, fl, scores[id(d)]) for d in page],
            },
        }
        if (first(params, "facet") or "false").lower() == "true":
            body["facet_counts"] = {
                "facet_queries": {},
                "facet_fields": facet_fields(hits, params),
                "facet_ranges": {},
                "facet_intervals": {},
                "facet_heatmaps": {},
            }
        return body


def sort_docs(docs: list[dict], spec: str, scores: dict[int, float]) -> list[dict]:
    keys = []
    for part in spec.split(","):
        part = part.strip()
        if not part:
            continue
        bits = part.split()
        if len(bits) != 2 or bits[1].lower() not in ("asc", "desc"):
            raise SolrError(f"Can't determine a Sort Order (asc or desc) in sort spec '{part}'")
        keys.append((bits[0], bits[1].lower() == "desc"))
    result = list(docs)
    for field, desc in reversed(keys):
        if field == "score":
            result.sort(key=lambda d: scores[id(d)], reverse=desc)
            continue
        ftype = field_type(field)

        def value(doc: dict, field=field, ftype=ftype):
            values = values_of(doc, field)
            if not values:
                return None
            if ftype == "date":
                return _safe_date(values[0])
            if ftype == "int":
                try:
                    return float(values[0])
                except ValueError:
                    return None
            return values[0]

        present = [d for d in result if value(d) is not None]
        missing = [d for d in result if value(d) is None]  # sortMissingLast, whatever the order
        present.sort(key=value, reverse=desc)
        result = present + missing
    return result


def project(doc: dict, fl: str, score: float) -> dict:
    wanted = [f for f in re.split(r"[,\s]+", fl) if f]
    out = {}
    for name in doc:
        if not is_stored(name):
            continue
        if any(w == "*" or w == name or ("*" in w and fnmatch.fnmatchcase(name, w)) for w in wanted):
            out[name] = doc[name]
    if "score" in wanted:
        out["score"] = score
    return out


def facet_fields(docs: list[dict], params: dict[str, list[str]]) -> dict[str, list]:
    limit = int(first(params, "facet.limit") or 100)
    mincount = int(first(params, "facet.mincount") or 0)
    out = {}
    for field in params.get("facet.field", []):
        counts: dict[str, int] = {}
        for doc in docs:
            values = values_of(doc, field)
            if field_type(field) in ("text", "ngram"):
                values = [stem(w) for v in values for w in words(v)]
            for value in set(values):
                counts[value] = counts.get(value, 0) + 1
        items = sorted(((v, c) for v, c in counts.items() if c >= max(mincount, 1)), key=lambda vc: (-vc[1], vc[0]))
        if limit >= 0:
            items = items[:limit]
        out[field] = [x for item in items for x in item]
    return out


# --- HTTP ---


class Handler(BaseHTTPRequestHandler):
    server_version = "SolrStandIn/1.0"
    index: Index
    core = "ckan"
    schema_name = "ckan-2.11"

    def log_message(self, format: str, *args) -> None:
        sys.stderr.write(f"{self.log_date_time_string()} {format % args}\n")

    def _send(self, status: int, body: bytes, content_type: str = "application/json; charset=utf-8") -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def _json(self, data: dict, status: int = 200) -> None:
        self._send(status, json.dumps(data, ensure_ascii=False).encode("utf-8"))

    def _error(self, status: int, message: str) -> None:
        self._json(
            {"responseHeader": {"status": status, "QTime": 0}, "error": {"msg": message, "code": status}}, status
        )

    def _route(self) -> tuple[str, dict[str, list[str]]]:
        parts = urlsplit(self.path)
        params = parse_qs(parts.query, keep_blank_values=True)
        path = parts.path.rstrip("/")
        prefix = f"/solr/{self.core}"
        if path.startswith(prefix):
            path = path[len(prefix) :] or "/"
        return path, params

    def do_GET(self) -> None:
        self._handle(b"")

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        self._handle(self.rfile.read(length) if length else b"")

    def _handle(self, body: bytes) -> None:
        path, params = self._route()
        try:
            if path == "/select":
                if body and "x-www-form-urlencoded" in (self.headers.get("Content-Type") or ""):
                    for key, values in parse_qs(body.decode("utf-8"), keep_blank_values=True).items():
                        params.setdefault(key, []).extend(values)
                with self.index.lock:
                    self._json(self.index.select(params))
            elif path == "/update":
                with self.index.lock:
                    self._update(body)
                    self.index.save()
                self._json({"responseHeader": {"status": 0, "QTime": 0}})
            elif path in ("/schema", "/admin/file"):
                xml = f'<?xml version="1.0" encoding="UTF-8"?>\n<schema name="{self.schema_name}" version="1.6"/>\n'
                self._send(200, xml.encode("utf-8"), "application/xml; charset=utf-8")
            elif path == "/admin/ping":
                with self.index.lock:
                    count = len(self.index.docs)
                self._json({"responseHeader": {"status": 0, "QTime": 0}, "status": "OK", "docs": count})
            else:
                self._error(404, f"no handler for {self.path} in the Solr stand-in")
        except SolrError as exc:
            self._error(400, str(exc))
        except Exception as exc:  # a bug here must not kill the server: tell CKAN, log it
            self.log_message("error on %s: %r", self.path, exc)
            self._error(500, f"Solr stand-in error: {exc!r}")

    def _update(self, body: bytes) -> None:
        content_type = self.headers.get("Content-Type") or ""
        text = body.decode("utf-8").strip()
        if not text:
            return
        if "json" in content_type or text[:1] in "[{":
            data = json.loads(text)
            if isinstance(data, list):
                for doc in data:
                    self.index.add(doc)
                return
            for command, arg in data.items():
                if command == "add":
                    for item in arg if isinstance(arg, list) else [arg]:
                        self.index.add(item.get("doc", item))
                elif command == "delete":
                    for item in arg if isinstance(arg, list) else [arg]:
                        if isinstance(item, dict) and "query" in item:
                            self.index.delete_query(item["query"])
                        else:
                            self.index.delete_ids([item["id"] if isinstance(item, dict) else item])
            return
        root = ET.fromstring(text)
        if root.tag == "add":
            for doc_el in root.findall("doc"):
                doc: dict = {}
                for field in doc_el.findall("field"):
                    name, value = field.get("name"), field.text or ""
                    if name in doc:
                        doc[name] = (doc[name] if isinstance(doc[name], list) else [doc[name]]) + [value]
                    else:
                        doc[name] = value
                self.index.add(doc)
        elif root.tag == "delete":
            ids = [el.text or "" for el in root.findall("id")]
            if ids:
                self.index.delete_ids(ids)
            for el in root.findall("query"):
                self.index.delete_query(el.text or "")
        elif root.tag not in ("commit", "optimize", "rollback"):
            raise SolrError(f"Unknown update command <{root.tag}>")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=58983)
    parser.add_argument("--data", required=True, help="folder for the index file")
    parser.add_argument("--core", default="ckan")
    parser.add_argument("--schema-name", default="ckan-2.11")
    args = parser.parse_args(argv)
    os.makedirs(args.data, exist_ok=True)
    Handler.index = Index(os.path.join(args.data, "index.json"))
    Handler.index.save()  # an index file exists from the start: its absence means a lost index
    Handler.core, Handler.schema_name = args.core, args.schema_name
    server = ThreadingHTTPServer((args.host, args.port), Handler)
    server.daemon_threads = True
    sys.stderr.write(
        f"Solr stand-in on http://{args.host}:{args.port}/solr/{args.core} ({len(Handler.index.docs)} documents)\n"
    )
    sys.stderr.flush()
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()


if __name__ == "__main__":
    main()
