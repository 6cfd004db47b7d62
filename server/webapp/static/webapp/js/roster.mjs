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
