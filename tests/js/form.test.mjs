// The live form runtime gives the same [path, code] errors as forms/validate.py on the
// survey conformance cases, and builds float-free payloads.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { canonicalJson } from "../../server/webapp/static/webapp/js/canonical.mjs";
import { payloadOf, prepareForm, runForm } from "../../server/webapp/static/webapp/js/form.mjs";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const load = (...p) => JSON.parse(readFileSync(join(ROOT, ...p), "utf8"));
const survey = () => prepareForm(load("forms", "definitions", "household_survey", "v1.json"));
const CASES = readdirSync(join(ROOT, "forms", "conformance", "survey")).filter((f) => f.endsWith(".json")).sort();

for (const file of CASES) {
  test(`survey case ${file} gives the Python validator's errors`, () => {
    const c = load("forms", "conformance", "survey", file);
    const def = load("forms", "definitions", c.form.id, `v${c.form.version}.json`);
    const found = runForm(prepareForm(def), c.answers).errors.map((e) => [e.path, e.code]);
    assert.deepEqual(found, c.expected.valid ? [] : c.expected.errors);
  });
}

test("an empty survey reports required questions in Vietnamese", () => {
  const errors = runForm(survey(), {}).errors;
  const first = errors.find((e) => e.path === "survey_date");
  assert.equal(first.code, "required");
  assert.equal(first.vi, "Câu hỏi này bắt buộc phải trả lời.");
});

test("a string in an integer question is a type error, not a crash", () => {
  const errors = runForm(survey(), { review_year: "20x4" }).errors;
  assert.deepEqual(errors.find((e) => e.path === "review_year").code, "type");
});

test("relevance hides questions and the payload drops their stale answers", () => {
  const form = survey();
  const answers = {
    members: [{ full_name: "A", birth_date_known: "year_only", birth_year: 1980, birth_date: "1980-01-01" }],
    serious_illness_12m: "no", illness_without_care: "yes", living_area: "45.50",
    house_gps: { latitude: 21.028511, longitude: "105.804817", accuracy: 12 },
  };
  const run = runForm(form, answers);
  assert.equal(run.relevant["members[0].birth_date"], false);
  assert.equal(run.relevant.illness_without_care, false);
  const payload = payloadOf(form, answers, run);
  assert.equal("birth_date" in payload.members[0], false);
  assert.equal("illness_without_care" in payload, false);
  assert.equal(payload.living_area, "45.5");
  assert.deepEqual(payload.house_gps, { latitude: "21.028511", longitude: "105.804817", accuracy: 12 });
  assert.doesNotThrow(() => canonicalJson(payload), "no floats in the payload");
});

test("an integral decimal travels as a JSON integer", () => {
  const form = survey();
  const answers = { living_area: "45" };
  assert.equal(payloadOf(form, answers, runForm(form, answers)).living_area, 45);
});

test("control characters in text are refused like the server does", () => {
  const run = runForm(survey(), { volunteer_remarks: "ok\u0007" });
  assert.equal(run.errors.find((e) => e.path === "volunteer_remarks").code, "type");
  const fine = runForm(survey(), { volunteer_remarks: "dòng 1\ndòng 2\tx" });
  assert.equal(fine.errors.find((e) => e.path === "volunteer_remarks"), undefined);
});

test("a roster row pre-filled from the registry keeps its member_id in the payload, and validates", () => {
  const form = survey();
  const c = load("forms", "conformance", "survey", "poor_rural_2024_four_deprivations.json");
  const answers = { ...c.answers, members: c.answers.members.map((m, i) => (i === 0 ? { ...m, member_id: "m-head" } : m)) };
  const run = runForm(form, answers);
  assert.deepEqual(run.errors, []);
  const payload = payloadOf(form, answers, run);
  assert.equal(payload.members[0].member_id, "m-head");
  assert.equal("member_id" in payload.members[1], false);
});
