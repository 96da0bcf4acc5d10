// Draws every Plotly figure on the page: <div class="chart" data-figure="ID"> reads <script id="ID" type="application/json">.
//
// Charts only show values (hover, or a tap on a phone). They have no toolbar: Plotly's offers to send the chart
// to its cloud service, and its buttons are keyboard stops inside the chart. They never zoom or pan, so a swipe
// over a chart scrolls the page, and a wheel over it scrolls too.
(function () {
  "use strict";
  var CONFIG = {
    responsive: true,
    displayModeBar: false,
    displaylogo: false,
    showSendToCloud: false,
    showEditInChartStudio: false,
    showLink: false,
    scrollZoom: false,
    doubleClick: false,
    showTips: false,
    editable: false,
  };
  var AXES = /^[xy]axis\d*$/;

  function fixed(layout) {
    var out = Object.assign({}, layout, { dragmode: false });
    Object.keys(out).forEach(function (key) {
      if (AXES.test(key)) out[key] = Object.assign({}, out[key], { fixedrange: true });
    });
    if (!out.xaxis) out.xaxis = { fixedrange: true };
    if (!out.yaxis) out.yaxis = { fixedrange: true };
    return out;
  }

  function draw(root) {
    (root || document).querySelectorAll(".chart[data-figure]").forEach(function (el) {
      var source = document.getElementById(el.getAttribute("data-figure"));
      if (!source || !window.Plotly) return;
      var figure = JSON.parse(source.textContent);
      window.Plotly.react(el, figure.data, fixed(figure.layout || {}), CONFIG);
      el.setAttribute("data-rendered", "true");
    });
  }
  if (window.htmx) {
    window.htmx.onLoad(function (el) { draw(el.querySelectorAll ? el : document); });
  } else {
    document.addEventListener("DOMContentLoaded", function () { draw(document); });
  }
})();
