// Presswork: what Material's scripts leave out for a reader who uses a keyboard or a screen reader.
// - A code block that scrolls sideways can be focused, so that a keyboard can scroll it (Material
//   does so only where the device can hover).
// - A code annotation's marker is a link with no text of its own: it is named by its number.
// - The Downloads page's SHA-256s, shown short, each get a button that copies the whole hash, in the
//   page's words (`data-copy`, `data-copied`); what it did is said to a screen reader too.
(function () {
  function copied(button, hash, list) {
    const done = () => {
      button.textContent = list.dataset.copied;
      list.querySelector(".pw-status").textContent = list.dataset.copied;
      setTimeout(() => { button.textContent = list.dataset.copy; }, 2000);
    };
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(hash.textContent).then(done, () => select(hash));
    } else {
      select(hash);
      if (document.execCommand("copy")) done();
    }
  }
  function select(hash) {
    window.getSelection().selectAllChildren(hash);
  }
  function buttons() {
    for (const hash of document.querySelectorAll(".pw-sha256 > code:only-child")) {
      const list = hash.closest(".pw-editions");
      if (!list) continue;
      if (!list.querySelector(".pw-status")) {
        const status = document.createElement("span");
        status.className = "pw-status";
        status.setAttribute("role", "status");
        list.append(status);
      }
      const button = document.createElement("button");
      button.type = "button";
      button.className = "pw-copy";
      button.textContent = list.dataset.copy;
      const file = hash.closest(".pw-edition").querySelector("dd a");
      button.setAttribute("aria-label", `${list.dataset.copy} SHA-256${file ? " (" + file.textContent + ")" : ""}`);
      button.addEventListener("click", () => copied(button, hash, list));
      hash.after(button);
    }
  }
  function complete() {
    buttons();
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
