import { test } from "node:test";
import assert from "node:assert/strict";
import { outcomeEvent, pending, transition, TransitionError, unsent } from "../../server/webapp/static/webapp/js/outbox.mjs";

const draft = () => ({ id: "l1", client_uuid: "u1", state: "draft", createdAt: "2026-01-01T00:00:00Z" });
let counter = 0;
const fresh = () => `u-new-${++counter}`;

test("draft → waiting → sending → sent", () => {
  let it = transition(draft(), "finish", { payload: { a: 1 }, payload_sha256: "x" });
  assert.equal(it.state, "waiting");
  it = transition(it, "send");
  assert.equal(it.state, "sending");
  assert.equal(transition(it, "accepted").state, "sent");
  assert.equal(transition(it, "duplicate").state, "sent");
});

test("a failed send goes back to waiting and keeps its identity and payload", () => {
  const waiting = transition(draft(), "finish", { payload: { a: 1 }, payload_sha256: "x" });
  const back = transition(transition(waiting, "send"), "failed");
  assert.equal(back.state, "waiting");
  assert.equal(back.client_uuid, "u1");
  assert.equal(back.payload_sha256, "x");
});

test("rejected and conflict keep their reasons", () => {
  const sending = transition(transition(draft(), "finish", {}), "send");
  const rejected = transition(sending, "rejected", { errors: [{ path: "a", code: "required" }] });
  assert.deepEqual(rejected.errors, [{ path: "a", code: "required" }]);
  assert.equal(transition(sending, "conflict", { conflict_reason: "different_payload" }).conflict_reason, "different_payload");
});

test("editing after any send attempt takes a new client_uuid", () => {
  const sent = transition(transition(transition(draft(), "finish", {}), "send"), "accepted");
  const returned = transition(sent, "returned", { comment: "Thiếu ảnh" });
  assert.equal(returned.review.comment, "Thiếu ảnh");
  const edited = transition(returned, "edit", {}, fresh);
  assert.equal(edited.state, "draft");
  assert.notEqual(edited.client_uuid, "u1");
  assert.deepEqual(edited.previous_uuids, ["u1"]);
});

test("editing a never-sent waiting item keeps its client_uuid", () => {
  const waiting = transition(draft(), "finish", {});
  assert.equal(transition(waiting, "edit", {}, fresh).client_uuid, "u1");
});

test("forbidden transitions throw", () => {
  assert.throws(() => transition(draft(), "send"), TransitionError);
  assert.throws(() => transition(draft(), "accepted"), TransitionError);
  const sent = transition(transition(transition(draft(), "finish", {}), "send"), "accepted");
  assert.throws(() => transition(sent, "edit"), TransitionError);
  assert.throws(() => outcomeEvent("maybe"), TransitionError);
});

test("pending lists waiting and sending items oldest first; unsent covers drafts", () => {
  const items = [
    { state: "sent", createdAt: "1" }, { state: "waiting", createdAt: "3" },
    { state: "sending", createdAt: "2" }, { state: "draft", createdAt: "0" },
  ];
  assert.deepEqual(pending(items).map((i) => i.createdAt), ["2", "3"]);
  assert.equal(items.filter(unsent).length, 3);
});
