// Draws every Plotly figure on the page: <div class="chart" data-figure="ID"> reads <script id="ID" type="application/json">.
//
// Charts only show values (hover, or a tap on a phone). They have no toolbar: Plotly's offers to send the chart
// to its cloud service, and its buttons are keyboard stops inside the chart. They never zoom or pan, so a swipe
// over a chart scrolls the page, and a wheel over it scrolls too.
//
// On a narrow chart (a phone) labels placed beside the plot (an annotation at paper x ≥ 1 carrying the `name` of a
// shape) leave no room for the plot: they are dropped and their shapes are named in the legend instead, the chart
// growing by one legend row for each. No annotation is drawn smaller than 12 px. A label along the time axis (xref "x",
// yref "paper": a medication's name at the top of its band) is kept inside the plot and stepped down until it is clear
// of every other label; one that finds no clear place is left out (the table under the chart lists it). A label with an
// arrow (a mark at a point) near an edge is moved inside the chart, its arrow still pointing at the point.
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
  var NARROW = 600; // px of chart width
  var LEGEND_ROW = 24; // px
  var MIN_FONT = 12; // px
  var GAP = 2; // px between labels

  function readable(annotation) {
    var font = annotation.font || {};
    return Object.assign({}, annotation, { font: Object.assign({}, font, { size: Math.max(font.size || MIN_FONT, MIN_FONT) }) });
  }

  function narrowed(layout) {
    var shapes = layout.shapes || [];
    var named = {};
    shapes.forEach(function (shape) { if (shape.name) named[shape.name] = true; });
    var moved = {};
    var annotations = (layout.annotations || []).filter(function (a) {
      var beside = a.xref === "paper" && a.x >= 1 && named[a.name];
      if (beside) moved[a.name] = true;
      return !beside;
    });
    var count = Object.keys(moved).length;
    if (!count) return layout;
    return Object.assign({}, layout, {
      annotations: annotations,
      shapes: shapes.map(function (shape) { return moved[shape.name] ? Object.assign({}, shape, { showlegend: true }) : shape; }),
      margin: Object.assign({}, layout.margin, { r: 16 }),
      height: (layout.height || 450) + LEGEND_ROW * count,
    });
  }

  function fixed(layout, narrow) {
    var out = Object.assign({}, narrow ? narrowed(layout) : layout, { dragmode: false });
    if (out.annotations) out.annotations = out.annotations.map(readable);
    Object.keys(out).forEach(function (key) {
      if (AXES.test(key)) out[key] = Object.assign({}, out[key], { fixedrange: true });
    });
    if (!out.xaxis) out.xaxis = { fixedrange: true };
    if (!out.yaxis) out.yaxis = { fixedrange: true };
    return out;
  }

  function tidy(el) {
    var annotations = (el.layout && el.layout.annotations) || [];
    var size = el._fullLayout._size;
    var frame = el.getBoundingClientRect();
    if (!frame.width) return Promise.resolve(); // not shown: nothing to measure
    var right = frame.left + size.l + size.w;
    var bottom = frame.top + size.t + size.h;
    var placed = [];
    var movable = [];
    var update = {};
    annotations.forEach(function (annotation, i) {
      var group = el.querySelector('.annotation[data-index="' + i + '"]');
      if (!group) return;
      var r = group.getBoundingClientRect();
      var box = { index: i, left: r.left, right: r.right, top: r.top, bottom: r.bottom };
      if (annotation.xref === "x" && annotation.yref === "paper") {
        movable.push(box);
        return;
      }
      if (annotation.showarrow) {
        var dx = Math.min(0, frame.right - GAP - box.right) || Math.max(0, frame.left + GAP - box.left);
        if (dx) {
          update["annotations[" + i + "].ax"] = (annotation.ax || 0) + dx;
          box.left += dx;
          box.right += dx;
        }
      }
      placed.push(box);
    });
    function clear(box) {
      return !placed.some(function (other) {
        return box.left < other.right + GAP && other.left < box.right + GAP && box.top < other.bottom + GAP && other.top < box.bottom + GAP;
      });
    }
    movable.forEach(function (box) {
      var dx = Math.min(0, right - box.right);
      var height = box.bottom - box.top;
      var moved = { left: box.left + dx, right: box.right + dx, top: box.top, bottom: box.bottom };
      while (!clear(moved) && moved.bottom + height + GAP <= bottom) {
        moved.top += height + GAP;
        moved.bottom += height + GAP;
      }
      var key = "annotations[" + box.index + "].";
      if (clear(moved)) {
        placed.push(moved);
        if (dx) update[key + "xshift"] = dx;
        if (moved.top !== box.top) update[key + "yshift"] = box.top - moved.top;
      } else {
        update[key + "visible"] = false;
      }
    });
    return Object.keys(update).length ? window.Plotly.relayout(el, update) : Promise.resolve();
  }

  function draw(root) {
    (root || document).querySelectorAll(".chart[data-figure]").forEach(function (el) {
      var source = document.getElementById(el.getAttribute("data-figure"));
      if (!source || !window.Plotly) return;
      var figure = JSON.parse(source.textContent);
      var narrow = el.clientWidth < NARROW;
      el.removeAttribute("data-rendered");
      el.setAttribute("data-width", String(el.clientWidth));
      window.Plotly.react(el, figure.data, fixed(figure.layout || {}, narrow), CONFIG)
        .then(function () { return tidy(el); })
        .then(function () { el.setAttribute("data-rendered", "true"); });
    });
  }

  // A phone turned sideways or a window resized: draw again (the layout and the labels' places depend on the width).
  var resizing;
  window.addEventListener("resize", function () {
    clearTimeout(resizing);
    resizing = setTimeout(function () {
      document.querySelectorAll(".chart[data-width]").forEach(function (el) {
        if (String(el.clientWidth) !== el.getAttribute("data-width")) draw(el.parentNode);
      });
    }, 150);
  });
  if (window.htmx) {
    window.htmx.onLoad(function (el) { draw(el.querySelectorAll ? el : document); });
  } else {
    document.addEventListener("DOMContentLoaded", function () { draw(document); });
  }
})();
