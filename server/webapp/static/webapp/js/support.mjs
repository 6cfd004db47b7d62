// Support mode of the app (issue 16): the support worker's records, the stage to prove
// next, photos with GPS taken on site, kept in the outbox offline and sent with the same
// exactly-once push and resumable upload as surveys. Screens read IndexedDB only.
import * as db from "./db.mjs";
import { payloadSha256, sha256Hex } from "./canonical.mjs";
import { writeExif } from "./exif.mjs";
import { transition } from "./outbox.mjs";
import { compressPhoto } from "./photo.mjs";
import { STAGE_LABELS, WORK_LABELS, ladder, proofItem, proofPayload, proofsOf, stageToProve } from "./stages.mjs";
import { fmt, formatBytes, formatTime, gettext, h, lang, mount, toast, uuid } from "./ui.mjs";

const MAX_PHOTOS = 20;
const STATE_TEXT = () => ({
  done: gettext("Proved"), waiting: gettext("Waiting to send"), next: gettext("To prove next"), todo: gettext("Not yet"),
});

/** Whether the phone opens in support mode: a support worker, or a user who chose it. */
export async function supportMode() {
  const auth = await db.get("kv", "auth");
  const chosen = await db.get("kv", "mode");
  return chosen ? chosen === "support" : auth?.role === "support_staff";
}

export async function chooseMode(mode) {
  await db.put("kv", "mode", mode);
}

/** `#/support` (the list) and `#/support/<record id>` (one record). */
export async function supportScreen(root, arg, go) {
  if (arg) return recordScreen(root, arg, go);
  return listScreen(root);
}

const programmeName = (r) => (lang() === "en" ? r.programme_name_en : r.programme_name_vi) || r.programme_name_vi || r.programme || "";

async function listScreen(root) {
  const [records, items] = [await db.all("support"), await db.all("items")];
  records.sort((a, b) => String(a.head_name || "").localeCompare(String(b.head_name || ""), "vi"));
  mount(root,
    h("h1.title", {}, gettext("Housing support")),
    h("p.sub", {}, gettext("Your support records. Prove each stage with photos taken at the house.")),
    records.length
      ? h("ul.households.support", { id: "support-records" }, records.map((r) => recordCard(r, items)))
      : h("p.empty", {}, gettext("No support records on this phone. Sync with signal to download them.")),
    h("p", {}, h("a.btn.small.ghost", { href: "#/", id: "to-households", onclick: toHouseholds }, gettext("Households and surveys"))),
  );
}

/** Leave support mode: the choice is stored before the list opens, so "#/" shows households. */
async function toHouseholds(event) {
  event.preventDefault();
  await chooseMode("survey");
  if (location.hash === "#/") window.dispatchEvent(new HashChangeEvent("hashchange"));
  else location.hash = "#/";
}

function recordCard(record, items) {
  const next = stageToProve(record, items);
  const waiting = proofsOf(items, record.id).some((p) => ["waiting", "sending"].includes(p.state));
  return h("li", {},
    h("a.card", { href: `#/support/${encodeURIComponent(record.id)}`, dataset: { record: record.id } },
      h("span.name", {}, record.head_name || gettext("(no name)")),
      h("span.meta", {}, [record.household_code, programmeName(record), WORK_LABELS()[record.work]].filter(Boolean).join(" · ")),
      h("span.tags", {},
        h("span.state.s-sent", {}, `${gettext("Reached")}: ${STAGE_LABELS()[record.stage] || record.stage}`),
        waiting ? h("span.state.s-waiting", {}, gettext("Waiting to send")) : null,
        next ? h("span.state.s-draft", {}, `${gettext("Next")}: ${STAGE_LABELS()[next]}`) : null)));
}

