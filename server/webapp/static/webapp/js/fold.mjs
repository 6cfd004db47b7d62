// Diacritics-insensitive search key: NFD, strip combining marks, đ→d, lowercase.
export function fold(text) {
  return String(text ?? "")
    .normalize("NFD")
    .replace(/[\u0300-\u036f]/g, "")
    .replace(/[đĐ]/g, "d")
    .toLowerCase()
    .replace(/\s+/g, " ")
    .trim();
}

/** True when every word of the query appears in the folded text. */
export function matches(query, text) {
  const hay = fold(text);
  return fold(query).split(" ").every((word) => hay.includes(word));
}
