// A form definition (forms.form_to_dict JSON) made live: answers decoding, relevance,
// calculations, required and constraints, in document order, as forms/validate.py does.
// Answers are the wire format of EXPRESSIONS.md §9, except that decimals and geopoint
// numbers may also be strings (sync/PROTOCOL.md §2 forbids floats in payloads).
import { compile, Dec, DateV, evaluate, evaluateCondition, ExpressionError, Geo, parseDate } from "./expr.mjs";

const ANSWERED = new Set(["text", "integer", "decimal", "select_one", "select_multiple", "date", "geopoint", "photo", "repeat"]);
const PHOTO_RE = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}\.(jpe?g|png|webp)$/i;
const HARD_MAX_TEXT = 2000;
const HARD_MAX_REPEAT = 100;

export class Refusal extends Error {
  constructor(code, vi, en) {
    super(en);
    this.code = code;
    this.vi = vi;
    this.en = en;
  }
}

// ---- preparing a definition ---------------------------------------------------------

/** Compile every expression once; returns the prepared form. */
export function prepareForm(def) {
  const fields = {};
  const memberIds = new Set();
  const info = (q) => ({
    kind: q.type,
    choices: q.choices ? new Set((def.choice_lists[q.choices] || []).map((c) => c.value)) : null,
  });
  for (const q of flatten(def.sections)) {
    if (q.type === "repeat") {
      const members = {};
      for (const m of flatten(q.questions || [])) {
        members[m.id] = info(m);
        memberIds.add(m.id);
      }
      fields[q.id] = { kind: "repeat", members };
    } else if (q.type !== "group") {
      fields[q.id] = info(q);
    }
  }
  const form = { def, compiled: new Map(), choiceLists: def.choice_lists, placeholders: new Map() };
  const visit = (nodes, repeat) => {
    for (const q of nodes) {
      const scope = { fields, repeat, memberIds };
      for (const key of ["relevant", "constraint", "calculation"]) {
        if (q[key]) form.compiled.set(`${q.id}:${key}`, compile(q[key], scope));
      }
      if (q.type === "note") compilePlaceholders(form, q.label, { fields, repeat: null, memberIds });
      if (q.questions) visit(q.questions, q.type === "repeat" ? q.id : repeat);
    }
  };
  visit(def.sections, null);
  return form;
}

// ---- placeholders in notes ------------------------------------------------------------

const PLACEHOLDER = /\$\{[A-Za-z_][A-Za-z0-9_]*\}/g;

/** Compile each `${name}` of a note's label as an expression; one that names no value
 * (a repeat) stays uncompiled and shows "—" rather than stopping the whole form. */
function compilePlaceholders(form, text, scope) {
  for (const source of [text?.vi || "", text?.en || ""].join(" ").match(PLACEHOLDER) || []) {
    if (form.placeholders.has(source)) continue;
    try {
      form.placeholders.set(source, compile(source, scope));
    } catch (fault) {
      if (!(fault instanceof ExpressionError)) throw fault;
    }
  }
}

/**
 * A note's text in `language` with each `${name}` replaced by the current value of that
 * question in `run` (numbers in the language's format; "—" while there is no value).
 */
export function fillPlaceholders(form, text, run, language) {
  const env = { values: run.values, item: null, referenceDate: run.referenceDate };
  return text.replace(PLACEHOLDER, (source) => {
    const node = form.placeholders.get(source);
    let value = null;
    try {
      value = node ? evaluate(node, env) : null;
    } catch (fault) {
      if (!(fault instanceof ExpressionError)) throw fault;
    }
    return displayValue(value, language);
  });
}

/** A value as a person reads it: 1.500.000 and 36,5 in Vietnamese, 1,500,000 and 36.5 in English. */
export function displayValue(value, language) {
  if (value === null || value === undefined) return "—";
  if (typeof value === "number" || value instanceof Dec) return displayNumber(String(value), language);
  if (typeof value === "boolean") return language === "en" ? (value ? "yes" : "no") : (value ? "có" : "không");
  if (value instanceof DateV) return value.toString().split("-").reverse().join("/");
  if (Array.isArray(value)) return value.join(", ");
  return String(value);
}

