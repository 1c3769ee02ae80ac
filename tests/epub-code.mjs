// Open an EPUB's content document in headless chromium, as a reading system lays it out, and print
// (JSON) for each numbered code block where its panel and its line numbers stand, and whether a
// number is underlined. argv: the document's file URL; the browser is tests/browser.mjs's.
import { launch } from "./browser.mjs";

const [url] = process.argv.slice(2);
const browser = await launch();
try {
  const page = await browser.newPage();
  await page.setViewport({ width: 480, height: 800 });
  await page.goto(url, { waitUntil: "load" });
  const blocks = await page.$$eval("pre.numberSource", (panels) =>
    panels.map((panel) => {
      const box = panel.getBoundingClientRect();
      const numbers = [...panel.querySelectorAll("code > span > a:first-child")].map((link) => {
        const drawn = getComputedStyle(link, "::before");
        const at = link.getBoundingClientRect();
        return { left: at.left, right: at.right, text: drawn.content, underline: drawn.textDecorationLine, linked: getComputedStyle(link).textDecorationLine };
      });
      return { left: box.left, right: box.right, numbers };
    }),
  );
  process.stdout.write(JSON.stringify(blocks));
} finally {
  await browser.close();
}
