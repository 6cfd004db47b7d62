// The volunteer app: routing, sign-in, household list, household page, new household and
// the sync screen. Screens read everything from IndexedDB, so they work offline.
import * as db from "./db.mjs";
import { matches } from "./fold.mjs";
import { payloadSha256 } from "./canonical.mjs";
import { changedFields, editableFields, planEdit } from "./edits.mjs";
import { unsent } from "./outbox.mjs";
import { rosterBase, rosterFromRegistry } from "./roster.mjs";
import * as sync from "./sync.mjs";
import { supportMode, supportScreen } from "./support.mjs";
import { evaluateDraft, surveyScreen } from "./survey.mjs";
import { prepareForm } from "./form.mjs";
import { fmt, formatTime, gettext, h, lang, mount, toast, uuid } from "./ui.mjs";

const app = () => document.getElementById("app");
const STATE_LABELS = () => ({
  not_surveyed: gettext("Not surveyed"), draft: gettext("Draft"), waiting: gettext("Waiting to send"),
  sending: gettext("Sending"), sent: gettext("Sent"), conflict: gettext("Conflict"), rejected: gettext("Rejected"),
  returned: gettext("Returned"),
});
const CLASS_LABELS = () => ({
  POOR: gettext("Poor household"), NEAR_POOR: gettext("Near-poor household"), MIDDLE: gettext("Middle living standard"),
  NOT_POOR: gettext("Not poor"), UNDETERMINED: gettext("Not yet determined"),
});
let syncing = null;

// ---- start -------------------------------------------------------------------------------

function loadCatalog() {
  return new Promise((resolve) => {
    document.getElementById("catalog")?.remove();
    delete globalThis.django;
    const script = h("script", { id: "catalog", src: `/app/i18n/${lang()}.js` });
    script.onload = resolve;
    script.onerror = resolve; // untranslated strings are still usable
    document.head.append(script);
  });
}

async function start() {
  performance.mark("app:modules");
  if ("serviceWorker" in navigator) navigator.serviceWorker.register("/app/sw.js", { scope: "/app/" }).catch(() => {});
  document.documentElement.lang = lang();
  await loadCatalog();
  performance.mark("app:catalog");
  window.addEventListener("hashchange", route);
  window.addEventListener("online", () => { renderBar(); autoSync(); });
  window.addEventListener("offline", renderBar);
  setInterval(autoSync, 60000);
  await route();
  autoSync();
}

async function route() {
  const auth = await db.get("kv", "auth");
  const hash = location.hash || "#/";
  renderBar().catch(() => {}); // the bar never delays the screen itself
  if (!auth) return loginScreen();
  const [, screen, arg] = hash.split("/");
  window.scrollTo(0, 0);
  document.body.classList.toggle("in-survey", screen === "survey");
  if (screen === "hh") return householdScreen(decodeURIComponent(arg));
  if (screen === "survey") return surveyScreen(app(), decodeURIComponent(arg), (item) => go(`#/hh/${item.household_id}`));
  if (screen === "new") return newHouseholdScreen();
  if (screen === "edit") return editHouseholdScreen(decodeURIComponent(arg));
  if (screen === "sync") return syncScreen();
  if (screen === "support") return supportScreen(app(), arg && decodeURIComponent(arg), go);
  if (await supportMode()) return supportScreen(app(), null, go);
  return listScreen();
}

const go = (hash) => {
  if (location.hash === hash) route();
  else location.hash = hash;
};

// ---- top bar and banners -------------------------------------------------------------------

async function renderBar() {
  const items = await db.all("items");
  const waiting = items.filter((it) => ["waiting", "sending"].includes(it.state)).length;
  const online = navigator.onLine;
  document.getElementById("bar").replaceChildren(
    h("a.brand", { href: "#/" }, "ChungTay"),
    h("span.net", { class: online ? "net on" : "net off" }, online ? gettext("Online") : gettext("Offline")),
    h("a.pending", { href: "#/sync", "aria-label": gettext("Sync") }, waiting ? fmt(gettext("%(n)s to send"), { n: waiting }) : gettext("Sync")),
    h("button.lang", { type: "button", onclick: switchLanguage, "aria-label": gettext("Switch language") }, lang() === "vi" ? "EN" : "VI"),
  );
  // The banner stays off the survey screen, where every line of height counts.
  await storageBanner(location.hash.startsWith("#/survey/") ? [] : items);
}

