// Support mode's pure part: the stage ladder, the proof payload and the pull writes.
import { test } from "node:test";
import assert from "node:assert/strict";
import { pageOps } from "../../server/webapp/static/webapp/js/pull.mjs";
import { canonicalJson } from "../../server/webapp/static/webapp/js/canonical.mjs";
import { ladder, proofItem, proofPayload, stageToProve, supportChangeOps } from "../../server/webapp/static/webapp/js/stages.mjs";

const record = { id: "r1", household_id: "h1", head_name: "Lò Văn Páo", stage: "started" };
const proof = (stage, state) => ({ kind: "support_stage_proof", record_id: "r1", state, payload: { stage }, updatedAt: "2026-11-29T01:00:00Z" });
const states = (steps) => steps.map((s) => `${s.stage}:${s.state}`);

test("stages up to the server's are proved and the one after is next", () => {
  assert.deepEqual(states(ladder(record, [])), [
    "approved:done", "started:done", "foundation:next", "frame_walls:todo", "roof:todo", "completed:todo", "in_use:todo",
  ]);
  assert.equal(stageToProve(record, []), "foundation");
});

test("a queued proof waits and the phone offers the stage after it", () => {
  const steps = ladder(record, [proof("foundation", "waiting")]);
  assert.deepEqual(states(steps).slice(2, 4), ["foundation:waiting", "frame_walls:next"]);
});

test("a proof the server accepted counts as proved before the next pull", () => {
  assert.deepEqual(states(ladder(record, [proof("foundation", "sent")])).slice(2, 4), ["foundation:done", "frame_walls:next"]);
});

test("a rejected proof or a draft leaves its stage to prove", () => {
  assert.equal(stageToProve(record, [proof("foundation", "rejected"), proof("foundation", "draft")]), "foundation");
});

test("another record's proofs do not count", () => {
  assert.equal(stageToProve(record, [{ ...proof("foundation", "sent"), record_id: "r2" }]), "foundation");
});

test("a house in use has nothing left to prove", () => {
  assert.equal(stageToProve({ ...record, stage: "in_use" }, []), null);
});

test("the proof payload hashes as the server expects, note always present", () => {
  const payload = proofPayload("r1", "foundation", undefined, ["a.jpg", "b.jpg"]);
  assert.equal(canonicalJson(payload), '{"note":"","photos":["a.jpg","b.jpg"],"record_id":"r1","stage":"foundation"}');
});

test("a new proof item is a draft of the record's household", () => {
  const item = proofItem({ id: "i1", clientUuid: "u1", record, stage: "foundation", now: "t" });
  assert.deepEqual(item, {
    id: "i1", client_uuid: "u1", kind: "support_stage_proof", record_id: "r1", household_id: "h1",
    household_label: "Lò Văn Páo", stage: "foundation", photos: [], note: "", state: "draft", createdAt: "t", updatedAt: "t",
  });
});

test("pulled support records are stored by id and removed by their tombstone", () => {
  const ops = pageOps({ changes: [
    { seq: 1, kind: "support_record", id: "r1", data: { stage: "foundation" } },
    { seq: 2, kind: "tombstone", id: "r2", data: { of: "support_record", reason: "moved_out" } },
  ], next_cursor: "c", has_more: false, reset: false }, []);
  assert.deepEqual(ops, [
    ["support", "put", "r1", { stage: "foundation", id: "r1" }],
    ["support", "delete", "r2"],
    ["kv", "put", "cursor", "c"],
  ]);
  assert.deepEqual(supportChangeOps({ kind: "household", id: "h1", data: {} }), []);
});

test("a reset drops the support records with the registry", () => {
  const ops = pageOps({ changes: [], next_cursor: "c", has_more: false, reset: true }, []);
  assert.ok(ops.some((op) => op[0] === "support" && op[1] === "clear"));
});
