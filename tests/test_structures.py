"""Every structure runs; custom network files are read, or refused clearly."""

from __future__ import annotations

from types import SimpleNamespace

import networkx as nx
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from simulation import NetworkFileError, ParameterError, SchoolEnsemble, SchoolModel
from simulation.networks import Ties, density_and_clustering, read_network_file
from simulation.parameters import STRUCTURES
from simulation.processes.responsibility import student_overlap


@pytest.mark.parametrize("structure", [s for s in STRUCTURES if s != "custom"])
@pytest.mark.parametrize("n_students", [60, 900, 2400])
def test_every_structure_runs_at_every_size(structure, n_students):
    model = SchoolModel(n_students=n_students, structure=structure, rng=0)
    model.run(0.5)
    assert model.structure.name == structure
    assert np.all(np.isfinite(model.teachers.self_efficacy))


def test_structures_differ_as_described():
    by = {
        s: SchoolModel(n_students=900, structure=s, rng=0)
        for s in ("isolated", "departments", "plc", "houses", "networked_plc")
    }
    assert by["isolated"].structure.density < by["departments"].structure.density
    team_sizes = np.bincount(by["plc"].structure.team)
    assert team_sizes.min() >= 4 and team_sizes.max() <= 6
    houses = np.bincount(by["houses"].structure.house)
    assert houses.min() >= 15 and houses.max() <= 25
    assert by["networked_plc"].network.number_of_edges() > by["plc"].network.number_of_edges()
    kinds = {d["kind"] for _, _, d in by["networked_plc"].network.edges(data=True)}
    assert "bridge" in kinds


def test_custom_csv_with_weights_and_teams(ring_csv):
    model = SchoolModel(n_students=200, structure="custom", network_file=str(ring_csv), rng=0)
    assert model.n_teachers == 12
    assert model.network.number_of_edges() == 12
    model.run(0.5)


def test_custom_graphml_with_attributes(tmp_path):
    graph = nx.karate_club_graph()
    for node in graph.nodes:
        graph.nodes[node]["team"] = graph.nodes[node].pop("club")
    path = tmp_path / "school.graphml"
    nx.write_graphml(graph, path)
    model = SchoolModel(n_students=500, structure="custom", network_file=str(path), rng=0)
    assert model.n_teachers == 34
    assert len(np.unique(model.structure.team)) == 2
    assert model.network.number_of_edges() == graph.number_of_edges()


def test_custom_edge_list(tmp_path):
    path = tmp_path / "ties.txt"
    path.write_text("# teacher pairs\na b 2\nb c\nc d 0.5\n")
    network = read_network_file(path)
    assert network.n == 4 and len(network.pairs) == 3
    assert network.weight[0] == 2 and np.isnan(network.weight[1])


def test_a_pair_listed_twice_is_one_tie(tmp_path):
    path = tmp_path / "ties.csv"
    path.write_text("source,target,weight\na,b,1\nb,a,3\nb,c,1\n")
    network = read_network_file(path)
    assert len(network.pairs) == 2 and network.weight.max() == 3


@pytest.mark.parametrize(
    "text, problem",
    [
        ("from,to\na,b\n", "the first row must name the columns 'source' and 'target'"),
        ("source,target,weight\na,b,heavy\n", "row 2: weight 'heavy' is not a number"),
        ("source,target,weight\na,b,-1\n", "row 2: weight '-1' is out of range"),
        ("source,target\na,a\n", "row 2: teacher 'a' is tied to themself"),
        ("source,target\n", "the file holds no ties"),
        ("source,target\na,b,extra\n", "row 2: more values than column names"),
        (
            "source,target,source_team,target_team\na,b,x,y\nb,c,z,y\n",
            "teacher 'b' is in team 'y' and 'z'",
        ),
    ],
)
def test_a_malformed_csv_gets_a_clear_error_naming_the_file_and_problem(tmp_path, text, problem):
    path = tmp_path / "bad.csv"
    path.write_text(text)
    with pytest.raises(NetworkFileError) as error:
        SchoolModel(structure="custom", network_file=str(path))
    message = str(error.value)
    assert message.startswith(str(path))
    assert problem in message


