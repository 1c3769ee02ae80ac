// axe-core's WCAG 2.1 A and AA rules on pages of the site, in headless chromium (pipeline/tools/axe.py runs it).
// Reads {"pages": [{url, whole}, ...], "schemes": ["default", "slate", ...], "chrome": [selector, ...]}
// on stdin; writes a JSON list of {url, scheme, violations: [{id, impact, help, nodes: [{target, html, summary}]}]}.
// A page that is not `whole` is checked without the `chrome` (the navigation Material writes the same
// on every page: it is checked on the pages that are whole), one page after another in one tab (two
// tabs on two cores took as long: the browser's work is what takes the time).
// PRESSWORK_NODE_MODULES names the folder holding axe-core and puppeteer-core; PRESSWORK_CHROMIUM the browser.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";

const require = createRequire(join(process.env.PRESSWORK_NODE_MODULES, "presswork.js"));
const puppeteer = require("puppeteer-core");
const { pages, schemes, chrome } = JSON.parse(readFileSync(0, "utf8"));
const axe = readFileSync(require.resolve("axe-core/axe.min.js"), "utf8");
const TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"];
const browser = await puppeteer.launch({
  executablePath: process.env.PRESSWORK_CHROMIUM,
  headless: true,
  pipe: true, // over a pipe, which closes with node however it ends: the browser then ends too
  args: ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
});
const out = [];
try {
  const page = await browser.newPage();
  await page.setViewport({ width: 1280, height: 900 });
  await page.evaluateOnNewDocument(axe); // sent to the browser once, run in every page it opens
  for (const { url, whole } of pages) {
    await page.goto(url, { waitUntil: "load" });
    for (const scheme of schemes) {
      const violations = await page.evaluate(async (scheme, tags, without) => {
        // Material's palette: the scheme a reader picks with the toggle, set as the toggle sets it, its
        // colours taken at once (Material fades them in, and a colour half-way is no reader's).
        if (!document.getElementById("presswork-still")) {
          const still = document.createElement("style");
          still.id = "presswork-still";
          still.textContent = "*, *::before, *::after { transition: none !important; animation: none !important; }";
          document.head.appendChild(still);
        }
        document.body.setAttribute("data-md-color-scheme", scheme);
        void getComputedStyle(document.body).color; // the new colours computed before axe-core reads them
        const context = { include: [document], exclude: without.filter((selector) => document.querySelector(selector)) };
        const result = await window.axe.run(context, { runOnly: { type: "tag", values: tags }, resultTypes: ["violations"] });
        return result.violations.map((v) => ({
          id: v.id, impact: v.impact, help: v.help,
          nodes: v.nodes.map((n) => ({ target: n.target.join(" "), html: n.html.slice(0, 300), summary: (n.failureSummary || "").split("\n").slice(1).join(" ").trim() })),
        }));
      }, scheme, TAGS, whole ? [] : chrome);
      out.push({ url, scheme, violations });
    }
  }
  process.stdout.write(JSON.stringify(out));
} finally {
  await browser.close();
}
