// Resumable attachment upload against a fake server that follows PROTOCOL.md §4.
import { test } from "node:test";
import assert from "node:assert/strict";

globalThis.indexedDB ??= undefined; // sync.mjs imports db.mjs, which opens lazily
const { upload, HttpError } = await import("../../server/webapp/static/webapp/js/sync.mjs");

const CHUNK = 256 * 1024;

const error = (code) => JSON.stringify({ error: { status: 422, issues: [{ path: "sha256", code }] } });

/** A server holding a prefix of the file; `faults` alters answers per PUT number. */
function fakeServer(size, { held = 0, faults = {} } = {}) {
  const state = { held, puts: [], heads: 0, complete: held === size };
  const answer = (status, offset, body = null) => new Response(status === 204 || status === 200 ? null : body ?? "{}", {
    status, headers: { "Upload-Offset": String(offset), "Upload-Length": String(size) },
  });
  const portal = () => new Response("<html>Dang nhap</html>", { status: 200, headers: { "Content-Type": "text/html" } });
  const send = async (method, url, options) => {
    if (method === "HEAD") {
      state.heads += 1;
      if (state.held === size) state.complete = true; // HEAD verifies bytes left unchecked
      return answer(200, state.held);
    }
    const [, start, end, total] = /bytes (\d+)-(\d+)\/(\d+)/.exec(options.headers["Content-Range"]).map(Number);
    state.puts.push([start, end]);
    const fault = faults[state.puts.length];
    if (fault === "portal") return portal();
    if (fault === "ahead") {
      state.held = CHUNK; // an earlier, unanswered PUT already stored the first chunk
      return answer(409, state.held);
    }
    if (fault === "sha256_mismatch" || fault === "corrupt") {
      state.held = 0;
      return answer(422, 0, error(fault));
    }
    if (fault === "held_unchecked") {
      state.held = total; // an older server stored the last chunk and died before checking it
      return answer(409, total);
    }
    if (fault === "finished_elsewhere") {
      state.held = total; // the other copy of this chunk finished the photo
      state.complete = true;
      return answer(422, 0, error("empty"));
    }
    if (start !== state.held) return answer(409, state.held);
    assert.equal(options.body.size, end - start + 1);
    state.held = end + 1;
    if (state.held === total) {
      state.complete = true;
      return answer(201, total);
    }
    return answer(204, state.held);
  };
  return { state, send };
}

const blob = (n) => new Blob([new Uint8Array(n).fill(7)]);

test("uploads in 256 KiB chunks until 201", async () => {
  const server = fakeServer(600_000);
  await upload("/u", blob(600_000), server.send);
  assert.ok(server.state.complete);
  assert.deepEqual(server.state.puts, [[0, CHUNK - 1], [CHUNK, 2 * CHUNK - 1], [2 * CHUNK, 599_999]]);
});

test("resumes from the offset the server reports", async () => {
  const server = fakeServer(600_000, { held: CHUNK });
  await upload("/u", blob(600_000), server.send);
  assert.equal(server.state.puts[0][0], CHUNK);
  assert.ok(server.state.complete);
});

test("a 409 moves to the server's offset", async () => {
  const server = fakeServer(600_000, { faults: { 1: "ahead" } });
  await upload("/u", blob(600_000), server.send);
  assert.deepEqual(server.state.puts.slice(0, 2), [[0, CHUNK - 1], [CHUNK, 2 * CHUNK - 1]]);
  assert.ok(server.state.complete);
});

test("a 409 at the full size is settled by HEAD, then done", async () => {
  const server = fakeServer(1000, { faults: { 1: "held_unchecked" } });
  await upload("/u", blob(1000), server.send);
  assert.deepEqual([server.state.puts.length, server.state.heads], [1, 2]);
  assert.ok(server.state.complete);
});

test("a 422 sha256_mismatch restarts from zero", async () => {
  const server = fakeServer(600_000, { faults: { 1: "sha256_mismatch" } });
  await upload("/u", blob(600_000), server.send);
  assert.deepEqual(server.state.puts[0], [0, CHUNK - 1]);
  assert.deepEqual(server.state.puts[1], [0, CHUNK - 1]);
  assert.ok(server.state.complete);
});

test("a 422 image fault is refused without a resend", async () => {
  const server = fakeServer(1000, { faults: { 1: "corrupt" } });
  await assert.rejects(upload("/u", blob(1000), server.send), (e) => e instanceof HttpError && e.status === 422);
  assert.equal(server.state.puts.length, 1);
});

test("a 422 for a photo another request finished ends as done", async () => {
  const server = fakeServer(1000, { faults: { 1: "finished_elsewhere" } });
  await upload("/u", blob(1000), server.send);
  assert.deepEqual([server.state.puts.length, server.state.heads], [1, 2]);
});

test("a captive portal's 200 to a PUT is not taken as done", async () => {
  const server = fakeServer(1000, { faults: { 1: "portal" } });
  await assert.rejects(upload("/u", blob(1000), server.send), (e) => e instanceof HttpError && e.status === 200);
  assert.equal(server.state.complete, false);
});

test("a file the server already holds is not sent again", async () => {
  const server = fakeServer(1000, { held: 1000 });
  await upload("/u", blob(1000), server.send);
  assert.deepEqual(server.state.puts, []);
});

test("repeated 422 sha256_mismatch ends with an HttpError", async () => {
  const server = fakeServer(1000, { faults: { 1: "sha256_mismatch", 2: "sha256_mismatch", 3: "sha256_mismatch" } });
  await assert.rejects(upload("/u", blob(1000), server.send), HttpError);
  assert.equal(server.state.puts.length, 3);
});
