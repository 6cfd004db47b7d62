// Applying one pull page (sync/PROTOCOL.md §5) as a list of IndexedDB writes; pure, so the
// writes and the cursor can be stored in one transaction and tested without a browser.
import { withPendingEdits } from "./edits.mjs";
import { transition, TransitionError } from "./outbox.mjs";
import { supportChangeOps } from "./stages.mjs";

/** Writes for one page: [store, "put" | "delete" | "clear", key, value]. */
export function pageOps(page, items) {
  const local = [...items];
  const ops = page.reset ? [["households", "clear"], ["members", "clear"], ["assessments", "clear"], ["support", "clear"]] : [];
  for (const change of page.changes) ops.push(...changeOps(change, local));
  ops.push(["kv", "put", "cursor", page.next_cursor]);
  return ops;
}

export function changeOps(change, items) {
  const d = change.data || {};
  switch (change.kind) {
    case "household":
      // A correction still in the outbox stays visible until the server has it.
      return [["households", "put", change.id, withPendingEdits({ ...d, id: change.id }, items)]];
    case "member":
      return [["members", "put", change.id, { ...d, id: change.id }]];
    case "assessment":
      return [["assessments", "put", d.household_id || change.id, d]];
    case "review":
      return reviewOps(change, items);
    case "support_record":
      return supportChangeOps(change);
    case "tombstone":
      if (d.of === "support_record") return supportChangeOps(change);
      if (d.of === "household") return [["households", "delete", change.id], ["assessments", "delete", change.id]];
      return d.of === "member" ? [["members", "delete", change.id]] : [];
    default:
      return [];
  }
}

function reviewOps(change, items) {
  const d = change.data || {};
  // Only the current version of an item takes a review; one of a version the volunteer
  // has since edited and resubmitted concerns a superseded submission.
  const item = items.find((it) => it.client_uuid === change.id);
  if (!item) return [];
  let next = { ...item, review_status: d.status };
  // The answer paths the reviewer points at (a list; older servers send none).
  const fields = Array.isArray(d.fields) ? d.fields.filter((f) => typeof f === "string") : [];
  if (d.status === "returned") {
    try {
      next = { ...transition(item, "returned", { comment: d.comment, fields }), review_status: d.status };
    } catch (error) {
      // Not sent from this phone's point of view yet: keep the comment, change no state.
      if (!(error instanceof TransitionError)) throw error;
      next.review = { comment: d.comment || "", fields, at: new Date().toISOString() };
    }
  }
  items[items.indexOf(item)] = next;
  return [["items", "put", item.id, next]];
}