async function switchLanguage() {
  localStorage.setItem("lang", lang() === "vi" ? "en" : "vi");
  document.documentElement.lang = lang();
  await loadCatalog();
  route();
}

/** Warn while unsent data is at risk of eviction; never drop it silently. */
async function storageBanner(items) {
  const banner = document.getElementById("banner");
  const atRisk = items.filter(unsent).length;
  const storage = navigator.storage;
  const persisted = storage?.persisted ? await storage.persisted() : false;
  const estimate = storage?.estimate ? await storage.estimate() : null;
  const full = estimate && estimate.quota && estimate.usage / estimate.quota > 0.8;
  let text = "";
  if (full) text = gettext("Phone storage is almost full. Sync now so that nothing unsent is lost.");
  else if (atRisk && !persisted) text = gettext("The browser may clear unsent data when the phone runs out of space. Sync when you have signal.");
  banner.textContent = text;
  banner.className = text ? "banner" : "";
}

// ---- sign-in --------------------------------------------------------------------------------

function loginScreen() {
  const error = h("p.err", { id: "login-err", role: "alert" });
  const field = (id, label, attrs) => h("div.q", {}, h("label.lbl", { for: id }, label), h("input", { id, ...attrs }));
  const form = h("form.login", {
    onsubmit: async (e) => {
      e.preventDefault();
      error.textContent = "";
      const button = form.querySelector("button");
      button.disabled = true;
      try {
        await signInAndPull(form.username.value.trim(), form.password.value, form.device.value.trim());
      } catch (err) {
        error.textContent = signInError(err);
      } finally {
        button.disabled = false;
      }
    },
  },
    h("h1.title", {}, gettext("Sign in")),
    h("p.sub", {}, gettext("Sign in once with signal; afterwards the app works without network.")),
    field("username", gettext("Username"), { name: "username", autocomplete: "username", required: true }),
    field("password", gettext("Password"), { name: "password", type: "password", autocomplete: "current-password", required: true }),
    field("device", gettext("Name of this phone"), { name: "device", value: gettext("Volunteer phone"), required: true }),
    error,
    h("button.btn.primary", { type: "submit" }, gettext("Sign in")));
  mount(app(), form);
}

function signInError(err) {
  if (!(err instanceof sync.HttpError)) return gettext("No network. The first sign-in needs signal.");
  if (err.status === 400 || err.status === 401 || err.status === 403) return gettext("Wrong username or password.");
  if (err.status === 429) return gettext("Too many attempts. Wait a minute and try again.");
  return fmt(gettext("The server answered with an error (%(status)s)."), { status: err.status });
}

async function signInAndPull(username, password, device) {
  await sync.signIn(username, password, device);
  if (navigator.storage?.persist) await navigator.storage.persist().catch(() => false);
  mount(app(), h("p.loading", { role: "status" }, gettext("Downloading your area…")));
  try {
    await runSync();
  } finally {
    go("#/");
  }
}

// ---- sync ----------------------------------------------------------------------------------

async function runSync() {
  if (syncing) return syncing;
  syncing = (async () => {
    document.body.dataset.sync = "running";
    try {
      const result = await sync.syncAll((change) => {
        renderBar();
        if (change?.upload) showUpload(change.upload);
      });
      await db.put("kv", "lastError", null);
      return result;
    } catch (err) {
      await db.put("kv", "lastError", { at: new Date().toISOString(), message: syncError(err) });
      // A revoked or expired token: sign in again; drafts and the outbox stay untouched.
      if (err instanceof sync.HttpError && err.status === 401) {
        await db.del("kv", "auth");
        go("#/");
      }
      throw err;
    } finally {
      syncing = null;
      await renderBar();
      document.body.dataset.sync = "idle";
    }
  })();
  return syncing;
}

/** Photo upload progress on the sync screen: "Sending photo 1 of 2: 40 %". */
function showUpload({ index, count, offset, size }) {
  const status = document.getElementById("sync-status");
  if (!status) return;
  const percent = size ? Math.floor((offset / size) * 100) : 100;
  status.textContent = fmt(gettext("Sending photo %(i)s of %(n)s: %(p)s"), { i: index, n: count, p: `${percent} %` });
}

