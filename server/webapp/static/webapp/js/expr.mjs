// The ChungTay expression language (forms/EXPRESSIONS.md), JavaScript port.
// Values: null, boolean, integer (Number, |n| <= 2^53-1), Dec (exact decimal),
// string, DateV, list (Array of codes), Geo. Nothing is eval'd.

export const MAX_INTEGER = 9007199254740991;
const MAX_INT_BIG = 9007199254740991n;
const MAX_DECIMAL_DIGITS = 34;
const DIVISION_PLACES = 6;
const MAX_LENGTH = 2000;

export class ExpressionError extends Error {
  constructor(code, message) {
    super(`${code}: ${message}`);
    this.code = code;
  }
}

const fail = (code, message) => new ExpressionError(code, message);

// ---- values -------------------------------------------------------------------------

/** An exact decimal: value = u / 10^s, with s >= 0. */
export class Dec {
  constructor(u, s) {
    this.u = BigInt(u);
    this.s = s;
  }
  static parse(text) {
    const m = /^(-?)([0-9]+)(?:\.([0-9]+))?$/.exec(String(text).trim());
    if (!m) throw fail("type_error", `not a decimal: ${text}`);
    const frac = m[3] || "";
    const u = BigInt(m[2] + frac);
    return new Dec(m[1] ? -u : u, frac.length);
  }
  static fromNumber(n) {
    if (!Number.isFinite(n)) throw fail("type_error", "not finite");
    let text = String(n);
    if (/e/i.test(text)) text = n.toFixed(20).replace(/0+$/, "").replace(/\.$/, "");
    return Dec.parse(text);
  }
  toString() {
    const neg = this.u < 0n;
    let digits = (neg ? -this.u : this.u).toString().padStart(this.s + 1, "0");
    if (this.s > 0) digits = `${digits.slice(0, -this.s)}.${digits.slice(-this.s)}`;
    return (neg ? "-" : "") + digits;
  }
}

/** A calendar date. */
export class DateV {
  constructor(y, m, d) {
    this.y = y;
    this.m = m;
    this.d = d;
  }
  key() {
    return this.y * 10000 + this.m * 100 + this.d;
  }
  toString() {
    const p = (n, w) => String(n).padStart(w, "0");
    return `${p(this.y, 4)}-${p(this.m, 2)}-${p(this.d, 2)}`;
  }
}

/** A GPS fix in WGS84 degrees; accuracy in metres (all Dec). */
export class Geo {
  constructor(latitude, longitude, accuracy) {
    this.latitude = latitude;
    this.longitude = longitude;
    this.accuracy = accuracy;
  }
}

export function typeName(v) {
  if (v === null || v === undefined) return "null";
  if (typeof v === "boolean") return "boolean";
  if (typeof v === "number") return "integer";
  if (v instanceof Dec) return "decimal";
  if (typeof v === "string") return "string";
  if (v instanceof DateV) return "date";
  if (v instanceof Geo) return "geopoint";
  if (Array.isArray(v)) return "list";
  return typeof v;
}

const isNumber = (v) => typeof v === "number" || v instanceof Dec;
const toDec = (v) => (v instanceof Dec ? v : new Dec(BigInt(v), 0));

function checkInteger(big) {
  if (big > MAX_INT_BIG || big < -MAX_INT_BIG) throw fail("overflow", `integer ${big} too large`);
  return Number(big);
}

function significantDigits(d) {
  let u = d.u < 0n ? -d.u : d.u;
  if (u === 0n) return 1;
  while (u % 10n === 0n) u /= 10n;
  return u.toString().length;
}

function checkDecimal(d) {
  if (significantDigits(d) > MAX_DECIMAL_DIGITS) throw fail("overflow", "decimal too long");
  return d;
}

function align(a, b) {
  const s = Math.max(a.s, b.s);
  return [a.u * 10n ** BigInt(s - a.s), b.u * 10n ** BigInt(s - b.s), s];
}

function compareNumbers(a, b) {
  const [x, y] = align(toDec(a), toDec(b));
  return x === y ? 0 : x < y ? -1 : 1;
}

function divide(left, right) {
  const a = toDec(left);
  const b = toDec(right);
  if (b.u === 0n) throw fail("division_by_zero", "division by zero");
  const top = a.u * 10n ** BigInt(b.s) * 10n ** BigInt(DIVISION_PLACES);
  const bottom = b.u * 10n ** BigInt(a.s);
  const negative = top < 0n !== bottom < 0n;
  const at = top < 0n ? -top : top;
  const ab = bottom < 0n ? -bottom : bottom;
  let q = at / ab;
  if (2n * (at % ab) >= ab) q += 1n;
  return checkDecimal(new Dec(negative ? -q : q, DIVISION_PLACES));
}

