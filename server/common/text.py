"""Text folding for search that ignores Vietnamese diacritics and case.

Folding happens in Python and the folded form is stored in its own column, so the
same query matches identically on SQLite and PostgreSQL (neither database's
collation or unaccent extension is involved).
"""

import unicodedata

_SPECIAL = str.maketrans({"đ": "d", "Đ": "d", "ð": "d"})


def fold(text: str) -> str:
    """Return lower-case ASCII-ish text: 'Nguyễn Văn Ánh' -> 'nguyen van anh'."""
    decomposed = unicodedata.normalize("NFD", text.translate(_SPECIAL))
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(stripped.lower().split())
