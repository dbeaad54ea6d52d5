// Draws the dashboard's charts from the JSON the page carries (no inline script: CSP).
"use strict";

document.addEventListener("DOMContentLoaded", () => {
  if (typeof Chart === "undefined") return; // the tables carry every figure anyway
  const read = (id) => {
    const element = document.getElementById(id);
    return element ? JSON.parse(element.textContent) : null;
  };
  const series = read("series-data");
  document.querySelectorAll("canvas.series-chart").forEach((canvas) => {
    const goal = series && series[canvas.dataset.goal];
    if (!goal) return;
    new Chart(canvas, {
      type: "line",
      data: {
        labels: goal.years.map((year) => "FY" + year),
        datasets: goal.lines.map((line) => ({ label: line.label, data: line.values, tension: 0.2 })),
      },
      options: { animation: false, scales: { y: { beginAtZero: true } } },
    });
  });
  const stays = read("stay-data");
  const canvas = document.getElementById("stay-chart");
  if (stays && canvas) {
    new Chart(canvas, {
      type: "bar",
      data: { labels: stays.labels, datasets: [{ label: canvas.getAttribute("aria-label"), data: stays.counts }] },
      options: { animation: false, plugins: { legend: { display: false } } },
    });
  }
});
