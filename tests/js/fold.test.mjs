import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { fold, matches } from "../../server/webapp/static/webapp/js/fold.mjs";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const CASES = JSON.parse(readFileSync(join(ROOT, "forms", "conformance", "fold", "cases.json"), "utf8")).cases;

test("the golden fold cases are all loaded", () => assert.equal(CASES.length, 25));

// The same cases server/common/text.py passes (tests/server/common/test_fold.py).
for (const c of CASES) {
  for (const form of [null, "NFC", "NFD"]) {
    test(`fold golden case ${c.id} (${form ?? "as written"})`, () => {
      assert.equal(fold(form ? c.input.normalize(form) : c.input), c.folded);
    });
  }
}

test("fold treats null and undefined as empty text", () => {
  assert.equal(fold(null), "");
  assert.equal(fold(undefined), "");
});

test("search is insensitive to diacritics, case and word order", () => {
  assert.ok(matches("nguyen van a", "Nguyễn Văn A"));
  assert.ok(matches("van NGUYEN", "Nguyễn Văn A · HD001"));
  assert.ok(matches("", "anything"));
  assert.ok(!matches("tran", "Nguyễn Văn A"));
  assert.ok(matches("dao", "Đỗ Thị Đào"));
  assert.ok(matches("gudrun", "Guðrún"));
});