function syncError(err) {
  if (!(err instanceof sync.HttpError)) return gettext("No network. Sync will run again when signal returns.");
  if (err.status === 401) return gettext("This phone's sign-in was revoked. Sign in again; unsent data stays on the phone.");
  if (err.status === 426) return gettext("This app is too old for the server. Reload the app with signal.");
  return fmt(gettext("The server answered with an error (%(status)s)."), { status: err.status });
}

async function autoSync() {
  if (!navigator.onLine || syncing || !(await db.get("kv", "auth"))) return;
  const items = await db.all("items");
  if (!items.some((it) => ["waiting", "sending"].includes(it.state))) return;
  try {
    await runSync();
    if (location.hash.startsWith("#/sync") || location.hash.startsWith("#/support") || location.hash === "" || location.hash === "#/") route();
  } catch {
    // The error is stored and shown on the sync screen; the items stay queued.
  }
}

// ---- household list ----------------------------------------------------------------------------

async function householdRows() {
  const [households, items, assessments] = await Promise.all([db.all("households"), db.all("items"), db.all("assessments")]);
  const byHousehold = new Map();
  for (const it of items) {
    if (it.kind !== "submission") continue;
    const prev = byHousehold.get(it.household_id);
    if (!prev || prev.updatedAt < it.updatedAt) byHousehold.set(it.household_id, it);
  }
  const assessed = new Map(assessments.map((a) => [a.household_id, a]));
  return households
    .map((hh) => {
      const item = byHousehold.get(hh.id);
      const assessment = assessed.get(hh.id);
      const state = item ? item.state : assessment ? "sent" : "not_surveyed";
      return { hh, item, assessment, state };
    })
    .sort((a, b) => String(a.hh.head_name || "").localeCompare(String(b.hh.head_name || ""), "vi"));
}

const FILTERS = () => [
  ["all", gettext("All")], ["not_surveyed", gettext("Not surveyed")], ["draft", gettext("Drafts")],
  ["waiting", gettext("Waiting to send")], ["returned", gettext("Returned")],
];

function filterMatch(filter, row) {
  if (filter === "all") return true;
  if (filter === "waiting") return ["waiting", "sending"].includes(row.state);
  if (filter === "returned") return ["returned", "rejected", "conflict"].includes(row.state);
  return row.state === filter;
}

async function listScreen() {
  const [rows, lastSync] = [await householdRows(), await db.get("kv", "lastSync")];
  let filter = sessionStorage.getItem("filter") || "all";
  const list = h("ul.households", { id: "households" });
  const search = h("input", { id: "search", type: "search", placeholder: gettext("Name, code or address"), value: sessionStorage.getItem("q") || "", autocomplete: "off" });
  const count = h("p.count", { role: "status", "aria-live": "polite" });
  const draw = () => {
    sessionStorage.setItem("q", search.value);
    const shown = rows.filter((r) => filterMatch(filter, r) && matches(search.value, `${r.hh.head_name} ${r.hh.code || ""} ${r.hh.address || ""}`));
    list.replaceChildren(...shown.map(householdCard));
    count.textContent = fmt(gettext("%(n)s households"), { n: shown.length });
    chips.querySelectorAll("button").forEach((b) => b.setAttribute("aria-pressed", String(b.dataset.filter === filter)));
  };
  const chips = h("div.chips", { role: "group", "aria-label": gettext("Filter") },
    FILTERS().map(([key, label]) => h("button.chip", { type: "button", dataset: { filter: key }, onclick: () => { filter = key; sessionStorage.setItem("filter", key); draw(); } }, label)));
  search.addEventListener("input", draw);
  chips.addEventListener("scroll", () => scrollHint(chips), { passive: true });
  requestAnimationFrame(() => scrollHint(chips));
  mount(app(), 
    h("h1.title", {}, gettext("Households")),
    h("p.meta.last-sync", { id: "last-sync" }, lastSync ? fmt(gettext("Last sync: %(t)s"), { t: formatTime(lastSync) }) : gettext("Never synced")),
    h("div.q", {}, h("label.lbl.sr", { for: "search" }, gettext("Search")), search),
    h("div.chips-wrap", {}, chips), count, list,
    rows.length ? null : h("p.empty", {}, gettext("No households yet. Sync with signal to download your area.")),
    h("a.btn.fab", { href: "#/new" }, `+ ${gettext("New household")}`),
    (await db.keys("support")).length ? h("p", {}, h("a.btn.small.ghost", { href: "#/support", id: "to-support", onclick: () => db.put("kv", "mode", "support") }, gettext("Housing support"))) : null,
  );
  draw();
}

