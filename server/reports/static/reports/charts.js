// Draws the Chart.js configurations the server put in JSON data blocks next to each
// canvas (no inline script: the CSP forbids it). Ticks and tooltips use Vietnamese
// number formats: 1.234,5 and 12,5%.
(function () {
  "use strict";
  const number = new Intl.NumberFormat("vi-VN", { maximumFractionDigits: 2 });

  function format(value, percent) {
    return value === null || value === undefined ? "" : number.format(value) + (percent ? "%" : "");
  }

  function draw(canvas) {
    const source = document.getElementById(canvas.dataset.chart);
    if (!source || typeof window.Chart === "undefined") {
      return;
    }
    const config = JSON.parse(source.textContent);
    const percent = Boolean(config.options.percent);
    delete config.options.percent;
    const valueAxis = config.options.indexAxis === "y" ? "x" : "y";
    config.options.scales = {
      [valueAxis]: { beginAtZero: true, ticks: { callback: (v) => format(v, percent) } },
    };
    config.options.plugins = Object.assign({}, config.options.plugins, {
      tooltip: {
        callbacks: {
          label: (ctx) => `${ctx.dataset.label}: ${format(ctx.parsed[valueAxis], percent)}`,
        },
      },
    });
    new window.Chart(canvas, config);
    canvas.dataset.drawn = "true";
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("canvas[data-chart]").forEach(draw);
  });
})();
