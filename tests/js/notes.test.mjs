// Notes show `${name}` filled in from the current answers, through the expression evaluator.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { displayValue, fillPlaceholders, prepareForm, runForm } from "../../server/webapp/static/webapp/js/form.mjs";
import { Dec, DateV } from "../../server/webapp/static/webapp/js/expr.mjs";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const load = (...p) => JSON.parse(readFileSync(join(ROOT, ...p), "utf8"));
const definition = load("forms", "definitions", "household_survey", "v1.json");
const survey = () => prepareForm(definition);

function note(id) {
  const walk = (nodes) => nodes.flatMap((q) => [q, ...walk(q.questions || [])]);
  return walk(definition.sections).find((q) => q.id === id).label;
}

const members = (n) => Array.from({ length: n }, (_, i) => ({ full_name: `Người ${i + 1}` }));

test("the member count note shows the number of members listed so far", () => {
  const form = survey();
  const run = runForm(form, { members: members(3) });
  assert.equal(fillPlaceholders(form, note("member_count_note").vi, run, "vi"), "Số nhân khẩu đã kê khai: 3");
  assert.equal(fillPlaceholders(form, note("member_count_note").en, run, "en"), "Members listed: 3");
});

test("the note follows the answers as they change", () => {
  const form = survey();
  const text = note("member_count_note").vi;
  assert.equal(fillPlaceholders(form, text, runForm(form, {}), "vi"), "Số nhân khẩu đã kê khai: 0");
  assert.equal(fillPlaceholders(form, text, runForm(form, { members: members(5) }), "vi"), "Số nhân khẩu đã kê khai: 5");
});

test("income per person is written in each language's number format", () => {
  const form = survey();
  const answers = { members: members(4), income_sources: ["wages"], income_wages: 72000000 };
  const run = runForm(form, answers);
  assert.equal(
    fillPlaceholders(form, note("income_note").vi, run, "vi"),
    "Thu nhập bình quân đầu người/tháng (tham khảo): 1.500.000 đồng",
  );
  assert.equal(
    fillPlaceholders(form, note("income_note").en, run, "en"),
    "Income per person per month (for reference): 1,500,000 VND",
  );
});

test("a value not computable yet shows a dash, never the placeholder", () => {
  const form = survey();
  const text = fillPlaceholders(form, note("income_note").vi, runForm(form, {}), "vi");
  assert.equal(text, "Thu nhập bình quân đầu người/tháng (tham khảo): — đồng");
  assert.equal(text.includes("${"), false);
});

test("the housing note counts the non-durable structures", () => {
  const form = survey();
  const answers = { wall_material: "bamboo", column_material: "bamboo", roof_material: "tile" };
  assert.equal(
    fillPlaceholders(form, note("housing_note").vi, runForm(form, answers), "vi"),
    "Nhà tạm, nhà thiếu kiên cố: có 2/3 kết cấu chính bằng vật liệu không bền chắc.",
  );
});

test("values read as a person writes them", () => {
  assert.equal(displayValue(Dec.parse("36.50"), "vi"), "36,5");
  assert.equal(displayValue(Dec.parse("1234567.25"), "en"), "1,234,567.25");
  assert.equal(displayValue(-1500000, "vi"), "-1.500.000");
  assert.equal(displayValue(new DateV(2026, 3, 9), "vi"), "09/03/2026");
  assert.equal(displayValue(true, "vi"), "có");
  assert.equal(displayValue(null, "en"), "—");
});
