// Household details corrected on the phone, as outbox items (sync/PROTOCOL.md §3.2:
// household_edit with target_id and base_revision). Pure, so node tests cover it.
// Invariant: a household has at most one unsent edit. A second correction merges into it
// while it has never left the phone; two edits from the same base revision would
// otherwise make the server keep the second as a conflict with the first.

/**
 * Fields a volunteer corrects here. The head's name on the server follows the roster's
 * head member (corrected in a survey), so it is editable only on a household added on
 * this phone and not yet synced, where it is part of the creation.
 */
export const editableFields = (household) => (household.local ? ["head_name", "address"] : ["address"]);

/** The editable fields of `values` that differ from `household` (trimmed); {} if none. */
export function changedFields(household, values) {
  const changes = {};
  for (const key of editableFields(household)) {
    const value = (values[key] ?? "").trim();
    if (value !== (household[key] ?? "")) changes[key] = value;
  }
  return changes;
}

const unsentOnce = (item) => item.state === "waiting" && !item.everSent;

/**
 * Where `changes` go: { item } to store (a new edit, or a merge into the unsent edit or
 * into the unsent creation of a household added on this phone), or { error } when the
 * household must be synced first (its creation or an edit of it is on its way).
 */
export function planEdit(household, changes, items, { now, newId }) {
  const mine = items.filter((it) => (it.kind === "household_edit" && it.target_id === household.id)
    || (it.kind === "household_create" && it.client_uuid === household.id));
  const open = mine.find(unsentOnce);
  if (open) return { item: { ...open, payload: { ...open.payload, ...changes }, updatedAt: now } };
  if (mine.some((it) => ["waiting", "sending"].includes(it.state)) || !Number.isInteger(household.revision)) {
    return { error: "sync_first" };
  }
  return {
    item: {
      id: newId(), client_uuid: newId(), kind: "household_edit", target_id: household.id,
      base_revision: household.revision, payload: changes, household_id: household.id,
      household_label: household.head_name, state: "waiting", createdAt: now, updatedAt: now,
    },
  };
}

/** The household as this phone shows it: the server's copy with unsent edits laid over. */
export function withPendingEdits(household, items) {
  const pending = items.filter((it) => it.kind === "household_edit" && it.target_id === household.id
    && ["waiting", "sending"].includes(it.state));
  return Object.assign({ ...household }, ...pending.map((it) => it.payload));
}
