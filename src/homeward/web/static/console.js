/* The handover console: scan a QR code with the device camera.
 *
 * Uses the browser's BarcodeDetector where it exists, else the vendored jsQR decoder
 * (loaded only then). What is scanned goes into the code field and is looked up, exactly
 * as if it had been typed: the server accepts the manifest's QR payload or the bare code.
 */
(function () {
  "use strict";
  var button = document.getElementById("scan");
  var video = document.getElementById("scan-video");
  var status = document.getElementById("scan-status");
  if (!button || !video) return;
  if (!navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) {
    button.hidden = true;
    return;
  }
  var stream = null;
  var canvas = document.createElement("canvas");

  function loadJsQR() {
    return new Promise(function (resolve, reject) {
      if (window.jsQR) return resolve(window.jsQR);
      var s = document.createElement("script");
      s.src = "/static/vendor/jsQR.js";
      s.onload = function () { resolve(window.jsQR); };
      s.onerror = reject;
      document.head.appendChild(s);
    });
  }

  function decoder() {
    if ("BarcodeDetector" in window) {
      var detector = new window.BarcodeDetector({ formats: ["qr_code"] });
      return Promise.resolve(function () {
        return detector.detect(video).then(function (found) {
          return found.length ? found[0].rawValue : null;
        });
      });
    }
    return loadJsQR().then(function (jsQR) {
      return function () {
        var w = video.videoWidth, h = video.videoHeight;
        if (!w || !h) return Promise.resolve(null);
        canvas.width = w; canvas.height = h;
        var ctx = canvas.getContext("2d", { willReadFrequently: true });
        ctx.drawImage(video, 0, 0, w, h);
        var found = jsQR(ctx.getImageData(0, 0, w, h).data, w, h);
        return Promise.resolve(found ? found.data : null);
      };
    });
  }

  function stop() {
    if (stream) stream.getTracks().forEach(function (t) { t.stop(); });
    stream = null;
    video.hidden = true;
    button.setAttribute("aria-pressed", "false");
  }

  function found(text) {
    stop();
    var field = document.getElementById("code");
    field.value = text;
    status.textContent = "";
    var form = document.getElementById("lookup");
    if (window.htmx) window.htmx.trigger(form, "submit"); else form.submit();
  }

  button.addEventListener("click", function () {
    if (stream) { stop(); return; }
    status.textContent = button.dataset.prompt;
    navigator.mediaDevices
      .getUserMedia({ video: { facingMode: "environment" }, audio: false })
      .then(function (s) {
        stream = s;
        video.srcObject = s;
        video.hidden = false;
        button.setAttribute("aria-pressed", "true");
        return video.play().then(decoder);
      })
      .then(function (detect) {
        function tick() {
          if (!stream) return;
          detect().then(function (text) {
            if (text) found(text); else window.requestAnimationFrame(tick);
          }, function () { window.requestAnimationFrame(tick); });
        }
        tick();
      })
      .catch(function () {
        stop();
        status.textContent = button.dataset.unavailable;
      });
  });
})();
