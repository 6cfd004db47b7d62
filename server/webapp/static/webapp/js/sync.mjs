// Sync with the server (sync/PROTOCOL.md): push the outbox, upload photos resumably,
// pull changes page by page, refresh form definitions.
import * as db from "./db.mjs";
import { pending, transition } from "./outbox.mjs";
import { pageOps } from "./pull.mjs";

export const PROTOCOL = 1;
const CHUNK = 256 * 1024;
const MAX_BATCH_ITEMS = 100;
const MAX_BATCH_BYTES = 4 * 1024 * 1024;

export class HttpError extends Error {
  constructor(status, body) {
    super(`HTTP ${status}`);
    this.status = status;
    this.body = body;
  }
}

async function token() {
  const auth = await db.get("kv", "auth");
  return auth ? auth.token : null;
}

async function request(method, url, { body, headers = {}, raw = false } = {}) {
  const t = await token();
  const h = { "X-ChungTay-Protocol": String(PROTOCOL), ...headers };
  if (t) h.Authorization = `Token ${t}`;
  if (body !== undefined && !(body instanceof Blob)) {
    h["Content-Type"] = "application/json";
    body = JSON.stringify(body);
  }
  const response = await fetch(url, { method, headers: h, body, cache: "no-store" });
  if (raw) return response;
  const data = await response.json().catch(() => null);
  if (!response.ok) throw new HttpError(response.status, data);
  return data;
}

export async function signIn(username, password, deviceName) {
  const response = await fetch("/api/v1/auth/device-tokens/", {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ username, password, device_name: deviceName }),
  });
  const data = await response.json().catch(() => null);
  if (response.status !== 201) throw new HttpError(response.status, data);
  await db.put("kv", "auth", { token: data.token, device: data.device, role: data.role, username });
  return data;
}

// ---- forms ----------------------------------------------------------------------------

/** Download every form definition whose checksum changed. */
export async function refreshForms() {
  const rows = await request("GET", "/api/v1/forms/");
  for (const row of rows) {
    const key = `${row.id}@${row.version}`;
    const known = await db.get("forms", key);
    if (known && known.checksum === row.checksum) continue;
    const def = await request("GET", row.url);
    await db.put("forms", key, def);
  }
  await db.put("kv", "formIndex", rows);
  return rows;
}

// ---- push -------------------------------------------------------------------------------

function wireItem(item) {
  const out = {
    client_uuid: item.client_uuid,
    kind: item.kind,
    payload: item.payload,
    payload_sha256: item.payload_sha256,
  };
  if (item.kind === "submission") {
    out.form = item.form;
    if (item.household_id) out.household_id = item.household_id;
    out.attachments = item.attachments || [];
  }
  if (item.kind === "support_stage_proof") out.attachments = item.attachments || [];
  if (item.kind === "household_edit") Object.assign(out, { target_id: item.target_id, base_revision: item.base_revision });
  return out;
}

function batches(items) {
  const out = [];
  let current = [];
  let bytes = 0;
  for (const item of items) {
    const size = JSON.stringify(wireItem(item)).length * 3;
    if (current.length && (current.length >= MAX_BATCH_ITEMS || bytes + size > MAX_BATCH_BYTES)) {
      out.push(current);
      current = [];
      bytes = 0;
    }
    current.push(item);
    bytes += size;
  }
  if (current.length) out.push(current);
  return out;
}

async function save(item) {
  await db.put("items", item.id, item);
  return item;
}

/** Push every waiting item; returns the number of items the server answered. */
export async function push(onChange = () => {}) {
  let answered = 0;
  for (const group of batches(pending(await db.all("items")))) {
    // Invariant: persisted as "sending" before the request leaves.
    const sending = [];
    for (const item of group) sending.push(await save(transition(item, "send")));
    onChange();
    let response;
    try {
      response = await request("POST", "/api/v1/sync/push", {
        body: { protocol: PROTOCOL, items: sending.map(wireItem) },
      });
    } catch (error) {
      for (const item of sending) await save(transition(item, "failed"));
      throw error;
    }
    for (const result of response.items) {
      await applyOutcome(sending[result.index], result, onChange);
      answered += 1;
      onChange();
    }
  }
  return answered;
}

// Upload answers that no retry can fix (PROTOCOL §4.2): the photo is refused for good.
const FINAL_UPLOAD_STATUSES = new Set([400, 404, 413, 422]);

