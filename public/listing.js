// simplehttp listing: filter the rows as one types. The page works without
// this script: the same filter runs on the server through the q parameter.
(() => {
  "use strict";
  const input = document.getElementById("filter");
  const table = document.getElementById("entries");
  if (!input || !table || !document.getElementById("summary")) return;
  const initialValue = input.value;
  let rows, names, initialSummary;

  // read takes the rows and the summary as the server wrote them: at
  // load, and again when the upload script refreshes the table.
  function read() {
    rows = Array.from(table.tBodies[0].rows).filter((r) => !r.classList.contains("up"));
    names = rows.map((r) => r.querySelector(".name a").textContent.replace(/\/$/, "").toLowerCase());
    initialSummary = document.getElementById("summary").textContent;
  }

  function apply() {
    const q = input.value.toLowerCase();
    let shown = 0;
    rows.forEach((row, i) => {
      const match = names[i].includes(q);
      row.hidden = !match;
      if (match) shown++;
    });
    document.getElementById("summary").textContent = input.value === initialValue
      ? initialSummary
      : `${shown} of ${rows.length} ${rows.length === 1 ? "entry" : "entries"} shown`;
  }

  read();
  document.addEventListener("listing-refreshed", () => {
    read();
    if (input.value !== initialValue) apply();
  });
  input.addEventListener("input", apply);
  input.addEventListener("keydown", (e) => {
    if (e.key === "Escape" && input.value !== "") {
      input.value = "";
      apply();
    }
  });
  document.addEventListener("keydown", (e) => {
    if (e.key === "/" && document.activeElement !== input && !e.ctrlKey && !e.metaKey && !e.altKey) {
      e.preventDefault();
      input.focus();
    }
  });
})();
