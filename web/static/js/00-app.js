// motcua: small progressive enhancements. Every page works without them.
"use strict";
document.addEventListener("click", function (e) {
  var t = e.target.closest("[data-print]");
  if (t) { e.preventDefault(); window.print(); }
});
// A choice that shapes the rest of a form (procedure, then variant)
// reloads it at once; without JavaScript its button does the same.
document.addEventListener("change", function (e) {
  var s = e.target.closest("select[data-autosubmit]");
  if (s && s.form) { s.form.submit(); }
});
// Actions that finish a dossier or refuse something ask first.
document.addEventListener("submit", function (e) {
  var f = e.target;
  var msg = f.getAttribute("data-confirm");
  if (msg && !window.confirm(msg)) { e.preventDefault(); }
});
