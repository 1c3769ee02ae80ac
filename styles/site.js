// Presswork: what Material's scripts leave out for a reader who uses a keyboard or a screen reader.
// - A code block that scrolls sideways can be focused, so that a keyboard can scroll it (Material
//   does so only where the device can hover).
// - A code annotation's marker is a link with no text of its own: it is named by its number.
(function () {
  function complete() {
    for (const code of document.querySelectorAll("pre > code")) {
      if (code.scrollWidth > code.clientWidth && code.getAttribute("tabindex") !== "0") code.setAttribute("tabindex", "0");
    }
    for (const index of document.querySelectorAll(".md-annotation__index:not([aria-label])")) {
      const number = index.querySelector("[data-md-annotation-id]");
      index.setAttribute("aria-label", number ? number.getAttribute("data-md-annotation-id") : "+");
    }
  }
  new MutationObserver(complete).observe(document.body, { childList: true, subtree: true, attributes: true, attributeFilter: ["tabindex"] });
  window.addEventListener("resize", complete);
  complete();
})();
