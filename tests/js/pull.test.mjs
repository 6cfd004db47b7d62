// Applying pull pages: households, members, assessments, reviews, tombstones, reset.
import { test } from "node:test";
import assert from "node:assert/strict";
import { pageOps } from "../../server/webapp/static/webapp/js/pull.mjs";

const page = (changes, extra = {}) => ({ changes, next_cursor: "c1.next", has_more: false, reset: false, ...extra });
const sent = { id: "local-1", client_uuid: "sub-1", state: "sent", kind: "submission" };

test("the cursor is written with the page's records", () => {
  const ops = pageOps(page([{ seq: 1, kind: "household", id: "h1", data: { head_name: "Lò Văn Páo", revision: 2 } }]), []);
  assert.deepEqual(ops, [
    ["households", "put", "h1", { head_name: "Lò Văn Páo", revision: 2, id: "h1" }],
    ["kv", "put", "cursor", "c1.next"],
  ]);
});

test("members and assessments are stored by id and by household", () => {
  const ops = pageOps(page([
    { seq: 1, kind: "member", id: "m1", data: { household_id: "h1", full_name: "A" } },
    { seq: 2, kind: "assessment", id: "h1", data: { household_id: "h1", class: "POOR" } },
  ]), []);
  assert.deepEqual(ops.slice(0, 2).map((op) => op.slice(0, 3)), [["members", "put", "m1"], ["assessments", "put", "h1"]]);
});

test("a returned review moves the sent survey to returned with the comment", () => {
  const ops = pageOps(page([{ seq: 5, kind: "review", id: "sub-1", data: { status: "returned", comment: "Thiếu ảnh" } }]), [sent]);
  const [, , key, item] = ops[0];
  assert.equal(key, "local-1");
  assert.equal(item.state, "returned");
  assert.equal(item.review.comment, "Thiếu ảnh");
});

test("a returned review keeps the answer paths the reviewer points at; none from an older server", () => {
  const data = { status: "returned", comment: "Năm sinh sai", fields: ["members[1].birth_year", "photo_roof", 7] };
  const [[, , , item]] = pageOps(page([{ seq: 5, kind: "review", id: "sub-1", data }]), [sent]);
  assert.deepEqual(item.review.fields, ["members[1].birth_year", "photo_roof"]);
  const [[, , , older]] = pageOps(page([{ seq: 5, kind: "review", id: "sub-1", data: { status: "returned", comment: "x" } }]), [sent]);
  assert.deepEqual(older.review.fields, []);
});

test("a review for an item the phone has not seen sent keeps the state and the comment", () => {
  const waiting = { ...sent, state: "waiting" };
  const [[, , , item]] = pageOps(page([{ seq: 5, kind: "review", id: "sub-1", data: { status: "returned", comment: "x" } }]), [waiting]);
  assert.equal(item.state, "waiting");
  assert.equal(item.review.comment, "x");
});

test("a review of a superseded version leaves the resubmitted item alone", () => {
  const resubmitted = { ...sent, client_uuid: "sub-2", previous_uuids: ["sub-1"], state: "sent" };
  const ops = pageOps(page([{ seq: 6, kind: "review", id: "sub-1", data: { status: "returned", comment: "old" } }]), [resubmitted]);
  assert.deepEqual(ops, [["kv", "put", "cursor", "c1.next"]]);
});

test("an approval is recorded on the item without changing its state", () => {
  const [[, , , item]] = pageOps(page([{ seq: 6, kind: "review", id: "sub-1", data: { status: "approved" } }]), [sent]);
  assert.equal(item.state, "sent");
  assert.equal(item.review_status, "approved");
});

test("tombstones delete households and members; reset clears the registry first", () => {
  const ops = pageOps(page([
    { seq: 7, kind: "tombstone", id: "h1", data: { of: "household", reason: "moved_out" } },
    { seq: 8, kind: "tombstone", id: "m1", data: { of: "member", reason: "deleted" } },
  ], { reset: true }), []);
  assert.deepEqual(ops.map((op) => op.slice(0, 3)), [
    ["households", "clear"], ["members", "clear"], ["assessments", "clear"], ["support", "clear"],
    ["households", "delete", "h1"], ["assessments", "delete", "h1"], ["members", "delete", "m1"],
    ["kv", "put", "cursor"],
  ]);
});

test("unknown change kinds are ignored", () => {
  assert.deepEqual(pageOps(page([{ seq: 9, kind: "form", id: "f", data: {} }]), []), [["kv", "put", "cursor", "c1.next"]]);
});
