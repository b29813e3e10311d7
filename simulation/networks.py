"""Team structures as collaboration networks (MODEL.md §5), and network files.

A structure is who is on which team, who is in which house, and the ties
between teachers. Ties come in four kinds, each with an interaction
intensity (weight) and a visibility of each other's results and practice:

``team``       inside a PLC or house team (common assessments, protocols);
``colleague``  inside a department or house, outside one's team;
``informal``   anywhere in the school (friendships, corridors);
``bridge``     vertical teams and hubs linking teams (networked PLCs).

Structures reorganise a teacher's collaboration rather than multiply it: a
PLC teacher's teammates replace most of their department ties, so every
structured design gives a teacher about ``department_ties`` + a few ties, and
what differs is strength, visibility and shared goals. Size enters only
through who can be reached: a department in a large school is larger, so a
teacher's ties cover a smaller share of it.
"""

from __future__ import annotations

import csv
import functools
import os
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, NamedTuple

import numpy as np

from .errors import NetworkFileError, ParameterError
from .parameters import SUBJECT_NAMES, Parameters

if TYPE_CHECKING:
    import networkx as nx

TEAM, BRIDGE, COLLEAGUE, INFORMAL = 0, 1, 2, 3
#: GraphML node attributes that set a teacher's starting state, with their
#: allowed range: experience in years, self-efficacy on the TSES 1-9 scale,
#: the others on the model's 0-1 scale (``staffroom school from-survey``).
STARTING = {
    "experience": (0.0, 60.0),
    "self_efficacy": (1.0, 9.0),
    "collective_efficacy": (0.0, 1.0),
    "responsibility": (0.0, 1.0),
    "stress": (0.0, 1.0),
}
KIND_NAMES = ("team", "bridge", "colleague", "informal")


@dataclass
class Ties:
    """Directed edge arrays (each undirected tie appears twice)."""

    src: np.ndarray
    dst: np.ndarray
    kind: np.ndarray
    weight: np.ndarray
    visibility: np.ndarray
    shared_goal: np.ndarray

    @property
    def structured(self) -> np.ndarray:
        """Ties whose intensity scales with collaboration minutes."""
        return (self.kind == TEAM) | (self.kind == COLLEAGUE)


@dataclass
class Structure:
    """A built structure: teams, houses, ties, summaries and (on demand) a networkx view.

    ``team`` and ``house`` may be read-only arrays shared by every school of
    the same staff (worked out once per staff): replace them, never write
    into them.
    """

    name: str
    team: np.ndarray
    house: np.ndarray
    ties: Ties
    subject: np.ndarray
    density: float
    clustering: float
    _graph: nx.Graph | None = None

    @property
    def graph(self) -> nx.Graph:
        """The weighted ``networkx.Graph`` of ties, built when first asked for.

        Nodes carry ``team``, ``house`` and ``subject``; edges ``weight``,
        ``visibility`` and ``kind``. The model itself works on the tie arrays,
        so a run that never looks at the graph never pays for it.
        """
        if self._graph is None:
            m = self.ties.src.size // 2
            u, t = self.ties.src[:m], self.ties.dst[:m]
            import networkx as nx  # only when asked for: the model never needs it

            graph = nx.Graph()
            graph.add_nodes_from(
                (
                    i,
                    {
                        "team": int(self.team[i]),
                        "house": int(self.house[i]),
                        "subject": SUBJECT_NAMES[int(self.subject[i])],
                    },
                )
                for i in range(self.team.size)
            )
            graph.add_edges_from(
                (
                    int(a),
                    int(b),
                    {"weight": float(wi), "visibility": float(vi), "kind": KIND_NAMES[int(k)]},
                )
                for a, b, wi, vi, k in zip(
                    u,
                    t,
                    self.ties.weight[:m],
                    self.ties.visibility[:m],
                    self.ties.kind[:m],
                    strict=True,
                )
            )
            self._graph = graph
        return self._graph

    @property
    def n_houses(self) -> int:
        """Number of houses (1 when the school is not split)."""
        return int(self.house.max()) + 1 if self.house.size else 1


