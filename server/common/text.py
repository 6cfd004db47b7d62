"""Text folding for search that ignores Vietnamese diacritics and case.

Folding happens in Python and the folded form is stored in its own column, so the
same query matches identically on SQLite and PostgreSQL (neither database's
collation or unaccent extension is involved). The volunteer app folds on the phone
with server/webapp/static/webapp/js/fold.mjs; both follow the same steps and pass the
same golden cases (forms/conformance/fold/cases.json), so a name found on the phone
is found on the server.
"""

import re
import unicodedata

# Letters that carry a stroke rather than a combining mark, so NFD leaves them whole.
_STROKED_D = str.maketrans({"đ": "d", "ð": "d"})
# Nonspacing and enclosing marks in every block (U+0300–U+036F, U+1AB0–U+1AFF,
# U+1DC0–U+1DFF, U+20D0–U+20FF, U+FE20–U+FE2F…), by category rather than by
# combining class: U+034F and the enclosing marks have combining class 0.
_MARKS = frozenset({"Mn", "Me"})
# Exactly JavaScript's \s, which str.split() does not match (it adds U+001C–U+001F and
# U+0085, and lacks U+FEFF).
_SPACE = re.compile("[\t\n\v\f\r \u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\ufeff]+")


def fold(text: str) -> str:
    """Return lower-case text without marks: 'Nguyễn Văn Ánh' -> 'nguyen van anh'."""
    decomposed = unicodedata.normalize("NFD", text.lower())
    stripped = "".join(ch for ch in decomposed if unicodedata.category(ch) not in _MARKS)
    return _SPACE.sub(" ", stripped.translate(_STROKED_D)).strip(" ")
