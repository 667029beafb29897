// Builds the web service's static files from the pinned npm packages (run by `make assets` after `npm ci`):
// GOV.UK Frontend's styles compiled with Arial (no GDS Transport font, which is for GOV.UK alone) and its
// script, and Vega, Vega-Lite and vega-embed, into src/cscperf/web/static/vendor/ (not kept in git).
import { copyFileSync, mkdirSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import * as sass from "sass";

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, "../../../..");
const modules = join(root, "node_modules");
const out = resolve(here, "../static/vendor");
mkdirSync(out, { recursive: true });

const css = sass.compile(join(here, "app.scss"), {
  loadPaths: [modules],
  style: "compressed",
  quietDeps: true,
  silenceDeprecations: ["import", "global-builtin"],
});
writeFileSync(join(out, "app.css"), css.css);

const copies = [
  ["govuk-frontend/dist/govuk/govuk-frontend.min.js", "govuk-frontend.min.js"],
  ["vega/build/vega.min.js", "vega.min.js"],
  ["vega-lite/build/vega-lite.min.js", "vega-lite.min.js"],
  ["vega-embed/build/vega-embed.min.js", "vega-embed.min.js"],
];
for (const [from, to] of copies) copyFileSync(join(modules, from), join(out, to));
console.log(`web assets built in ${out}`);