def test_malformed_graphml_and_edge_list_and_missing_files(tmp_path):
    broken = tmp_path / "broken.graphml"
    broken.write_text("<graphml><graph><node id='a'/>")
    with pytest.raises(NetworkFileError, match="not valid GraphML"):
        read_network_file(broken)
    edges = tmp_path / "edges.txt"
    edges.write_text("a b c d\n")
    with pytest.raises(NetworkFileError, match="line 1: expected 'teacher teacher"):
        read_network_file(edges)
    with pytest.raises(NetworkFileError, match="network file not found"):
        read_network_file(tmp_path / "nowhere.csv")
    with pytest.raises(ParameterError, match="needs network_file"):
        SchoolModel(structure="custom")


def test_restructuring_into_a_network_of_another_size_is_refused(ring_csv, tmp_path):
    model = SchoolModel(n_students=200, structure="custom", network_file=str(ring_csv), rng=0)
    bigger = tmp_path / "bigger.csv"
    bigger.write_text("source,target\n" + "".join(f"t{i},t{i + 1}\n" for i in range(20)))
    with pytest.raises(ParameterError, match="staff size cannot change"):
        model.apply(network_file=str(bigger))
    assert model.params.network_file == str(ring_csv)


@settings(max_examples=40, deadline=None)
@given(
    n=st.integers(2, 40),
    edges=st.lists(st.tuples(st.integers(0, 39), st.integers(0, 39)), max_size=200),
)
def test_density_and_clustering_agree_with_networkx(n, edges):
    graph = nx.Graph()
    graph.add_nodes_from(range(n))
    graph.add_edges_from((a % n, b % n) for a, b in edges if a % n != b % n)
    pairs = np.array(list(graph.edges), dtype=np.int64).reshape(-1, 2)
    density, clustering = density_and_clustering(n, pairs[:, 0], pairs[:, 1])
    assert density == pytest.approx(nx.density(graph), abs=1e-12)
    assert clustering == pytest.approx(nx.average_clustering(graph), abs=1e-12)


@settings(max_examples=40, deadline=None)
@given(
    seed=st.integers(0, 2**32 - 1),
    schools=st.integers(1, 3),
    teachers=st.integers(2, 9),
    courses=st.integers(1, 7),
)
def test_student_overlap_counts_a_teacher_met_twice_once(seed, schools, teachers, courses):
    # students drawn with repeated teachers, which real timetables rarely give
    rng = np.random.default_rng(seed)
    school = np.repeat(np.arange(schools), 12)
    assign = school[:, None] * teachers + rng.integers(0, teachers, (school.size, courses))
    src = rng.integers(0, schools * teachers, 30)
    dst = src // teachers * teachers + (src % teachers + rng.integers(1, teachers, 30)) % teachers
    zeros = np.zeros(30)
    ties = Ties(src, dst, np.zeros(30, dtype=np.int8), zeros, zeros, zeros)
    students = SimpleNamespace(assign=assign)
    overlap = student_overlap(students, ties, schools * teachers, teachers)
    taught = [set(map(int, row)) for row in assign]
    expected = []
    for a, b in zip(src, dst, strict=True):
        mine = [row for row in taught if a in row]
        expected.append(sum(b in row for row in mine) / len(mine) if mine else 0.0)
    assert np.array_equal(overlap, np.array(expected))


