// After a submit with errors, focus goes to the first error on the page: an invalid field (aria-invalid="true",
// whose aria-describedby names its error text) or a form's message not tied to one field (role="alert" inside the
// form: its .form-errors box, or "please double-check" on unusual values), whichever comes first. An alert outside
// a form reports a state (e.g. a failed export) and does not take the focus. Keyboard and screen-reader users then
// start where the problem is instead of at the top.
// Runs when a page loads and after an htmx form submit swaps its answer in; never on the inline checks that swap a
// form while the user types (their trigger is "change", not "submit"), so typing never loses its place.
(function () {
  "use strict";

  var ERRORS = "[aria-invalid='true'], form [role='alert']";

  function firstError(root) {
    var candidates = [];
    if (root.matches && root.matches(ERRORS)) candidates.push(root);
    if (root.querySelectorAll) candidates = candidates.concat(Array.prototype.slice.call(root.querySelectorAll(ERRORS)));
    for (var i = 0; i < candidates.length; i++) {
      var el = candidates[i];
      if (el.type === "hidden" || el.disabled || el.closest("[hidden], template")) continue;
      return el;
    }
    return null;
  }

  function focusError(el) {
    // An error inside a closed disclosure is shown first.
    for (var details = el.closest("details:not([open])"); details; details = details.parentElement.closest("details:not([open])")) {
      details.open = true;
    }
    if (!el.matches("input, select, textarea, button, a[href], [tabindex]")) el.setAttribute("tabindex", "-1");
    el.focus();
    return document.activeElement === el;
  }

  function focusFirstError(root) {
    var el = firstError(root);
    return el ? focusError(el) : false;
  }

  focusFirstError(document);

  // htmx fires afterSettle on each element it swapped in, in page order; the first one holding an error wins.
  var settledRequest = null;
  document.addEventListener("htmx:afterSettle", function (event) {
    var detail = event.detail || {};
    var trigger = detail.requestConfig && detail.requestConfig.triggeringEvent;
    if (!trigger || trigger.type !== "submit" || settledRequest === detail.xhr) return;
    if (event.target.isConnected && focusFirstError(event.target)) settledRequest = detail.xhr;
  });
})();