async function recordScreen(root, id, go) {
  const record = await db.get("support", id);
  if (!record) return mount(root, h("p.empty", {}, gettext("This support record is not on this phone.")));
  const items = await db.all("items");
  const steps = ladder(record, items);
  const next = stageToProve(record, items);
  const draft = next ? await draftFor(record, next, items) : null;
  mount(root,
    h("p", {}, h("a", { href: "#/support" }, `‹ ${gettext("Housing support")}`)),
    h("h1.title", {}, record.head_name),
    h("p.sub", {}, [record.household_code, record.address].filter(Boolean).join(" · ")),
    h("p.meta", {}, [programmeName(record), WORK_LABELS()[record.work]].filter(Boolean).join(" · ")),
    h("h2", {}, gettext("Stages")),
    h("ol.stages", { id: "stages" }, steps.map(({ stage, state }) =>
      h("li", { class: `stage st-${state}`, dataset: { stage, state } },
        h("span.stage-name", {}, STAGE_LABELS()[stage]),
        h("span.stage-state", {}, stage === "approved" ? gettext("Decided") : STATE_TEXT()[state])))),
    rejectedProofs(record, items),
    draft ? proofForm(record, draft, go) : h("p.callout.good", { id: "all-proved" }, gettext("Every stage is proved or waiting to send.")),
  );
  return undefined;
}

function rejectedProofs(record, items) {
  const rejected = proofsOf(items, record.id).filter((p) => p.state === "rejected");
  if (!rejected.length) return null;
  return h("div.callout.bad", { id: "rejected-proofs" },
    h("strong", {}, gettext("The server refused a proof:")),
    h("ul.reasons", {}, rejected.flatMap((p) => (p.errors || []).map((e) => h("li", {}, `${STAGE_LABELS()[p.payload?.stage] || ""}: ${lang() === "en" ? e.message_en || e.message_vi : e.message_vi || e.code}`)))));
}

/**
 * The draft proof of `stage`. A new one is written to the outbox with its first photo or
 * note (saveDraft), so photos survive a closed app and merely looking leaves nothing.
 */
async function draftFor(record, stage, items) {
  const found = proofsOf(items, record.id).find((p) => p.state === "draft" && p.stage === stage);
  if (found) return found;
  return proofItem({ id: uuid(), clientUuid: uuid(), record, stage, now: new Date().toISOString() });
}

function proofForm(record, draft, go) {
  const s = { item: draft, fix: null, urls: [] };
  const gps = h("p.meta.gps", { id: "proof-gps", role: "status" }, gettext("Looking for the GPS position…"));
  watchPosition(s, gps);
  const list = h("ul.proof-photos", { id: "proof-photos" });
  const status = h("p.err", { id: "proof-err", role: "alert" });
  const note = h("textarea", { id: "proof-note", rows: 2, maxlength: 1000 });
  note.value = draft.note || "";
  note.addEventListener("change", async () => { s.item = await saveDraft({ ...s.item, note: note.value }); });
  const drawPhotos = () => drawList(s, list, record);
  const onFile = async (e) => {
    const file = e.target.files && e.target.files[0];
    e.target.value = "";
    if (!file) return;
    if (s.item.photos.length >= MAX_PHOTOS) return void (status.textContent = fmt(gettext("At most %(n)s photos per stage."), { n: MAX_PHOTOS }));
    status.textContent = gettext("Compressing the photo…");
    try {
      const name = await storePhoto(s, file);
      s.item = await saveDraft({ ...s.item, photos: [...s.item.photos, name] });
      status.textContent = "";
    } catch {
      status.textContent = gettext("This file is not a photo the phone can read.");
    }
    drawPhotos();
  };
  s.redraw = drawPhotos;
  drawPhotos();
  const form = h("form.proof", {
    id: "proof-form",
    onsubmit: async (e) => {
      e.preventDefault();
      s.item = await saveDraft({ ...s.item, note: note.value });
      const error = await queueProof(s.item);
      if (error) return void (status.textContent = error);
      toast(gettext("Saved. Waiting to send."), "good");
      go(`#/support/${encodeURIComponent(record.id)}`);
    },
  },
    h("h2", {}, `${gettext("Prove the stage")}: ${STAGE_LABELS()[draft.stage]}`),
    h("p.hint", {}, gettext("Take at least one photo at the house. Each photo keeps its time and GPS position.")),
    gps,
    h("div.photo-actions", {},
      h("label.btn", { for: "proof-camera" }, h("span", {}, gettext("Take photo"))),
      h("input.file", { type: "file", id: "proof-camera", accept: "image/*", capture: "environment", onchange: onFile }),
      h("label.btn.ghost", { for: "proof-gallery" }, h("span", {}, gettext("From gallery"))),
      h("input.file", { type: "file", id: "proof-gallery", accept: "image/*", onchange: onFile })),
    list,
    h("div.q", {}, h("label.lbl", { for: "proof-note" }, gettext("Note (optional)")), note),
    status,
    h("button.btn.primary", { type: "submit", id: "proof-save" }, gettext("Save proof")));
  return form;
}

