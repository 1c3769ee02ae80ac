// The headless chromium the tests' browser scripts open pages in (tests/search.mjs, tests/hostile.mjs):
// Debian's chromium through puppeteer-core, as Presswork's own tools run it. PRESSWORK_NODE_MODULES holds
// puppeteer-core, PRESSWORK_CHROMIUM the browser.
import { createRequire } from "node:module";
import { join } from "node:path";

const require = createRequire(join(process.env.PRESSWORK_NODE_MODULES, "presswork.js"));
const puppeteer = require("puppeteer-core");

export function launch() {
  return puppeteer.launch({
    executablePath: process.env.PRESSWORK_CHROMIUM,
    headless: true,
    args: ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking", "--allow-file-access-from-files"],
  });
}
