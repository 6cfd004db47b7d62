// A survey's roster pre-filled from the registry (sync/PROTOCOL.md §3.2). Each row keeps
// `member_id`, the registry member it came from, so the server updates that member
// instead of adding a new one; rows the volunteer adds have none and become new members.
// Pure, so node tests cover it.

/** Registry relation codes that the survey form names differently (the server maps back). */
const FORM_RELATION = { other: "non_relative" };

export const formRelation = (code) => FORM_RELATION[code] || code;

/** The household's current registry members as roster rows, head first. */
export function rosterFromRegistry(members, householdId) {
  const mine = members.filter((m) => m.household_id === householdId);
  mine.sort((a, b) => (a.relation === "head" ? -1 : b.relation === "head" ? 1 : 0));
  return mine.map((m) => {
    const row = { member_id: m.id, full_name: m.full_name, relation: formRelation(m.relation), sex: m.sex, ethnicity: m.ethnicity };
    if (m.birth_date) Object.assign(row, { birth_date_known: "date", birth_date: m.birth_date });
    else if (m.birth_year) Object.assign(row, { birth_date_known: "year_only", birth_year: m.birth_year });
    return Object.fromEntries(Object.entries(row).filter(([, v]) => v !== null && v !== undefined && v !== ""));
  });
}

// ---- roster base (sync/PROTOCOL.md §3.2): the members a survey started from ----------------

/** The household's members as the phone holds them: `[{member_id, revision}]`. */
export function rosterBase(members, householdId) {
  return members
    .filter((m) => m.household_id === householdId)
    .map((m) => (Number.isInteger(m.revision) ? { member_id: m.id, revision: m.revision } : { member_id: m.id }));
}

/** RFC 4122 version-5 UUID, as Python's `uuid.uuid5(namespace, name)`. */
export async function uuid5(namespace, name) {
  const ns = namespace.replace(/-/g, "").match(/../g).map((x) => parseInt(x, 16));
  const data = new Uint8Array([...ns, ...new TextEncoder().encode(name)]);
  const bytes = new Uint8Array(await crypto.subtle.digest("SHA-1", data)).slice(0, 16);
  bytes[6] = (bytes[6] & 0x0f) | 0x50;
  bytes[8] = (bytes[8] & 0x3f) | 0x80;
  const hex = [...bytes].map((b) => b.toString(16).padStart(2, "0")).join("");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/**
 * The base a resubmitted survey sends: the one it started from, plus the members its
 * previous submission added (the server gives row i the id uuid5(client_uuid, "members[i]");
 * `newRows` are those rows' indexes). Without them a returned survey sent again would
 * leave those members in place and add its new rows a second time.
 */
export async function resubmissionBase(base, previousUuid, newRows) {
  if (!previousUuid) return base;
  const known = new Set(base.map((b) => b.member_id));
  const added = [];
  for (const i of newRows || []) {
    const id = await uuid5(previousUuid, `members[${i}]`);
    if (!known.has(id)) added.push({ member_id: id });
  }
  return [...base, ...added];
}
