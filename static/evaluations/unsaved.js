// The evaluation page's one save: marks unsaved changes and warns before leaving them.
// Small and without dependencies; the Content Security Policy allows no inline script.
"use strict";

document.addEventListener("DOMContentLoaded", () => {
  const form = document.getElementById("evaluation-texts");
  if (!form) return;
  const note = form.querySelector(".unsaved-note");
  let dirty = false;
  const mark = (event) => {
    if (event.target.form !== form) return; // opinions have forms of their own
    dirty = true;
    if (note) note.hidden = false;
  };
  document.addEventListener("input", mark);
  document.addEventListener("change", mark);
  form.addEventListener("submit", () => {
    dirty = false;
  });
  window.addEventListener("beforeunload", (event) => {
    if (!dirty) return;
    event.preventDefault();
    event.returnValue = form.dataset.unsaved || "";
  });
});
