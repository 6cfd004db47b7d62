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
