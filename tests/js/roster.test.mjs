// A survey's roster pre-filled from the registry carries each member's registry id.
import { test } from "node:test";
import assert from "node:assert/strict";
import { formRelation, resubmissionBase, rosterBase, rosterFromRegistry, uuid5 } from "../../server/webapp/static/webapp/js/roster.mjs";
import { transition } from "../../server/webapp/static/webapp/js/outbox.mjs";

const members = [
  { id: "m-child", household_id: "h1", full_name: "Lò Thị Bích", relation: "child", sex: "female", ethnicity: "thai", birth_date: null, birth_year: 2012 },
  { id: "m-head", household_id: "h1", full_name: "Lò Văn Páo", relation: "head", sex: "male", ethnicity: "thai", birth_date: "1980-05-17", birth_year: 1980 },
  { id: "m-lodger", household_id: "h1", full_name: "John Smith", relation: "other", sex: "male", ethnicity: "foreign", birth_date: null, birth_year: 1990 },
  { id: "m-elsewhere", household_id: "h2", full_name: "Hà Văn A", relation: "head", sex: "male", ethnicity: "kinh", birth_date: null, birth_year: 1970 },
];

test("rows keep the registry member id, head first, only this household's members", () => {
  assert.deepEqual(rosterFromRegistry(members, "h1"), [
    { member_id: "m-head", full_name: "Lò Văn Páo", relation: "head", sex: "male", ethnicity: "thai", birth_date_known: "date", birth_date: "1980-05-17" },
    { member_id: "m-child", full_name: "Lò Thị Bích", relation: "child", sex: "female", ethnicity: "thai", birth_date_known: "year_only", birth_year: 2012 },
    { member_id: "m-lodger", full_name: "John Smith", relation: "non_relative", sex: "male", ethnicity: "foreign", birth_date_known: "year_only", birth_year: 1990 },
  ]);
});

test("the registry's relation `other` is the form's `non_relative`; the rest are the same", () => {
  assert.equal(formRelation("other"), "non_relative");
  assert.equal(formRelation("spouse"), "spouse");
});

test("the roster base names this household's members with the revision the phone holds", () => {
  const held = [
    { id: "m1", household_id: "h1", revision: 3 },
    { id: "m2", household_id: "h1" },
    { id: "m3", household_id: "h2", revision: 1 },
  ];
  assert.deepEqual(rosterBase(held, "h1"), [{ member_id: "m1", revision: 3 }, { member_id: "m2" }]);
});

test("uuid5 gives Python's uuid.uuid5 for the id the server derives for a new member", async () => {
  // python -c "import uuid; print(uuid.uuid5(uuid.UUID('0f6a1f7c-1d0e-4c55-8a38-7d4e2c3b1a99'), 'members[1]'))"
  assert.equal(await uuid5("0f6a1f7c-1d0e-4c55-8a38-7d4e2c3b1a99", "members[1]"), "49a1b3df-aef0-569b-bb7b-1d9b369af9f5");
});

test("a resubmission's base adds the members its previous submission created, once", async () => {
  const previous = "0f6a1f7c-1d0e-4c55-8a38-7d4e2c3b1a99";
  const base = [{ member_id: "m1", revision: 2 }];
  assert.deepEqual(await resubmissionBase(base, previous, [1]), [...base, { member_id: "49a1b3df-aef0-569b-bb7b-1d9b369af9f5" }]);
  assert.deepEqual(await resubmissionBase(base, undefined, [1]), base);
});

test("editing a sent survey records which of its rows made new members", () => {
  const sent = { state: "returned", everSent: true, client_uuid: "c1", payload: { members: [{ member_id: "m1" }, { full_name: "B" }, { full_name: "C" }] } };
  const edited = transition(sent, "edit", {}, () => "c2");
  assert.deepEqual([edited.client_uuid, edited.previous_uuids, edited.sent_new_rows], ["c2", ["c1"], [1, 2]]);
});