/** Marks a row of chips that has more to the right (a fade and an arrow), until the end is reached. */
function scrollHint(chips) {
  chips.parentElement.classList.toggle("more", chips.scrollLeft + chips.clientWidth < chips.scrollWidth - 4);
}

function classOf(assessment) {
  return assessment ? CLASS_LABELS()[String(assessment.class).toUpperCase()] || assessment.class : null;
}

/** The registry's approved status (e.g. last year's), shown until a new assessment exists. */
function officialStatus(hh) {
  const label = hh.status && CLASS_LABELS()[String(hh.status).toUpperCase()];
  return label ? h("span.class.official", {}, `${label}${hh.status_year ? ` (${hh.status_year})` : ""}`) : null;
}

/** Code and address; a household added on the phone shows its village instead of a code until sync. */
function householdLine(hh) {
  if (!hh.local) return [hh.code, hh.address].filter(Boolean).join(" · ");
  return [gettext("code registered on sync"), hh.village_name, hh.address].filter(Boolean).join(" · ");
}

function householdCard(row) {
  const { hh, assessment, state } = row;
  const pendingSync = ["draft", "waiting", "sending", "returned", "rejected"].includes(state) && row.item;
  return h("li", {},
    h("a.card", { href: `#/hh/${hh.id}` },
      h("span.name", {}, hh.head_name || gettext("(no name)")),
      h("span.meta", {}, householdLine(hh)),
      h("span.tags", {},
        h("span", { class: `state s-${state}` }, STATE_LABELS()[state]),
        assessment && !pendingSync ? h("span.class", {}, classOf(assessment)) : officialStatus(hh))));
}

// ---- household page --------------------------------------------------------------------------

async function householdScreen(id) {
  const hh = await db.get("households", id);
  if (!hh) return mount(app(), h("p.empty", {}, gettext("This household is not on this phone.")));
  const [all, assessment, forms] = [
    await db.all("items"),
    await db.get("assessments", id),
    (await db.get("kv", "formIndex")) || [],
  ];
  const items = all.filter((it) => it.household_id === id && it.kind === "submission");
  const edits = all.filter((it) => it.kind === "household_edit" && it.target_id === id && it.state !== "sent");
  items.sort((a, b) => (a.updatedAt < b.updatedAt ? 1 : -1));
  mount(app(), 
    h("h1.title", {}, hh.head_name),
    h("p.sub", {}, householdLine(hh)),
    hh.local ? h("p.note", { id: "local-note" }, gettext("Added on this phone. The household and its code are registered on the server at the next sync.")) : null,
    edits.length ? h("ul.items", { id: "edits" }, edits.map(editRow)) : null,
    h("a.btn.small", { href: `#/edit/${encodeURIComponent(id)}`, id: "edit-household" }, gettext("Correct household details")),
    assessmentView(assessment, items.find((it) => it.form.id === SURVEY_FORM), hh),
    h("h2", {}, gettext("Surveys")),
    items.length ? h("ul.items", {}, items.map((it) => itemRow(it, forms))) : h("p.empty", {}, gettext("Not surveyed yet.")),
    h("div.actions", {}, await surveySteps(hh, forms, items, assessment)),
  );
}

// ---- screening first: Phiếu A decides whether Phiếu B follows -----------------------------

const SCREENING_FORM = "household_screening";
const SURVEY_FORM = "household_survey";

