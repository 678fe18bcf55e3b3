"""The extractors' word lists that name schema terms, read from `kg/data/` and checked against
`schemas/model.yaml` on load: a relation verb is filed under a Document→Document edge's
`lineage` name, a meeting action under a value of ACTS_ON's `action`, so a lexicon line cannot
produce a relation or action the graph does not define (an unknown name is an error naming
the file and line)."""
from __future__ import annotations

import re
from pathlib import Path

from kg.model import schema
from kg.vocab import DATA_DIR, keyed_entries

RELATION_VERBS_FILE = DATA_DIR / "relation_verbs.tsv"
MEETING_ACTIONS_FILE = DATA_DIR / "meeting_actions.tsv"


def relation_verbs(path: Path = RELATION_VERBS_FILE) -> list[tuple[str, re.Pattern]]:
    """(relation, verb pattern) in the file's order."""
    known = set(schema().lineage_edges().values())
    return [(rel, _whole_words(verb)) for rel, verb in keyed_entries(path, known, "relation")]


def meeting_actions(path: Path = MEETING_ACTIONS_FILE) -> list[tuple[str, re.Pattern]]:
    """(action, words pattern) in the file's order."""
    known = set(schema().edges["ACTS_ON"].properties["action"].enum)
    return [(action, _whole_words(words)) for action, words in keyed_entries(path, known, "action")]


def _whole_words(body: str) -> re.Pattern:
    return re.compile(rf"(?i)(?<!\w)(?:{body})(?!\w)")
