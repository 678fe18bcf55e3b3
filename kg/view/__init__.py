"""`kg view`: one self-contained HTML page per lineage, person or document (SVG laid out in
Python, no script, nothing fetched when the page is opened)."""