/** Phiếu A first, then Phiếu B only for a household Phiếu A did not screen out. */
async function surveySteps(hh, forms, items, assessment) {
  const ordered = [...forms].sort((a, b) => (a.id === SCREENING_FORM ? -1 : b.id === SCREENING_FORM ? 1 : 0));
  const year = new Date().getFullYear();
  const screening = forms.some((f) => f.id === SCREENING_FORM) ? await screeningOutcome(items, year) : { screenedOut: false };
  return ordered.map((f) => {
    if (f.id === SCREENING_FORM && screening && openItem(f, items)?.state === "waiting") {
      return null; // finished: its row above opens it; Phiếu B is the next step
    }
    if (f.id !== SURVEY_FORM || openItem(f, items) || surveyedThisYear(f, items, assessment, year)) {
      return startButton(hh, f, items, assessment);
    }
    if (!screening) return h("p.note.gate", { id: "screening-first" }, gettext("Form B follows Form A: screen the household with Form A first."));
    if (screening.screenedOut) return screenedOutNote(screening);
    return h("div.gate", {},
      h("p.note", { id: "screened-in" }, fmt(gettext("Form A: the household meets %(n)s of the criteria (fewer than 4). Continue with Form B."), { n: screening.count })),
      startButton(hh, f, items, assessment));
  });
}

function screenedOutNote(screening) {
  return h("div.callout.warn", { id: "screened-out" },
    h("strong", {}, gettext("Screened out by Form A: no Form B")),
    h("p", {}, fmt(gettext("The household meets %(n)s criteria; 4 or more take it out of the review with Form B."), { n: screening.count })),
    h("ul.reasons", {}, screening.met.map((label) => h("li", {}, label))));
}

/** The latest finished Phiếu A of `year` on this phone: its count and the criteria met; null if none. */
async function screeningOutcome(items, year) {
  const done = items
    .filter((it) => it.form.id === SCREENING_FORM && ["waiting", "sending", "sent"].includes(it.state) && Number(it.answers?.review_year) === year)
    .sort((a, b) => (a.updatedAt < b.updatedAt ? 1 : -1))[0];
  const def = done && (await db.get("forms", `${done.form.id}@${done.form.version}`));
  if (!def) return null;
  const { run } = evaluateDraft(prepareForm(def), done.answers);
  const section = def.sections.find((sec) => (sec.questions || []).some((q) => q.id === "screened_out"));
  const met = (section?.questions || [])
    .filter((q) => q.type === "select_one" && done.answers[q.id] === "yes")
    .map((q) => (lang() === "en" ? q.label.en : q.label.vi) || q.id);
  return { screenedOut: String(run.values.screened_out) === "true", count: Number(String(run.values.criteria_met ?? met.length)), met };
}

const openItem = (f, items) => items.find((it) => it.form.id === f.id && ["draft", "waiting", "returned", "rejected", "conflict"].includes(it.state));

function assessmentView(assessment, latest, hh) {
  if (latest && ["draft", "waiting", "sending", "returned", "rejected"].includes(latest.state)) {
    return h("div.callout", {}, h("strong", {}, gettext("Classification: after sending")), h("p", {}, gettext("The server scores the survey after sync.")));
  }
  if (!assessment) return null;
  const official = officialStatus(hh);
  const shown = (assessment.indicators || []).filter((i) => i.status === "deprived" || i.status === "unknown");
  const text = (o, key) => (lang() === "en" ? o[`${key}_en`] : o[`${key}_vi`]) || o[`${key}_vi`] || "";
  return h("div.callout.good", { id: "assessment" },
    h("strong", {}, `${gettext("Classification")}: ${classOf(assessment)}`),
    h("p.preliminary", { id: "preliminary" }, gettext("Preliminary — awaiting the village meeting and the commune's decision")),
    official ? h("p.official", { id: "official-status" }, `${gettext("Official status")}: `, official) : null,
    assessment.decision ? h("p", { id: "decision" }, decisionText(assessment.decision, text)) : null,
    shown.length ? h("ul.reasons", {}, shown.map((i) => h("li", { dataset: { code: i.code, status: i.status } },
      h("b", {}, text(i, "name")), ": ", text(i, "explanation")))) : null);
}

/** The server's plain-language explanation (issue 13); an assessment pulled before the
 * server sent one shows the rule's own words, or nothing where those name fact paths. */
function decisionText(decision, text) {
  if (decision.explanation_vi) return text(decision, "explanation");
  return decision.rule === "undetermined" ? "" : text(decision, "text");
}

