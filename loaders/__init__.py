"""Readers (files → Article) and extractors (Article → mentions with evidence)."""
from loaders.readers import read_path, read_text_article, read_jsonl

__all__ = ["read_path", "read_text_article", "read_jsonl"]