function displayNumber(text, language) {
  const [, sign, whole, fraction] = /^(-?)([0-9]+)(?:\.([0-9]*))?$/.exec(text) || [null, "", text, ""];
  const [group, mark] = language === "en" ? [",", "."] : [".", ","];
  const grouped = whole.replace(/\B(?=(\d{3})+(?!\d))/g, group);
  const kept = (fraction || "").replace(/0+$/, "");
  return sign + grouped + (kept ? mark + kept : "");
}

/** Questions at one answer level: groups flatten, a repeat is one node. */
function flatten(nodes) {
  const out = [];
  for (const q of nodes) {
    if (q.type === "repeat" || !q.questions) out.push(q);
    else {
      if (q.type) out.push(q);
      out.push(...flatten(q.questions));
    }
  }
  return out;
}

export function choicesOf(form, q) {
  return form.choiceLists[q.choices] || [];
}

// ---- decoding one answer (forms/answers.py) ------------------------------------------

const wrongType = (vi, en) => new Refusal("type", vi, en);

// Exact decimal text as forms/answers.py accepts it (no exponent, spaces or separators).
const DECIMAL_TEXT_RE = /^-?[0-9]{1,15}(\.[0-9]{1,12})?$/;
const MAX_DECIMAL_ANSWER = 10n ** 15n;

function decimalOf(raw, vi, en) {
  let d;
  if (typeof raw === "number") d = Dec.fromNumber(raw);
  else if (typeof raw === "string" && DECIMAL_TEXT_RE.test(raw)) d = Dec.parse(raw);
  else throw wrongType(vi, en);
  const magnitude = d.u < 0n ? -d.u : d.u;
  if (magnitude > MAX_DECIMAL_ANSWER * 10n ** BigInt(d.s)) throw new Refusal("range", "Số không hợp lệ.", "The number is out of range.");
  return d;
}

