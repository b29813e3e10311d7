"""A school from its staff survey: survey answers and advice pairs -> a scenario and a network.

``staffroom school from-survey`` reads what schools collect (docs/survey.md):

* the survey, one row per teacher: an anonymous ``id``, years of
  ``experience``, ``department`` (or ``subject``), optionally ``team``, and
  scales, each as numbered items or a ``_mean`` column (:data:`SCALES`): the
  12-item TSES short form (``tses1``-``tses12``, 1-9), Goddard's 12-item
  collective efficacy short form (``cte1``-``cte12``, 1-6; negatively worded
  items reversed), collective responsibility items (``cr1``..., 1-5) and
  stress items (``stress1``..., 1-5);
* optionally the advice network: pairs ``teacher,advisor`` answering "who do
  you go to for advice about teaching?".

It returns the scenario text (the staff's distribution in ``[culture]``,
staff size, experience mix, one subject per department) and, with advice
pairs, a GraphML network whose nodes carry each teacher's own starting
values. Every problem is collected and reported once per kind
(:class:`SurveyError`), before anything is written.
"""

from __future__ import annotations

import csv
import difflib
import io
import math
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import networkx as nx
import numpy as np

from simulation import InputError
from simulation.parameters import Parameters
from simulation.state import VETERAN_START

MIN_RESPONDENTS = 5
MAX_BYTES = 5_000_000
MAX_DEPARTMENTS = 12
EXPERIENCE = (0.0, 60.0)
DEFAULT_RATIO = 15.5
# Courses per subject that need their own specialist (the model's default for its
# first six subjects); other departments get 1.
SPECIALISMS = {
    "english": 2,
    "mathematics": 3,
    "science": 4,
    "social_studies": 3,
    "world_languages": 3,
    "arts": 4,
}
SUBJECT_WORDS = {
    "english": ("english", "ela", "language arts", "literacy", "literature"),
    "mathematics": ("math", "maths", "mathematics"),
    "science": ("science", "sciences", "biology", "chemistry", "physics", "stem"),
    "social_studies": (
        "social studies",
        "history",
        "humanities",
        "social science",
        "geography",
        "civics",
    ),
    "world_languages": (
        "languages",
        "world languages",
        "foreign languages",
        "mfl",
        "modern languages",
        "spanish",
        "french",
        "german",
    ),
    "arts": ("art", "arts", "fine arts", "visual arts", "creative arts"),
}
NAME_HEADERS = {
    "name",
    "names",
    "first_name",
    "firstname",
    "last_name",
    "lastname",
    "surname",
    "full_name",
    "fullname",
    "teacher_name",
    "given_name",
    "family_name",
    "email",
    "e_mail",
    "mail",
    "email_address",
    "e_mail_address",
}
EMAIL = re.compile(r"[^\s@,;]+@[^\s@,;]+\.[A-Za-z]{2,}")
PERSON_NAME = re.compile(r"^[A-Z][a-z'’-]+(?: [A-Z][a-z'’-]+)+$")


@dataclass(frozen=True)
class Scale:
    """A survey scale: its columns, answer range, reversed items and model mapping.

    A teacher's score is the mean of their answered items (after reversing
    ``reversed`` items: ``low + high - answer``) if they answered at least
    half of them; the model value is ``(score - low) / (high - low)``, except
    self-efficacy, which the model takes on the TSES scale itself.
    """

    prefix: str
    title: str
    low: int
    high: int
    items: int | None
    reversed: tuple[int, ...] = ()
    culture: str = ""
    spread: str = ""

    def model(self, score: float) -> float:
        """A score on the model's scale for this belief."""
        if self.prefix == "tses":
            return score
        return (score - self.low) / (self.high - self.low)


