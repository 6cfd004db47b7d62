// Every case of forms/conformance/expressions/*.json against the JavaScript engine.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { compile, Dec, DateV, evaluate, ExpressionError, typeName } from "../../server/webapp/static/webapp/js/expr.mjs";
import { decode, prepareForm } from "../../server/webapp/static/webapp/js/form.mjs";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const CASES_DIR = join(ROOT, "forms", "conformance", "expressions");

const spec = (s) => (typeof s === "string" ? { type: s } : s);

function info(s) {
  s = spec(s);
  if (s.type === "repeat") {
    return { kind: "repeat", members: Object.fromEntries(Object.entries(s.fields).map(([k, v]) => [k, info(v)])) };
  }
  return { kind: s.type, choices: s.choices ? new Set(s.choices) : null };
}

function scopeOf(fields, repeat) {
  const infos = Object.fromEntries(Object.entries(fields).map(([k, v]) => [k, info(v)]));
  const memberIds = new Set(Object.values(infos).flatMap((i) => Object.keys(i.members || {})));
  return { fields: infos, repeat: repeat || null, memberIds };
}

// A minimal prepared form so that decode() can check choices.
function decoderFor(fields) {
  const lists = {};
  for (const [k, v] of Object.entries(fields)) {
    const s = spec(v);
    if (s.choices) lists[k] = s.choices.map((c) => ({ value: c, label: { vi: c, en: c } }));
    if (s.type === "repeat") Object.assign(lists, decoderFor(s.fields).lists);
  }
  return { lists, form: { choiceLists: lists } };
}

function decodeLevel(fields, raw, form) {
  const out = {};
  for (const [key, value] of Object.entries(raw || {})) {
    const s = spec(fields[key]);
    if (value === null) out[key] = null;
    else if (s.type === "repeat") out[key] = value.map((item) => decodeLevel(s.fields, item, form));
    else out[key] = decode(form, { id: key, type: s.type, choices: s.choices ? key : undefined }, value);
  }
  return out;
}

export function runCase(fields, c) {
  let node;
  try {
    node = compile(c.expression, scopeOf(fields, c.scope));
  } catch (error) {
    if (error instanceof ExpressionError) return { error: error.code, phase: "load" };
    throw error;
  }
  const { form } = decoderFor(fields);
  const values = decodeLevel(fields, c.answers, form);
  const item = c.scope ? (values[c.scope] || [])[c.item || 0] : null;
  const [y, m, d] = (c.reference_date || "").split("-").map(Number);
  const env = { values, item, referenceDate: c.reference_date ? new DateV(y, m, d) : null };
  try {
    const value = evaluate(node, env);
    return { value, type: typeName(value) };
  } catch (error) {
    if (error instanceof ExpressionError) return { error: error.code, phase: "evaluate" };
    throw error;
  }
}

function sameValue(value, expected) {
  switch (expected.type) {
    case "null": return value === null;
    case "decimal": {
      const a = value;
      const b = Dec.parse(String(expected.value));
      const s = Math.max(a.s, b.s);
      return a.u * 10n ** BigInt(s - a.s) === b.u * 10n ** BigInt(s - b.s);
    }
    case "date": return value.toString() === expected.value;
    case "list": return JSON.stringify(value) === JSON.stringify(expected.value);
    default: return value === expected.value;
  }
}

const files = readdirSync(CASES_DIR).filter((f) => f.endsWith(".json")).sort();
test("conformance case files exist", () => assert.ok(files.length > 0, `no cases in ${CASES_DIR}`));

for (const file of files) {
  const data = JSON.parse(readFileSync(join(CASES_DIR, file), "utf8"));
  for (const c of data.cases) {
    test(`${file}: ${c.id}: ${c.expression}`, () => {
      const outcome = runCase(data.fields, c);
      if ("error" in c) {
        assert.equal(outcome.error, c.error, `expected error ${c.error}, got ${JSON.stringify(outcome)}`);
        if (c.phase) assert.equal(outcome.phase, c.phase);
        return;
      }
      assert.equal(outcome.error, undefined, `unexpected error ${outcome.error}`);
      assert.equal(outcome.type, c.expected.type, `type of ${String(outcome.value)}`);
      assert.ok(sameValue(outcome.value, c.expected), `got ${String(outcome.value)}, expected ${JSON.stringify(c.expected.value)}`);
    });
  }
}

test("shipped form definitions compile in the JavaScript engine", () => {
  const dir = join(ROOT, "forms", "definitions");
  for (const sub of readdirSync(dir)) {
    for (const f of readdirSync(join(dir, sub)).filter((x) => x.endsWith(".json"))) {
      const def = JSON.parse(readFileSync(join(dir, sub, f), "utf8"));
      assert.ok(prepareForm(def).compiled.size > 0, `${sub}/${f}`);
    }
  }
});