function editRow(item) {
  return h("li.item", { dataset: { state: item.state } },
    h("span", { class: `state s-${item.state}` }, STATE_LABELS()[item.state]),
    " ", h("span.meta", {}, `${gettext("Household details")} · ${formatTime(item.updatedAt)}`),
    item.state === "conflict" ? h("p.callout.warn", {}, conflictText(item)) : null,
    rejectedReasons(item));
}

/** The server's reasons for a rejected item, one per field path; nothing otherwise. */
function rejectedReasons(item) {
  if (item.state !== "rejected") return null;
  return h("ul.reasons", {}, (item.errors || []).map((e) => h("li", {}, `${e.path}: ${e.message_vi || e.code}`)));
}

function conflictText(item) {
  return item.conflict_reason === "stale_base_revision"
    ? gettext("Someone else changed this household first. Your version is kept for an officer to decide.")
    : `${gettext("Conflict")}: ${item.conflict_reason || ""}`;
}

/** "Phiếu A": the short title of an item's form, so each survey row says which one it is. */
function shortTitle(forms, id) {
  const f = forms.find((x) => x.id === id);
  return f ? (lang() === "en" ? f.title_en : f.title_vi).split(" – ")[0] : id;
}

function itemRow(item, forms = []) {
  return h("li.item", {},
    h("span", { class: `state s-${item.state}` }, STATE_LABELS()[item.state]),
    " ", h("strong.form-name", {}, shortTitle(forms, item.form.id)),
    " ", h("span.meta", {}, formatTime(item.updatedAt)),
    item.review && item.state === "returned" ? h("p.callout.warn", {}, `${gettext("Reviewer's comment")}: ${item.review.comment}`) : null,
    rejectedReasons(item),
    item.conflict_reason ? h("p.note", {}, `${gettext("Conflict")}: ${item.conflict_reason}`) : null,
    h("a.btn.small", { href: `#/survey/${item.id}` }, ["sent", "sending"].includes(item.state) ? gettext("View") : gettext("Open")));
}

function startButton(hh, f, items, assessment) {
  const open = openItem(f, items);
  const title = lang() === "en" ? f.title_en : f.title_vi;
  if (open) {
    const label = open.state === "returned" ? gettext("Fix and send again") : gettext("Continue");
    return h("a.btn.primary", { href: `#/survey/${open.id}` }, `${label}: ${title}`);
  }
  const year = new Date().getFullYear();
  const start = () => newSurvey(hh, f);
  if (!surveyedThisYear(f, items, assessment, year)) {
    return h("button.btn.primary", { type: "button", onclick: start }, `${gettext("Start")}: ${title}`);
  }
  // A second survey in the same review year is deliberate: say what it does, then ask once more.
  return h("div.callout.warn.second", { id: `second-${f.id}` },
    h("p", {}, fmt(gettext("This household already has a survey for the %(year)s review."), { year })),
    h("p", {}, gettext("A second survey is sent as a new submission: the server scores it again and its classification replaces the first one's; the first survey stays on record.")),
    h("button.btn", { type: "button", onclick: start }, `${gettext("Start a second survey")}: ${title}`));
}

/** Whether the household already has a survey of form `f` sent or scored for `year`. */
function surveyedThisYear(f, items, assessment, year) {
  const sent = items.some((it) => it.form.id === f.id && ["sending", "sent"].includes(it.state) && Number(it.answers?.review_year) === year);
  return sent || (f.id === "household_survey" && Number(assessment?.review_year) === year);
}

async function newSurvey(hh, f) {
  const now = new Date().toISOString();
  const answers = initialAnswers();
  const def = await db.get("forms", `${f.id}@${f.version}`);
  const members = await db.all("members");
  const roster = rosterFromRegistry(members, hh.id);
  const withRoster = Boolean(def && hasRoster(def));
  if (withRoster && roster.length) answers.members = roster;
  const item = {
    id: uuid(), client_uuid: uuid(), kind: "submission", form: { id: f.id, version: f.version },
    household_id: hh.id, household_label: hh.head_name, answers, state: "draft",
    createdAt: now, updatedAt: now,
  };
  // The members this survey starts from: only they may be removed by it (PROTOCOL §3.2).
  if (withRoster) item.roster_base = rosterBase(members, hh.id);
  await db.put("items", item.id, item);
  go(`#/survey/${item.id}`);
}

