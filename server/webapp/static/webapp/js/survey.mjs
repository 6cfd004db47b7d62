// The survey screen: rendered from the form definition, validated live, saved to
// IndexedDB after every answer. Invariant: a survey reaches the outbox ("waiting") only
// when runForm reports no error, so nothing invalid is ever queued.
import * as db from "./db.mjs";
import { DateV } from "./expr.mjs";
import { choicesOf, fillPlaceholders, payloadOf, prepareForm, runForm } from "./form.mjs";
import { payloadSha256, sha256Hex } from "./canonical.mjs";
import { transition } from "./outbox.mjs";
import { writeExif } from "./exif.mjs";
import { compressPhoto } from "./photo.mjs";
import { resubmissionBase } from "./roster.mjs";
import { gettext, fmt, formatBytes, formatTime, h, lang, mount, toast, tr, today } from "./ui.mjs";

const GPS_WARN_METRES = 50;
/** A fix this good is kept and the GPS stops; until then better fixes replace worse ones. */
const GPS_ACCEPT_METRES = 20;
const GPS_WATCH_MS = 30000;
/** Farther than this from the household's registered point, the volunteer is warned. */
const GPS_FAR_METRES = 300;
const EDITABLE = new Set(["draft", "waiting", "rejected", "returned", "conflict"]);
/** What each photo shows (sync/messages.py PhotoKind): one kind per photo question, and
 * "document" for the photos of papers added at the end of the survey. */
export const PHOTO_KINDS = ["house", "roof", "latrine", "water_source", "document"];
const QUESTION_KIND = { photo_house_front: "house", photo_roof: "roof", photo_latrine: "latrine", photo_water_source: "water_source" };
const MAX_DOCUMENTS = 5;
const KIND_LABELS = () => ({
  house: gettext("House photo"), roof: gettext("Roof photo"), latrine: gettext("Latrine photo"),
  water_source: gettext("Water source photo"), document: gettext("Document photo"),
});

/** Mount the survey of outbox item `itemId` into `root`; `done()` leaves the screen. */
export async function surveyScreen(root, itemId, done) {
  let item = await db.get("items", itemId);
  const def = item && (await db.get("forms", `${item.form.id}@${item.form.version}`));
  if (!item || !def) {
    root.replaceChildren(h("p.empty", {}, gettext("This survey or its form is not on this phone.")));
    return;
  }
  const household = (await db.get("households", item.household_id)) || {};
  root.dataset.saving = "0";
  performance.mark("survey:loaded");
  const s = {
    root, form: prepareForm(def), item, household, done,
    touched: new Set(), showAll: false, open: item.answers.members?.length ? -1 : 0,
    readOnly: !EDITABLE.has(item.state), urls: [], notes: new Map(),
    section: Math.min(Number(sessionStorage.getItem(`section:${item.id}`)) || 0, def.sections.length - 1),
  };
  performance.mark("survey:compiled");
  const marked = reviewFields(s);
  const seen = `review-seen:${item.id}`;
  if (marked.length && sessionStorage.getItem(seen) !== item.review.at) {
    // A return not opened yet opens at the first field the reviewer marked.
    sessionStorage.setItem(seen, item.review.at);
    goToPath(s, marked[0]);
  } else render(s);
  performance.mark("survey:ready");
}

/** Answer paths the reviewer's return points at, while the survey can still be fixed. */
function reviewFields(s) {
  const fields = s.item.review?.fields;
  return Array.isArray(fields) && EDITABLE.has(s.item.state) ? fields : [];
}

function referenceDate() {
  const [y, m, d] = today().split("-").map(Number);
  return new DateV(y, m, d);
}

/** Errors of the answers as they would be sent: stale answers of hidden questions ignored. */
export function evaluateDraft(form, answers) {
  const first = runForm(form, answers, referenceDate());
  const payload = payloadOf(form, answers, first);
  const run = runForm(form, payload, referenceDate());
  return { run, payload };
}

// ---- rendering ----------------------------------------------------------------------

function render(s) {
  s.urls.forEach((u) => URL.revokeObjectURL(u));
  s.urls = [];
  const { def } = s.form;
  const sections = def.sections.map((section, i) => renderSection(s, section, i));
  const status = h("p.form-status", { id: "form-status", role: "status", "aria-live": "polite" });
  const body = h("fieldset.survey", { disabled: s.readOnly }, sections);
  const review = s.item.review && (s.item.state === "returned" || reviewFields(s).length) ? reviewCallout(s) : null;
  const rejected = s.item.state === "rejected" && s.item.errors?.length
    ? h("div.callout.bad", {}, h("strong", {}, gettext("The server refused this survey:")),
        h("ul", {}, s.item.errors.map((e) => h("li", {}, `${e.path}: ${e.message_vi || e.code}`))))
    : null;
  mount(s.root,
    sectionNav(s),
    h("h1.title.survey-title", {}, tr(def.title).split(" – ")[0], " · ", h("span.who", {}, s.household.head_name || s.item.household_label || "")),
    review, rejected, body,
    s.readOnly ? h("p.note", {}, gettext("This survey was sent and cannot be changed.")) : h("div.actions.sticky", {}, status, bottomBar(s)),
  );
  markReviewed(s);
  refresh(s);
}