async function applyOutcome(item, result, onChange) {
  const outcome = result.outcome;
  if (outcome === "accepted" || outcome === "duplicate") {
    try {
      await uploadAll(item, result.missing_attachments || [], onChange);
    } catch (error) {
      if (!(error instanceof HttpError) || !FINAL_UPLOAD_STATUSES.has(error.status)) throw error;
      const issues = error.body?.error?.issues || [];
      const errors = [{ path: "attachments", code: issues[0]?.code || `http_${error.status}`,
        message_vi: issues[0]?.message_vi || "Máy chủ không nhận một ảnh; hãy chụp lại và gửi lại." }];
      await save(transition(item, "rejected", { errors }));
      return;
    }
    await save(transition(item, outcome));
    if (item.kind === "household_edit") await keepRevision(item.target_id, result.revision);
  } else if (outcome === "conflict") {
    await save(transition(item, "conflict", { conflict_reason: result.conflict_reason }));
  } else {
    await save(transition(item, "rejected", { errors: result.errors || [] }));
  }
}

/** An accepted correction's new revision, so the next one is based on it even before a pull. */
async function keepRevision(householdId, revision) {
  const household = await db.get("households", householdId);
  if (household && Number.isInteger(revision)) await db.put("households", householdId, { ...household, revision });
}

// ---- attachments ------------------------------------------------------------------------

function attachmentUrl(item, name) {
  return `/api/v1/sync/attachments/${item.client_uuid}/${encodeURIComponent(name)}`;
}

/** Upload the photos the server lacks; `onChange({upload})` reports each photo's bytes held. */
async function uploadAll(item, names, onChange = () => {}) {
  for (const [index, name] of names.entries()) {
    const photo = await db.get("photos", `${item.id}/${name}`);
    if (!photo) throw new Error(`photo ${name} missing on the phone`);
    const report = (offset) => onChange({ upload: { index: index + 1, count: names.length, offset, size: photo.blob.size } });
    await upload(attachmentUrl(item, name), photo.blob, request, report);
  }
}

/**
 * Upload-Offset of a protocol answer about a `size`-byte file, else null: an answer
 * without Upload-Offset and a matching Upload-Length (a captive portal's 200) is not progress.
 */
function uploadOffset(response, size) {
  const offset = response.headers.get("Upload-Offset");
  const length = response.headers.get("Upload-Length");
  if (offset === null || !/^\d+$/.test(offset) || length !== String(size)) return null;
  return Number(offset) <= size ? Number(offset) : null;
}

/** HEAD: the bytes the server holds; the full size only once it verified and stored the file. */
async function headOffset(url, size, send) {
  const head = await send("HEAD", url, { raw: true });
  const offset = head.status === 200 ? uploadOffset(head, size) : null;
  if (offset === null) throw new HttpError(head.status, null);
  return offset;
}

/**
 * Resumable PUT with Content-Range (PROTOCOL §4); resumes from the server's offset.
 * `send(method, url, options)` returns a fetch Response (injected by tests).
 */
export async function upload(url, blob, send = request, progress = () => {}) {
  let offset = await headOffset(url, blob.size, send);
  let restarts = 0;
  while (offset < blob.size) {
    progress(offset);
    const end = Math.min(offset + CHUNK, blob.size) - 1;
    const response = await send("PUT", url, {
      body: blob.slice(offset, end + 1),
      headers: { "Content-Type": "application/octet-stream", "Content-Range": `bytes ${offset}-${end}/${blob.size}` },
      raw: true,
    });
    const held = uploadOffset(response, blob.size);
    const status = response.status;
    if ((status === 200 || status === 201) && held === blob.size) return;
    if (status === 204 && held !== null) offset = held;
    else if (status === 409 && held === blob.size) offset = await headOffset(url, blob.size, send);
    else if (status === 409 && held !== null) offset = held;
    else if (status === 422) {
      const body = await response.json().catch(() => null);
      const code = body?.error?.issues?.[0]?.code;
      // sha256_mismatch: the bytes were damaged on the way; anything else: the file is refused,
      // unless another copy of the request finished the photo meanwhile.
      if (code === "sha256_mismatch" && restarts++ < 2) offset = 0;
      else if ((await headOffset(url, blob.size, send)) === blob.size) return;
      else throw new HttpError(422, body);
    } else throw new HttpError(status, await response.json().catch(() => null));
  }
}

// ---- pull -------------------------------------------------------------------------------

/** Pull every page; each page and its cursor are stored in one transaction. */
export async function pull() {
  let count = 0;
  for (;;) {
    const cursor = (await db.get("kv", "cursor")) || "";
    const query = cursor ? `?cursor=${encodeURIComponent(cursor)}&limit=200` : "?limit=200";
    const page = await request("GET", `/api/v1/sync/pull${query}`);
    const ops = pageOps(page, await db.all("items"));
    await db.batch(ops);
    count += page.changes.length;
    if (page.changes.some((c) => c.kind === "form")) await refreshForms();
    if (!page.has_more) return count;
  }
}

/** One full sync: forms, push, pull. Returns a summary. */
export async function syncAll(onChange = () => {}) {
  await refreshForms().catch((error) => {
    if (error instanceof HttpError && error.status === 401) throw error;
  });
  const pushed = await push(onChange);
  const pulled = await pull();
  await db.put("kv", "lastSync", new Date().toISOString());
  return { pushed, pulled };
}
