// Register BoneTrack's service worker (served at the site's root, so it covers every page). It only keeps the
// offline page; without service worker support the site works exactly the same.
(function () {
  "use strict";
  var script = document.currentScript;
  if (!("serviceWorker" in navigator) || !script) {
    return;
  }
  var url = script.dataset.serviceWorker;
  window.addEventListener("load", function () {
    navigator.serviceWorker.register(url, { scope: "/" }).catch(function () {
      // Not fatal: the site works without it (for example over plain HTTP on another host).
    });
  });
})();
