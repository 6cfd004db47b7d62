// Every string the app shows through gettext() has a translation in both djangojs catalogs:
// a string added to a module and not to server/webapp/locale/{vi,en} fails here.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, readdirSync } from "node:fs";

const ROOT = new URL("../../server/webapp/", import.meta.url);
const JS = new URL("static/webapp/js/", ROOT);

/** gettext("…") literals of the modules; a non-literal argument is reported as such. */
export function uiStrings(source) {
  const found = [];
  for (const m of source.matchAll(/(?<![.\w])gettext\(\s*("(?:[^"\\]|\\.)*"|[^)]*)/g)) {
    found.push(m[1].startsWith('"') ? JSON.parse(m[1]) : `<not a literal: ${m[1]}>`);
  }
  return found;
}

/** msgid → msgstr of a .po file; fuzzy entries and obsolete ones are left out. */
export function parsePo(text) {
  const entries = new Map();
  for (const block of text.split(/\n\s*\n/)) {
    if (/^#,.*fuzzy/m.test(block)) continue;
    const lines = block.split("\n").filter((l) => !l.startsWith("#"));
    let key = null;
    const parts = { msgid: "", msgstr: "" };
    for (const line of lines) {
      const m = /^(msgid|msgstr) (".*")$/.exec(line);
      if (m) key = m[1];
      const literal = m ? m[2] : /^".*"$/.test(line) ? line : null;
      if (key && literal) parts[key] += JSON.parse(literal);
    }
    if (parts.msgid) entries.set(parts.msgid, parts.msgstr);
  }
  return entries;
}

const modules = readdirSync(JS).filter((f) => f.endsWith(".mjs"));
const strings = [...new Set(modules.flatMap((f) => uiStrings(readFileSync(new URL(f, JS), "utf8"))))];

test("the modules show strings through gettext", () => {
  assert.ok(strings.length > 120, `only ${strings.length} strings found`);
  assert.deepEqual(strings.filter((s) => s.startsWith("<not a literal")), []);
});

for (const lang of ["vi", "en"]) {
  test(`every UI string is translated in the ${lang} catalog`, () => {
    const catalog = parsePo(readFileSync(new URL(`locale/${lang}/LC_MESSAGES/djangojs.po`, ROOT), "utf8"));
    assert.deepEqual(strings.filter((s) => !catalog.get(s)), []);
  });
}

test("the catalog reader sees a missing, a fuzzy and a wrapped entry", () => {
  const po = 'msgid "A"\nmsgstr ""\n\n#, fuzzy\nmsgid "B"\nmsgstr "b"\n\nmsgid ""\n"C "\n"d"\nmsgstr ""\n"c d"\n';
  const catalog = parsePo(po);
  assert.equal(catalog.get("A"), "");
  assert.equal(catalog.has("B"), false);
  assert.equal(catalog.get("C d"), "c d");
  assert.deepEqual(uiStrings('gettext("x \\"y\\"") + gettext(name)'), ['x "y"', "<not a literal: name>"]);
});
