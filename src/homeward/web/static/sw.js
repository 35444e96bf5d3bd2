/* Keeps the handover console loadable without a network: the page and its assets are
 * cached; everything else (the API, the cards, every POST) goes to the network only. */
"use strict";
var CACHE = "homeward-console-v1";
var SHELL = [
  "/handover",
  "/static/app.css",
  "/static/vendor/htmx.min.js",
  "/static/console.js",
  "/static/outbox.js"
];

self.addEventListener("install", function (e) {
  e.waitUntil(caches.open(CACHE).then(function (c) { return c.addAll(SHELL); }).then(function () {
    return self.skipWaiting();
  }));
});
self.addEventListener("activate", function (e) { e.waitUntil(self.clients.claim()); });
self.addEventListener("fetch", function (e) {
  var url = new URL(e.request.url);
  if (e.request.method !== "GET" || url.origin !== self.location.origin) return;
  if (url.pathname === "/handover") {
    e.respondWith(fetch(e.request).then(function (r) {
      var copy = r.clone();
      if (r.ok) caches.open(CACHE).then(function (c) { c.put("/handover", copy); });
      return r;
    }).catch(function () { return caches.match("/handover"); }));
  } else if (url.pathname.indexOf("/static/") === 0) {
    e.respondWith(caches.match(e.request).then(function (hit) { return hit || fetch(e.request); }));
  }
});
