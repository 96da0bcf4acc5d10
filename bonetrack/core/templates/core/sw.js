// BoneTrack's service worker. It keeps one thing for use without a network: the offline page, with the stylesheet
// and icon it shows. Everything else goes to the network and its answer is never stored here.
"use strict";

const CACHE = "{{ cache_name }}";
const OFFLINE_URL = {{ offline_url|safe }};
const PRECACHE = {{ precache|safe }};

self.addEventListener("install", (event) => {
  event.waitUntil(
    caches.open(CACHE).then((cache) => cache.addAll(PRECACHE)).then(() => self.skipWaiting())
  );
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches.keys()
      .then((names) => Promise.all(names.filter((name) => name !== CACHE).map((name) => caches.delete(name))))
      .then(() => self.clients.claim())
  );
});

function fromCache(url) {
  return caches.open(CACHE)
    .then((cache) => cache.match(url, { ignoreVary: true }))
    .then((response) => response || Response.error());
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") {
    return;
  }
  // A page: from the network; only when the network fails, the offline page instead.
  if (request.mode === "navigate") {
    event.respondWith(fetch(request).catch(() => fromCache(OFFLINE_URL)));
    return;
  }
  // The offline page's own stylesheet and icon: from the network, and from the cache only when it fails.
  const url = new URL(request.url);
  if (url.origin === self.location.origin && PRECACHE.includes(url.pathname) && url.pathname !== OFFLINE_URL) {
    event.respondWith(fetch(request).catch(() => fromCache(url.pathname)));
  }
  // Anything else: not handled here, so the browser asks the network as usual.
});
