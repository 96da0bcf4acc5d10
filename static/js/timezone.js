// The browser's time zone (CSP: loaded as a file, never inline).
// - Sign-up: fills the hidden time zone field, which the server checks against its list (UTC otherwise).
// - Dashboard checklist: when the browser's zone is on the list (or is an old name of one), shows "Your time zone looks
//   like …" in place of the choose-a-zone form, which stays as it is without JavaScript.
(function () {
  "use strict";

  // How "today" reads in each date style a person can choose (bonetrack/core/date_display.py).
  var DAY_FORMATS = {
    dmy: ["en-GB", { day: "numeric", month: "short" }],
    mdy: ["en-US", { day: "numeric", month: "short" }],
    iso: ["en-CA", { year: "numeric", month: "2-digit", day: "2-digit" }]
  };

  function browserZone() {
    try {
      return Intl.DateTimeFormat().resolvedOptions().timeZone || "";
    } catch (error) {
      return "";
    }
  }

  function todayIn(zone, style) {
    var format = DAY_FORMATS[style] || DAY_FORMATS.dmy;
    return new Intl.DateTimeFormat(format[0], Object.assign({ timeZone: zone }, format[1])).format(new Date());
  }

  function listedZone(zone, select) {
    if (Array.prototype.some.call(select.options, function (option) { return option.value === zone; })) return zone;
    var aliases = document.getElementById("time-zone-aliases");
    return aliases ? JSON.parse(aliases.textContent)[zone] || "" : "";
  }

  function offerDetectedZone(zone) {
    var template = document.getElementById("time-zone-prompt-template");
    var chooser = document.getElementById("time-zone-choose");
    var select = chooser && chooser.querySelector("select[name='time_zone']");
    if (!template || !select) return;
    var listed = listedZone(zone, select);
    if (!listed) return;
    var prompt = template.content.firstElementChild.cloneNode(true);
    prompt.querySelector("[data-zone-name]").textContent = listed;
    prompt.querySelector("[data-zone-today]").textContent = todayIn(listed, template.getAttribute("data-date-style"));
    prompt.querySelector("input[name='time_zone']").value = listed;
    var other = prompt.querySelector("a[href]");
    other.href = other.getAttribute("href") + "?detected=" + encodeURIComponent(listed);
    chooser.replaceWith(prompt);
  }

  document.addEventListener("DOMContentLoaded", function () {
    var zone = browserZone();
    if (!zone) return;
    document.querySelectorAll("input[data-detect-time-zone]").forEach(function (input) {
      input.value = zone;
    });
    offerDetectedZone(zone);
  });
})();
