// Builds static/govuk/ from the npm packages: the brand-neutral stylesheet and GOV.UK Frontend's
// script. Run by `make assets`; the output is not committed.
import { mkdirSync, copyFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import * as sass from "sass";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const out = join(root, "static", "govuk");
const frontend = join(root, "node_modules", "govuk-frontend", "dist", "govuk");

// GOV.UK Frontend's images (crown favicon, crest) are GOV.UK branding: none of them is copied.
mkdirSync(out, { recursive: true });

const css = sass.compile(join(root, "assets", "scss", "main.scss"), {
  style: "compressed",
  importers: [new sass.NodePackageImporter()],
  quietDeps: true,
  silenceDeprecations: ["import"],
});
if (/GDS Transport|@font-face/.test(css.css)) {
  throw new Error("the stylesheet must not carry the GDS Transport font");
}
// Nothing under static/govuk/assets/ is shipped: a url() to it would break collectstatic's
// manifest storage in the production build.
const urls = css.css.match(/url\((?!["']?data:)[^)]*\)/g);
if (urls) {
  throw new Error(`the stylesheet must not reference files the build does not ship: ${urls.join(", ")}`);
}
writeFileSync(join(out, "sip-portal.css"), css.css);

copyFileSync(join(frontend, "govuk-frontend.min.js"), join(out, "govuk-frontend.min.js"));
console.log(`built ${out} (${css.css.length} bytes of CSS)`);
