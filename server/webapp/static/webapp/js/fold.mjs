// Diacritics-insensitive search key, step for step as server/common/text.py folds:
// lowercase, NFD, drop nonspacing and enclosing marks (every block, not only
// U+0300–U+036F), đ/ð → d, collapse whitespace. Golden cases:
// forms/conformance/fold/cases.json.
const MARKS = /[\p{Mn}\p{Me}]/gu;

export function fold(text) {
  return String(text ?? "")
    .toLowerCase()
    .normalize("NFD")
    .replace(MARKS, "")
    .replace(/[đð]/g, "d")
    .replace(/\s+/g, " ")
    .trim();
}

/** True when every word of the query appears in the folded text. */
export function matches(query, text) {
  const hay = fold(text);
  return fold(query).split(" ").every((word) => hay.includes(word));
}
