"""Data files that define kg's types; shipped inside the wheel."""
from pathlib import Path

SCHEMA_DIR = Path(__file__).parent
MODEL_FILE = SCHEMA_DIR / "model.yaml"