/** Round half away from zero to `places` fractional digits. */
export function roundHalfUp(d, places) {
  if (d.s <= places) return new Dec(d.u * 10n ** BigInt(places - d.s), places);
  const f = 10n ** BigInt(d.s - places);
  const neg = d.u < 0n;
  const a = neg ? -d.u : d.u;
  let q = a / f;
  if (2n * (a % f) >= f) q += 1n;
  return new Dec(neg ? -q : q, places);
}

export function parseDate(text) {
  const m = /^([0-9]{4})-([0-9]{2})-([0-9]{2})$/.exec(text);
  if (!m) throw fail("invalid_date", `${text} is not a YYYY-MM-DD date`);
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const leap = (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
  const days = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
  if (y < 1 || mo < 1 || mo > 12 || d < 1 || d > days[mo - 1]) {
    throw fail("invalid_date", `${text} is not a calendar date`);
  }
  return new DateV(y, mo, d);
}

// ---- lexer --------------------------------------------------------------------------

const KEYWORDS = new Set(["and", "or", "not", "true", "false", "null"]);
const TOKEN_RE =
  /([ \t\r\n]+)|(\$\{(\.)?([A-Za-z_][A-Za-z0-9_]*)\})|([0-9]+(?:\.[0-9]+)?)|('[^']*'|"[^"]*")|([A-Za-z_][A-Za-z0-9_]*)|(<=|>=|!=|[=<>+\-*/(),])/y;

export function tokenize(source) {
  const tokens = [];
  let pos = 0;
  while (pos < source.length) {
    TOKEN_RE.lastIndex = pos;
    const m = TOKEN_RE.exec(source);
    if (!m) throw fail("syntax", `unexpected character at ${pos}`);
    if (m[2]) tokens.push({ kind: m[3] ? "item_ref" : "ref", text: m[4], pos });
    else if (m[5]) tokens.push({ kind: "number", text: m[5], pos });
    else if (m[6]) tokens.push({ kind: "string", text: m[6].slice(1, -1), pos });
    else if (m[7]) tokens.push({ kind: KEYWORDS.has(m[7]) ? "keyword" : "name", text: m[7], pos });
    else if (m[8]) tokens.push({ kind: "op", text: m[8], pos });
    pos = TOKEN_RE.lastIndex;
  }
  tokens.push({ kind: "end", text: "", pos });
  return tokens;
}

// ---- parser -------------------------------------------------------------------------

const COMPARISONS = new Set(["=", "!=", "<", "<=", ">", ">="]);

export function parse(source) {
  if (source.length > MAX_LENGTH) throw fail("syntax", "expression too long");
  const p = new Parser(tokenize(source));
  const node = p.expression();
  if (p.peek().kind !== "end") throw fail("syntax", "unexpected token after the end");
  return node;
}

class Parser {
  constructor(tokens) {
    this.tokens = tokens;
    this.i = 0;
    this.depth = 0;
  }
  peek() {
    return this.tokens[this.i];
  }
  advance() {
    return this.tokens[this.i++];
  }
  at(kind, text) {
    const t = this.peek();
    return t.kind === kind && t.text === text;
  }
  atOp(...ops) {
    const t = this.peek();
    return t.kind === "op" && ops.includes(t.text);
  }
  expect(text) {
    if (!this.at("op", text)) throw fail("syntax", `expected ${text}`);
    this.advance();
  }
  expression() {
    if (++this.depth > 100) throw fail("syntax", "nested too deeply");
    const node = this.binaryChain("or", () => this.binaryChain("and", () => this.notExpr()));
    this.depth--;
    return node;
  }
  binaryChain(word, next) {
    let node = next();
    while (this.at("keyword", word)) {
      this.advance();
      node = { t: "bin", op: word, l: node, r: next() };
    }
    return node;
  }
  notExpr() {
    if (this.at("keyword", "not")) {
      this.advance();
      return { t: "un", op: "not", x: this.notExpr() };
    }
    return this.comparison();
  }
  comparison() {
    let node = this.arith(["+", "-"], () => this.arith(["*", "/"], () => this.unary()));
    const t = this.peek();
    if (t.kind === "op" && COMPARISONS.has(t.text)) {
      this.advance();
      const r = this.arith(["+", "-"], () => this.arith(["*", "/"], () => this.unary()));
      node = { t: "bin", op: t.text, l: node, r };
      const f = this.peek();
      if (f.kind === "op" && COMPARISONS.has(f.text)) throw fail("syntax", "chained comparison");
    }
    return node;
  }
  arith(ops, next) {
    let node = next();
    while (this.atOp(...ops)) {
      const op = this.advance().text;
      node = { t: "bin", op, l: node, r: next() };
    }
    return node;
  }
  unary() {
    if (this.at("op", "-")) {
      this.advance();
      return { t: "un", op: "-", x: this.unary() };
    }
    return this.primary();
  }
  primary() {
    const t = this.peek();
    if (this.at("op", "(")) {
      this.advance();
      const node = this.expression();
      this.expect(")");
      return node;
    }
    if (t.kind === "keyword") {
      if (!["true", "false", "null"].includes(t.text)) throw fail("syntax", "expected a value");
      this.advance();
      return { t: "lit", v: { true: true, false: false, null: null }[t.text] };
    }
    if (t.kind === "end" || t.kind === "op") throw fail("syntax", "expected a value");
    this.advance();
    if (t.kind === "number") return { t: "lit", v: numberLiteral(t.text) };
    if (t.kind === "string") return { t: "lit", v: t.text };
    if (t.kind === "ref") return { t: "ref", name: t.text };
    if (t.kind === "item_ref") return { t: "iref", name: t.text };
    return this.call(t.text);
  }
  call(name) {
    this.expect("(");
    const args = [];
    if (!this.at("op", ")")) {
      args.push(this.expression());
      while (this.at("op", ",")) {
        this.advance();
        args.push(this.expression());
      }
    }
    this.expect(")");
    return { t: "call", name, args };
  }
}

function numberLiteral(text) {
  if (text.includes(".")) return Dec.parse(text);
  const big = BigInt(text);
  if (big > MAX_INT_BIG) throw fail("overflow", "integer literal too large");
  return Number(big);
}

// ---- static checks (EXPRESSIONS.md §7) -----------------------------------------------

const SIGNATURES = {
  if: [3, 3], coalesce: [2, 8], count: [1, 2], sum: [2, 2],
  selected: [2, 2], count_selected: [1, 1], age: [2, 2], age_months: [2, 2],
  date: [1, 1], year: [1, 1], round: [2, 2], int: [1, 1], min: [2, 2], max: [2, 2],
  length: [1, 1], answered: [1, 1], reference_date: [0, 0],
};
const SELECT_KINDS = new Set(["select_one", "select_multiple"]);

/**
 * scope = {fields: {id: {kind, choices?: Set, members?: {id: info}}}, repeat?: id,
 *          earlier?: Set, earlierItems?: Set, memberIds?: Set}
 */
export function check(node, scope) {
  switch (node.t) {
    case "ref": return checkRef(node, scope);
    case "iref": return checkItemRef(node, scope);
    case "un": return check(node.x, scope);
    case "bin":
      if (COMPARISONS.has(node.op) && [node.l, node.r].some((s) => s.t === "lit" && s.v === null)) {
        throw fail("type_error", "comparing with null; use answered()");
      }
      check(node.l, scope);
      return check(node.r, scope);
    case "call": return checkCall(node, scope);
    default: return undefined;
  }
}

function checkRef(node, scope) {
  const info = scope.fields[node.name];
  if (!info) {
    if (scope.memberIds && scope.memberIds.has(node.name)) throw fail("scope", "repeat member");
    throw fail("unknown_reference", `no question ${node.name}`);
  }
  if (info.kind === "repeat") throw fail("scope", "repeat outside count()/sum()");
  if (scope.earlier && !scope.earlier.has(node.name)) throw fail("forward_reference", node.name);
}

function itemFields(scope) {
  return scope.repeat ? scope.fields[scope.repeat].members || {} : {};
}

function checkItemRef(node, scope) {
  if (!scope.repeat) throw fail("scope", "item reference outside a repeat");
  if (!itemFields(scope)[node.name]) throw fail("unknown_reference", `no item question ${node.name}`);
  if (scope.earlierItems && !scope.earlierItems.has(node.name)) {
    throw fail("forward_reference", node.name);
  }
}

function checkCall(node, scope) {
  const sig = Object.hasOwn(SIGNATURES, node.name) ? SIGNATURES[node.name] : null;
  if (!sig) throw fail("unknown_function", node.name);
  if (node.args.length < sig[0] || node.args.length > sig[1]) throw fail("arity", node.name);
  if (node.name === "count" || node.name === "sum") return checkAggregate(node, scope);
  node.args.forEach((a) => check(a, scope));
  if (node.name === "selected") checkSelected(node, scope);
  if (node.name === "date" && node.args[0].t === "lit") {
    const v = node.args[0].v;
    if (typeof v !== "string") throw fail("type_error", "date() needs a string");
    parseDate(v);
  }
  return undefined;
}

function checkAggregate(node, scope) {
  const first = node.args[0];
  const info = first.t === "ref" ? scope.fields[first.name] : null;
  if (!info || info.kind !== "repeat") throw fail("type_error", "first argument must be a repeat");
  if (scope.earlier && !scope.earlier.has(first.name)) throw fail("forward_reference", first.name);
  const inner = { ...scope, repeat: first.name, earlierItems: null };
  node.args.slice(1).forEach((a) => check(a, inner));
}

function checkSelected(node, scope) {
  const [target, code] = node.args;
  let info = null;
  if (target.t === "ref") info = scope.fields[target.name];
  else if (target.t === "iref") info = itemFields(scope)[target.name];
  if (!info) return;
  if (!SELECT_KINDS.has(info.kind)) throw fail("type_error", "selected() needs a select question");
  if (code.t === "lit" && info.choices && !info.choices.has(code.v)) {
    throw fail("unknown_choice", `${code.v} is not a choice`);
  }
}

/** Parse and statically check; raises ExpressionError (load phase). */
export function compile(source, scope) {
  const node = parse(source);
  check(node, scope);
  return node;
}

// ---- evaluation ---------------------------------------------------------------------

/** env = {values: {id: value}, item: {id: value} | null, referenceDate: DateV | null} */
export function evaluate(node, env) {
  switch (node.t) {
    case "lit": return node.v;
    case "ref": return env.values[node.name] ?? null;
    case "iref":
      if (!env.item) throw fail("scope", "item reference outside an item");
      return env.item[node.name] ?? null;
    case "un": return unary(node, env);
    case "bin": return binary(node, env);
    case "call": return call(node, env);
    default: throw fail("syntax", "unknown node");
  }
}

export function evaluateCondition(node, env) {
  return logical(evaluate(node, env), "condition");
}

function logical(v, op) {
  if (v === null || typeof v === "boolean") return v;
  throw fail("type_error", `${op} needs a boolean, got ${typeName(v)}`);
}

function unary(node, env) {
  const v = evaluate(node.x, env);
  if (node.op === "not") {
    const b = logical(v, "not");
    return b === null ? null : !b;
  }
  if (v === null) return null;
  if (typeof v === "number") return checkInteger(-BigInt(v));
  if (v instanceof Dec) return new Dec(-v.u, v.s);
  throw fail("type_error", `cannot negate a ${typeName(v)}`);
}

function binary(node, env) {
  if (node.op === "and" || node.op === "or") return andOr(node, env);
  const l = evaluate(node.l, env);
  const r = evaluate(node.r, env);
  if (COMPARISONS.has(node.op)) return compare(node.op, l, r);
  return arithmetic(node.op, l, r);
}

function andOr(node, env) {
  const decisive = node.op === "or";
  const l = logical(evaluate(node.l, env), node.op);
  if (l === decisive) return decisive;
  const r = logical(evaluate(node.r, env), node.op);
  if (r === decisive) return decisive;
  if (l === null || r === null) return null;
  return !decisive;
}

const CMP = {
  "=": (c) => c === 0, "!=": (c) => c !== 0, "<": (c) => c < 0,
  "<=": (c) => c <= 0, ">": (c) => c > 0, ">=": (c) => c >= 0,
};

function compare(op, l, r) {
  if (l === null || r === null) return null;
  if (isNumber(l) && isNumber(r)) return CMP[op](compareNumbers(l, r));
  const kl = typeName(l);
  if (kl !== typeName(r) || !["boolean", "string", "date"].includes(kl)) {
    throw fail("type_error", `cannot compare a ${kl} with a ${typeName(r)}`);
  }
  if (kl === "date") return CMP[op](Math.sign(l.key() - r.key()));
  if (op !== "=" && op !== "!=") throw fail("type_error", `${op} is not defined on a ${kl}`);
  return CMP[op](l === r ? 0 : 1);
}

function arithmetic(op, l, r) {
  if (l === null || r === null) return null;
  if (!isNumber(l) || !isNumber(r)) {
    throw fail("type_error", `cannot apply ${op} to ${typeName(l)} and ${typeName(r)}`);
  }
  if (op === "/") return divide(l, r);
  if (typeof l === "number" && typeof r === "number") {
    const [a, b] = [BigInt(l), BigInt(r)];
    return checkInteger(op === "+" ? a + b : op === "-" ? a - b : a * b);
  }
  const a = toDec(l);
  const b = toDec(r);
  if (op === "*") return checkDecimal(new Dec(a.u * b.u, a.s + b.s));
  const [x, y, s] = align(a, b);
  return checkDecimal(new Dec(op === "+" ? x + y : x - y, s));
}

function call(node, env) {
  const special = SPECIAL[node.name];
  if (special) return special(node, env);
  const fn = STRICT[node.name];
  if (!fn) throw fail("unknown_function", node.name);
  const args = node.args.map((a) => evaluate(a, env));
  if (args.some((a) => a === null)) return null;
  return fn(...args);
}

function items(node, env) {
  const first = node.args[0];
  if (first.t !== "ref") throw fail("type_error", `${node.name}() needs a repeat`);
  const v = env.values[first.name];
  if (v === null || v === undefined) return [];
  if (!Array.isArray(v) || (v.length && typeof v[0] === "string")) {
    throw fail("type_error", `${first.name} is not a repeat`);
  }
  return v;
}

const inItem = (env, item) => ({ values: env.values, item, referenceDate: env.referenceDate });

const SPECIAL = {
  if: (n, env) => evaluate(evaluateCondition(n.args[0], env) ? n.args[1] : n.args[2], env),
  coalesce: (n, env) => {
    for (const a of n.args) {
      const v = evaluate(a, env);
      if (v !== null) return v;
    }
    return null;
  },
  count: (n, env) => {
    const list = items(n, env);
    if (n.args.length === 1) return list.length;
    return list.filter((it) => evaluateCondition(n.args[1], inItem(env, it)) === true).length;
  },
  sum: (n, env) => {
    let total = 0;
    for (const it of items(n, env)) {
      const v = evaluate(n.args[1], inItem(env, it));
      if (v !== null) total = arithmetic("+", total, v);
    }
    return total;
  },
  answered: (n, env) => evaluate(n.args[0], env) !== null,
  reference_date: (n, env) => env.referenceDate ?? null,
};

const typeError = (fn, v) => fail("type_error", `${fn}() does not accept a ${typeName(v)}`);

function dates(fn, a, b) {
  for (const v of [a, b]) if (!(v instanceof DateV)) throw typeError(fn, v);
}

function num(fn, v) {
  if (!isNumber(v)) throw typeError(fn, v);
  return v;
}

const STRICT = {
  selected(v, code) {
    if (typeof code !== "string") throw typeError("selected", code);
    if (typeof v === "string") return v === code;
    if (Array.isArray(v)) return v.includes(code);
    throw typeError("selected", v);
  },
  count_selected(v) {
    if (typeof v === "string") return 1;
    if (Array.isArray(v)) return v.length;
    throw typeError("count_selected", v);
  },
  age(b, at) {
    dates("age", b, at);
    const before = at.m * 100 + at.d < b.m * 100 + b.d;
    return at.y - b.y - (before ? 1 : 0);
  },
  age_months(b, at) {
    dates("age_months", b, at);
    return (at.y - b.y) * 12 + at.m - b.m - (at.d < b.d ? 1 : 0);
  },
  date(text) {
    if (typeof text !== "string") throw typeError("date", text);
    return parseDate(text);
  },
  year(v) {
    if (!(v instanceof DateV)) throw typeError("year", v);
    return v.y;
  },
  round(v, places) {
    num("round", v);
    if (typeof places !== "number" || places < 0 || places > 6) {
      throw fail("type_error", "round() needs an integer 0..6 of places");
    }
    return typeof v === "number" ? v : roundHalfUp(v, places);
  },
  int(v) {
    num("int", v);
    if (typeof v === "number") return v;
    return checkInteger(v.u / 10n ** BigInt(v.s));
  },
  min: (a, b) => (compareNumbers(num("min", b), num("min", a)) < 0 ? b : a),
  max: (a, b) => (compareNumbers(num("max", b), num("max", a)) > 0 ? b : a),
  length(v) {
    if (typeof v !== "string") throw typeError("length", v);
    return [...v].length;
  },
};
