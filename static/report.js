// The report page: after a refused form, the focus goes to the summary of its errors
// (each links to its field), so that neither a screen reader nor the eye starts at the top.
document.addEventListener("DOMContentLoaded", () => {
  const summary = document.getElementById("error-summary");
  if (summary) {
    summary.focus();
    summary.scrollIntoView();
  }
});