const hasRoster = (def) => def.sections.some((sec) => (sec.questions || []).some((q) => q.type === "repeat" && q.id === "members"));

function initialAnswers() {
  const d = new Date();
  const p = (n) => String(n).padStart(2, "0");
  return { survey_date: `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}`, review_year: d.getFullYear() };
}

// ---- new household -------------------------------------------------------------------------------

async function villages() {
  const seen = new Map();
  for (const hh of await db.all("households")) if (hh.village) seen.set(hh.village, hh.village_name || hh.village);
  return [...seen.entries()].sort((a, b) => a[1].localeCompare(b[1], "vi"));
}

async function newHouseholdScreen() {
  const error = h("p.err", { role: "alert", id: "new-err" });
  const field = (id, label, attrs = {}) => h("div.q", {}, h("label.lbl", { for: id }, label), h("input", { id, name: id, ...attrs }));
  const places = await villages();
  const village = h("div.q", {}, h("label.lbl", { for: "village" }, gettext("Village")),
    h("select", { id: "village", name: "village" }, places.map(([code, name]) => h("option", { value: code }, name))));
  const form = h("form", {
    onsubmit: async (e) => {
      e.preventDefault();
      const headName = form.head_name.value.trim();
      if (!headName) {
        error.textContent = gettext("Enter the name of the head of household.");
        return;
      }
      if (!form.village.value) {
        error.textContent = gettext("Sync once with signal to download your villages first.");
        return;
      }
      const id = await createHousehold(headName, form.address.value.trim(), form.village.value, places);
      go(`#/hh/${id}`);
    },
  },
    h("h1.title", {}, gettext("New household")),
    field("head_name", gettext("Head of household"), { autocomplete: "off" }),
    field("address", gettext("Address"), { autocomplete: "off" }),
    village,
    error,
    h("button.btn.primary", { type: "submit" }, gettext("Add household")));
  mount(app(), form);
}

/** A household created offline: its id is the client_uuid of its household_create item. */
async function createHousehold(headName, address, village, places) {
  const id = uuid();
  const now = new Date().toISOString();
  const payload = { code: `APP-${id.slice(0, 8).toUpperCase()}`, head_name: headName, village };
  if (address) payload.address = address;
  const item = {
    id: uuid(), client_uuid: id, kind: "household_create", payload,
    payload_sha256: await payloadSha256(payload), state: "waiting", createdAt: now, updatedAt: now,
  };
  const villageName = (places.find(([code]) => code === village) || [])[1];
  await db.batch([
    ["households", "put", id, { id, code: payload.code, head_name: headName, address, village, village_name: villageName, local: true }],
    ["items", "put", item.id, item],
  ]);
  toast(gettext("Household added. Waiting to send."), "good");
  return id;
}

// ---- correct household details -------------------------------------------------------------------

async function editHouseholdScreen(id) {
  const hh = await db.get("households", id);
  if (!hh) return mount(app(), h("p.empty", {}, gettext("This household is not on this phone.")));
  const error = h("p.err", { role: "alert", id: "edit-err" });
  const field = (key, label) => h("div.q", {}, h("label.lbl", { for: key }, label),
    h("input", { id: key, name: key, value: hh[key] || "", autocomplete: "off" }));
  const keys = editableFields(hh);
  const labels = { head_name: gettext("Head of household"), address: gettext("Address") };
  const form = h("form", {
    onsubmit: async (e) => {
      e.preventDefault();
      const values = Object.fromEntries(keys.map((key) => [key, form[key].value]));
      if (keys.includes("head_name") && !values.head_name.trim()) {
        error.textContent = gettext("Enter the name of the head of household.");
        return;
      }
      const changes = changedFields(hh, values);
      if (!Object.keys(changes).length) return go(`#/hh/${encodeURIComponent(id)}`);
      const saved = await saveEdit(hh, changes);
      if (!saved) {
        error.textContent = gettext("Sync first: an earlier change to this household is on its way to the server.");
        return;
      }
      toast(gettext("Saved. Waiting to send."), "good");
      go(`#/hh/${encodeURIComponent(id)}`);
    },
  },
    h("h1.title", {}, gettext("Correct household details")),
    h("p.sub", {}, [hh.code, hh.head_name].filter(Boolean).join(" · ")),
    keys.map((key) => field(key, labels[key])),
    error,
    h("button.btn.primary", { type: "submit" }, gettext("Save")));
  mount(app(), form);
}

