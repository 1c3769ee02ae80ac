// Mermaid diagrams to SVG, by mermaid itself in headless chromium (pipeline/tools/mermaid.py runs it).
// Reads a JSON list of {id, source} on stdin; writes a JSON list of {svg} or {error}, in order.
// PRESSWORK_NODE_MODULES names the folder holding mermaid and puppeteer-core; PRESSWORK_CHROMIUM the browser.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";

const require = createRequire(join(process.env.PRESSWORK_NODE_MODULES, "presswork.js"));
const puppeteer = require("puppeteer-core");
const sources = JSON.parse(readFileSync(0, "utf8"));
const script = readFileSync(require.resolve("mermaid/dist/mermaid.min.js"), "utf8");
const browser = await puppeteer.launch({
  executablePath: process.env.PRESSWORK_CHROMIUM,
  headless: true,
  pipe: true, // over a pipe, which closes with node however it ends: the browser then ends too
  args: ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
});
try {
  const page = await browser.newPage();
  await page.setContent("<!doctype html><html><body></body></html>");
  await page.addScriptTag({ content: script });
  const results = await page.evaluate(async (sources) => {
    // SVG text rather than HTML labels: every edition can draw it. Ids given by the caller: the same bytes each time.
    mermaid.initialize({
      startOnLoad: false, securityLevel: "strict", htmlLabels: false, flowchart: { htmlLabels: false },
      deterministicIds: true, fontFamily: "DejaVu Sans, sans-serif",
    });
    const out = [];
    for (const { id, source } of sources) {
      try {
        out.push({ svg: (await mermaid.render(id, source)).svg });
      } catch (error) {
        out.push({ error: String((error && error.message) || error) });
      }
    }
    return out;
  }, sources);
  process.stdout.write(JSON.stringify(results));
} finally {
  await browser.close();
}
