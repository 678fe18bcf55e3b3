"""Lexicons live in kg/data/, keyed by the schema's names and checked against them on load."""
from __future__ import annotations

import pytest

from kg.gazetteer import aliases
from kg.model import schema
from kg.vocab import LexiconError
from loaders.extract.lexicon import meeting_actions, relation_verbs


def _write(tmp_path, name: str, lines: list[str]):
    path = tmp_path / name
    path.write_text("# a comment line\n\n" + "\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_packaged_lexicons_name_only_schema_terms():
    lineage = set(schema().lineage_edges().values())
    actions = set(schema().edges["ACTS_ON"].properties["action"].enum)
    assert {rel for rel, _ in relation_verbs()} <= lineage
    assert {action for action, _ in meeting_actions()} == actions  # each action can be found
    assert [rel for rel, p in relation_verbs() if p.search("Kế hoạch này triển khai thực hiện")] == ["implements"]


@pytest.mark.parametrize("load, good, bad", [
    (relation_verbs, "amends\tsửa đổi", "amend\tsửa đổi"),
    (meeting_actions, "adopt\tthông qua", "approve\tthông qua"),
    (aliases, "Hồ Chí Minh\tSài Gòn", "Sài Gòn\tHồ Chí Minh"),
])
def test_an_unknown_name_in_a_lexicon_is_an_error_naming_file_and_line(tmp_path, load, good, bad):
    path = _write(tmp_path, "lexicon.tsv", [good, bad])
    with pytest.raises(LexiconError) as raised:
        load(path)
    message = str(raised.value)
    assert message.startswith(f"{path}:4: unknown ") and repr(bad.split("\t")[0]) in message
    assert load(_write(tmp_path, "fine.tsv", [good]))  # the good line alone loads


def test_a_line_without_its_value_is_an_error_naming_file_and_line(tmp_path):
    path = _write(tmp_path, "verbs.tsv", ["replaces\tthay thế", "guides"])
    with pytest.raises(LexiconError, match=r"verbs\.tsv:4: expected"):
        relation_verbs(path)


def test_a_loaded_lexicon_drives_the_extractor_patterns(tmp_path):
    verbs = relation_verbs(_write(tmp_path, "verbs.tsv", ["replaces\tbãi bỏ"]))
    assert [(rel, bool(p.search("Quyết định này BÃI BỎ Quyết định số 5"))) for rel, p in verbs] == \
        [("replaces", True)]
    assert verbs[0][1].search("xbãi bỏ") is None
