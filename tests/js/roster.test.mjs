// A survey's roster pre-filled from the registry carries each member's registry id.
import { test } from "node:test";
import assert from "node:assert/strict";
import { formRelation, rosterFromRegistry } from "../../server/webapp/static/webapp/js/roster.mjs";

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
