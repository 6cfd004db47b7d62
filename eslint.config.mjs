// ESLint for the volunteer app (browser modules), its service worker and the node tests.
// Run: npx eslint (make lint runs it when node is installed; .ci/run installs it with npm ci).
import js from "@eslint/js";
import globals from "globals";

// sw.js is a Django template: its {{ … }} placeholders become [] so the file parses.
const djangoTemplate = {
  meta: { name: "django-template-placeholders" },
  preprocess: (text) => [text.replace(/\{\{[^}]*\}\}/g, "[]")],
  postprocess: (messages) => messages.flat(),
};

export default [
  // Vendored browser libraries are copied verbatim from npm (scripts/vendor_static.py).
  { ignores: ["node_modules/", ".venv/", "var/", "media/", "server/*/static/*/vendor/"] },
  js.configs.recommended,
  {
    files: ["server/webapp/static/**/*.mjs"],
    languageOptions: { sourceType: "module", globals: globals.browser },
  },
  {
    files: ["server/webapp/templates/webapp/sw.js"],
    processor: djangoTemplate,
    languageOptions: { sourceType: "script", globals: globals.serviceworker },
  },
  {
    files: ["server/reports/static/reports/*.js"],
    languageOptions: { sourceType: "script", globals: globals.browser },
  },
  {
    files: ["server/exports/static/exports/*.js"],
    languageOptions: { sourceType: "script", globals: { ...globals.browser, L: "readonly" } },
  },
  { ignores: ["server/exports/static/exports/vendor/"] },
  {
    files: ["tests/js/**/*.mjs"],
    languageOptions: { sourceType: "module", globals: globals.node },
  },
];