SCALES = (
    Scale(
        "tses",
        "self-efficacy (TSES short form, 12 items, 1-9)",
        1,
        9,
        12,
        (),
        "self_efficacy",
        "self_efficacy_sd",
    ),
    Scale(
        "cte",
        "collective efficacy (Goddard's short form, 12 items, 1-6)",
        1,
        6,
        12,
        (3, 4, 8, 9, 11, 12),
        "collective_efficacy",
        "collective_efficacy_sd",
    ),
    Scale(
        "cr",
        "collective responsibility (items 1-5: none to nearly all)",
        1,
        5,
        None,
        (),
        "responsibility",
        "responsibility_sd",
    ),
    Scale(
        "stress",
        "stress (items 1-5: not at all to extremely stressful)",
        1,
        5,
        None,
        (),
        "stress",
        "",
    ),
)
SCALE_BY_PREFIX = {s.prefix: s for s in SCALES}
KNOWN = (
    "id",
    "experience",
    "department",
    "subject",
    "team",
    *(f"{s.prefix}_mean" for s in SCALES),
    "stress",
)


class SurveyError(InputError):
    """Problems found in a survey or advice file: one line per kind of problem."""

    def __init__(self, problems: Sequence[str]):
        self.problems = list(problems)
        super().__init__("\nerror: ".join(self.problems))


@dataclass
class Problems:
    """Problems collected while reading, grouped by kind (one line each)."""

    found: dict[str, list[str]] = field(default_factory=dict)
    files: dict[str, str] = field(default_factory=dict)

    def add(self, kind: str, file: str, example: str) -> None:
        self.files.setdefault(kind, file)
        self.found.setdefault(kind, []).append(example)

    def raise_any(self) -> None:
        if not self.found:
            return
        lines = []
        for kind, examples in self.found.items():
            shown = "; ".join(examples[:3])
            more = f"; and {len(examples) - 3} more" if len(examples) > 3 else ""
            lines.append(f"{self.files[kind]}: {kind}: {shown}{more}")
        raise SurveyError(lines)


@dataclass
class Teacher:
    """One survey row, as read."""

    id: str
    row: int
    experience: float | None
    department: str | None
    team: str | None
    scores: dict[str, float | None]
    blanks: dict[str, int]


@dataclass
class School:
    """What the survey (and advice pairs) say about the school, ready to write.

    Attributes
    ----------
    teachers : list of Teacher
        In the survey's order.
    departments : list of str
        Sorted (the order the model numbers subjects in).
    pairs : list of (str, str)
        Distinct undirected advice ties (empty without an advice file).
    notes : list of str
        What was read, imputed and ignored, for the terminal.
    culture : dict
        ``[culture]`` keys of the scenario and their values.
    """

    teachers: list[Teacher]
    departments: list[str]
    pairs: list[tuple[str, str]]
    notes: list[str]
    culture: dict[str, float]
    scales: list[Scale]


# ---------------------------------------------------------------------------
# reading
# ---------------------------------------------------------------------------


def _column_key(header: str) -> str:
    """``"TSES 3"`` / ``"tses_3"`` -> ``"tses3"``; ``"TSES mean"`` -> ``"tses_mean"``."""
    key = re.sub(r"[\s\-]+", "_", header.strip().lower()).strip("_")
    match = re.fullmatch(r"(tses|cte|cr|stress)_?(\d+)", key)
    return f"{match.group(1)}{int(match.group(2))}" if match else key


