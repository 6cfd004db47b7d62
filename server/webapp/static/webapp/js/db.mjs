// IndexedDB storage of the app. Invariant: every draft answer, outbox item and photo is
// written here before the UI reports it saved; nothing unsent lives only in memory.
const DB_NAME = "chungtay";
const DB_VERSION = 3;
export const STORES = ["kv", "forms", "households", "members", "items", "photos", "assessments", "support"];

let opening = null;

export function openDb() {
  if (opening) return opening;
  opening = new Promise((resolve, reject) => {
    const request = indexedDB.open(DB_NAME, DB_VERSION);
    request.onupgradeneeded = () => {
      const db = request.result;
      for (const name of STORES) if (!db.objectStoreNames.contains(name)) db.createObjectStore(name);
    };
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
  return opening;
}

const done = (request) =>
  new Promise((resolve, reject) => {
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });

async function tx(stores, mode, fn) {
  const db = await openDb();
  const t = db.transaction(stores, mode);
  const finished = new Promise((resolve, reject) => {
    t.oncomplete = resolve;
    t.onerror = () => reject(t.error);
    t.onabort = () => reject(t.error || new Error("transaction aborted"));
  });
  const result = await fn(t);
  await finished;
  return result;
}

export const get = (store, key) => tx([store], "readonly", (t) => done(t.objectStore(store).get(key)));
export const put = (store, key, value) => tx([store], "readwrite", (t) => done(t.objectStore(store).put(value, key)));
export const del = (store, key) => tx([store], "readwrite", (t) => done(t.objectStore(store).delete(key)));
export const all = (store) => tx([store], "readonly", (t) => done(t.objectStore(store).getAll()));
export const keys = (store) => tx([store], "readonly", (t) => done(t.objectStore(store).getAllKeys()));

/** Apply several writes atomically: ops = [[store, "put"|"delete"|"clear", key, value]]. */
export function batch(ops) {
  const stores = [...new Set(ops.map((op) => op[0]))];
  if (!stores.length) return Promise.resolve();
  return tx(stores, "readwrite", async (t) => {
    for (const [store, op, key, value] of ops) {
      const s = t.objectStore(store);
      if (op === "put") s.put(value, key);
      else if (op === "delete") s.delete(key);
      else if (op === "clear") s.clear();
    }
  });
}
