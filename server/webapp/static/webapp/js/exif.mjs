// A tiny EXIF reader: DateTimeOriginal and GPS position from a JPEG's APP1 segment.
// Input: an ArrayBuffer (only the first 128 KiB are needed). Output:
// {takenAt: "YYYY-MM-DDTHH:MM:SS" | null, latitude: number | null, longitude: number | null}.

const TAG_EXIF_IFD = 0x8769;
const TAG_GPS_IFD = 0x8825;
const TAG_DATETIME_ORIGINAL = 0x9003;
const TYPE_SIZES = { 1: 1, 2: 1, 3: 2, 4: 4, 5: 8, 7: 1, 9: 4, 10: 8 };

export function readExif(buffer) {
  const none = { takenAt: null, latitude: null, longitude: null };
  const view = new DataView(buffer);
  if (view.byteLength < 4 || view.getUint16(0) !== 0xffd8) return none;
  const tiff = findExifTiff(view);
  if (tiff === null) return none;
  try {
    return parseTiff(view, tiff);
  } catch {
    return none;
  }
}

/** Offset of the TIFF header inside the APP1 "Exif\0\0" segment, or null. */
function findExifTiff(view) {
  let pos = 2;
  while (pos + 4 <= view.byteLength) {
    if (view.getUint8(pos) !== 0xff) return null;
    const marker = view.getUint8(pos + 1);
    if (marker === 0xda || marker === 0xd9) return null; // image data: no more metadata
    const length = view.getUint16(pos + 2);
    if (marker === 0xe1 && pos + 10 <= view.byteLength && view.getUint32(pos + 4) === 0x45786966) {
      return pos + 10;
    }
    pos += 2 + length;
  }
  return null;
}

function parseTiff(view, tiff) {
  const little = view.getUint16(tiff) === 0x4949;
  const u16 = (o) => view.getUint16(tiff + o, little);
  const u32 = (o) => view.getUint32(tiff + o, little);
  const readIfd = (offset) => {
    const tags = new Map();
    const count = u16(offset);
    for (let i = 0; i < count; i++) {
      const e = offset + 2 + i * 12;
      tags.set(u16(e), { type: u16(e + 2), count: u32(e + 4), at: e + 8 });
    }
    return tags;
  };
  const dataAt = (entry) => {
    const size = (TYPE_SIZES[entry.type] || 1) * entry.count;
    return size <= 4 ? entry.at : u32(entry.at);
  };
  const ascii = (entry) => {
    const o = dataAt(entry);
    let s = "";
    for (let i = 0; i < entry.count; i++) {
      const c = view.getUint8(tiff + o + i);
      if (!c) break;
      s += String.fromCharCode(c);
    }
    return s;
  };
  const rationals = (entry) => {
    const o = dataAt(entry);
    return Array.from({ length: entry.count }, (_, i) => u32(o + i * 8) / (u32(o + i * 8 + 4) || 1));
  };
  const ifd0 = readIfd(u32(4));
  const result = { takenAt: null, latitude: null, longitude: null };
  if (ifd0.has(TAG_EXIF_IFD)) {
    const exif = readIfd(u32(ifd0.get(TAG_EXIF_IFD).at));
    if (exif.has(TAG_DATETIME_ORIGINAL)) result.takenAt = exifDate(ascii(exif.get(TAG_DATETIME_ORIGINAL)));
  }
  if (ifd0.has(TAG_GPS_IFD)) {
    const gps = readIfd(u32(ifd0.get(TAG_GPS_IFD).at));
    result.latitude = coordinate(gps, 1, 2, "S", ascii, rationals);
    result.longitude = coordinate(gps, 3, 4, "W", ascii, rationals);
  }
  return result;
}

function coordinate(gps, refTag, valueTag, negative, ascii, rationals) {
  if (!gps.has(valueTag)) return null;
  const [d, m, s] = rationals(gps.get(valueTag));
  const value = d + (m || 0) / 60 + (s || 0) / 3600;
  const ref = gps.has(refTag) ? ascii(gps.get(refTag)) : "";
  return Math.round((ref === negative ? -value : value) * 1e7) / 1e7;
}

/** "2026:11:20 09:15:00" → "2026-11-20T09:15:00". */
function exifDate(text) {
  const m = /^(\d{4}):(\d{2}):(\d{2}) (\d{2}):(\d{2}):(\d{2})/.exec(text);
  return m ? `${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:${m[6]}` : null;
}

