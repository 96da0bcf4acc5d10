// BoneTrack page behaviour. No inline scripts anywhere (CSP): everything hooks in from here.
(function () {
  "use strict";

  // Forms with data-confirm ask before they submit (deletes, revocations).
  document.addEventListener("submit", function (event) {
    var form = event.target;
    var question = form.getAttribute && form.getAttribute("data-confirm");
    if (question && !form.hasAttribute("hx-post") && !window.confirm(question)) {
      event.preventDefault();
    }
  }, true);

  // A POST form submits once: later submits are dropped and its buttons are disabled until the next page.
  // (htmx forms disable theirs with hx-disabled-elt; the server also saves each create form's token once.)
  // The buttons are disabled after the event, so the clicked button's name=value still travels with the form.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    // Cancelled (a declined confirm), or taken over by htmx (it cancels the native submit): not this one's job.
    if (event.defaultPrevented || !form.getAttribute || (form.getAttribute("method") || "").toLowerCase() !== "post") return;
    if (form.hasAttribute("data-submitting")) {
      event.preventDefault();
      return;
    }
    form.setAttribute("data-submitting", "");
    window.setTimeout(function () {
      form.querySelectorAll("button[type='submit'], button:not([type]), input[type='submit']").forEach(function (button) {
        button.disabled = true;
      });
      form.setAttribute("aria-busy", "true");
    }, 0);
  });
  // Back/forward restores the page from the cache as it was left: usable again.
  window.addEventListener("pageshow", function (event) {
    if (!event.persisted) return;
    document.querySelectorAll("form[data-submitting]").forEach(function (form) {
      form.removeAttribute("data-submitting");
      form.removeAttribute("aria-busy");
      form.querySelectorAll("button, input[type='submit']").forEach(function (button) { button.disabled = false; });
    });
  });

  // Close the account menu when clicking elsewhere or pressing Escape.
  document.addEventListener("click", function (event) {
    document.querySelectorAll("details.menu[open]").forEach(function (menu) {
      if (!menu.contains(event.target)) menu.removeAttribute("open");
    });
  });
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") return;
    document.querySelectorAll("details.menu[open]").forEach(function (menu) {
      menu.removeAttribute("open");
      menu.querySelector("summary").focus();
    });
  });

  // Server messages that arrive in htmx responses (HX-Trigger: {"showMessage": "..."}).
  document.body && document.body.addEventListener("showMessage", function (event) {
    var box = document.getElementById("messages");
    if (!box) return;
    var p = document.createElement("p");
    p.className = "message message-" + ((event.detail && event.detail.level) || "success");
    p.textContent = (event.detail && (event.detail.value || event.detail.message)) || "";
    box.replaceChildren(p);
  });
})();
