// Shared behaviour: pickers, modal details loaded by htmx, confirmations.
(function () {
  "use strict";

  function initPickers(root) {
    root.querySelectorAll("select[data-picker]:not(.tomselected)").forEach(function (el) {
      var url = el.dataset.pickerUrl;
      var options = { allowEmptyOption: true, maxOptions: 200, plugins: el.multiple ? ["remove_button"] : [] };
      if (url) {
        options.valueField = "id"; options.labelField = "text"; options.searchField = ["text"];
        options.load = function (query, callback) {
          fetch(url + (url.indexOf("?") < 0 ? "?" : "&") + "q=" + encodeURIComponent(query))
            .then(function (r) { return r.json(); }).then(function (j) { callback(j.results); })
            .catch(function () { callback(); });
        };
      }
      new TomSelect(el, options);
    });
  }

  document.addEventListener("DOMContentLoaded", function () { initPickers(document); });
  document.addEventListener("htmx:afterSwap", function (evt) { initPickers(evt.detail.target); });
  document.addEventListener("htmx:afterSwap", function (evt) {
    if (evt.detail.target.id === "xd-modal-content") {
      bootstrap.Modal.getOrCreateInstance(document.getElementById("xd-modal")).show();
    }
  });
  // Behaviour named by data attributes instead of inline handlers (the CSP allows no inline script).
  document.addEventListener("click", function (evt) {
    var el = evt.target.closest("[data-print], [data-insert], [data-check-all]");
    if (!el) { return; }
    if (el.hasAttribute("data-print")) { window.print(); }
    if (el.dataset.insert) {
      var field = document.getElementById(el.dataset.insertInto);
      field.setRangeText(el.dataset.insert, field.selectionStart, field.selectionEnd, "end");
      field.focus();
    }
    if (el.dataset.checkAll) {
      document.querySelectorAll("input[name='" + el.dataset.checkAll + "']").forEach(function (box) { box.checked = el.checked; });
    }
  });
  document.addEventListener("change", function (evt) {
    if (evt.target.hasAttribute && evt.target.hasAttribute("data-go")) { window.location.href = evt.target.value; }
  });
  // Forms and buttons marked data-confirm ask once before a destructive action.
  document.addEventListener("submit", function (evt) {
    var msg = evt.target.dataset && evt.target.dataset.confirm;
    if (msg && !window.confirm(msg)) { evt.preventDefault(); }
  }, true);
})();
// A loan type fills in its default repayment method and rate (the officer may change them).
document.addEventListener("change", function (evt) {
  var select = evt.target;
  if (!select.dataset || !select.dataset.defaults) { return; }
  var defaults = JSON.parse(select.dataset.defaults)[select.value];
  var form = select.form;
  if (!defaults || !form) { return; }
  if (form.elements.method) { form.elements.method.value = defaults.method; }
  if (form.elements.annual_rate) { form.elements.annual_rate.value = defaults.rate; }
});