function watchPosition(s, out) {
  if (!navigator.geolocation) return void (out.textContent = gettext("This phone gives no GPS position; photos keep their own, if any."));
  navigator.geolocation.getCurrentPosition(
    (pos) => {
      s.fix = { latitude: pos.coords.latitude, longitude: pos.coords.longitude };
      out.textContent = fmt(gettext("GPS: %(lat)s, %(lon)s (±%(acc)s m)"), {
        lat: pos.coords.latitude.toFixed(5), lon: pos.coords.longitude.toFixed(5), acc: Math.round(pos.coords.accuracy),
      });
    },
    () => { out.textContent = gettext("No GPS position. Photos are still kept; the office checks them."); },
    { enableHighAccuracy: true, timeout: 20000, maximumAge: 60000 },
  );
}

async function drawList(s, list, record) {
  s.urls.forEach((u) => URL.revokeObjectURL(u));
  s.urls = [];
  const rows = [];
  for (const name of s.item.photos) {
    const rec = await db.get("photos", `${s.item.id}/${name}`);
    if (!rec) continue;
    const url = URL.createObjectURL(rec.blob);
    s.urls.push(url);
    const where = rec.latitude !== null && rec.latitude !== undefined
      ? `GPS ${Number(rec.latitude).toFixed(5)}, ${Number(rec.longitude).toFixed(5)}` : gettext("no GPS");
    rows.push(h("li.proof-photo", { dataset: { name } },
      h("img", { src: url, alt: fmt(gettext("Photo %(n)s of the stage"), { n: rows.length + 1 }), width: 96, height: 72 }),
      h("span.meta", {}, `${formatTime(rec.takenAt)} · ${where} · ${formatBytes(rec.size)}`),
      h("button.btn.ghost.small", { type: "button", onclick: async () => {
        s.item = await saveDraft({ ...s.item, photos: s.item.photos.filter((n) => n !== name) });
        await db.del("photos", `${s.item.id}/${name}`);
        s.redraw();
      } }, gettext("Delete photo"))));
  }
  list.replaceChildren(...rows);
  list.setAttribute("aria-label", fmt(gettext("%(n)s photos taken"), { n: rows.length }));
  return record;
}

async function saveDraft(item) {
  const next = { ...item, updatedAt: new Date().toISOString() };
  await db.put("items", next.id, next);
  return next;
}

/** Local wall-clock time as EXIF writes it: "YYYY-MM-DDTHH:MM:SS", no zone. */
function localStamp(d = new Date()) {
  const p = (n) => String(n).padStart(2, "0");
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}T${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}`;
}

/** Compress, stamp time and GPS into EXIF (the original's, else now and the phone's fix), store. */
async function storePhoto(s, file) {
  const result = await compressPhoto(file);
  const meta = {
    takenAt: result.takenAt || localStamp(),
    latitude: result.latitude ?? s.fix?.latitude ?? null,
    longitude: result.longitude ?? s.fix?.longitude ?? null,
  };
  const blob = new Blob([writeExif(await result.blob.arrayBuffer(), meta)], { type: "image/jpeg" });
  const name = `${s.item.stage}_${(await sha256Hex(await blob.arrayBuffer())).slice(0, 12)}.jpg`;
  if (s.item.photos.includes(name)) throw new Error("the same photo twice");
  await db.put("photos", `${s.item.id}/${name}`, {
    blob, size: blob.size, width: result.width, height: result.height, originalBytes: result.originalBytes,
    timeSource: result.takenAt ? "exif" : "capture", ...meta,
  });
  return name;
}

/** Move a draft into the outbox; returns an error text instead when it cannot be sent. */
async function queueProof(item) {
  if (!item.photos.length) return gettext("Take at least one photo of the stage.");
  const attachments = [];
  for (const name of item.photos) {
    const rec = await db.get("photos", `${item.id}/${name}`);
    if (!rec) return gettext("A photo is missing on this phone; take it again.");
    attachments.push({ name, sha256: await sha256Hex(await rec.blob.arrayBuffer()), size: rec.size });
  }
  const payload = proofPayload(item.record_id, item.stage, item.note, item.photos);
  const done = transition(item, "finish", { payload, payload_sha256: await payloadSha256(payload), attachments });
  await db.put("items", done.id, done);
  return null;
}
