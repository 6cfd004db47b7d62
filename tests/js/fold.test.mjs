import { test } from "node:test";
import assert from "node:assert/strict";
import { fold, matches } from "../../server/webapp/static/webapp/js/fold.mjs";

test("fold strips Vietnamese diacritics and đ", () => {
  assert.equal(fold("Nguyễn Văn A"), "nguyen van a");
  assert.equal(fold("ĐỖ THỊ ĐÀO"), "do thi dao");
  assert.equal(fold("Thôn Nà Pò"), "thon na po");
  assert.equal(fold("Hoa\u0300"), fold("Hoà"));
});

test("search is insensitive to diacritics, case and word order", () => {
  assert.ok(matches("nguyen van a", "Nguyễn Văn A"));
  assert.ok(matches("van NGUYEN", "Nguyễn Văn A · HD001"));
  assert.ok(matches("", "anything"));
  assert.ok(!matches("tran", "Nguyễn Văn A"));
  assert.ok(matches("dao", "Đỗ Thị Đào"));
});