/** Store the correction in the outbox and show it at once; false if it must wait for a sync. */
async function saveEdit(hh, changes) {
  const plan = planEdit(hh, changes, await db.all("items"), { now: new Date().toISOString(), newId: uuid });
  if (plan.error) return false;
  const item = { ...plan.item, payload_sha256: await payloadSha256(plan.item.payload) };
  await db.batch([
    ["items", "put", item.id, item],
    ["households", "put", hh.id, { ...hh, ...changes }],
  ]);
  return true;
}

// ---- sync screen ---------------------------------------------------------------------------------

async function syncScreen() {
  const [items, households, lastSync, lastError] = [
    await db.all("items"), await db.all("households"), await db.get("kv", "lastSync"), await db.get("kv", "lastError"),
  ];
  const names = new Map(households.map((x) => [x.id, x.head_name]));
  const index = (await db.get("kv", "formIndex")) || [];
  const titles = new Map(index.map((f) => [f.id, (lang() === "en" ? f.title_en : f.title_vi).split(" – ")[0]]));
  items.sort((a, b) => (a.updatedAt < b.updatedAt ? 1 : -1));
  const status = h("p.status", { id: "sync-status", role: "status", "aria-live": "polite" },
    lastSync ? fmt(gettext("Last sync: %(t)s"), { t: formatTime(lastSync) }) : gettext("Never synced"));
  const button = h("button.btn.primary", {
    type: "button", id: "sync-now",
    onclick: async () => {
      button.disabled = true;
      status.textContent = gettext("Syncing…");
      try {
        const r = await runSync();
        toast(fmt(gettext("Sync done: %(pushed)s sent, %(pulled)s changes received."), r), "good");
      } catch (err) {
        toast(syncError(err), "bad");
      }
      syncScreen();
    },
  }, gettext("Sync now"));
  mount(app(), 
    h("h1.title", {}, gettext("Sync")),
    status,
    lastError ? h("p.callout.bad", {}, lastError.message) : null,
    button,
    await storageInfo(),
    h("h2", {}, gettext("Outbox")),
    items.length ? h("ul.items", { id: "outbox" }, items.map((it) => outboxRow(it, names, titles))) : h("p.empty", {}, gettext("Nothing to send.")),
  );
}

function outboxRow(item, names, titles) {
  const what = item.kind === "support_stage_proof" ? gettext("Stage proof")
    : item.kind === "household_create" ? gettext("New household")
    : item.kind === "household_edit" ? gettext("Household details") : titles.get(item.form.id) || item.form.id;
  const who = names.get(item.household_id || item.client_uuid) || item.household_label || item.payload?.head_name || "";
  return h("li.item", { dataset: { state: item.state } },
    h("span", { class: `state s-${item.state}` }, STATE_LABELS()[item.state]),
    h("span.name", {}, ` ${who}`), h("span.meta", {}, ` · ${what} · ${formatTime(item.updatedAt)}`),
    rejectedReasons(item),
    item.state === "returned" ? h("p.callout.warn", {}, `${gettext("Reviewer's comment")}: ${item.review?.comment || ""}`) : null,
    item.state === "conflict" ? h("p.note", {}, conflictText(item)) : null,
    item.kind === "submission" && ["draft", "returned", "rejected", "conflict"].includes(item.state)
      ? h("a.btn.small", { href: `#/survey/${item.id}` }, gettext("Open")) : null);
}

async function storageInfo() {
  const storage = navigator.storage;
  const persisted = storage?.persisted ? await storage.persisted() : false;
  const estimate = storage?.estimate ? await storage.estimate() : null;
  const used = estimate ? `${Math.round((estimate.usage || 0) / 1024 / 1024)} / ${Math.round((estimate.quota || 0) / 1024 / 1024)} MB` : "?";
  return h("p.note", {}, `${gettext("Storage")}: ${used} · ${persisted ? gettext("protected from clearing") : gettext("not protected: sync often")}`);
}

start();
