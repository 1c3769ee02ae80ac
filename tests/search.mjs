// Search a site in headless chromium, as a reader would: open the page, type the words into Material's
// search box, and print the titles of the results (JSON) once they appear. Used by tests/test_handbook.py.
// argv: the page's URL, the words; the browser is tests/browser.mjs's.
import { launch } from "./browser.mjs";

const [url, words] = process.argv.slice(2);
const browser = await launch();
try {
  const page = await browser.newPage();
  const errors = [];
  page.on("pageerror", (error) => errors.push(String(error)));
  await page.goto(url, { waitUntil: "load" });
  await page.click("label.md-search__icon, label[for='__search']").catch(() => {});
  await page.type("input.md-search__input", words, { delay: 20 });
  await page.waitForSelector(".md-search-result__item", { timeout: 20000 });
  const titles = await page.$$eval(".md-search-result__item h1, .md-search-result__item h2", (items) => items.map((item) => item.textContent.trim()));
  const links = await page.$$eval(".md-search-result__item a", (items) => items.map((item) => item.href));
  process.stdout.write(JSON.stringify({ titles, links, errors }));
} finally {
  await browser.close();
}