def read_rows(path: Path, problems: Problems) -> tuple[list[str], list[list[str]]] | None:
    """The header and rows of a CSV file, or None (with a problem) if it cannot be read."""
    name = str(path)
    try:
        if path.is_dir():
            problems.add("not a file", name, "it is a folder")
            return None
        size = path.stat().st_size
        if size > MAX_BYTES:
            problems.add(
                "file too large",
                name,
                f"{size:,} bytes; allowed: up to {MAX_BYTES:,} (a staff survey is a few kilobytes)",
            )
            return None
        text = path.read_bytes().decode("utf-8-sig")
    except FileNotFoundError:
        problems.add("file not found", name, "check the path")
        return None
    except UnicodeDecodeError:
        problems.add("not a text CSV file", name, "save it as CSV (UTF-8)")
        return None
    except OSError as error:
        problems.add("cannot read the file", name, error.strerror or str(error))
        return None
    if "\x00" in text:
        problems.add("not a text CSV file", name, "it holds binary data; save it as CSV")
        return None
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
        delimiter = dialect.delimiter
    except csv.Error:
        delimiter = ","
    try:
        rows = [
            [cell.strip() for cell in row]
            for row in csv.reader(io.StringIO(text), delimiter=delimiter)
        ]
    except csv.Error as error:
        problems.add("not a valid CSV file", name, str(error))
        return None
    rows = [row for row in rows if any(row)]
    if not rows:
        problems.add("the file is empty", name, "the first row must name the columns")
        return None
    return rows[0], rows[1:]


def _privacy(file: str, header: Sequence[str], rows: list[list[str]], problems: Problems) -> None:
    """Refuse columns of names or e-mail addresses, to protect staff."""
    kind = "names or e-mail addresses are not allowed (remove them to protect staff)"
    for column in header:
        if _column_key(column) in NAME_HEADERS:
            problems.add(kind, file, f"column {column!r}")
    for line, row in enumerate(rows, start=2):
        for column, cell in zip(header, row, strict=False):
            if EMAIL.search(cell):
                problems.add(
                    kind, file, f"row {line} {column or 'a column'} holds an e-mail address"
                )
                return


def _number(text: str) -> float | None:
    try:
        value = float(text.replace(",", ".")) if text else None
    except ValueError:
        return math.nan
    return value if value is None or math.isfinite(value) else math.nan


def read_survey(
    path: Path, problems: Problems, collective_mean: float | None = None
) -> tuple[list[Teacher], list[Scale], list[str]]:
    """Read and check the survey; problems go to ``problems``. Returns teachers, scales, notes."""
    file = str(path)
    read = read_rows(path, problems)
    if read is None:
        return [], [], []
    header, rows = read
    _privacy(file, header, rows, problems)
    keys = [_column_key(h) for h in header]
    position = {}
    for k, key in enumerate(keys):
        if key in position:
            problems.add("a column appears twice", file, f"{header[k]!r}")
        position.setdefault(key, k)
    if "stress" in position and "stress_mean" not in position:
        position["stress_mean"] = position.pop("stress")
    notes: list[str] = []

    missing = "missing column"
    for required, hint in (
        ("id", "an anonymous id per teacher, e.g. T01"),
        ("experience", "years of teaching experience"),
    ):
        if required not in position:
            problems.add(missing, file, f"{required} ({hint})")
    department = (
        "department" if "department" in position else ("subject" if "subject" in position else None)
    )
    if department is None:
        problems.add(missing, file, "department (or subject): each teacher's department")

    scales = []
    for scale in SCALES:
        items = sorted(
            int(k[len(scale.prefix) :]) for k in position if re.fullmatch(rf"{scale.prefix}\d+", k)
        )
        has_mean = f"{scale.prefix}_mean" in position
        if items and has_mean:
            problems.add(
                "both items and a mean given",
                file,
                f"{scale.prefix}1... and {scale.prefix}_mean: keep one",
            )
        expected = list(range(1, (scale.items or max(items, default=0)) + 1))
        if items and items != expected:
            gaps = [f"{scale.prefix}{i}" for i in expected if i not in items]
            extra = [f"{scale.prefix}{i}" for i in items if i not in expected]
            size = scale.items or len(expected)
            problems.add(
                missing,
                file,
                ", ".join(gaps) + f" ({scale.title}: items "
                f"{scale.prefix}1 to {scale.prefix}{size}, or {scale.prefix}_mean)"
                if gaps
                else f"{', '.join(extra)} beyond {scale.prefix}{size}",
            )
        if items or has_mean:
            scales.append(scale)
    if SCALE_BY_PREFIX["tses"] not in scales:
        problems.add(missing, file, "tses1 to tses12 (the TSES short form, 1-9) or tses_mean")
    if collective_mean is not None and SCALE_BY_PREFIX["cte"] in scales:
        problems.add(
            "both items and a mean given", file, "cte items and --collective-efficacy: keep one"
        )

    known = set(KNOWN) | {k for k in position if re.fullmatch(r"(tses|cte|cr|stress)\d+", k)}
    ignored = []
    for k, key in enumerate(keys):
        if key in known or key in NAME_HEADERS:
            continue
        close = difflib.get_close_matches(
            key, [*KNOWN, "tses1", "cte1", "cr1", "stress1"], n=1, cutoff=0.8
        )
        hint = f" (did you mean {close[0]!r}?)" if close else ""
        if hint:
            problems.add("unknown column", file, f"{header[k]!r}{hint}")
        else:
            ignored.append(header[k])
    if ignored:
        notes.append(f"ignored columns: {', '.join(ignored)}")

    teachers = _teachers(file, header, rows, position, department, scales, problems)
    return teachers, scales, notes


