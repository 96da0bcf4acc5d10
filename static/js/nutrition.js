// Nutrition day page: keep the chosen meal in every quick-add form, and put the cursor where the next step is.
(function () {
  "use strict";

  function syncMeal() {
    var select = document.getElementById("meal-select");
    if (!select) return;
    document.querySelectorAll("input.js-meal").forEach(function (input) { input.value = select.value; });
    var addMeal = document.querySelector("#add-panel select[name='meal']");
    if (addMeal) addMeal.value = select.value;
  }

  document.addEventListener("change", function (event) {
    if (event.target && event.target.id === "meal-select") syncMeal();
  });

  // Enter in the search box picks the first result instead of reloading the page.
  document.addEventListener("keydown", function (event) {
    var target = event.target;
    if (!target || target.id !== "food-search") return;
    if (event.key === "Enter") {
      var first = document.querySelector("#search-results .food-result");
      if (first && window.htmx) {
        event.preventDefault();
        first.click();
      }
    } else if (event.key === "ArrowDown") {
      var firstResult = document.querySelector("#search-results .food-result");
      if (firstResult) { event.preventDefault(); firstResult.focus(); }
    }
  });
  document.addEventListener("keydown", function (event) {
    var link = event.target;
    if (!link || !link.classList || !link.classList.contains("food-result")) return;
    var item = link.closest("li");
    if (event.key === "ArrowDown" && item.nextElementSibling) {
      event.preventDefault(); item.nextElementSibling.querySelector("a").focus();
    } else if (event.key === "ArrowUp") {
      event.preventDefault();
      if (item.previousElementSibling) item.previousElementSibling.querySelector("a").focus();
      else document.getElementById("food-search").focus();
    }
  });

  // Ticking a supplement swaps only its row: the same tick gets the focus back, and the page does not scroll.
  var tickToFocus = null;
  document.addEventListener("htmx:beforeRequest", function (event) {
    var form = event.detail.elt;
    if (!form || !form.classList || !form.classList.contains("tick-form")) return;
    var tick = form.querySelector("button.tick");
    tickToFocus = tick ? tick.id : null;
  });
  document.addEventListener("htmx:afterSettle", function () {
    if (!tickToFocus) return;
    var tick = document.getElementById(tickToFocus);
    tickToFocus = null;
    if (tick) tick.focus({ preventScroll: true });
  });

  // Freshly swapped-in parts carry data-fresh: focus the quantity of a new add form, else the search box.
  document.addEventListener("htmx:afterSettle", function () {
    syncMeal();
    var form = document.querySelector("#add-panel .add-form[data-fresh]");
    var content = document.querySelector("#day-content[data-fresh]");
    document.querySelectorAll("[data-fresh]").forEach(function (el) { el.removeAttribute("data-fresh"); });
    if (form) {
      var invalid = form.querySelector(".field-invalid input, .field-invalid select");
      var quantity = invalid || form.querySelector("input[name='quantity']");
      if (quantity) { quantity.focus(); if (quantity.select) quantity.select(); }
    } else if (content && !content.querySelector(".field-invalid")) {
      var search = document.getElementById("food-search");
      if (search) search.focus();
    }
  });
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("#day-content[data-fresh]").forEach(function (el) { el.removeAttribute("data-fresh"); });
  });
  document.addEventListener("DOMContentLoaded", syncMeal);
})();
