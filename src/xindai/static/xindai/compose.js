// 短信群发: choosing a template fills in its text (the template texts are the page's JSON data).
(function () {
  "use strict";
  var texts = JSON.parse(document.getElementById("xd-templates").textContent);
  var select = document.getElementById("id_template"), text = document.getElementById("id_text");
  select.addEventListener("change", function () { if (texts[select.value]) { text.value = texts[select.value]; } });
})();