const DECODERS = {
  text(q, raw) {
    if (typeof raw !== "string") throw wrongType("Phải là một chuỗi ký tự.", "Must be a JSON string.");
    if (!raw.trim()) throw new Refusal("blank", "Không được để trống.", "Must not be blank.");
    // C0 controls and DEL except tab, line feed and carriage return, as forms/answers.py.
    // eslint-disable-next-line no-control-regex -- finding control characters is the point.
    if (/[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]/.test(raw)) {
      throw wrongType("Chứa ký tự điều khiển không hợp lệ.", "Contains a control character.");
    }
    const limit = q.max_length || HARD_MAX_TEXT;
    if ([...raw].length > limit) {
      throw new Refusal("length", `Dài quá ${limit} ký tự.`, `Longer than ${limit} characters.`);
    }
    return raw;
  },
  integer(q, raw) {
    if (typeof raw !== "number" || !Number.isInteger(raw)) {
      throw wrongType("Phải là số nguyên.", "Must be a whole number.");
    }
    if (Math.abs(raw) > Number.MAX_SAFE_INTEGER) throw new Refusal("range", "Số quá lớn.", "The number is too large.");
    return raw;
  },
  decimal(q, raw) {
    return decimalOf(raw, "Phải là một số.", "Must be a number.");
  },
  select_one(q, raw, form) {
    if (typeof raw !== "string") throw wrongType("Phải là mã của một lựa chọn.", "Must be one choice code.");
    checkChoice(form, q, raw);
    return raw;
  },
  select_multiple(q, raw, form) {
    if (!Array.isArray(raw) || !raw.every((c) => typeof c === "string")) {
      throw wrongType("Phải là danh sách mã lựa chọn.", "Must be a list of choice codes.");
    }
    if (!raw.length) throw new Refusal("blank", "Phải chọn ít nhất một lựa chọn.", "Select at least one choice.");
    if (new Set(raw).size !== raw.length) throw wrongType("Một lựa chọn bị lặp lại.", "A choice is listed twice.");
    raw.forEach((c) => checkChoice(form, q, c));
    return [...raw];
  },
  date(q, raw) {
    if (typeof raw !== "string" || !/^[0-9]{4}-[0-9]{2}-[0-9]{2}$/.test(raw)) {
      throw wrongType("Phải là ngày dạng YYYY-MM-DD.", "Must be a date as YYYY-MM-DD.");
    }
    let d;
    try {
      d = parseDate(raw);
    } catch {
      throw wrongType("Ngày không có trên lịch.", "Not a calendar date.");
    }
    if (d.y < 1900 || d.y > 2100) throw new Refusal("range", "Ngày ngoài khoảng 1900–2100.", "Date outside 1900–2100.");
    return d;
  },
  geopoint(q, raw) {
    const keys = raw && typeof raw === "object" && !Array.isArray(raw) ? Object.keys(raw).sort().join() : "";
    if (keys !== "accuracy,latitude,longitude") {
      throw wrongType("Phải có vĩ độ, kinh độ và độ chính xác.", "Must have latitude, longitude and accuracy.");
    }
    const n = (v) => decimalOf(v, "Toạ độ phải là số.", "Coordinates must be numbers.");
    const p = new Geo(n(raw.latitude), n(raw.longitude), n(raw.accuracy));
    const within = (d, lo, hi) => Number(d.toString()) >= lo && Number(d.toString()) <= hi;
    if (!within(p.latitude, 7.5, 23.5) || !within(p.longitude, 102.0, 117.5)) {
      throw new Refusal("range", "Toạ độ nằm ngoài lãnh thổ Việt Nam.", "The point lies outside Viet Nam.");
    }
    if (!within(p.accuracy, 0, 10000)) {
      throw new Refusal("range", "Độ chính xác phải từ 0 đến 10.000 m.", "Accuracy must be 0 to 10,000 m.");
    }
    return p;
  },
  photo(q, raw) {
    if (typeof raw !== "string" || !PHOTO_RE.test(raw)) throw wrongType("Tên ảnh không hợp lệ.", "Not a photo file name.");
    return raw;
  },
};

function checkChoice(form, q, code) {
  if (!choicesOf(form, q).some((c) => c.value === code)) {
    throw new Refusal("choice", `“${code}” không phải là lựa chọn hợp lệ.`, `“${code}” is not a valid choice.`);
  }
}

const show = (n, sep) => String(n).replace(/\B(?=(\d{3})+(?!\d))/g, sep);

function checkBounds(q, value) {
  if (typeof value !== "number" && !(value instanceof Dec)) return;
  const v = Number(value.toString());
  const lo = q.min ?? null;
  const hi = q.max ?? null;
  if ((lo === null || v >= lo) && (hi === null || v <= hi)) return;
  if (hi === null) throw new Refusal("range", `Giá trị phải từ ${show(lo, ".")} trở lên.`, `The value must be at least ${show(lo, ",")}.`);
  if (lo === null) throw new Refusal("range", `Giá trị phải từ ${show(hi, ".")} trở xuống.`, `The value must be at most ${show(hi, ",")}.`);
  throw new Refusal("range", `Giá trị phải từ ${show(lo, ".")} đến ${show(hi, ".")}.`, `The value must be between ${show(lo, ",")} and ${show(hi, ",")}.`);
}

/** Decode a non-null answer, or throw a Refusal. */
export function decode(form, q, raw) {
  const value = DECODERS[q.type](q, raw, form);
  checkBounds(q, value);
  return value;
}

// ---- running a form ------------------------------------------------------------------

const isUnanswered = (raw) => raw === null || raw === undefined;

/**
 * Evaluate `answers` against `form`. Returns {values, relevant, errors} where relevant
 * maps answer paths (`members[0].birth_date`) to booleans and errors lists every fault
 * in document order as {path, code, vi, en}.
 */
export function runForm(form, answers, referenceDate = null) {
  const run = { form, values: {}, relevant: {}, errors: [], refused: {}, referenceDate };
  const top = { raw: answers, store: null, prefix: "" };
  for (const s of form.def.sections) resolve(s, top, run, true);
  for (const s of form.def.sections) checkNode(s, top, run);
  return run;
}