@dataclass
class NetworkFile:
    """A custom network read from a file, before it becomes a structure."""

    n: int
    pairs: np.ndarray  # (m, 2) int rows
    weight: np.ndarray  # NaN where the file gave none
    visibility: np.ndarray  # NaN where the file gave none
    team: np.ndarray | None
    subject: np.ndarray | None
    labels: list[str]
    starting: dict[str, np.ndarray] = field(default_factory=dict)
    """Per-teacher starting values (:data:`STARTING`), NaN where the file gives none."""


# ---------------------------------------------------------------------------
# random ties
# ---------------------------------------------------------------------------


def sample_pairs(
    members: np.ndarray, ties_per_member: float, rng: np.random.Generator
) -> np.ndarray:
    """Distinct random pairs among ``members``, about ``ties_per_member`` each.

    Returns an (m, 2) array with m = round(ties_per_member * len / 2), capped
    at all pairs. Dense requests enumerate pairs; sparse ones draw and
    de-duplicate, so the cost stays linear in the ties drawn.
    """
    g = members.size
    possible = g * (g - 1) // 2
    m = min(possible, round(ties_per_member * g / 2))
    if m <= 0:
        return np.empty((0, 2), dtype=np.int64)
    if 2 * m >= possible or possible <= 4096:
        pairs = _upper_pairs(g)
        return members[pairs[rng.choice(possible, m, replace=False)] if m < possible else pairs]
    chosen = np.empty(0, dtype=np.int64)
    while chosen.size < m:
        need = 2 * (m - chosen.size) + 8
        a = rng.integers(0, g, need)
        b = rng.integers(0, g, need)
        keep = a != b
        lo, hi = np.minimum(a[keep], b[keep]), np.maximum(a[keep], b[keep])
        codes = np.concatenate([chosen, lo * g + hi])
        _, first = np.unique(codes, return_index=True)
        chosen = codes[np.sort(first)]
    chosen = chosen[:m]
    return np.column_stack([members[chosen // g], members[chosen % g]])


@functools.cache
def _upper_pairs(size: int) -> np.ndarray:
    """Every pair ``i < j < size`` as a row, kept: schools ask for the same few sizes."""
    pairs = np.column_stack(np.triu_indices(size, 1))
    pairs.flags.writeable = False
    return pairs


# ---------------------------------------------------------------------------
# what a staff fixes before any draw, worked out once per staff
# ---------------------------------------------------------------------------


class _Values(NamedTuple):
    """An array by value (dtype, shape, bytes): a cache key that later writes cannot change."""

    dtype: str
    shape: tuple[int, ...]
    data: bytes

    @classmethod
    def of(cls, array: np.ndarray) -> _Values:
        return cls(array.dtype.str, array.shape, array.tobytes())

    def array(self) -> np.ndarray:
        """The array again, read-only (it shares the key's bytes)."""
        return np.frombuffer(self.data, dtype=self.dtype).reshape(self.shape)


def _read_only(value):
    """``value`` with its arrays (alone or in a tuple) made read-only."""
    if isinstance(value, np.ndarray):
        value.flags.writeable = False
    elif isinstance(value, tuple):
        for item in value:
            _read_only(item)
    return value


def _per_staff(function):
    """Cache ``function`` of arrays and numbers on their values; results come back read-only.

    Every school of an ensemble has the same subjects and specialisms, so
    what a structure fixes before any random draw (course teams, houses, the
    ties inside complete teams, the groups colleague ties are drawn in) is
    the same for all of them: worked out for the first school, looked up for
    the rest. Keys hold the arguments' values, not the arrays, and the cache
    keeps the last 32 results, so it is right for any input and stays small.
    """

    @functools.lru_cache(maxsize=32, typed=True)
    def on_values(*keys):
        args = [key.array() if isinstance(key, _Values) else key for key in keys]
        return _read_only(function(*args))

    @functools.wraps(function)
    def cached(*args):
        return on_values(*(_Values.of(a) if isinstance(a, np.ndarray) else a for a in args))

    cached.cache_clear = on_values.cache_clear
    return cached


@_per_staff
def _groups(group: np.ndarray) -> tuple[np.ndarray, ...]:
    """The members of each group, groups in id order, members in row order."""
    return tuple(np.flatnonzero(group == g) for g in np.unique(group))


@_per_staff
def _members_by_id(team: np.ndarray) -> tuple[np.ndarray, ...]:
    """The members of each team id 0..max (all of them, so memory stays linear in teachers)."""
    return tuple(np.flatnonzero(team == a) for a in range(int(team.max()) + 1 if team.size else 0))


@_per_staff
def _complete_within(group: np.ndarray) -> np.ndarray:
    """Every pair inside each group (a team whose members all work together)."""
    pieces = []
    for members in _groups(group):
        pieces.append(members[_upper_pairs(members.size)])
    return np.concatenate(pieces) if pieces else np.empty((0, 2), dtype=np.int64)


@_per_staff
def _mean_teammates(team: np.ndarray) -> float:
    """How many teammates a teacher has, on average over teachers."""
    mean_team = np.bincount(team).astype(float)
    return float(np.mean(mean_team[team])) - 1.0


def _within_groups(group: np.ndarray, per_member: float, rng: np.random.Generator) -> np.ndarray:
    """Random ties inside each group, about ``per_member`` each, drawn group by group."""
    pieces = [sample_pairs(members, per_member, rng) for members in _groups(group)]
    return np.concatenate(pieces) if pieces else np.empty((0, 2), dtype=np.int64)


def _split_into_teams(members: np.ndarray, size: int) -> list[np.ndarray]:
    n_teams = max(1, round(members.size / size))
    return np.array_split(members, n_teams)


# ---------------------------------------------------------------------------
# builders: each returns (team, house, pairs, kinds)
# ---------------------------------------------------------------------------


def _isolated(subject, specialism, p, rng):
    n = subject.size
    team = np.arange(n)
    pairs = sample_pairs(np.arange(n), p.isolated_ties, rng)
    return team, np.zeros(n, dtype=np.int64), [(pairs, INFORMAL)]


def _departments(subject, specialism, p, rng):
    n = subject.size
    team = subject.copy()
    colleague = _within_groups(subject, p.department_ties, rng)
    informal = sample_pairs(np.arange(n), p.informal_ties, rng)
    return team, np.zeros(n, dtype=np.int64), [(colleague, COLLEAGUE), (informal, INFORMAL)]


@_per_staff
def _course_teams(subject, specialism, team_size):
    """PLC course teams: teachers of a subject, ordered by course, in teams."""
    team = np.empty(subject.size, dtype=np.int64)
    next_id = 0
    for s in np.unique(subject):
        members = np.flatnonzero(subject == s)
        members = members[np.lexsort((members, specialism[members]))]
        for chunk in _split_into_teams(members, team_size):
            team[chunk] = next_id
            next_id += 1
    return team


def _outside_team_ties(group, team, p, rng):
    """Department or house colleague ties that remain beside one's team."""
    per_member = max(1.0, p.department_ties - _mean_teammates(team))
    return _within_groups(group, per_member, rng)


def _plc(subject, specialism, p, rng):
    n = subject.size
    team = _course_teams(subject, specialism, p.team_size)
    team_pairs = _complete_within(team)
    colleague = _outside_team_ties(subject, team, p, rng)
    informal = sample_pairs(np.arange(n), p.informal_ties, rng)
    return (
        team,
        np.zeros(n, dtype=np.int64),
        [(team_pairs, TEAM), (colleague, COLLEAGUE), (informal, INFORMAL)],
    )


def _networked_plc(subject, specialism, p, rng):
    team, house, groups = _plc(subject, specialism, p, rng)
    n = subject.size
    n_teams = int(team.max()) + 1
    members = _members_by_id(team)
    bridges = []
    if n_teams > 1:
        n_bridges = round(p.bridge_ties * n_teams)
        from_team = np.arange(n_bridges) % n_teams
        to_team = (from_team + rng.integers(1, n_teams, n_bridges)) % n_teams
        for a, b in zip(from_team, to_team, strict=True):
            bridges.append((rng.choice(members[a]), rng.choice(members[b])))
    n_hubs = round(p.hub_share * n)
    for hub in rng.choice(n, n_hubs, replace=False) if n_hubs else []:
        others = np.flatnonzero(team != team[hub])
        k = min(others.size, round(p.hub_ties))
        for other in rng.choice(others, k, replace=False) if k else []:
            bridges.append((hub, other))
    bridge_pairs = np.array(bridges, dtype=np.int64).reshape(-1, 2)
    return team, house, [*groups, (bridge_pairs, BRIDGE)]


@_per_staff
def _house_teams(subject, specialism, house_size, team_size):
    """Houses of about ``house_size`` teachers and, inside each, teams of about ``team_size``."""
    n = subject.size
    n_houses = max(1, round(n / house_size))
    house = np.empty(n, dtype=np.int64)
    offset = 0
    for s in np.unique(subject):
        members = np.flatnonzero(subject == s)
        members = members[np.lexsort((members, specialism[members]))]
        house[members] = (offset + np.arange(members.size)) % n_houses
        offset += members.size
    team = np.empty(n, dtype=np.int64)
    next_id = 0
    for h in range(n_houses):
        members = np.flatnonzero(house == h)
        members = members[np.lexsort((members, subject[members]))]
        n_teams = max(1, round(members.size / team_size))
        team[members] = next_id + np.arange(members.size) % n_teams
        next_id += n_teams
    return house, team


def _houses(subject, specialism, p, rng):
    """Houses of about ``house_size`` teachers, every subject in each house.

    Teachers of each subject are dealt round-robin to houses; inside a house
    they are dealt into interdisciplinary teams that share the house's
    students.
    """
    n = subject.size
    house, team = _house_teams(subject, specialism, p.house_size, p.team_size)
    team_pairs = _complete_within(team)
    colleague = _outside_team_ties(house, team, p, rng)
    informal = sample_pairs(np.arange(n), p.informal_ties, rng)
    return team, house, [(team_pairs, TEAM), (colleague, COLLEAGUE), (informal, INFORMAL)]


BUILDERS = {
    "isolated": _isolated,
    "departments": _departments,
    "plc": _plc,
    "houses": _houses,
    "networked_plc": _networked_plc,
}


# ---------------------------------------------------------------------------
# assembling ties
# ---------------------------------------------------------------------------


def _kind_profiles(p: Parameters) -> tuple[np.ndarray, np.ndarray]:
    weight = np.array(
        [p.team_tie_weight, p.bridge_tie_weight, p.colleague_tie_weight, p.informal_tie_weight]
    )
    visibility = np.array(
        [p.team_visibility, p.bridge_visibility, p.colleague_visibility, p.informal_visibility]
    )
    return weight, visibility


def _merge(n: int, groups) -> tuple[np.ndarray, np.ndarray]:
    """Undirected pairs without duplicates; a pair keeps its strongest kind."""
    pairs = [g[0] for g in groups if len(g[0])]
    if not pairs:
        return np.empty((0, 2), dtype=np.int64), np.empty(0, dtype=np.int64)
    kinds = np.concatenate([np.full(len(g[0]), g[1]) for g in groups if len(g[0])])
    pairs = np.concatenate(pairs).astype(np.int64)
    lo, hi = pairs.min(axis=1), pairs.max(axis=1)
    keep = lo != hi
    lo, hi, kinds = lo[keep], hi[keep], kinds[keep]
    code = lo * n + hi
    order = np.lexsort((kinds, code))
    code, kinds = code[order], kinds[order]
    first = np.ones(code.size, dtype=bool)
    first[1:] = code[1:] != code[:-1]
    code, kinds = code[first], kinds[first]
    return np.column_stack([code // n, code % n]), kinds


def assemble(
    name: str,
    team: np.ndarray,
    house: np.ndarray,
    subject: np.ndarray,
    pairs: np.ndarray,
    kinds: np.ndarray,
    p: Parameters,
    weight: np.ndarray | None = None,
    visibility: np.ndarray | None = None,
) -> Structure:
    """Turn undirected pairs into tie arrays and summaries (the networkx graph on demand).

    ``weight`` and ``visibility`` override the kind defaults where finite
    (custom files).
    """
    n = team.size
    kind_weight, kind_visibility = _kind_profiles(p)
    w = kind_weight[kinds]
    v = kind_visibility[kinds]
    if weight is not None:
        w = np.where(np.isfinite(weight), weight, w)
    if visibility is not None:
        v = np.where(np.isfinite(visibility), visibility, v)
    same_subject = subject[pairs[:, 0]] == subject[pairs[:, 1]] if len(pairs) else np.zeros(0, bool)
    shared_goal = np.where(
        same_subject,
        np.where(kinds == TEAM, 1.0, np.where(kinds == COLLEAGUE, p.colleague_shared_goal, 0.0)),
        0.0,
    )
    u, t = pairs[:, 0], pairs[:, 1]
    ties = Ties(
        src=np.concatenate([u, t]),
        dst=np.concatenate([t, u]),
        kind=np.concatenate([kinds, kinds]),
        weight=np.concatenate([w, w]),
        visibility=np.concatenate([v, v]),
        shared_goal=np.concatenate([shared_goal, shared_goal]),
    )
    density, clustering = density_and_clustering(n, u, t)
    return Structure(name, team, house, ties, np.asarray(subject), density, clustering)


def density_and_clustering(n: int, u: np.ndarray, v: np.ndarray) -> tuple[float, float]:
    """Network density and average clustering (zeros counted, as in networkx)."""
    if n < 2:
        return 0.0, 0.0
    density = 2.0 * u.size / (n * (n - 1))
    if u.size == 0:
        return density, 0.0
    ends = np.concatenate([u, v]), np.concatenate([v, u])
    adjacent = np.zeros((n, n), dtype=bool)
    adjacent[ends] = True
    degree = np.bincount(ends[0], minlength=n).astype(float)
    # neighbours the two ends of each tie share, a block of ties at a time (bounded memory)
    block = max(1, 2**22 // n)
    common = np.concatenate(
        [
            (adjacent[ends[0][i : i + block]] & adjacent[ends[1][i : i + block]]).sum(axis=1)
            for i in range(0, ends[0].size, block)
        ]
    )
    triangles = np.bincount(ends[0], weights=common, minlength=n) / 2.0
    possible = degree * (degree - 1) / 2.0
    local = np.divide(triangles, possible, out=np.zeros(n), where=possible > 0)
    return float(density), float(local.mean())


def build(
    name: str,
    subject: np.ndarray,
    specialism: np.ndarray,
    p: Parameters,
    rng: np.random.Generator,
    network: NetworkFile | None = None,
) -> Structure:
    """Build the structure ``name`` for teachers of the given subjects."""
    n = subject.size
    if name == "custom":
        if network is None:
            raise NetworkFileError("structure 'custom' needs a network_file", key="network_file")
        team = network.team if network.team is not None else subject.copy()
        pairs = network.pairs
        kinds = (
            np.where(team[pairs[:, 0]] == team[pairs[:, 1]], TEAM, COLLEAGUE)
            if len(pairs)
            else np.empty(0, dtype=np.int64)
        )
        return assemble(
            name,
            team,
            np.zeros(n, dtype=np.int64),
            subject,
            pairs,
            kinds,
            p,
            network.weight,
            network.visibility,
        )
    team, house, groups = BUILDERS[name](subject, specialism, p, rng)
    pairs, kinds = _merge(n, groups)
    return assemble(name, team, house, subject, pairs, kinds, p)


# ---------------------------------------------------------------------------
# reading network files
# ---------------------------------------------------------------------------


def custom_network(p: Parameters, loaded: NetworkFile | None = None) -> NetworkFile | None:
    """The custom network a school of parameters ``p`` needs (None unless ``custom``).

    ``loaded`` is a network a caller has already read; otherwise the file
    ``p.network_file`` is read here, once.
    """
    if p.structure != "custom":
        return None
    if loaded is not None:
        return loaded
    if p.network_file is None:
        raise ParameterError(
            "structure 'custom' needs network_file, the path of a "
            "GraphML, edge-list or CSV file of teacher pairs",
            key="network_file",
        )
    return read_network_file(p.network_file)


def read_network_file(path: str | os.PathLike) -> NetworkFile:
    """Read a custom collaboration network: GraphML, edge list or CSV of pairs.

    * ``.graphml``: nodes are teachers; optional node attributes ``team`` and
      ``subject``, and starting values (:data:`STARTING`: ``experience``,
      ``self_efficacy`` on the TSES scale, ``collective_efficacy``,
      ``responsibility``, ``stress``); optional edge attributes ``weight``
      and ``visibility``.
    * ``.csv``: a header with ``source`` and ``target`` columns; optional
      ``weight``, ``visibility`` and ``team`` (the team of both teachers of a
      row, for within-team ties) or ``source_team`` / ``target_team``.
    * any other suffix: a whitespace-separated edge list ``u v [weight]``,
      ``#`` comments allowed.

    Raises
    ------
    NetworkFileError
        Naming the file and the problem (missing file, bad row, bad weight,
        self-tie, no ties).
    """
    path = os.fspath(path)
    if os.path.isdir(path):
        raise NetworkFileError(
            "is a folder, not a network file; allowed: a GraphML "
            "(.graphml), CSV (.csv) or edge-list file of teacher pairs",
            source=path,
            key="network_file",
        )
    if not os.path.isfile(path):
        raise NetworkFileError("network file not found", source=path, key="network_file")
    suffix = os.path.splitext(path)[1].lower()
    if suffix == ".graphml":
        return _read_graphml(path)
    if suffix == ".csv":
        return _read_csv(path)
    return _read_edgelist(path)


class _Collector:
    """Accumulates labelled pairs and node attributes while a file is parsed."""

    def __init__(self, path: str):
        self.path = path
        self.index: dict[str, int] = {}
        self.pairs: list[tuple[int, int]] = []
        self.weight: list[float] = []
        self.visibility: list[float] = []
        self.team: dict[int, str] = {}
        self.subject: dict[int, str] = {}
        self.starting: dict[str, dict[int, float]] = {}

    def fail(self, where: str, problem: str) -> NetworkFileError:
        return NetworkFileError(f"{where}: {problem}", source=self.path, key="network_file")

    def node(self, label: str) -> int:
        label = str(label).strip()
        if label not in self.index:
            self.index[label] = len(self.index)
        return self.index[label]

    def number(self, where: str, name: str, text, low: float, high: float | None) -> float:
        if text is None or (isinstance(text, str) and text.strip() == ""):
            return float("nan")
        try:
            value = float(text)
        except (TypeError, ValueError):
            raise self.fail(where, f"{name} {text!r} is not a number") from None
        if not np.isfinite(value) or value < low or (high is not None and value > high):
            bound = f"{low:g} to {high:g}" if high is not None else f"at least {low:g}"
            raise self.fail(where, f"{name} {text!r} is out of range ({bound})")
        return value

    def tie(self, where: str, a, b, weight=None, visibility=None) -> None:
        if str(a).strip() == "" or str(b).strip() == "":
            raise self.fail(where, "a tie needs two teachers")
        if str(a).strip() == str(b).strip():
            raise self.fail(where, f"teacher {str(a).strip()!r} is tied to themself")
        w = self.number(where, "weight", weight, 0.0, None)
        if w == 0:
            raise self.fail(where, "weight 0 is not a tie; leave the pair out")
        self.pairs.append((self.node(a), self.node(b)))
        self.weight.append(w)
        self.visibility.append(self.number(where, "visibility", visibility, 0.0, 1.0))

    def result(self) -> NetworkFile:
        if not self.pairs:
            raise NetworkFileError(
                "the file holds no ties between teachers", source=self.path, key="network_file"
            )
        n = len(self.index)
        labels = list(self.index)
        pairs = np.sort(np.array(self.pairs, dtype=np.int64), axis=1)
        weight, visibility = np.array(self.weight), np.array(self.visibility)
        # a pair listed twice (e.g. both directions of an advice tie) is one
        # undirected tie: keep its strongest listing
        order = np.lexsort((-np.nan_to_num(weight, nan=1.0), pairs[:, 1], pairs[:, 0]))
        pairs, weight, visibility = pairs[order], weight[order], visibility[order]
        first = np.ones(len(pairs), dtype=bool)
        first[1:] = np.any(pairs[1:] != pairs[:-1], axis=1)
        pairs, weight, visibility = pairs[first], weight[first], visibility[first]
        team = None
        if self.team:
            missing = [labels[i] for i in range(n) if i not in self.team]
            if missing:
                raise NetworkFileError(
                    f"teacher {missing[0]!r} has no team while others do; give every "
                    "teacher a team or none",
                    source=self.path,
                    key="network_file",
                )
            _, team = np.unique([self.team[i] for i in range(n)], return_inverse=True)
        subject = None
        if self.subject:
            codes = []
            for i in range(n):
                name = self.subject.get(i)
                if name is None:
                    raise NetworkFileError(
                        f"teacher {labels[i]!r} has no subject while others do",
                        source=self.path,
                        key="network_file",
                    )
                codes.append(name)
            _, subject = np.unique(codes, return_inverse=True)
        starting = {}
        for name, values in self.starting.items():
            column = np.full(n, np.nan)
            for i, value in values.items():
                column[i] = value
            starting[name] = column
        return NetworkFile(n, pairs, weight, visibility, team, subject, labels, starting)


def _read_graphml(path: str) -> NetworkFile:
    import networkx as nx

    try:
        g = nx.read_graphml(path)
    except Exception as error:  # networkx raises several parser errors
        raise NetworkFileError(
            f"not valid GraphML ({error})", source=path, key="network_file"
        ) from None
    c = _Collector(path)
    for node, data in g.nodes(data=True):
        i = c.node(node)
        if "team" in data:
            c.team[i] = str(data["team"])
        if "subject" in data:
            c.subject[i] = str(data["subject"])
        for name, (low, high) in STARTING.items():
            if name in data:
                c.starting.setdefault(name, {})[i] = c.number(
                    f"teacher {node}", name, data[name], low, high
                )
    for a, b, data in g.edges(data=True):
        c.tie(f"tie {a}-{b}", a, b, data.get("weight"), data.get("visibility"))
    return c.result()


def _read_csv(path: str) -> NetworkFile:
    c = _Collector(path)
    try:
        with open(path, newline="", encoding="utf-8-sig") as handle:
            reader = csv.DictReader(handle)
            header = [h.strip().lower() for h in (reader.fieldnames or [])]
            if "source" not in header or "target" not in header:
                raise NetworkFileError(
                    "the first row must name the columns 'source' and 'target' "
                    "(optional: weight, visibility, team, source_team, target_team); "
                    f"found {', '.join(header) or 'nothing'}",
                    source=path,
                    key="network_file",
                )
            reader.fieldnames = header
            for line, row in enumerate(reader, start=2):
                if None in row:
                    raise c.fail(f"row {line}", "more values than column names")
                where = f"row {line}"
                a, b = row.get("source"), row.get("target")
                if a is None or b is None:
                    raise c.fail(where, "missing source or target")
                c.tie(where, a, b, row.get("weight"), row.get("visibility"))
                ia, ib = c.index[str(a).strip()], c.index[str(b).strip()]
                for i, key in (
                    (ia, "source_team"),
                    (ib, "target_team"),
                    (ia, "team"),
                    (ib, "team"),
                ):
                    value = (row.get(key) or "").strip()
                    if value:
                        if c.team.get(i, value) != value and key != "team":
                            raise c.fail(
                                where,
                                f"teacher {str(a if i == ia else b).strip()!r}"
                                f" is in team {c.team[i]!r} and {value!r}",
                            )
                        c.team.setdefault(i, value)
    except UnicodeDecodeError:
        raise NetworkFileError("not a text CSV file", source=path, key="network_file") from None
    return c.result()


def _read_edgelist(path: str) -> NetworkFile:
    c = _Collector(path)
    try:
        with open(path, encoding="utf-8-sig") as handle:
            for line, text in enumerate(handle, start=1):
                text = text.split("#", 1)[0].strip()
                if not text:
                    continue
                parts = text.replace(",", " ").split()
                if len(parts) not in (2, 3):
                    raise c.fail(
                        f"line {line}",
                        f"expected 'teacher teacher [weight]', found {len(parts)} values",
                    )
                c.tie(f"line {line}", parts[0], parts[1], parts[2] if len(parts) == 3 else None)
    except UnicodeDecodeError:
        raise NetworkFileError("not a text edge list", source=path, key="network_file") from None
    return c.result()
