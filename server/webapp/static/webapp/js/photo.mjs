// Photo compression on the phone: at most MAX_SIDE px on the long side and about
// TARGET_BYTES, JPEG, by a binary search on quality. Capture time and GPS come from the
// original's EXIF (read before compression, which drops metadata).
import { readExif } from "./exif.mjs";

export const MAX_SIDE = 1600;
export const TARGET_BYTES = 300 * 1024;
const MIN_QUALITY = 0.35;
const MAX_QUALITY = 0.9;

function canvasOf(width, height) {
  if (typeof OffscreenCanvas !== "undefined") return new OffscreenCanvas(width, height);
  const c = document.createElement("canvas");
  c.width = width;
  c.height = height;
  return c;
}

function encode(canvas, quality) {
  if (canvas.convertToBlob) return canvas.convertToBlob({ type: "image/jpeg", quality });
  return new Promise((resolve) => canvas.toBlob(resolve, "image/jpeg", quality));
}

export function fitWithin(width, height, maxSide = MAX_SIDE) {
  const scale = Math.min(1, maxSide / Math.max(width, height));
  return [Math.max(1, Math.round(width * scale)), Math.max(1, Math.round(height * scale))];
}

async function bestQuality(canvas) {
  let low = MIN_QUALITY;
  let high = MAX_QUALITY;
  let best = await encode(canvas, low);
  if (best.size > TARGET_BYTES) return best;
  for (let i = 0; i < 5; i++) {
    const q = (low + high) / 2;
    const blob = await encode(canvas, q);
    if (blob.size <= TARGET_BYTES) {
      best = blob;
      low = q;
    } else high = q;
  }
  return best;
}

/** Compress `file`; returns {blob, width, height, takenAt, latitude, longitude, originalBytes}. */
export async function compressPhoto(file) {
  const head = await file.slice(0, 256 * 1024).arrayBuffer();
  const exif = readExif(head);
  const bitmap = await createImageBitmap(file, { imageOrientation: "from-image" });
  let [width, height] = fitWithin(bitmap.width, bitmap.height);
  let blob;
  for (let attempt = 0; attempt < 4; attempt++) {
    const canvas = canvasOf(width, height);
    const ctx = canvas.getContext("2d");
    ctx.drawImage(bitmap, 0, 0, width, height);
    blob = await bestQuality(canvas);
    if (blob.size <= TARGET_BYTES * 1.1) break;
    [width, height] = [Math.round(width * 0.8), Math.round(height * 0.8)];
  }
  bitmap.close?.();
  return { blob, width, height, originalBytes: file.size, ...exif };
}
