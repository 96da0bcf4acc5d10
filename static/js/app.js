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
