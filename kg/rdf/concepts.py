"""kg's own small vocabularies as SKOS, generated from the data tables:

- document types (`kg/data/doc_types.tsv`) as a `skos:ConceptScheme` whose concepts are
  `eli:ResourceType`s, the range of `eli:type_document`, each `skos:closeMatch` to the EU
  resource-type table where one fits (`kg/data/doc_type_eu.tsv`);
- post kinds (`kg/data/post_heads.txt`, abbreviations expanded) as `org:Role`s, what an
  `org:Membership` names with `org:role`.

Their IRIs live in the ontology's namespace, so they do not depend on `--base-iri`.
"""
from __future__ import annotations

from functools import lru_cache

from kg.rdf.iri import literal
from kg.rdf.mapping import T, expand
from kg.text import fold_tones, key, slug
from kg.vocab import entries, expand as expand_abbreviations

EU_RESOURCE_TYPE = "http://publications.europa.eu/resource/authority/resource-type/"
DOC_TYPES = "kg:DocumentTypes"
ROLES = "kg:PostKinds"


def _kg(local: str) -> str:
    return f"<{expand('kg:' + local)}>"


@lru_cache(maxsize=1)
def doc_types() -> dict[str, tuple[str, str]]:
    """Folded type word → (display word, number code) for every row of doc_types.tsv."""
    out = {}
    for line in entries("doc_types.tsv"):
        word, _, codes = line.partition("\t")
        out[key(word)] = (word, codes.split(",")[0].strip())
    return out


def doc_type_iri(word: str) -> str | None:
    found = doc_types().get(key(word))
    return _kg("doctype-" + slug(found[0])) if found else None


@lru_cache(maxsize=1)
def roles() -> dict[str, str]:
    """Folded post head (abbreviations expanded) → display head, longest first."""
    heads = {}
    for head in entries("post_heads.txt"):
        full = expand_abbreviations(head)
        heads.setdefault(key(full), fold_tones(full))
    return dict(sorted(heads.items(), key=lambda kv: -len(kv[0])))


def role_iri(post_name: str) -> str | None:
    """The org:Role of a post: the longest post head its name starts with."""
    name = key(expand_abbreviations(post_name))
    for head_key, head in roles().items():
        if name == head_key or name.startswith(head_key + " "):
            return _kg("role-" + slug(head))
    return None


def scheme_blocks() -> list:
    """The two concept schemes and their concepts, as subject blocks."""
    eu = {key(w): code for w, _, code in (line.partition("\t") for line in entries("doc_type_eu.tsv"))}
    scheme, blocks = _kg(DOC_TYPES.partition(":")[2]), []
    for folded, (word, code) in doc_types().items():
        pos = [(T.TYPE, T.RESOURCE_TYPE), (T.TYPE, T.CONCEPT), (T.IN_SCHEME, scheme), (T.PREF_LABEL, literal(word, lang="vi"))]
        pos += [(T.NOTATION, literal(code))] if code else []
        pos += [(T.CLOSE_MATCH, f"<{EU_RESOURCE_TYPE}{eu[folded]}>")] if folded in eu else []
        blocks.append((doc_type_iri(word), pos))
    roles_scheme = _kg(ROLES.partition(":")[2])
    for head in roles().values():
        blocks.append((_kg("role-" + slug(head)), [(T.TYPE, T.ROLE_CLASS), (T.TYPE, T.CONCEPT), (T.IN_SCHEME, roles_scheme),
                                                   (T.PREF_LABEL, literal(head, lang="vi"))]))
    label = lambda vi, en: [(T.PREF_LABEL, literal(vi, lang="vi")), (T.PREF_LABEL, literal(en, lang="en"))]  # noqa: E731
    blocks.insert(0, (scheme, [(T.TYPE, T.SCHEME), *label("Loại văn bản", "Document types")]))
    blocks.insert(1, (roles_scheme, [(T.TYPE, T.SCHEME), *label("Loại chức vụ", "Kinds of post")]))
    return blocks
