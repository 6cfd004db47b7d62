// Household corrections on the phone: what changed, where it is stored, and how it shows.
import { test } from "node:test";
import assert from "node:assert/strict";
import { changedFields, planEdit, withPendingEdits } from "../../server/webapp/static/webapp/js/edits.mjs";
import { pageOps } from "../../server/webapp/static/webapp/js/pull.mjs";

const hh = { id: "h1", head_name: "Lò Văn Páo", address: "Bản Một", revision: 3 };
const ids = () => { let n = 0; return () => `id-${++n}`; };
const at = { now: "2026-11-22T03:00:00Z" };

test("only edited fields count, trimmed; the head's name only before the first sync", () => {
  assert.deepEqual(changedFields(hh, { head_name: "Lò Văn Pao", address: "Bản Hai " }), { address: "Bản Hai" });
  assert.deepEqual(changedFields(hh, { address: "Bản Một" }), {});
  const local = { id: "h2", head_name: "Hà Văn A", local: true };
  assert.deepEqual(changedFields(local, { head_name: " Hà Văn Ánh", address: "" }), { head_name: "Hà Văn Ánh" });
});

test("a correction becomes a household_edit on the household's current revision", () => {
  const { item } = planEdit(hh, { address: "Bản Hai" }, [], { ...at, newId: ids() });
  assert.deepEqual(item, {
    id: "id-1", client_uuid: "id-2", kind: "household_edit", target_id: "h1", base_revision: 3,
    payload: { address: "Bản Hai" }, household_id: "h1", household_label: "Lò Văn Páo",
    state: "waiting", createdAt: at.now, updatedAt: at.now,
  });
});

test("a second correction merges into the unsent one instead of racing it", () => {
  const first = planEdit(hh, { address: "Bản Hai" }, [], { ...at, newId: ids() }).item;
  const { item } = planEdit(hh, { address: "Bản Ba" }, [first], { now: "2026-11-22T03:05:00Z", newId: ids() });
  assert.equal(item.id, first.id);
  assert.equal(item.client_uuid, first.client_uuid);
  assert.equal(item.base_revision, 3);
  assert.deepEqual(item.payload, { address: "Bản Ba" });
  assert.equal(item.updatedAt, "2026-11-22T03:05:00Z");
});

test("a correction waits while an earlier one is on its way or the household is not synced", () => {
  const sending = { ...planEdit(hh, { address: "Bản Hai" }, [], { ...at, newId: ids() }).item, state: "sending", everSent: true };
  assert.deepEqual(planEdit(hh, { address: "Bản Ba" }, [sending], { ...at, newId: ids() }), { error: "sync_first" });
  const retried = { ...sending, state: "waiting" };
  assert.deepEqual(planEdit(hh, { address: "Bản Ba" }, [retried], { ...at, newId: ids() }), { error: "sync_first" });
  const local = { id: "h2", head_name: "Hà Văn A", local: true };
  assert.deepEqual(planEdit(local, { address: "Bản Ba" }, [], { ...at, newId: ids() }), { error: "sync_first" });
});

test("a household added on this phone is corrected in its unsent creation", () => {
  const create = { id: "c1", client_uuid: "h2", kind: "household_create", state: "waiting",
    payload: { code: "APP-1", head_name: "Hà Văn A", village: "90001001" } };
  const { item } = planEdit({ id: "h2", head_name: "Hà Văn A", local: true }, { head_name: "Hà Văn Ánh" }, [create], { ...at, newId: ids() });
  assert.equal(item.id, "c1");
  assert.deepEqual(item.payload, { code: "APP-1", head_name: "Hà Văn Ánh", village: "90001001" });
});

test("a pulled household keeps showing the correction that is still in the outbox", () => {
  const waiting = planEdit(hh, { address: "Bản Hai" }, [], { ...at, newId: ids() }).item;
  assert.deepEqual(withPendingEdits({ ...hh, revision: 4 }, [waiting]), { ...hh, revision: 4, address: "Bản Hai" });
  const ops = pageOps({ changes: [{ seq: 9, kind: "household", id: "h1", data: { ...hh, revision: 4 } }], next_cursor: "c", has_more: false, reset: false }, [waiting]);
  assert.deepEqual(ops[0], ["households", "put", "h1", { ...hh, revision: 4, address: "Bản Hai" }]);
  const sent = { ...waiting, state: "sent" };
  assert.deepEqual(withPendingEdits(hh, [sent]), hh);
});
