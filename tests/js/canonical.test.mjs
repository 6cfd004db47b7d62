// Canonical JSON and SHA-256 agree with Python's sync.rules.canonical_json.
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { canonicalJson, payloadSha256 } from "../../server/webapp/static/webapp/js/canonical.mjs";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const PYTHON = [join(ROOT, ".venv", "bin", "python"), "python3"];

const SAMPLES = [
  { b: 1, a: "Hòa" },
  { "đ": [1, -2, { z: null, "Ă": true, a: false }], "": "", "é": "e\u0301", "😀": "\u0001\"\\/\u2028" },
  { members: [{ full_name: "Nguyễn Văn A", relation: "head" }], living_area: "45.5", n: 9007199254740991 },
  { "\uffff": 1, "\ud83d\ude00": 2, "\u00e9": 3, Z: 4 },
];

function pythonHashes(samples) {
  const code = "import hashlib,json,sys\nfrom sync.rules import canonical_json\n" +
    "for s in json.load(sys.stdin):\n    t=canonical_json(s)\n    t=t if isinstance(t,str) else t.decode()\n" +
    "    print(hashlib.sha256(t.encode('utf-8')).hexdigest())";
  for (const python of PYTHON) {
    try {
      return execFileSync(python, ["-c", code], { cwd: ROOT, input: JSON.stringify(samples) }).toString().trim().split("\n");
    } catch {
      // try the next interpreter
    }
  }
  throw new Error("no Python with the sync package");
}

test("the PROTOCOL.md example hashes as documented", async () => {
  assert.equal(canonicalJson({ b: 1, a: "Hòa" }), '{"a":"Hòa","b":1}');
  assert.equal(await payloadSha256({ b: 1, a: "Hòa" }), "4531be32e9b2090febcb6491e341cb05f2daaee3d1e529a899922ac85e350d5f");
});

test("hashes match Python's canonical_json byte for byte", async () => {
  const expected = pythonHashes(SAMPLES);
  for (const [i, sample] of SAMPLES.entries()) assert.equal(await payloadSha256(sample), expected[i], JSON.stringify(sample));
});

test("floats and unsafe integers are refused", () => {
  assert.throws(() => canonicalJson({ a: 1.5 }));
  assert.throws(() => canonicalJson({ a: 2 ** 53 }));
});
