// Small DOM and i18n helpers shared by the screens.

/** Translate through Django's djangojs catalog (loaded as a classic script). */
export const gettext = (text) => (globalThis.django?.gettext ? globalThis.django.gettext(text) : text);

/** Replace %(name)s placeholders, as Django's interpolate(…, true) does. */
export const fmt = (text, values) => text.replace(/%\((\w+)\)s/g, (_m, k) => String(values[k] ?? ""));

export function lang() {
  return localStorage.getItem("lang") === "en" ? "en" : "vi";
}

/** Pick the label of a {vi, en} text in the current language. */
export const tr = (text) => (text ? text[lang()] || text.vi || "" : "");

/** h("button.btn.primary", {onclick}, "text", child…) */
export function h(spec, attrs = {}, ...children) {
  const [tag, ...classes] = spec.split(".");
  const el = document.createElement(tag);
  if (classes.length) el.className = classes.join(" ");
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value === null || value === undefined || value === false) continue;
    if (key.startsWith("on")) el.addEventListener(key.slice(2), value);
    else if (key === "dataset") Object.assign(el.dataset, value);
    else if (key in el && typeof value !== "string") el[key] = value;
    else el.setAttribute(key, value === true ? "" : value);
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return el;
}

/**
 * A short message above the bottom bar. A tap anywhere on it dismisses it, so it never
 * stays over a button or a note the volunteer wants; it also goes by itself after 4 s.
 */
export function toast(message, kind = "info") {
  const el = document.getElementById("toast");
  el.replaceChildren(
    h("span.toast-text", {}, message),
    h("button.toast-close", { type: "button", "aria-label": gettext("Dismiss"), onclick: () => hideToast(el) }, "×"),
  );
  el.onclick = () => hideToast(el);
  el.className = `show ${kind}`;
  clearTimeout(toast.timer);
  toast.timer = setTimeout(() => hideToast(el), 4000);
}

function hideToast(el) {
  clearTimeout(toast.timer);
  el.className = "";
  el.replaceChildren();
}

export function formatBytes(n) {
  if (n >= 1024 * 1024) return `${(n / 1024 / 1024).toFixed(1)} MB`;
  return `${Math.round(n / 1024)} KB`;
}

export function formatTime(iso) {
  if (!iso) return "";
  const d = new Date(iso);
  return d.toLocaleString(lang() === "en" ? "en-GB" : "vi-VN", { dateStyle: "short", timeStyle: "short" });
}

export function uuid() {
  if (crypto.randomUUID) return crypto.randomUUID();
  const b = crypto.getRandomValues(new Uint8Array(16));
  b[6] = (b[6] & 0x0f) | 0x40;
  b[8] = (b[8] & 0x3f) | 0x80;
  const x = [...b].map((v) => v.toString(16).padStart(2, "0")).join("");
  return `${x.slice(0, 8)}-${x.slice(8, 12)}-${x.slice(12, 16)}-${x.slice(16, 20)}-${x.slice(20)}`;
}

export function today() {
  const d = new Date();
  const p = (n) => String(n).padStart(2, "0");
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}`;
}

/** Replace the children of `root`, skipping null and false entries. */
export function mount(root, ...nodes) {
  root.replaceChildren(...nodes.flat().filter((n) => n !== null && n !== undefined && n !== false));
}
