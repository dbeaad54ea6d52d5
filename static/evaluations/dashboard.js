// Draws the dashboard's charts from the JSON the page carries in json_script tags (the
// Content Security Policy allows no inline script). Every figure is also in a table, so
// without JavaScript, or without Chart.js, nothing is lost.
"use strict";

document.addEventListener("DOMContentLoaded", () => {
  if (typeof Chart === "undefined") return;
  const read = (id) => {
    const element = document.getElementById(id);
    return element ? JSON.parse(element.textContent) : null;
  };
  const common = { animation: false, responsive: true, maintainAspectRatio: false };

  // Growth per fiscal year: a line per indicator, two charts per goal (cumulative, and
  // what each year added). Straight segments (tension 0): a smoothed curve overshoots
  // and shows values no year had.
  const series = read("series-data") || {};
  document.querySelectorAll("canvas.series-chart").forEach((canvas) => {
    const goal = series[canvas.dataset.goal];
    if (!goal) return;
    const view = canvas.dataset.view === "per_year" ? "per_year" : "values";
    new Chart(canvas, {
      type: "line",
      data: {
        labels: goal.years,
        datasets: goal.lines.map((line) => ({ label: line.label, data: line[view], tension: 0 })),
      },
      options: { ...common, scales: { y: { beginAtZero: true, ticks: { precision: 0 } } } },
    });
  });

  // Travel cost per trip over time: the year's own, and over all years to date. Straight
  // segments, and a year without the figures is a gap rather than a line drawn through it.
  const travel = read("travel-data");
  const travelCanvas = document.getElementById("travel-chart");
  if (travel && travelCanvas) {
    new Chart(travelCanvas, {
      type: "line",
      data: {
        labels: travel.years,
        datasets: travel.lines.map((line) => ({
          label: line.label,
          data: line.values,
          tension: 0,
          spanGaps: false,
        })),
      },
      options: { ...common, scales: { y: { beginAtZero: true, ticks: { precision: 0 } } } },
    });
  }

  // Stays abroad: a histogram of their length in days.
  const stays = read("stay-data");
  const canvas = document.getElementById("stay-chart");
  if (stays && canvas) {
    new Chart(canvas, {
      type: "bar",
      data: {
        labels: stays.labels,
        datasets: [{ label: canvas.getAttribute("aria-label"), data: stays.counts }],
      },
      options: {
        ...common,
        plugins: { legend: { display: false } },
        scales: { y: { beginAtZero: true, ticks: { precision: 0 } } },
      },
    });
  }
});