def _teachers(
    file: str,
    header: list[str],
    rows: list[list[str]],
    position: dict[str, int],
    department: str | None,
    scales: list[Scale],
    problems: Problems,
) -> list[Teacher]:
    def cell(row: list[str], key: str) -> str:
        k = position.get(key)
        return row[k] if k is not None and k < len(row) else ""

    out_of_range, not_a_number = "answer out of range", "answer is not a number"
    teachers, seen = [], Counter()
    for line, row in enumerate(rows, start=2):
        if len(row) > len(header):
            problems.add("more values than column names", file, f"row {line}")
            continue
        ident = cell(row, "id")
        if "id" in position:
            if not ident:
                problems.add("blank id", file, f"row {line}")
                continue
            if PERSON_NAME.match(ident):
                problems.add(
                    "names or e-mail addresses are not allowed (remove them to protect staff)",
                    file,
                    f"row {line} id {ident!r} looks like a name; use anonymous ids such as T01",
                )
            seen[ident] += 1
        experience = _number(cell(row, "experience"))
        if experience is not None and math.isnan(experience):
            problems.add(
                not_a_number,
                file,
                f"row {line} experience = {cell(row, 'experience')!r} (allowed: a number "
                "of years from 0 to 60, or blank if unknown)",
            )
        elif experience is not None and not (EXPERIENCE[0] <= experience <= EXPERIENCE[1]):
            problems.add(
                out_of_range,
                file,
                f"row {line} experience = {cell(row, 'experience')!r} (allowed: 0 to 60 years)",
            )
        scores, blanks = {}, {}
        for scale in scales:
            if f"{scale.prefix}_mean" in position:
                columns = [f"{scale.prefix}_mean"]
            else:
                columns = sorted(
                    (k for k in position if re.fullmatch(rf"{scale.prefix}\d+", k)),
                    key=lambda k: int(k[len(scale.prefix) :]),
                )
            answers = []
            for key in columns:
                value = _number(cell(row, key))
                if value is None:
                    continue
                if math.isnan(value):  # text such as 'agree', not the answer's number
                    problems.add(
                        not_a_number,
                        file,
                        f"row {line} {header[position[key]]} = {cell(row, key)!r} (allowed: "
                        f"a number from {scale.low} to {scale.high}, or blank if not answered)",
                    )
                    continue
                if not scale.low <= value <= scale.high:
                    problems.add(
                        out_of_range,
                        file,
                        f"row {line} {header[position[key]]} = "
                        f"{cell(row, key)!r} (allowed: {scale.low} to {scale.high})",
                    )
                    continue
                item = int(key[len(scale.prefix) :]) if key[-1].isdigit() else 0
                answers.append(scale.low + scale.high - value if item in scale.reversed else value)
            blanks[scale.prefix] = len(columns) - len(answers)
            enough = answers and 2 * len(answers) >= len(columns)
            scores[scale.prefix] = float(np.mean(answers)) if enough else None
        teachers.append(
            Teacher(
                ident,
                line,
                experience if experience is not None and math.isfinite(experience) else None,
                cell(row, department) or None if department else None,
                cell(row, "team") or None,
                scores,
                blanks,
            )
        )
    twice = [f"{ident!r} ({count} rows)" for ident, count in seen.items() if count > 1]
    for example in twice:
        problems.add("duplicate ids", file, example)
    respondents = sum(t.scores.get("tses") is not None for t in teachers)
    if (
        "id" in position
        and teachers
        and respondents < MIN_RESPONDENTS
        and "tses" in {s.prefix for s in scales}
    ):
        problems.add(
            "fewer than 5 respondents",
            file,
            f"{respondents} teachers answered the "
            "TSES; at least 5 are needed (fewer cannot describe a staff, and "
            "answers could be traced to people)",
        )
    if not teachers and "id" in position:
        problems.add("fewer than 5 respondents", file, "the file has no rows of answers")
    return teachers


