/* The handover console through a network outage.
 *
 * A step taken while the device is offline (or whose request could not be sent) is kept
 * in IndexedDB with an id made here and this device's sequence number, shown as "waiting
 * to send", and replayed in order to POST /handover/queue (the session's twin of
 * POST /api/v1/handovers/queue) when the link returns.
 * The server applies each at most once and only if the handover is still in the state this
 * device saw; otherwise it answers a conflict, which stays on screen until the verifier
 * has looked at it. A service worker (/sw.js) keeps the console itself loadable offline.
 */
(function () {
  "use strict";
  var box = document.getElementById("outbox");
  if (!box || !window.indexedDB) return;
  var NEXT = {
    planned: ["checked_in", "confirm_identity"],
    checked_in: ["identity_confirmed", "confirm_free_will"],
    identity_confirmed: ["free_will_confirmed", "release"],
    free_will_confirmed: ["released", "receive"]
  };
  var sending = false;

  function uuid() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    var b = new Uint8Array(16); crypto.getRandomValues(b);
    return Array.prototype.map.call(b, function (x) { return ("0" + x.toString(16)).slice(-2); }).join("");
  }
  function device() {
    var d = localStorage.getItem("homeward-device");
    if (!d) { d = uuid(); localStorage.setItem("homeward-device", d); }
    return d;
  }
  function nextSeq() {
    var n = parseInt(localStorage.getItem("homeward-seq") || "0", 10) + 1;
    localStorage.setItem("homeward-seq", String(n));
    return n;
  }
  function open() {
    return new Promise(function (resolve, reject) {
      var r = indexedDB.open("homeward-outbox", 1);
      r.onupgradeneeded = function () { r.result.createObjectStore("steps", { keyPath: "id" }); };
      r.onsuccess = function () { resolve(r.result); };
      r.onerror = function () { reject(r.error); };
    });
  }
  function store(mode, work) {
    return open().then(function (db) {
      return new Promise(function (resolve, reject) {
        var t = db.transaction("steps", mode), req = work(t.objectStore("steps"));
        t.oncomplete = function () { resolve(req ? req.result : undefined); };
        t.onerror = function () { reject(t.error); };
      });
    });
  }
  function all() {
    return store("readonly", function (s) { return s.getAll(); }).then(function (items) {
      return (items || []).sort(function (a, b) { return a.seq - b.seq; });
    });
  }
  function put(item) { return store("readwrite", function (s) { return s.put(item); }); }
  function remove(id) { return store("readwrite", function (s) { return s["delete"](id); }); }

  function render() {
    return all().then(function (items) {
      var list = box.querySelector("ul");
      list.innerHTML = "";
      items.forEach(function (item) {
        var li = document.createElement("li");
        li.dataset.id = item.id;
        if (item.conflict) {
          li.className = "conflict";
          li.textContent = box.dataset.conflict + " · " + item.code + " · " + item.step + ": " + item.conflict + " ";
          var ok = document.createElement("button");
          ok.type = "button";
          ok.textContent = box.dataset.resolved;
          ok.addEventListener("click", function () { remove(item.id).then(render); });
          li.appendChild(ok);
        } else {
          li.className = "waiting";
          li.textContent = box.dataset.waiting + " · " + item.code + " · " + item.step;
        }
        list.appendChild(li);
      });
      box.hidden = items.length === 0;
    });
  }

  function queue(form) {
    var card = form.closest(".handover-card");
    var state = card.querySelector("#state");
    var input = form.querySelector("input[name=step]");
    var item = {
      id: uuid(),
      seq: nextSeq(),
      device: device(),
      handover_id: parseInt(card.id.replace("handover-", ""), 10),
      step: input.value,
      seen_state: state.dataset.state,
      code: (card.querySelector("code") || {}).textContent || ""
    };
    return put(item).then(function () {
      // Show the step as taken on this device, waiting to send.
      var next = NEXT[state.dataset.state];
      if (next) {
        state.dataset.state = next[0];
        state.querySelector("strong").textContent = next[0] + " · " + box.dataset.waiting;
        if (next[1] === "receive") form.remove(); else input.value = next[1];
      }
      return render();
    });
  }

  function flush() {
    if (sending || !navigator.onLine) return Promise.resolve();
    sending = true;
    return all().then(function (items) {
      var waiting = items.filter(function (i) { return !i.conflict; });
      if (!waiting.length) return;
      return fetch("/handover/queue", {
        method: "POST",
        credentials: "same-origin",
        headers: { "Content-Type": "application/json", "X-CSRF-Token": box.dataset.csrf },
        body: JSON.stringify({
          device: device(),
          steps: waiting.map(function (i) {
            return { id: i.id, seq: i.seq, handover_id: i.handover_id, step: i.step, seen_state: i.seen_state };
          })
        })
      }).then(function (r) {
        if (!r.ok) throw new Error("queue refused: " + r.status);
        return r.json();
      }).then(function (outcomes) {
        var byId = {};
        waiting.forEach(function (i) { byId[i.id] = i; });
        return Promise.all(outcomes.map(function (o) {
          var item = byId[o.id];
          if (o.outcome === "conflict") { item.conflict = o.detail; return put(item); }
          return remove(o.id);
        }));
      });
    }).catch(function () { /* still offline: try again later */ })
      .then(function () { sending = false; return render(); });
  }

  document.body.addEventListener("htmx:beforeRequest", function (e) {
    var form = e.detail.elt;
    if (navigator.onLine || !form || !form.matches || !form.matches("form[action$='/step']")) return;
    e.preventDefault();
    queue(form);
  });
  document.body.addEventListener("htmx:sendError", function (e) {
    var form = e.detail.elt;
    if (form && form.matches && form.matches("form[action$='/step']")) queue(form);
  });
  window.addEventListener("online", flush);
  window.setInterval(flush, 15000);
  render().then(flush);
  if ("serviceWorker" in navigator) navigator.serviceWorker.register("/sw.js");
})();