// ---- a returned survey: the reviewer's comment and the fields it points at ---------------

function reviewCallout(s) {
  const fields = reviewFields(s);
  return h("div.callout.warn.review", { role: "note", id: "review" },
    h("strong", {}, gettext("Returned by the reviewer:")), " ", s.item.review.comment,
    fields.length ? h("p.review-head", {}, gettext("Fields to fix:")) : null,
    fields.length ? h("ul.review-fields", { id: "review-fields" }, fields.map((path) => h("li", {},
      h("button.linkbtn", { type: "button", dataset: { field: path }, onclick: () => goToPath(s, path) }, fieldLabel(s, path))))) : null);
}

/** "Lò Thị Mai · Year of birth" for `members[1].birth_year`: the question as the volunteer knows it. */
function fieldLabel(s, path) {
  const m = /^(\w+)\[(\d+)\]\.(\w+)$/.exec(path);
  const q = findQuestion(s.form.def.sections, m ? m[3] : topId(path));
  const label = q?.label ? tr(q.label) : gettext("An answer of this survey");
  if (!m) return label;
  const row = (s.item.answers[m[1]] || [])[Number(m[2])];
  return `${row?.full_name || fmt(gettext("Member %(n)s"), { n: Number(m[2]) + 1 })} · ${label}`;
}

function findQuestion(nodes, id) {
  for (const q of nodes || []) {
    if (q.id === id && q.type !== "group") return q;
    const inner = findQuestion(q.questions, id);
    if (inner) return inner;
  }
  return null;
}

/** Mark the fields the reviewer points at, and a closed member that holds one. */
function markReviewed(s) {
  for (const path of reviewFields(s)) {
    s.root.querySelector(`[data-path="${CSS.escape(path)}"]`)?.classList.add("reviewed");
    const member = /^(\w+\[\d+\])\./.exec(path);
    const li = member && s.root.querySelector(`li.member[data-path="${CSS.escape(member[1])}"]`);
    if (li) li.classList.add("reviewed");
  }
}

/** How many reviewer-marked fields each section holds. */
function reviewedPerSection(s) {
  const where = s.where || (s.where = sectionIndex(s.form.def));
  const counts = s.form.def.sections.map(() => 0);
  for (const path of reviewFields(s)) counts[where.get(topId(path)) ?? 0] += 1;
  return counts;
}

// ---- sections: one on screen at a time, a jump list with each one's state -------------

/** Index of the section holding each top-level question id (groups flattened). */
function sectionIndex(def) {
  const index = new Map();
  const visit = (nodes, i) => nodes.forEach((q) => (q.type === "group" ? visit(q.questions || [], i) : index.set(q.id, i)));
  def.sections.forEach((section, i) => visit(section.questions || [], i));
  return index;
}