def read_advice(path: Path, ids: set[str], problems: Problems) -> list[tuple[str, str]]:
    """Advice pairs ``teacher,advisor`` (or ``source,target``) as distinct undirected ties."""
    file = str(path)
    read = read_rows(path, problems)
    if read is None:
        return []
    header, rows = read
    _privacy(file, header, rows, problems)
    keys = [_column_key(h) for h in header]
    for first, second in (("teacher", "advisor"), ("teacher", "adviser"), ("source", "target")):
        if first in keys and second in keys:
            a, b = keys.index(first), keys.index(second)
            break
    else:
        problems.add(
            "missing column",
            file,
            "teacher and advisor (who asks, and whom they "
            f"go to for advice); found {', '.join(header) or 'nothing'}",
        )
        return []
    pairs: set[tuple[str, str]] = set()
    for line, row in enumerate(rows, start=2):
        asker = row[a] if a < len(row) else ""
        advisor = row[b] if b < len(row) else ""
        if not asker or not advisor:
            problems.add("a pair needs two teachers", file, f"row {line}")
            continue
        unknown = [x for x in (asker, advisor) if ids and x not in ids]
        for name in unknown:
            problems.add(
                "a pair names a teacher who is not in the survey", file, f"row {line} {name!r}"
            )
        if unknown:
            continue
        if asker == advisor:
            problems.add("a teacher names themself", file, f"row {line} {asker!r}")
            continue
        pairs.add((min(asker, advisor), max(asker, advisor)))
    if not rows:
        problems.add("the file holds no pairs", file, "one row per teacher and advisor")
    return sorted(pairs)


# ---------------------------------------------------------------------------
# the school
# ---------------------------------------------------------------------------


def read_school(
    survey: Path, advice: Path | None = None, collective_mean: float | None = None
) -> School:
    """Read and check the survey and advice pairs; raise :class:`SurveyError` with every problem.

    ``collective_mean`` is a school mean of Goddard's collective efficacy
    scale (1-6) for surveys without its items.
    """
    problems = Problems()
    if collective_mean is not None and not (1.0 <= collective_mean <= 6.0):
        problems.add(
            "out of range",
            "--collective-efficacy",
            f"{collective_mean:g} (allowed: 1 to 6, the mean on Goddard's scale)",
        )
    teachers, scales, notes = read_survey(survey, problems, collective_mean)
    # without ids (no id column, or the survey unreadable) the pairs cannot be
    # matched to teachers: that is the survey's problem, not one per pair
    ids = {t.id for t in teachers if t.id}
    pairs = read_advice(advice, ids, problems) if advice is not None else []
    departments = sorted({t.department for t in teachers if t.department})
    if len(departments) > MAX_DEPARTMENTS:
        problems.add(
            "too many departments",
            str(survey),
            f"{len(departments)}; the model has "
            f"at most {MAX_DEPARTMENTS} subjects: merge small departments",
        )
    problems.raise_any()
    notes = _impute(teachers, departments, notes)
    culture = _culture(teachers, scales, collective_mean, notes)
    if advice is not None:
        linked = len({x for pair in pairs for x in pair})
        notes.insert(
            0,
            f"advice network: {len(pairs)} ties between {linked} of "
            f"{len(teachers)} teachers; each teacher starts from their own answers",
        )
    return School(teachers, departments, pairs, notes, culture, scales)


