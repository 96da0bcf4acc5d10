// Draws every Plotly figure on the page: <div class="chart" data-figure="ID"> reads <script id="ID" type="application/json">.
(function () {
  "use strict";
  function draw(root) {
    (root || document).querySelectorAll(".chart[data-figure]").forEach(function (el) {
      var source = document.getElementById(el.getAttribute("data-figure"));
      if (!source || !window.Plotly) return;
      var figure = JSON.parse(source.textContent);
      window.Plotly.react(el, figure.data, figure.layout, { responsive: true, displaylogo: false, modeBarButtonsToRemove: ["lasso2d", "select2d"] });
      el.setAttribute("data-rendered", "true");
    });
  }
  if (window.htmx) {
    window.htmx.onLoad(function (el) { draw(el.querySelectorAll ? el : document); });
  } else {
    document.addEventListener("DOMContentLoaded", function () { draw(document); });
  }
})();
