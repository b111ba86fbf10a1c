// Inspection form (贷后检查): keep each photo's time (the file's own, from the phone) and the
// position the browser gives, in a hidden field beside the files: "name|epoch ms|lat|lng" a line.
(function () {
  "use strict";
  var input = document.querySelector("[data-photo-input]");
  var meta = document.querySelector("[data-photo-meta]");
  if (!input || !meta) { return; }
  var position = null;
  var status = document.querySelector("[data-gps-status]");
  function write() {
    var lines = [];
    Array.prototype.forEach.call(input.files || [], function (file) {
      var lat = position ? position.coords.latitude.toFixed(6) : "";
      var lng = position ? position.coords.longitude.toFixed(6) : "";
      lines.push([file.name.replace(/[|\n]/g, "_"), file.lastModified || Date.now(), lat, lng].join("|"));
    });
    meta.value = lines.join("\n");
  }
  if (navigator.geolocation) {
    navigator.geolocation.getCurrentPosition(function (p) {
      position = p;
      if (status) { status.textContent = status.dataset.found + " " + p.coords.latitude.toFixed(5) + ", " + p.coords.longitude.toFixed(5); }
      write();
    }, function () {
      if (status) { status.textContent = status.dataset.none; }
    }, { enableHighAccuracy: true, timeout: 10000, maximumAge: 60000 });
  }
  input.addEventListener("change", write);
})();