def _impute(teachers: list[Teacher], departments: list[str], notes: list[str]) -> list[str]:
    """Fill missing experience (median) and department (the largest); say so."""
    known = [t.experience for t in teachers if t.experience is not None]
    median = float(np.median(known)) if known else 10.0
    lacking = [t for t in teachers if t.experience is None]
    for t in lacking:
        t.experience = median
    if lacking:
        notes.append(
            f"experience: missing for {len(lacking)} teacher(s), set to the median "
            f"({median:g} years)"
        )
    sizes = Counter(t.department for t in teachers if t.department)
    largest = max(sorted(sizes), key=lambda d: sizes[d]) if sizes else "all staff"
    lacking = [t for t in teachers if not t.department]
    for t in lacking:
        t.department = largest
    if lacking:
        notes.append(
            f"department: missing for {len(lacking)} teacher(s), put in the largest ({largest})"
        )
    if not departments:
        departments.append(largest)
    return notes


def _culture(
    teachers: list[Teacher], scales: list[Scale], collective_mean: float | None, notes: list[str]
) -> dict[str, float]:
    culture: dict[str, float] = {}
    n = len(teachers)
    for scale in scales:
        scores = [t.scores[scale.prefix] for t in teachers if t.scores[scale.prefix] is not None]
        blanks = sum(t.blanks[scale.prefix] for t in teachers)
        if not scores:
            notes.append(
                f"{scale.title}: no teacher answered enough items; the model's default is used"
            )
            continue
        low = n - len(scores)
        values = np.array([scale.model(x) for x in scores])
        mean = float(values.mean())
        sd = float(values.std(ddof=1)) if values.size > 1 else 0.0
        culture[scale.culture] = round(mean, 4)
        if scale.spread:
            high = Parameters.spec(f"initial_{scale.spread}").high or 1.0
            culture[scale.spread] = round(min(sd, high), 4)
        raw = float(np.mean(scores))
        text = f"{scale.title}: mean {raw:.2f} from {len(scores)} of {n} teachers" + (
            "" if scale.prefix == "tses" else f" -> {mean:.3f} on the model's 0-1 scale"
        )
        single = all(t.blanks[scale.prefix] <= 1 for t in teachers) and low == blanks
        if blanks and not single:
            text += (
                f"; {blanks} {'answer' if blanks == 1 else 'answers'} left blank (a "
                "teacher's score is the mean of the items they answered)"
            )
        if low:
            who = "1 teacher" if low == 1 else f"{low} teachers"
            why = "gave no answer" if single else "answered under half the items"
            text += f"; {who} {why}: they start from the staff's distribution"
        notes.append(text)
    if collective_mean is not None:
        culture["collective_efficacy"] = round((collective_mean - 1.0) / 5.0, 4)
        notes.append(
            f"collective efficacy: school mean {collective_mean:g} on Goddard's 1-6 "
            f"scale -> {culture['collective_efficacy']:.3f} on the model's 0-1 scale"
        )
    experience = np.array([t.experience for t in teachers], dtype=float)
    culture["novice_share"] = round(float(np.mean(experience < VETERAN_START)), 4)
    culture["max_experience"] = float(np.clip(experience.max(), VETERAN_START, 45.0))
    return culture


# ---------------------------------------------------------------------------
# writing
# ---------------------------------------------------------------------------


def subject_key(department: str) -> str | None:
    """The model subject a department's name means, if any (``Maths`` -> ``mathematics``)."""
    words = re.sub(r"[^a-z ]+", " ", department.lower()).strip()
    for subject, names in SUBJECT_WORDS.items():
        if words in names:
            return subject
    return None


