// Support mode, pure part: the stage ladder of a support record and the stage-proof item
// (sync/PROTOCOL.md, "Support stage proofs"). No DOM and no IndexedDB, so node tests it.
import { gettext } from "./ui.mjs";

export const STAGES = ["approved", "started", "foundation", "frame_walls", "roof", "completed", "in_use"];
export const PROOF_KIND = "support_stage_proof";

export const STAGE_LABELS = () => ({
  approved: gettext("Approved"), started: gettext("Started"), foundation: gettext("Foundation"),
  frame_walls: gettext("Frame and walls"), roof: gettext("Roof"), completed: gettext("Completed"),
  in_use: gettext("In use"),
});

export const WORK_LABELS = () => ({ new_build: gettext("New build"), repair: gettext("Repair") });

/** Proof items of one record kept on the phone, newest first. */
export function proofsOf(items, recordId) {
  return items
    .filter((it) => it.kind === PROOF_KIND && it.record_id === recordId)
    .sort((a, b) => (a.updatedAt < b.updatedAt ? 1 : -1));
}

/**
 * Each stage's state for the phone: "done" (proved on the server, or the phone's proof of it
 * was accepted), "waiting" (a proof is queued or on its way), "next" (the stage to prove
 * now), "todo". A rejected proof leaves its stage to prove again.
 */
export function ladder(record, items) {
  const proofs = proofsOf(items, record.id);
  const serverAt = STAGES.indexOf(record.stage || "approved");
  const stateOf = (stage) => {
    const at = STAGES.indexOf(stage);
    if (at <= serverAt) return "done";
    const mine = proofs.filter((p) => p.payload?.stage === stage);
    if (mine.some((p) => p.state === "sent")) return "done";
    if (mine.some((p) => ["waiting", "sending"].includes(p.state))) return "waiting";
    return "todo";
  };
  const states = STAGES.map((stage) => ({ stage, state: stateOf(stage) }));
  const next = states.find((s) => s.state === "todo");
  if (next && states.slice(0, states.indexOf(next)).every((s) => s.state !== "todo")) next.state = "next";
  return states;
}

/** The stage the phone offers to prove: the first not proved or queued; null when all are. */
export function stageToProve(record, items) {
  return ladder(record, items).find((s) => s.state === "next")?.stage || null;
}

/** The payload of a stage proof, as hashed and sent (the note is always present). */
export function proofPayload(recordId, stage, note, photoNames) {
  return { record_id: recordId, stage, note: note || "", photos: [...photoNames] };
}

/** A new outbox item proving `stage`; its client_uuid is the proof's id on the server. */
export function proofItem({ id, clientUuid, record, stage, now }) {
  return {
    id, client_uuid: clientUuid, kind: PROOF_KIND, record_id: record.id, household_id: record.household_id,
    household_label: record.head_name, stage, photos: [], note: "", state: "draft", createdAt: now, updatedAt: now,
  };
}

/** Pull writes of a support_record change (PROTOCOL §5.2); a tombstone removes the record. */
export function supportChangeOps(change) {
  if (change.kind === "support_record") return [["support", "put", change.id, { ...change.data, id: change.id }]];
  if (change.kind === "tombstone" && change.data?.of === "support_record") return [["support", "delete", change.id]];
  return [];
}