const envOf = (run, level) => ({ values: run.values, item: level.store, referenceDate: run.referenceDate });

function store(run, level, id, value) {
  if (level.store) level.store[id] = value;
  else run.values[id] = value;
}

function resolve(q, level, run, inherited) {
  const path = level.prefix + q.id;
  const relevant = inherited && isRelevant(q, envOf(run, level), path, run);
  run.relevant[path] = relevant;
  const type = q.type || "group";
  if (type === "group") (q.questions || []).forEach((c) => resolve(c, level, run, relevant));
  else if (type === "repeat") run.values[q.id] = resolveRepeat(q, level, run, relevant);
  else if (type === "calculate") store(run, level, q.id, relevant ? calculate(q, level, run) : null);
  else if (type !== "note") store(run, level, q.id, relevant ? decoded(q, level, run) : null);
}

function expressionError(path, key, fault) {
  return {
    path, code: "expression",
    vi: `Không tính được biểu thức “${key}” của câu hỏi (${fault.code}).`,
    en: `The question's “${key}” expression could not be evaluated (${fault.code}).`,
  };
}

function guarded(run, path, key, fn, fallback) {
  try {
    return fn();
  } catch (fault) {
    if (!(fault instanceof ExpressionError)) throw fault;
    run.errors.push(expressionError(path, key, fault));
    return fallback;
  }
}

function isRelevant(q, env, path, run) {
  const node = run.form.compiled.get(`${q.id}:relevant`);
  if (!node) return true;
  return guarded(run, path, "relevant", () => evaluateCondition(node, env) === true, false);
}

function calculate(q, level, run) {
  const node = run.form.compiled.get(`${q.id}:calculation`);
  return guarded(run, level.prefix + q.id, "calculation", () => evaluate(node, envOf(run, level)), null);
}

function decoded(q, level, run) {
  const raw = level.raw[q.id];
  if (isUnanswered(raw)) return null;
  try {
    return decode(run.form, q, raw);
  } catch (refusal) {
    if (!(refusal instanceof Refusal)) throw refusal;
    run.refused[level.prefix + q.id] = refusal;
    return null;
  }
}

function resolveRepeat(q, level, run, relevant) {
  const raw = level.raw[q.id];
  const path = level.prefix + q.id;
  if (isUnanswered(raw)) return [];
  if (!Array.isArray(raw) || !raw.every((it) => it && typeof it === "object" && !Array.isArray(it))) {
    run.refused[path] = new Refusal("type", "Phải là danh sách các mục.", "Must be a list of items.");
    return [];
  }
  const high = Math.min(q.max_count || HARD_MAX_REPEAT, HARD_MAX_REPEAT);
  const low = q.min_count || 0;
  if (raw.length < low || raw.length > high) {
    run.refused[path] = new Refusal(
      "range",
      `Số mục phải từ ${low} đến ${high} (đang có ${raw.length}).`,
      `The number of items must be ${low} to ${high} (got ${raw.length}).`,
    );
  }
  if (!relevant || raw.length > HARD_MAX_REPEAT) return [];
  return raw.map((rawItem, i) => {
    const itemLevel = { raw: rawItem, store: {}, prefix: `${path}[${i}].` };
    (q.questions || []).forEach((c) => resolve(c, itemLevel, run, true));
    return itemLevel.store;
  });
}

function pushError(run, path, code, vi, en) {
  run.errors.push({ path, code, vi, en });
}

function checkNode(q, level, run) {
  const type = q.type || "group";
  if (type === "group") (q.questions || []).forEach((c) => checkNode(c, level, run));
  else if (type === "repeat") checkRepeat(q, level, run);
  else if (ANSWERED.has(type)) checkAnswer(q, level, run);
}

