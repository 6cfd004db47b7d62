// Direct downloads follow the unit chosen above them.
"use strict";
document.addEventListener("DOMContentLoaded", () => {
  const select = document.getElementById("unit-direct");
  const links = document.querySelectorAll("[data-export-link]");
  const update = () => {
    links.forEach((link) => {
      const url = new URL(link.href, window.location.href);
      if (select.value) url.searchParams.set("unit", select.value);
      else url.searchParams.delete("unit");
      link.href = url.pathname + url.search;
    });
  };
  if (select) select.addEventListener("change", update);
});