@pytest.mark.parametrize("structure", ["departments", "houses"])
def test_student_overlap_counts_shared_students_of_each_tie(structure):
    # an ensemble of three schools: global teacher ids, ties inside each school
    school = SchoolEnsemble(seeds=[1, 2, 3], n_students=300, structure=structure).school
    students, ties = school.students, school.ties
    taught = [set(map(int, row)) for row in students.assign]
    expected = []
    for a, b in zip(ties.src, ties.dst, strict=True):
        mine = [row for row in taught if a in row]
        expected.append(sum(b in row for row in mine) / len(mine) if mine else 0.0)
    assert np.array_equal(school.situation.overlap, np.array(expected))
    assert np.all(ties.src // school.n_per_school == ties.dst // school.n_per_school)


@settings(max_examples=60, deadline=None)
@given(
    subject=st.lists(st.integers(0, 5), min_size=2, max_size=70),
    seed=st.integers(0, 2**31 - 1),
    team_size=st.integers(2, 12),
    house_size=st.integers(6, 60),
)
def test_what_a_staff_fixes_is_cached_by_value_and_read_only(subject, seed, team_size, house_size):
    from simulation import networks
    from simulation.parameters import Parameters

    subject = np.array(subject, dtype=np.int64)
    specialism = np.random.default_rng(seed).integers(0, 4, subject.size)
    p = Parameters(team_size=team_size, house_size=house_size)
    team = networks._course_teams.__wrapped__(subject, specialism, team_size)
    cases = [
        (networks._course_teams, (subject, specialism, team_size)),
        (networks._house_teams, (subject, specialism, house_size, team_size)),
        (networks._groups, (subject,)),
        (networks._members_by_id, (team,)),
        (networks._complete_within, (team,)),
        (networks._mean_teammates, (team,)),
    ]
    for function, args in cases:
        fresh = function.__wrapped__(*(a.copy() if isinstance(a, np.ndarray) else a for a in args))
        for cached in (function(*args), function(*args)):  # computed, then looked up
            assert _same_and_read_only(cached, fresh)
    # a later write to the caller's array is a new key, not a stale answer
    changed = subject.copy()
    changed[0] = (changed[0] + 1) % 6
    assert np.array_equal(
        networks._course_teams(changed, specialism, team_size),
        networks._course_teams.__wrapped__(changed, specialism, team_size),
    )
    # a structure built from the cache is the one built without it, draw for draw
    for name in ("isolated", "departments", "plc", "networked_plc", "houses"):
        warm = networks.build(name, subject, specialism, p, np.random.default_rng(seed))
        for function, _ in cases:
            function.cache_clear()
        cold = networks.build(name, subject, specialism, p, np.random.default_rng(seed))
        for a, b in ((warm.team, cold.team), (warm.house, cold.house)):
            assert np.array_equal(a, b)
        for field in ("src", "dst", "kind", "weight", "visibility", "shared_goal"):
            assert np.array_equal(getattr(warm.ties, field), getattr(cold.ties, field))
        assert (warm.density, warm.clustering) == (cold.density, cold.clustering)


def _same_and_read_only(cached, fresh) -> bool:
    """``cached`` holds what ``fresh`` does (type, dtype, shape, bytes), its arrays read-only."""
    if isinstance(fresh, tuple):
        return (
            isinstance(cached, tuple)
            and len(cached) == len(fresh)
            and all(map(_same_and_read_only, cached, fresh))
        )
    if isinstance(fresh, np.ndarray):
        return (
            isinstance(cached, np.ndarray)
            and not cached.flags.writeable
            and (cached.dtype, cached.shape) == (fresh.dtype, fresh.shape)
            and cached.tobytes() == fresh.tobytes()
        )
    return type(cached) is type(fresh) and cached == fresh


@settings(max_examples=60, deadline=None)
@given(size=st.integers(0, 91), per_member=st.floats(0.0, 12.0), seed=st.integers(0, 2**31 - 1))
def test_dense_random_pairs_are_the_drawn_upper_pairs(size, per_member, seed):
    from simulation.networks import sample_pairs

    members = np.sort(np.random.default_rng(seed).choice(1000, size, replace=False))
    got = sample_pairs(members, per_member, np.random.default_rng(seed))
    # as first written: the upper-triangle pairs the draw picks, column by column
    # (up to 91 members every request is dense: at most 4095 possible pairs)
    possible = size * (size - 1) // 2
    m = min(possible, round(per_member * size / 2))
    want = np.empty((0, 2), dtype=np.int64)
    if m > 0:
        i, j = np.triu_indices(size, 1)
        rng = np.random.default_rng(seed)
        pick = rng.choice(possible, m, replace=False) if m < possible else np.arange(possible)
        want = np.column_stack([members[i[pick]], members[j[pick]]])
    assert got.dtype == want.dtype and got.shape == want.shape
    assert got.tobytes() == want.tobytes()