function checkAnswer(q, level, run) {
  const path = level.prefix + q.id;
  const answered = !isUnanswered(level.raw[q.id]);
  const relevant = run.relevant[path];
  const refusal = run.refused[path];
  if (refusal) pushError(run, path, refusal.code, refusal.vi, refusal.en);
  if (answered && !relevant) {
    pushError(run, path, "not_relevant", "Câu hỏi này không áp dụng nên không được trả lời.", "This question does not apply.");
  } else if (relevant && !answered && q.required) {
    pushError(run, path, "required", "Câu hỏi này bắt buộc phải trả lời.", "This question requires an answer.");
  } else if (relevant && answered && !refusal) {
    checkConstraint(q, envOf(run, level), path, run);
  }
}

function checkConstraint(q, env, path, run) {
  const node = run.form.compiled.get(`${q.id}:constraint`);
  if (!node) return;
  const result = guarded(run, path, "constraint", () => evaluateCondition(node, env), null);
  if (result === false) {
    const m = q.constraint_message || { vi: "Giá trị không hợp lệ.", en: "Invalid value." };
    pushError(run, path, "constraint", m.vi, m.en);
  }
}

function checkRepeat(q, level, run) {
  const path = level.prefix + q.id;
  const raw = level.raw[q.id];
  const relevant = run.relevant[path];
  const refusal = run.refused[path];
  if (refusal) pushError(run, path, refusal.code, refusal.vi, refusal.en);
  if (Array.isArray(raw) && raw.length && !relevant) {
    pushError(run, path, "not_relevant", "Câu hỏi này không áp dụng nên không được trả lời.", "This question does not apply.");
    return;
  }
  if (relevant && isUnanswered(raw) && (q.min_count || 0) > 0) {
    pushError(run, path, "required", "Phải khai báo ít nhất một mục.", "At least one item is required.");
  }
  if (!relevant || !Array.isArray(raw) || (refusal && refusal.code === "type")) return;
  const items = run.values[q.id];
  raw.forEach((rawItem, i) => {
    const itemLevel = { raw: rawItem, store: { ...items[i] }, prefix: `${path}[${i}].` };
    (q.questions || []).forEach((c) => checkNode(c, itemLevel, run));
  });
  if (raw.length) checkConstraint(q, envOf(run, level), path, run);
}

// ---- building the payload ------------------------------------------------------------

/**
 * The answers to send: unanswered, blank and not-relevant answers dropped, calculations
 * and notes never sent, decimals without a fraction sent as integers, others as strings.
 */
export function payloadOf(form, answers, run) {
  const out = {};
  const level = (nodes, raw, prefix, target) => {
    for (const q of flatten(nodes)) {
      const type = q.type;
      if (!type || !ANSWERED.has(type)) continue;
      const path = prefix + q.id;
      const v = raw[q.id];
      if (isUnanswered(v) || v === "" || !run.relevant[path]) continue;
      if (type === "repeat") {
        target[q.id] = v.map((item, i) => {
          const t = {};
          level(q.questions || [], item, `${path}[${i}].`, t);
          // Not an answer: the registry member a roster row was pre-filled from (§3.2).
          if (typeof item.member_id === "string") t.member_id = item.member_id;
          return t;
        });
      } else target[q.id] = wireValue(type, v);
    }
  };
  level(form.def.sections, answers, "", out);
  return out;
}

/** A number as the protocol carries it; an unparseable entry stays as typed (a type error). */
function wireNumber(v) {
  let d;
  try {
    d = typeof v === "number" ? Dec.fromNumber(v) : Dec.parse(String(v));
  } catch {
    return v;
  }
  const text = d.toString().replace(/(\.[0-9]*?)0+$/, "$1").replace(/\.$/, "");
  return /^-?[0-9]+$/.test(text) && Math.abs(Number(text)) <= Number.MAX_SAFE_INTEGER ? Number(text) : text;
}

function wireValue(type, v) {
  if (type === "decimal") return wireNumber(v);
  if (type === "geopoint") {
    return { latitude: wireNumber(v.latitude), longitude: wireNumber(v.longitude), accuracy: wireNumber(v.accuracy) };
  }
  return v;
}

export { DateV };