def specialisms(departments: Sequence[str]) -> list[int]:
    """Specialist courses per department, in the model's subject order (sorted names)."""
    return [SPECIALISMS.get(subject_key(d) or "", 1) for d in departments]


def network(school: School) -> nx.Graph:
    """The advice network with each teacher's department, team and starting values."""
    graph = nx.Graph()
    for t in school.teachers:
        data: dict[str, object] = {"subject": t.department or "", "experience": t.experience}
        if t.team:
            data["team"] = t.team
        for scale in school.scales:
            score = t.scores[scale.prefix]
            if score is not None:
                data[scale.culture] = round(scale.model(score), 6)
        graph.add_node(t.id, **data)
    if any(t.team for t in school.teachers):
        for t in school.teachers:  # the model needs a team for every teacher or none
            graph.nodes[t.id].setdefault("team", f"{t.department} (no team)")
    graph.add_edges_from(school.pairs)
    return graph


def enrolment(school: School, students: int | None) -> tuple[int, float]:
    """Students and students per teacher that give the survey's staff size."""
    n = len(school.teachers)
    count = students if students is not None else round(n * DEFAULT_RATIO)
    return count, round(count / n, 4)


def scenario_text(
    school: School,
    survey: Path,
    advice: Path | None,
    network_file: str | None,
    students: int | None,
    name: str,
) -> str:
    """The scenario file, commented so that a leadership team can read and edit it."""
    n = len(school.teachers)
    count, ratio = enrolment(school, students)
    c = school.culture
    lines = [
        f"# Written by `staffroom school from-survey` from {survey.name}"
        + (f" and {advice.name}" if advice is not None else "")
        + ".",
        "# Edit it as any scenario (docs/scenarios.md); docs/survey.md says how each value",
        "# was computed. Plans `extends` this file.",
        "",
        f"name = {_quoted(name)}",
        f"description = {
            _quoted(
                f'{n} teachers in {len(school.departments)} departments, '
                f'from the staff survey {survey.name}.'
            )
        }",
        "years = 3                # school years to simulate",
        "replicates = 20          # runs of each scenario; more runs, narrower intervals",
        "",
        "[school]",
        f"students = {count}"
        + ("" if students is not None else "   # the survey has no enrolment: set yours"),
        "# ses_mean = 0.0         # the survey says nothing of students: your mean SES "
        "(national SDs)",
        f"student_teacher_ratio = {ratio:g}   # gives the survey's {n} teachers",
        "specialisms_per_subject = ["
        + ", ".join(str(s) for s in specialisms(school.departments))
        + "]   # one per department: "
        + ", ".join(school.departments),
        "",
        "[culture]                # from the survey (docs/survey.md)",
    ]
    order = (
        "self_efficacy",
        "self_efficacy_sd",
        "collective_efficacy",
        "collective_efficacy_sd",
        "responsibility",
        "responsibility_sd",
        "stress",
        "novice_share",
        "max_experience",
    )
    comments = {
        "self_efficacy": "TSES 1-9",
        "collective_efficacy": "Goddard 1-6 -> 0-1",
        "responsibility": "1-5 -> 0-1",
        "stress": "1-5 -> 0-1",
        "novice_share": "fewer than 3 years of experience",
        "max_experience": "the most experienced teacher (3 to 45)",
    }
    for key in order:
        if key in c:
            note = f"   # {comments[key]}" if key in comments else ""
            lines.append(f"{key} = {c[key]:g}{note}")
    lines += ["", "[structure]"]
    if network_file:
        lines += [
            'type = "custom"          # the advice network, teacher by teacher',
            f"network_file = {_quoted(network_file)}",
        ]
    else:
        lines += ['type = "departments"     # no advice pairs: the model builds department ties']
    return "\n".join(lines) + "\n"


def _quoted(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace('"', '\\"')
    return '"' + "".join(c if c.isprintable() else " " for c in escaped) + '"'
