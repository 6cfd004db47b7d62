// The outbox state machine. States: draft → waiting → sending → sent, or conflict /
// rejected; a sent survey a reviewer returned becomes "returned" and can be edited.
// Invariants: an item is persisted as "sending" before its request leaves; once an item
// has been sent (even without an answer) its client_uuid is never reused for other
// content, so an edit after that gets a fresh client_uuid.

export const STATES = ["draft", "waiting", "sending", "sent", "conflict", "rejected", "returned"];

const TRANSITIONS = {
  draft: { finish: "waiting", edit: "draft" },
  waiting: { send: "sending", edit: "draft" },
  sending: {
    send: "sending", accepted: "sent", duplicate: "sent", conflict: "conflict",
    rejected: "rejected", failed: "waiting",
  },
  sent: { returned: "returned", send: "sent" },
  conflict: { edit: "draft", returned: "returned" },
  rejected: { edit: "draft" },
  returned: { edit: "draft", returned: "returned" },
};

export class TransitionError extends Error {}

/** Return the item after `event`; never mutates `item`. */
export function transition(item, event, detail = {}, newUuid = () => crypto.randomUUID()) {
  const next = TRANSITIONS[item.state]?.[event];
  if (!next) throw new TransitionError(`${event} is not allowed in state ${item.state}`);
  const out = { ...item, state: next, updatedAt: detail.at || new Date().toISOString() };
  if (event === "send") out.everSent = true;
  if (event === "edit" && item.everSent) {
    out.client_uuid = newUuid();
    out.everSent = false;
    out.previous_uuids = [...(item.previous_uuids || []), item.client_uuid];
    // Roster rows of the sent version that had no member id: the server added a member for
    // each, which the resubmission's roster base must name (roster.mjs, resubmissionBase).
    const rows = Array.isArray(item.payload?.members) ? item.payload.members : [];
    out.sent_new_rows = rows.flatMap((row, i) => (row && typeof row.member_id === "string" ? [] : [i]));
  }
  if (event === "rejected") out.errors = detail.errors || [];
  if (event === "conflict") out.conflict_reason = detail.conflict_reason || null;
  if (event === "returned") out.review = { comment: detail.comment || "", fields: detail.fields || [], at: out.updatedAt };
  if (event === "finish") {
    out.errors = [];
    out.payload = detail.payload;
    out.payload_sha256 = detail.payload_sha256;
    out.attachments = detail.attachments || [];
  }
  return out;
}

/** The event for one push outcome of sync/PROTOCOL.md §3.4. */
export function outcomeEvent(outcome) {
  if (!["accepted", "duplicate", "conflict", "rejected"].includes(outcome)) {
    throw new TransitionError(`unknown outcome ${outcome}`);
  }
  return outcome;
}

/** Items the next sync pushes, oldest first (households before their surveys). */
export function pending(items) {
  return items
    .filter((it) => it.state === "waiting" || it.state === "sending")
    .sort((a, b) => (a.createdAt < b.createdAt ? -1 : a.createdAt > b.createdAt ? 1 : 0));
}

/** True while the item holds data the server does not have yet. */
export const unsent = (item) => ["draft", "waiting", "sending", "returned", "rejected", "conflict"].includes(item.state);
