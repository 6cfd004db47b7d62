// The EXIF reader against JPEG headers built byte by byte (both byte orders).
import { test } from "node:test";
import assert from "node:assert/strict";
import { readExif } from "../../server/webapp/static/webapp/js/exif.mjs";

/** Build SOI + APP1(Exif) with DateTimeOriginal and GPS, then EOI. */
export function jpegWithExif({ little = true, date = "2026:11:20 09:15:42", lat = [21, 1, 42.5], latRef = "N", lon = [105, 48, 17.3], lonRef = "E" } = {}) {
  const tiff = [];
  const u16 = (v) => (little ? [v & 255, v >> 8] : [v >> 8, v & 255]);
  const u32 = (v) => (little ? [v & 255, (v >> 8) & 255, (v >> 16) & 255, v >>> 24] : [v >>> 24, (v >> 16) & 255, (v >> 8) & 255, v & 255]);
  const entry = (tag, type, count, value) => [...u16(tag), ...u16(type), ...u32(count), ...value];
  // Layout: header(8) IFD0@8 [2 entries] → ExifIFD@38 [1 entry] → GPS@56 [4 entries] → data@110
  const dataAt = 110;
  const dateBytes = [...date].map((c) => c.charCodeAt(0)).concat([0]);
  const rationals = (dms) => dms.flatMap((v) => [...u32(Math.round(v * 100)), ...u32(100)]);
  const dateOff = dataAt;
  const latOff = dateOff + dateBytes.length;
  const lonOff = latOff + 24;
  tiff.push(...(little ? [0x49, 0x49] : [0x4d, 0x4d]), ...u16(42), ...u32(8));
  tiff.push(...u16(2), ...entry(0x8769, 4, 1, u32(38)), ...entry(0x8825, 4, 1, u32(56)), ...u32(0));
  tiff.push(...u16(1), ...entry(0x9003, 2, dateBytes.length, u32(dateOff)), ...u32(0));
  tiff.push(...u16(4),
    ...entry(1, 2, 2, [latRef.charCodeAt(0), 0, 0, 0]), ...entry(2, 5, 3, u32(latOff)),
    ...entry(3, 2, 2, [lonRef.charCodeAt(0), 0, 0, 0]), ...entry(4, 5, 3, u32(lonOff)), ...u32(0));
  assert.equal(tiff.length, dataAt);
  tiff.push(...dateBytes, ...rationals(lat), ...rationals(lon));
  const app1 = [0x45, 0x78, 0x69, 0x66, 0, 0, ...tiff];
  const len = app1.length + 2;
  return new Uint8Array([0xff, 0xd8, 0xff, 0xe0, 0, 4, 0, 0, 0xff, 0xe1, len >> 8, len & 255, ...app1, 0xff, 0xd9]).buffer;
}

test("reads DateTimeOriginal and GPS from a little-endian header", () => {
  const r = readExif(jpegWithExif());
  assert.equal(r.takenAt, "2026-11-20T09:15:42");
  assert.equal(r.latitude, 21.0284722);
  assert.equal(r.longitude, 105.8048056);
});

test("reads a big-endian header and southern/western references", () => {
  const r = readExif(jpegWithExif({ little: false, latRef: "S", lonRef: "W" }));
  assert.equal(r.takenAt, "2026-11-20T09:15:42");
  assert.ok(r.latitude < 0 && r.longitude < 0);
});

test("a JPEG without EXIF or a non-JPEG gives nulls", () => {
  const empty = { takenAt: null, latitude: null, longitude: null };
  assert.deepEqual(readExif(new Uint8Array([0xff, 0xd8, 0xff, 0xd9]).buffer), empty);
  assert.deepEqual(readExif(new Uint8Array([0x89, 0x50, 0x4e, 0x47]).buffer), empty);
  assert.deepEqual(readExif(new Uint8Array([]).buffer), empty);
});

test("a truncated EXIF block does not throw", () => {
  const full = new Uint8Array(jpegWithExif());
  assert.doesNotThrow(() => readExif(full.slice(0, 60).buffer));
});

test("written EXIF reads back: time and GPS survive compression", async () => {
  const { writeExif } = await import("../../server/webapp/static/webapp/js/exif.mjs");
  const plain = new Uint8Array([0xff, 0xd8, 0xff, 0xdb, 0, 4, 1, 2, 0xff, 0xd9]).buffer;
  const meta = { takenAt: "2026-11-20T09:15:42", latitude: 22.6657111, longitude: -106.2579333 };
  const tagged = writeExif(plain, meta);
  const r = readExif(tagged);
  assert.equal(r.takenAt, "2026-11-20T09:15:42");
  assert.ok(Math.abs(r.latitude - meta.latitude) < 1e-6);
  assert.ok(Math.abs(r.longitude - meta.longitude) < 1e-6);
  const tail = new Uint8Array(tagged).slice(-8);
  assert.deepEqual([...tail], [0xff, 0xdb, 0, 4, 1, 2, 0xff, 0xd9]);
});

test("without a time nothing is written; GPS is optional", async () => {
  const { writeExif } = await import("../../server/webapp/static/webapp/js/exif.mjs");
  const plain = new Uint8Array([0xff, 0xd8, 0xff, 0xd9]).buffer;
  assert.equal(writeExif(plain, { takenAt: null }).byteLength, 4);
  const r = readExif(writeExif(plain, { takenAt: "2026-01-02T03:04:05", latitude: null, longitude: null }));
  assert.deepEqual(r, { takenAt: "2026-01-02T03:04:05", latitude: null, longitude: null });
});