// ---- writing ------------------------------------------------------------------------
// Canvas re-encoding drops metadata; the compressed photo gets back a minimal EXIF block
// (DateTimeOriginal and GPS only, nothing that identifies the phone).

const ASCII = 2;
const LONG = 4;
const RATIONAL = 5;
const BYTE = 1;

function asciiBytes(text) {
  return [...text].map((c) => c.charCodeAt(0) & 0x7f).concat([0]);
}

/** Degrees as three little-endian RATIONALs: d/1, m/1, s·1000/1000. */
function dmsBytes(value) {
  const v = Math.abs(value);
  const d = Math.floor(v);
  const m = Math.floor((v - d) * 60);
  const s = Math.round(((v - d) * 60 - m) * 60 * 1000);
  return [d, 1, m, 1, s, 1000].flatMap((n) => le32(n));
}

const le16 = (n) => [n & 255, (n >> 8) & 255];
const le32 = (n) => [n & 255, (n >> 8) & 255, (n >> 16) & 255, (n >>> 24) & 255];

/** One IFD at `offset` (from the TIFF start); entries = [{tag, type, count, bytes}]. */
function ifd(entries, offset) {
  const sorted = [...entries].sort((a, b) => a.tag - b.tag);
  const tableSize = 2 + sorted.length * 12 + 4;
  let dataAt = offset + tableSize;
  const table = [...le16(sorted.length)];
  const data = [];
  for (const e of sorted) {
    table.push(...le16(e.tag), ...le16(e.type), ...le32(e.count));
    if (e.bytes.length <= 4) table.push(...e.bytes, ...new Array(4 - e.bytes.length).fill(0));
    else {
      table.push(...le32(dataAt));
      data.push(...e.bytes);
      if (e.bytes.length % 2) data.push(0);
      dataAt = offset + tableSize + data.length;
    }
  }
  table.push(...le32(0));
  return [...table, ...data];
}

/** TIFF bytes with IFD0 → Exif IFD (DateTimeOriginal) and, when known, the GPS IFD. */
function tiffBlock({ takenAt, latitude, longitude }) {
  const hasGps = Number.isFinite(latitude) && Number.isFinite(longitude);
  const ifd0Size = 2 + (hasGps ? 2 : 1) * 12 + 4;
  const exifAt = 8 + ifd0Size;
  const stamp = (takenAt || "").replace(/^(\d{4})-(\d{2})-(\d{2})T(\d{2}:\d{2}:\d{2}).*$/, "$1:$2:$3 $4");
  const exif = ifd([{ tag: TAG_DATETIME_ORIGINAL, type: ASCII, count: 20, bytes: asciiBytes(stamp.padEnd(19, " ").slice(0, 19)) }], exifAt);
  const gpsAt = exifAt + exif.length;
  const gps = hasGps
    ? ifd([
        { tag: 0, type: BYTE, count: 4, bytes: [2, 3, 0, 0] },
        { tag: 1, type: ASCII, count: 2, bytes: asciiBytes(latitude < 0 ? "S" : "N") },
        { tag: 2, type: RATIONAL, count: 3, bytes: dmsBytes(latitude) },
        { tag: 3, type: ASCII, count: 2, bytes: asciiBytes(longitude < 0 ? "W" : "E") },
        { tag: 4, type: RATIONAL, count: 3, bytes: dmsBytes(longitude) },
      ], gpsAt)
    : [];
  const ifd0Entries = [{ tag: TAG_EXIF_IFD, type: LONG, count: 1, bytes: le32(exifAt) }];
  if (hasGps) ifd0Entries.push({ tag: TAG_GPS_IFD, type: LONG, count: 1, bytes: le32(gpsAt) });
  return [0x49, 0x49, 42, 0, ...le32(8), ...ifd(ifd0Entries, 8), ...exif, ...gps];
}

/** Return `jpeg` (ArrayBuffer) with an APP1 EXIF block inserted after SOI. */
export function writeExif(jpeg, meta) {
  const bytes = new Uint8Array(jpeg);
  if (!meta.takenAt || bytes[0] !== 0xff || bytes[1] !== 0xd8) return bytes.buffer;
  const payload = [0x45, 0x78, 0x69, 0x66, 0, 0, ...tiffBlock(meta)];
  const length = payload.length + 2;
  const app1 = [0xff, 0xe1, length >> 8, length & 255, ...payload];
  const out = new Uint8Array(bytes.length + app1.length);
  out.set(bytes.subarray(0, 2), 0);
  out.set(app1, 2);
  out.set(bytes.subarray(2), 2 + app1.length);
  return out.buffer;
}
