// Open pages in headless chromium as a reader would and report what hostile markup managed there:
// dialogs or trapped calls (alert, confirm, prompt, print), requests to anything but the files on disk,
// and, in the part of the page that holds the content, event handlers, script URLs and elements that
// run or embed something, and what it holds (each element and attribute, counted). Used by tests/test_sanitiser.py.
// argv: a CSS selector for the content ("article", "body"), then the pages' URLs; prints one JSON line
// per page. The browser is tests/browser.mjs's.
import { launch } from "./browser.mjs";

const [selector, ...urls] = process.argv.slice(2);
const browser = await launch();
try {
  const page = await browser.newPage();
  let ran = [];
  let requests = [];
  page.on("dialog", async (dialog) => {
    ran.push(`dialog ${dialog.type()}: ${dialog.message()}`);
    await dialog.dismiss();
  });
  await page.setRequestInterception(true);
  page.on("request", (request) => {
    const url = request.url();
    if (url.startsWith("file:") || url.startsWith("data:") || url.startsWith("blob:") || url === "about:blank") {
      request.continue();
    } else {
      requests.push(url);
      request.abort();
    }
  });
  await page.evaluateOnNewDocument(() => {
    for (const name of ["alert", "confirm", "prompt", "print"]) {
      window[name] = (...args) => {
        window.__hostile = (window.__hostile || []).concat(`${name}(${args.join(", ")})`);
      };
    }
  });
  for (const url of urls) {
    ran = [];
    requests = [];
    await page.goto(url, { waitUntil: "load", timeout: 30000 });
    await new Promise((resolve) => setTimeout(resolve, 150));
    const found = await page.evaluate((selector) => {
      // Through the prototypes: a payload may clobber an element's own properties (`<input name=attributes>`).
      const all = (node, css) => [...Element.prototype.querySelectorAll.call(node, css)];
      const localName = (element) => Object.getOwnPropertyDescriptor(Element.prototype, "localName").get.call(element);
      const names = (element) => Element.prototype.getAttributeNames.call(element);
      const value = (element, name) => Element.prototype.getAttribute.call(element, name) || "";
      const root = Document.prototype.querySelector.call(document, selector) || document.documentElement;
      const handlers = [];
      const scriptUrls = [];
      const present = {}; // what the content holds, as the browser parsed it: each element and each element's attribute
      for (const element of all(root, "*")) {
        const tag = localName(element);
        present[tag] = (present[tag] || 0) + 1;
        for (const written of names(element)) {
          const name = written.toLowerCase();
          present[`${tag}@${name}`] = (present[`${tag}@${name}`] || 0) + 1;
          const url = /^(href|src|action|formaction|xlink:href|poster|cite|data|background|srcset)$/.test(name);
          const plain = value(element, written).replace(/[\u0000-\u0020]/g, "").toLowerCase();
          if (name.startsWith("on")) handlers.push(`${tag} ${name}`);
          if (url && (/^(javascript|vbscript):/.test(plain) || (plain.startsWith("data:") && !plain.startsWith("data:image/")))) {
            scriptUrls.push(`${tag} ${name}=${plain.slice(0, 40)}`);
          }
        }
      }
      const running = all(root, "script, iframe, frame, object, embed, form, base, meta, link, style, foreignObject").map(localName);
      return { handlers, scriptUrls, running, called: window.__hostile || [], present };
    }, selector);
    process.stdout.write(JSON.stringify({ url, ran: ran.concat(found.called), requests, ...found }) + "\n");
  }
} finally {
  await browser.close();
}
