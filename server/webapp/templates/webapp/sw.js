// Service worker of the volunteer app (scope /app/). Shell version {{ version }}.
// Invariant: every file the app needs to open and survey offline is in SHELL, and a
// navigation under /app/ is always answered from the cache when the network is absent.
const VERSION = "{{ version }}";
const SHELL_CACHE = `shell-${VERSION}`;
const DATA_CACHE = "data-v1";
const SHELL = ["/app/", "/app/manifest.webmanifest", ...{{ assets|safe }}];

self.addEventListener("install", (event) => {
  event.waitUntil(
    caches.open(SHELL_CACHE).then((cache) => cache.addAll(SHELL.map((u) => new Request(u, { cache: "reload" })))),
  );
  self.skipWaiting();
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches.keys()
      .then((keys) => Promise.all(keys.filter((k) => k.startsWith("shell-") && k !== SHELL_CACHE).map((k) => caches.delete(k))))
      .then(() => self.clients.claim()),
  );
});

function isFormDefinition(url) {
  return /^\/(api\/v1|app)\/forms\//.test(url.pathname);
}

let shellCache = null;
const openShell = () => (shellCache ||= caches.open(SHELL_CACHE));

async function shellFirst(request) {
  const cache = await openShell();
  const key = request.mode === "navigate" ? "/app/" : request;
  // Django varies on Accept-Language and Cookie; the shell is the same for every visitor.
  const hit = await cache.match(key, { ignoreSearch: request.mode === "navigate", ignoreVary: true });
  if (hit) return hit;
  const response = await fetch(request);
  if (response.ok && request.mode !== "navigate") cache.put(request, response.clone());
  return response;
}

// Form definitions: network first (they may change), the cached copy when offline.
async function networkFirst(request) {
  const cache = await caches.open(DATA_CACHE);
  try {
    const response = await fetch(request);
    if (response.ok) cache.put(request, response.clone());
    return response;
  } catch (error) {
    const hit = await cache.match(request, { ignoreVary: true });
    if (hit) return hit;
    throw error;
  }
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (request.method !== "GET" || url.origin !== self.location.origin) return;
  if (isFormDefinition(url)) {
    event.respondWith(networkFirst(request));
  } else if (url.pathname.startsWith("/app/") && url.pathname !== "/app/sw.js") {
    event.respondWith(shellFirst(request));
  }
});