const topId = (path) => path.split(/[.[]/)[0];

/** Per section: its errors (required ones included) and whether anything in it is answered. */
function sectionStates(s, run) {
  const where = s.where || (s.where = sectionIndex(s.form.def));
  const states = s.form.def.sections.map(() => ({ errors: [], answered: false }));
  for (const e of run.errors) states[where.get(topId(e.path)) ?? 0].errors.push(e);
  for (const [id, value] of Object.entries(s.item.answers)) {
    const i = where.get(id);
    if (i !== undefined && value !== null && value !== undefined && value !== "") states[i].answered = true;
  }
  return states;
}

function stateLabel(state) {
  if (state.errors.length && !state.answered) return gettext("Not started");
  if (state.errors.length) return fmt(gettext("%(n)s to fix"), { n: state.errors.length });
  return gettext("Done");
}

function sectionNav(s) {
  const total = s.form.def.sections.length;
  const current = s.form.def.sections[s.section];
  const reviewed = reviewedPerSection(s);
  const list = h("ol.jumplist", { id: "jump-list", hidden: true },
    s.form.def.sections.map((section, i) => h("li", {},
      h("button.jump", {
        type: "button", dataset: { section: String(i) }, "aria-current": i === s.section ? "step" : null,
        onclick: () => goSection(s, i),
      }, h("span.jump-name", {}, tr(section.label) || section.id), " ", h("span.jump-state", { dataset: { state: String(i) } }),
      reviewed[i] ? h("span.jump-review", {}, fmt(gettext("%(n)s marked by the reviewer"), { n: reviewed[i] })) : null))));
  const toggle = h("button.secnav-toggle", {
    type: "button", id: "jump", "aria-expanded": "false", "aria-controls": "jump-list",
    onclick: () => {
      const open = list.hidden;
      list.hidden = !open;
      toggle.setAttribute("aria-expanded", String(open));
    },
  }, h("span.secnav-count", {}, fmt(gettext("Section %(n)s of %(total)s"), { n: s.section + 1, total })),
  h("span.secnav-name", {}, tr(current.label) || current.id), h("span.secnav-caret", { "aria-hidden": "true" }, "▾"));
  return h("nav.secnav", { "aria-label": gettext("Sections of the survey") }, toggle, list);
}

function bottomBar(s) {
  const last = s.section === s.form.def.sections.length - 1;
  return h("div.bottombar", {},
    h("button.btn.ghost.nav-btn", { type: "button", id: "prev-section", disabled: s.section === 0, "aria-label": gettext("Previous section"), onclick: () => goSection(s, s.section - 1) }, "‹"),
    last ? null : h("button.btn.nav-next", { type: "button", id: "next-section", onclick: () => goSection(s, s.section + 1) }, `${gettext("Next section")} ›`),
    h(last ? "button.btn.primary.finish" : "button.btn.finish", { type: "button", id: "finish", onclick: () => finish(s) }, gettext("Finish")));
}

function goSection(s, i) {
  s.section = Math.max(0, Math.min(s.form.def.sections.length - 1, i));
  sessionStorage.setItem(`section:${s.item.id}`, String(s.section));
  render(s);
  window.scrollTo(0, 0);
}

function renderSection(s, section, i) {
  const missing = h("div.missing", { dataset: { missing: String(i) } },
    h("span.missing-text", {}),
    h("button.btn.small.ghost.next-missing", { type: "button", onclick: () => nextMissing(s) }, gettext("Go to the next missing answer")));
  return h("section", { class: i === s.section ? "section" : "section off", dataset: { path: section.id, index: String(i) } },
    section.label ? h("h2", {}, tr(section.label)) : null,
    missing,
    (section.questions || []).map((q) => renderNode(s, q, "", null)),
    i === s.form.def.sections.length - 1 && hasPhotos(s.form.def) ? documentsBlock(s) : null);
}

/** Take the volunteer to the answer to fix after the last one visited (else the first from this section on). */
function nextMissing(s) {
  const { run } = evaluateDraft(s.form, s.item.answers);
  if (!run.errors.length) return;
  const where = s.where || sectionIndex(s.form.def);
  const at = run.errors.findIndex((e) => e.path === s.lastJump);
  const ahead = at >= 0 ? run.errors[at + 1] : run.errors.find((e) => (where.get(topId(e.path)) ?? 0) >= s.section);
  goToError(s, ahead || run.errors[0]);
}

function goToError(s, error) {
  s.lastJump = error.path;
  s.touched.add(error.path);
  goToPath(s, error.path);
}

/** Show the section (and open the member) holding answer `path`, and bring it into view. */
function goToPath(s, path) {
  const member = /^(\w+)\[(\d+)\]\./.exec(path);
  s.section = (s.where || sectionIndex(s.form.def)).get(topId(path)) ?? s.section;
  if (member) s.open = Number(member[2]);
  render(s);
  const el = s.root.querySelector(`[data-path="${CSS.escape(path)}"]`)
    || s.root.querySelector(`[data-path="${CSS.escape(path.replace(/\[\d+\]$/, "").split(".")[0])}"]`);
  el?.scrollIntoView({ block: "center" });
  el?.querySelector("input, select, button")?.focus({ preventScroll: true });
}

/** Forms that take photos (Phiếu B) also take photos of documents. */
function hasPhotos(def) {
  const any = (nodes) => (nodes || []).some((q) => q.type === "photo" || any(q.questions));
  return any(def.sections);
}

function renderNode(s, q, prefix, index) {
  if (q.type === "group") {
    return h("div.group", { dataset: { path: prefix + q.id } },
      q.label ? h("h3", {}, tr(q.label)) : null, (q.questions || []).map((c) => renderNode(s, c, prefix, index)));
  }
  if (q.type === "repeat") return renderRepeat(s, q);
  if (q.type === "note") {
    s.notes.set(prefix + q.id, q);
    return h("div.q.note", { dataset: { path: prefix + q.id, note: "1" } }, tr(q.label));
  }
  if (q.type === "calculate") {
    if (!q.label) return null;
    return h("div.q.calc", { dataset: { path: prefix + q.id, calc: q.id } }, tr(q.label), ": ", h("output"));
  }
  return renderQuestion(s, q, prefix, index);
}

const fieldId = (path) => `f-${path.replace(/[^A-Za-z0-9]/g, "_")}`;

function renderQuestion(s, q, prefix, index) {
  const path = prefix + q.id;
  const id = fieldId(path);
  const value = getAnswer(s, q.id, index);
  const set = (v) => setAnswer(s, q.id, index, v, path);
  const error = h("p.err", { id: `${id}-err`, "aria-live": "polite" });
  return h("div.q", { dataset: { path } },
    h("label.lbl", { for: id, id: `${id}-lbl` }, tr(q.label), q.required ? h("span.req", { "aria-hidden": "true" }, " *") : null),
    q.hint ? h("p.hint", {}, tr(q.hint)) : null,
    input(s, q, id, value, set, path),
    error);
}

function input(s, q, id, value, set, path) {
  const described = `${id}-err`;
  switch (q.type) {
    case "select_one": return selectOne(s, q, id, value, set, described);
    case "select_multiple": return selectMany(s, q, id, value, set, described);
    case "date": return h("input", { id, type: "date", value: value || "", "aria-describedby": described, onchange: (e) => set(e.target.value || null) });
    case "integer": return numberInput(id, value, set, described, "numeric", parseInteger);
    case "decimal": return numberInput(id, value, set, described, "decimal", parseDecimal);
    case "geopoint": return geopoint(s, q, id, value, set, described);
    case "photo": return photo(s, q, id, value, set, described, path);
    default:
      return h("input", { id, type: "text", value: value || "", autocomplete: "off", "aria-describedby": described, onchange: (e) => set(e.target.value) });
  }
}

function parseInteger(text) {
  const t = text.trim().replace(/[.\s]/g, "");
  if (!t) return null;
  return /^-?[0-9]+$/.test(t) ? Number(t) : text;
}

function parseDecimal(text) {
  const t = text.trim().replace(",", ".");
  return t ? t : null;
}

function numberInput(id, value, set, described, mode, parse) {
  return h("input", {
    id, type: "text", inputmode: mode, value: value ?? "", autocomplete: "off", "aria-describedby": described,
    onchange: (e) => set(parse(e.target.value)),
  });
}

/** Short choices sit two to a row (yes/no side by side); long ones keep the full width. */
function choicesSpec(choices) {
  const short = choices.every((c) => (c.label?.vi || "").length <= 14 && (c.label?.en || "").length <= 14);
  return choices.length === 2 || (short && choices.length <= 6) ? "div.choices.pair" : "div.choices";
}

function selectOne(s, q, id, value, set, described) {
  const choices = choicesOf(s.form, q);
  if (choices.length > 8) {
    return h("select", { id, "aria-describedby": described, onchange: (e) => set(e.target.value || null) },
      h("option", { value: "" }, gettext("— choose —")),
      choices.map((c) => h("option", { value: c.value, selected: c.value === value }, tr(c.label))));
  }
  return h(choicesSpec(choices), { id, role: "radiogroup", "aria-labelledby": `${id}-lbl`, "aria-describedby": described },
    choices.map((c, i) => h("label.choice", { for: `${id}-${i}` },
      h("input", { type: "radio", id: `${id}-${i}`, name: id, value: c.value, checked: c.value === value, onchange: () => set(c.value) }),
      h("span", {}, tr(c.label)))));
}

function selectMany(s, q, id, value, set, described) {
  const selected = new Set(value || []);
  const choices = choicesOf(s.form, q);
  return h(choicesSpec(choices), { id, role: "group", "aria-labelledby": `${id}-lbl`, "aria-describedby": described },
    choices.map((c, i) => h("label.choice", { for: `${id}-${i}` },
      h("input", {
        type: "checkbox", id: `${id}-${i}`, value: c.value, checked: selected.has(c.value),
        onchange: (e) => {
          if (e.target.checked) selected.add(c.value);
          else selected.delete(c.value);
          set(selected.size ? choices.map((x) => x.value).filter((v) => selected.has(v)) : null);
        },
      }),
      h("span", {}, tr(c.label)))));
}

// ---- GPS ----------------------------------------------------------------------------

function geopoint(s, q, id, value, set, described) {
  const info = h("p.gps", { "aria-live": "polite" }, gpsText(value, s.household));
  let best = null;
  const button = h("button.btn", {
    type: "button", id, "aria-describedby": described,
    onclick: () => {
      info.textContent = gettext("Finding your position…");
      best = null;
      const stop = (watch) => navigator.geolocation.clearWatch(watch);
      const watch = navigator.geolocation.watchPosition(
        (pos) => {
          if (best && pos.coords.accuracy >= best) return;
          best = pos.coords.accuracy;
          const v = {
            latitude: pos.coords.latitude.toFixed(6),
            longitude: pos.coords.longitude.toFixed(6),
            accuracy: Math.ceil(pos.coords.accuracy),
          };
          s.lastFix = { latitude: pos.coords.latitude, longitude: pos.coords.longitude };
          set(v);
          info.replaceChildren(...gpsText(v, s.household));
          if (pos.coords.accuracy <= GPS_ACCEPT_METRES) stop(watch);
        },
        () => {
          if (!best) info.textContent = gettext("Could not get a position. Go outside and try again.");
          stop(watch);
        },
        { enableHighAccuracy: true, timeout: GPS_WATCH_MS, maximumAge: 0 },
      );
      setTimeout(() => stop(watch), GPS_WATCH_MS);
    },
  }, value ? gettext("Take the position again") : gettext("Record GPS position"));
  return h("div.gpsbox", {}, button, info);
}

/** Great-circle distance in metres between two points given in degrees. */
export function distanceMetres(a, b) {
  const rad = (x) => (Number(x) * Math.PI) / 180;
  const dLat = rad(b.latitude) - rad(a.latitude);
  const dLon = rad(b.longitude) - rad(a.longitude);
  const k = Math.sin(dLat / 2) ** 2 + Math.cos(rad(a.latitude)) * Math.cos(rad(b.latitude)) * Math.sin(dLon / 2) ** 2;
  return 2 * 6371000 * Math.asin(Math.sqrt(k));
}

function gpsText(v, household = {}) {
  if (!v) return [];
  const line = fmt(gettext("%(lat)s, %(lon)s (accuracy ±%(acc)s m)"), { lat: v.latitude, lon: v.longitude, acc: v.accuracy });
  const warn = Number(v.accuracy) > GPS_WARN_METRES
    ? h("span.warn", { role: "alert" }, fmt(gettext("Poor accuracy: more than %(limit)s m. Move to open sky and try again."), { limit: GPS_WARN_METRES }))
    : null;
  return [line, warn ? h("br") : null, warn, distanceLine(v, household)].filter(Boolean);
}

/** How far the fix is from the registry's point for the household, when it has one. */
function distanceLine(v, household) {
  if (household.latitude === null || household.latitude === undefined || household.longitude === null || household.longitude === undefined) return null;
  const metres = Math.round(distanceMetres(v, household));
  if (metres <= GPS_FAR_METRES) {
    return h("span.far.meta", { id: "gps-distance" }, fmt(gettext("%(m)s m from the household's registered point."), { m: metres }));
  }
  return h("span.far.warn", { id: "gps-distance", role: "alert" },
    fmt(gettext("Far from the household's registered point: %(m)s m. Check that this is the right household, then record the position at the house."), { m: metres }));
}

// ---- photos ---------------------------------------------------------------------------

function photo(s, q, id, value, set, described, path) {
  const preview = h("div.photo-preview", { "aria-live": "polite", dataset: { kind: QUESTION_KIND[q.id] || "" } });
  let current = value;
  const take = h("span", {}, current ? gettext("Retake photo") : gettext("Take photo"));
  const remove = h("button.btn.ghost.photo-delete", {
    type: "button", hidden: !current,
    onclick: async () => {
      if (remove.dataset.confirm !== "1") {
        remove.dataset.confirm = "1";
        remove.textContent = gettext("Tap again to delete the photo");
        return;
      }
      const name = current;
      current = null;
      await set(null);
      await db.del("photos", `${s.item.id}/${name}`);
      showState();
    },
  }, gettext("Delete photo"));
  const showState = () => {
    take.textContent = current ? gettext("Retake photo") : gettext("Take photo");
    remove.hidden = !current;
    delete remove.dataset.confirm;
    remove.textContent = gettext("Delete photo");
    showPhoto(s, preview, current);
  };
  showPhoto(s, preview, current);
  const onFile = async (e) => {
    const file = e.target.files && e.target.files[0];
    e.target.value = "";
    if (!file) return;
    preview.textContent = gettext("Compressing the photo…");
    try {
      current = await storePhoto(s, q, file, path, current);
      await set(current);
    } catch {
      preview.textContent = gettext("This file is not a photo the phone can read.");
      return;
    }
    showState();
  };
  return h("div.photobox", {},
    h("div.photo-actions", {},
      h("label.btn", { for: `${id}` }, take),
      h("input.file", { type: "file", id, accept: "image/*", capture: "environment", "aria-describedby": described, onchange: onFile }),
      h("label.btn.ghost", { for: `${id}-gallery` }, h("span", {}, gettext("From gallery"))),
      h("input.file", { type: "file", id: `${id}-gallery`, accept: "image/*", onchange: onFile }),
      remove),
    preview);
}

/** Local wall-clock time as EXIF writes it: "YYYY-MM-DDTHH:MM:SS", no zone. */
function localStamp(d = new Date()) {
  const p = (n) => String(n).padStart(2, "0");
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}T${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}`;
}

async function storePhoto(s, q, file, path, previous) {
  const result = await compressPhoto(file);
  // Time and place: the original's EXIF, else the moment of capture and the last GPS fix.
  const meta = {
    takenAt: result.takenAt || localStamp(),
    latitude: result.latitude ?? s.lastFix?.latitude ?? null,
    longitude: result.longitude ?? s.lastFix?.longitude ?? null,
  };
  const blob = new Blob([writeExif(await result.blob.arrayBuffer(), meta)], { type: "image/jpeg" });
  const suffix = (await sha256Hex(await blob.arrayBuffer())).slice(0, 8);
  const name = `${path.replace(/[^A-Za-z0-9]/g, "_")}_${suffix}.jpg`;
  const record = {
    blob, size: blob.size, width: result.width, height: result.height,
    originalBytes: result.originalBytes, timeSource: result.takenAt ? "exif" : "capture", ...meta,
  };
  await db.put("photos", `${s.item.id}/${name}`, record);
  if (previous && previous !== name) await db.del("photos", `${s.item.id}/${previous}`);
  return name;
}

async function showPhoto(s, preview, name) {
  if (!name) return preview.replaceChildren();
  const rec = await db.get("photos", `${s.item.id}/${name}`);
  if (!rec) return preview.replaceChildren(h("span.warn", {}, gettext("Photo missing on this phone; take it again.")));
  const url = URL.createObjectURL(rec.blob);
  s.urls.push(url);
  const gps = rec.latitude !== null && rec.latitude !== undefined ? ` · GPS ${rec.latitude.toFixed?.(5) ?? rec.latitude}, ${rec.longitude?.toFixed?.(5) ?? rec.longitude}` : "";
  const kind = KIND_LABELS()[preview.dataset.kind];
  preview.replaceChildren(
    h("img", { src: url, alt: kind ? `${gettext("Photo taken")}: ${kind}` : gettext("Photo taken"), width: 96, height: 72 }),
    kind ? h("span.badge.kind", {}, kind) : null,
    h("span.meta", {}, `${rec.width}×${rec.height} · ${formatBytes(rec.size)} (${gettext("original")} ${formatBytes(rec.originalBytes)}) · ${formatTime(rec.takenAt)}${gps}`));
  return undefined;
}

// ---- repeat (roster) -------------------------------------------------------------------

function renderRepeat(s, q) {
  const items = s.item.answers[q.id] || [];
  const list = h("ol.roster", {}, items.map((item, i) => rosterItem(s, q, item, i)));
  const add = h("button.btn", {
    type: "button", id: `add-${q.id}`,
    onclick: async () => {
      const next = [...(s.item.answers[q.id] || []), {}];
      s.open = next.length - 1;
      await saveAnswers(s, { ...s.item.answers, [q.id]: next });
      render(s);
      document.getElementById(fieldId(`${q.id}[${s.open}].${q.questions[0].id}`))?.focus();
    },
  }, `+ ${gettext("Add member")}`);
  return h("div.q.repeat", { dataset: { path: q.id } },
    h("h3", {}, tr(q.label), " ", h("span.count", {}, `(${items.length})`)),
    list, h("p.err", { id: `${fieldId(q.id)}-err`, "aria-live": "polite" }), add);
}

function rosterItem(s, q, item, i) {
  const open = s.open === i;
  const nameField = q.questions[0];
  const title = item[nameField.id] || fmt(gettext("Member %(n)s"), { n: i + 1 });
  const remove = h("button.btn.small.ghost", { type: "button", onclick: (e) => removeMember(s, q, i, e.target) }, gettext("Remove"));
  const toggle = h("button.btn.small", {
    type: "button", "aria-expanded": String(open),
    onclick: () => { s.open = open ? -1 : i; render(s); },
  }, open ? gettext("Done") : gettext("Edit"));
  const head = h("div.member-head", {}, h("strong", {}, `${i + 1}. ${title}`), h("span.member-err", { dataset: { member: `${q.id}[${i}]` } }), toggle, remove);
  const body = open ? h("div.member-body", {}, q.questions.map((c) => renderNode(s, c, `${q.id}[${i}].`, i))) : null;
  return h("li.member", { dataset: { path: `${q.id}[${i}]` }, "data-open": open ? "1" : null }, head, body);
}

async function removeMember(s, q, i, button) {
  if (button.dataset.confirm !== "1") {
    button.dataset.confirm = "1";
    button.textContent = gettext("Tap again to remove");
    return;
  }
  const next = (s.item.answers[q.id] || []).filter((_x, k) => k !== i);
  s.open = -1;
  await saveAnswers(s, { ...s.item.answers, [q.id]: next.length ? next : null });
  render(s);
}

// ---- answers and saving ----------------------------------------------------------------

function getAnswer(s, id, index) {
  if (index === null) return s.item.answers[id];
  return (s.item.answers.members || [])[index]?.[id];
}

function repeatIdOf(s) {
  return s.form.def.sections.flatMap((x) => x.questions || []).find((q) => q.type === "repeat")?.id || "members";
}

function setAnswer(s, id, index, value, path) {
  const answers = { ...s.item.answers };
  if (index === null) answers[id] = value;
  else {
    const rid = path.split("[")[0] || repeatIdOf(s);
    const items = [...(answers[rid] || [])];
    items[index] = { ...items[index], [id]: value };
    answers[rid] = items;
  }
  s.touched.add(path);
  const saved = saveAnswers(s, answers);
  refresh(s);
  if (index !== null && path.endsWith(".full_name")) updateMemberTitle(s, path, value);
  return saved;
}

function updateMemberTitle(s, path, value) {
  const li = s.root.querySelector(`li.member[data-path="${path.split(".")[0]}"] .member-head strong`);
  if (li) li.textContent = `${Number(path.match(/\[(\d+)\]/)[1]) + 1}. ${value || ""}`;
}

/**
 * Persist the draft at once: a reload or a crash loses nothing already answered.
 * The in-memory item changes synchronously and writes are chained in order, so two
 * quick answers can never overwrite each other with a stale copy.
 */
function saveAnswers(s, answers) {
  let item = s.item;
  if (item.state !== "draft") item = transition(item, "edit");
  item = { ...item, answers, updatedAt: new Date().toISOString() };
  s.item = item;
  s.root.dataset.saving = "1";
  s.saving = (s.saving || Promise.resolve()).then(() => db.put("items", item.id, item));
  const mine = s.saving;
  mine.then(() => {
    if (s.saving === mine) s.root.dataset.saving = "0";
  });
  return mine;
}

// ---- live validation ---------------------------------------------------------------------

function refresh(s) {
  const { run } = evaluateDraft(s.form, s.item.answers);
  const errors = new Map();
  for (const e of run.errors) if (!errors.has(e.path)) errors.set(e.path, e);
  for (const el of s.root.querySelectorAll("[data-path]")) {
    const path = el.dataset.path;
    if (path in run.relevant) el.hidden = !run.relevant[path];
    if (el.dataset.calc) el.querySelector("output").textContent = String(calcValue(run, path) ?? "—");
    if (el.dataset.note) el.textContent = fillPlaceholders(s.form, tr(s.notes.get(path).label), run, lang());
    const err = el.querySelector(":scope > .err");
    if (!err) continue;
    const e = errors.get(path);
    const show = e && (s.showAll || s.touched.has(path) || e.code !== "required");
    err.textContent = show ? (document.documentElement.lang === "en" ? e.en : e.vi) : "";
    el.classList.toggle("invalid", Boolean(show));
    el.querySelector("input, select, button")?.setAttribute("aria-invalid", show ? "true" : "false");
  }
  markMembers(s, run);
  markSections(s, run);
  return run;
}

/** The jump list's states and each section's line of missing answers. */
function markSections(s, run) {
  const states = sectionStates(s, run);
  for (const el of s.root.querySelectorAll("[data-state]")) {
    const state = states[Number(el.dataset.state)];
    el.textContent = stateLabel(state);
    el.className = `jump-state ${state.errors.length ? (state.answered ? "fix" : "todo") : "done"}`;
  }
  for (const el of s.root.querySelectorAll("[data-missing]")) {
    const n = states[Number(el.dataset.missing)].errors.length;
    el.hidden = n === 0;
    el.querySelector(".missing-text").textContent = fmt(gettext("%(n)s answers missing or to fix in this section."), { n });
  }
}

function calcValue(run, path) {
  const m = /^(\w+)\[(\d+)\]\.(\w+)$/.exec(path);
  const v = m ? run.values[m[1]]?.[Number(m[2])]?.[m[3]] : run.values[path];
  return v === null || v === undefined ? null : String(v);
}

function markMembers(s, run) {
  for (const badge of s.root.querySelectorAll("[data-member]")) {
    const prefix = `${badge.dataset.member}.`;
    const n = run.errors.filter((e) => e.path.startsWith(prefix) && (s.showAll || e.code !== "required")).length;
    badge.textContent = n ? fmt(gettext("%(n)s to fix"), { n }) : "";
  }
}

async function finish(s) {
  await s.saving;
  s.showAll = true;
  const { run, payload } = evaluateDraft(s.form, s.item.answers);
  if (run.errors.length) {
    showErrors(s, run);
    return;
  }
  const attachments = [];
  for (const { name, kind } of photoRefs(s.form.def, payload, s.item.documents)) {
    const rec = await db.get("photos", `${s.item.id}/${name}`);
    if (!rec) return toast(gettext("A photo is missing on this phone; take it again."), "bad");
    const ref = { name, sha256: await sha256Hex(await rec.blob.arrayBuffer()), size: rec.size };
    attachments.push(kind ? { ...ref, kind } : ref);
  }
  let item = s.item.state === "draft" ? s.item : transition(s.item, "edit");
  const sent = await withRosterBase(item, payload);
  item = transition(item, "finish", { payload: sent, payload_sha256: await payloadSha256(sent), attachments });
  await db.put("items", item.id, item);
  toast(gettext("Saved. Waiting to send."), "good");
  s.done(item);
}

/** The payload with the roster base the survey started from, when it has one (PROTOCOL §3.2). */
async function withRosterBase(item, payload) {
  if (!Array.isArray(item.roster_base)) return payload;
  const previous = (item.previous_uuids || []).at(-1);
  return { ...payload, roster_base: await resubmissionBase(item.roster_base, previous, item.sent_new_rows) };
}

function showErrors(s, run) {
  goToError(s, run.errors[0]);
  const status = document.getElementById("form-status");
  status.textContent = fmt(gettext("%(n)s answers need fixing before the survey can be sent."), { n: run.errors.length });
}

/** The photos a payload names, in document order, with what each shows; then the documents. */
export function photoRefs(def, payload, documents = []) {
  const refs = [];
  const visit = (nodes, answers) => {
    for (const q of nodes) {
      if (q.type === "photo" && answers[q.id]) refs.push({ name: answers[q.id], kind: QUESTION_KIND[q.id] || null });
      else if (q.type === "repeat") (answers[q.id] || []).forEach((it) => visit(q.questions || [], it));
      else if (q.questions) visit(q.questions, answers);
    }
  };
  visit(def.sections, payload);
  for (const name of documents || []) refs.push({ name, kind: "document" });
  return refs;
}

/** Photo file names referenced by a payload, in document order. */
export const photoNames = (def, payload) => photoRefs(def, payload).map((ref) => ref.name);

// ---- photos of documents: not answers, declared as attachments of kind "document" -------

function documentsBlock(s) {
  const names = s.item.documents || [];
  const id = "f-documents";
  const onFile = async (e) => {
    const file = e.target.files && e.target.files[0];
    e.target.value = "";
    if (!file || (s.item.documents || []).length >= MAX_DOCUMENTS) return;
    try {
      const name = await storePhoto(s, null, file, `document_${Date.now().toString(36)}`, null);
      await saveDocuments(s, [...(s.item.documents || []), name]);
    } catch {
      toast(gettext("This file is not a photo the phone can read."), "bad");
      return;
    }
    render(s);
  };
  return h("div.q.documents", { dataset: { path: "documents" } },
    h("h3", { id: `${id}-lbl` }, gettext("Photos of documents (optional)")),
    h("p.hint", {}, gettext("For example the household registration book or a certificate; up to 5.")),
    h("ul.doc-list", {}, names.map((name) => documentRow(s, name))),
    names.length < MAX_DOCUMENTS ? h("div.photo-actions", {},
      h("label.btn", { for: id }, h("span", {}, gettext("Photograph a document"))),
      h("input.file", { type: "file", id, accept: "image/*", capture: "environment", onchange: onFile })) : null);
}

function documentRow(s, name) {
  const preview = h("div.photo-preview", { dataset: { kind: "document" } });
  showPhoto(s, preview, name);
  const remove = h("button.btn.ghost.photo-delete", {
    type: "button",
    onclick: async () => {
      if (remove.dataset.confirm !== "1") {
        remove.dataset.confirm = "1";
        remove.textContent = gettext("Tap again to delete the photo");
        return;
      }
      await saveDocuments(s, (s.item.documents || []).filter((n) => n !== name));
      await db.del("photos", `${s.item.id}/${name}`);
      render(s);
    },
  }, gettext("Delete photo"));
  return h("li.doc", { dataset: { name } }, preview, remove);
}

/** The documents list is part of the draft: saved like an answer, in order with them. */
function saveDocuments(s, documents) {
  let item = s.item;
  if (item.state !== "draft") item = transition(item, "edit");
  item = { ...item, documents, updatedAt: new Date().toISOString() };
  s.item = item;
  s.saving = (s.saving || Promise.resolve()).then(() => db.put("items", item.id, item));
  return s.saving;
}
