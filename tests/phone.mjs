// Open site pages in headless chromium at a phone's size (390 x 844) and print (JSON) what a reader of
// that phone would see. argv: the Downloads page's URL, then a page with code blocks.
// - downloads: each card's box and the page's width, whether anything in a card runs past it, each
//   SHA-256 as shown (its width) and as the copy button puts it on the clipboard, what the button and
//   the status then say, and where the header's download link leads;
// - code: for every code block with buttons, the buttons' box and its first line's (and its first line
//   number's, when numbered).
// The browser is tests/browser.mjs's.
import { launch } from "./browser.mjs";

const [downloads, code] = process.argv.slice(2);
const browser = await launch();
try {
  const context = browser.defaultBrowserContext();
  await context.overridePermissions(new URL(downloads).origin, ["clipboard-read", "clipboard-write", "clipboard-sanitized-write"]);
  const page = await browser.newPage();
  await page.setViewport({ width: 390, height: 844, isMobile: true, hasTouch: true });
  await page.goto(downloads, { waitUntil: "load" });
  await page.waitForSelector(".pw-copy");
  const cards = await page.$$eval(".pw-edition", (found) =>
    found.map((card) => {
      const box = card.getBoundingClientRect();
      const overflowing = [...card.querySelectorAll("*")].filter((e) => e.getBoundingClientRect().right > box.right + 0.5).map((e) => e.outerHTML.slice(0, 80));
      const hash = card.querySelector(".pw-sha256 code");
      const link = card.querySelector("dd a");
      return {
        left: box.left, right: box.right, overflowing,
        file: link.textContent, fileLines: Math.round(link.getBoundingClientRect().height / parseFloat(getComputedStyle(link).lineHeight)),
        hash: hash.textContent, hashWidth: hash.getBoundingClientRect().width, button: card.querySelector(".pw-copy")?.textContent,
      };
    }),
  );
  const copies = [];
  for (const button of await page.$$(".pw-copy")) {
    await button.click();
    await page.waitForFunction((b) => b.textContent !== b.closest(".pw-editions").dataset.copy, {}, button);
    copies.push({
      clipboard: await page.evaluate(() => navigator.clipboard.readText()),
      said: await button.evaluate((b) => b.textContent),
      name: await button.evaluate((b) => b.getAttribute("aria-label")),
      status: await button.evaluate((b) => b.closest(".pw-editions").querySelector("[role=status]").textContent),
    });
  }
  const header = await page.$eval(".md-header .pw-downloads-link", (a) => ({ href: a.href, label: a.getAttribute("aria-label"), shown: a.getBoundingClientRect().width > 0 }));
  const width = await page.evaluate(() => document.documentElement.scrollWidth);
  await page.goto(code, { waitUntil: "load" });
  await page.waitForSelector(".md-code__nav, .md-clipboard");
  const blocks = await page.$$eval("pre:has(> .md-code__nav, > .md-clipboard)", (found) =>
    found.map((pre) => {
      const buttons = pre.querySelector(".md-code__nav, .md-clipboard").getBoundingClientRect();
      const code = pre.querySelector(":scope > code");
      const range = document.createRange();
      range.selectNodeContents(code);
      const first = [...range.getClientRects()].filter((r) => r.width > 0 && r.height > 0).sort((a, b) => a.top - b.top)[0];
      const number = pre.closest(".highlighttable")?.querySelector(".linenodiv .normal")?.getBoundingClientRect();
      return { buttons: { top: buttons.top, bottom: buttons.bottom }, line: { top: first.top, bottom: first.bottom }, number: number && { top: number.top, bottom: number.bottom } };
    }),
  );
  process.stdout.write(JSON.stringify({ width, cards, copies, header, blocks }));
} finally {
  await browser.close();
}
