// simplehttp listing: upload files chosen or dropped anywhere on the page,
// one PUT each, with a progress bar per file, then refresh the table. The
// form works without this script, as one multipart POST.
(() => {
  "use strict";
  const form = document.getElementById("upload-form");
  const input = document.getElementById("upload-files");
  const list = document.getElementById("upload-list");
  if (!form || !input || !list) return;
  form.classList.add("scripted"); // files upload as soon as they are chosen
  const queue = [];
  let running = 0;
  const maxRunning = 2;

  function human(n) {
    const units = ["B", "KiB", "MiB", "GiB", "TiB"];
    let i = 0;
    while (n >= 1024 && i < units.length - 1) { n /= 1024; i++; }
    return (i ? n.toFixed(1) : n) + " " + units[i];
  }

  // row adds the list item that shows one file's upload.
  function row(name, size) {
    const li = document.createElement("li");
    const label = document.createElement("span");
    label.className = "upload-name";
    label.textContent = name;
    const bar = document.createElement("progress");
    bar.max = 1;
    bar.value = 0;
    bar.setAttribute("aria-label", "Upload of " + name);
    const status = document.createElement("span");
    status.className = "upload-status";
    status.textContent = size === null ? "" : human(size) + ", waiting";
    li.append(label, bar, status);
    list.append(li);
    return { li, bar, status };
  }

  function finish(r, ok, text) {
    r.li.classList.add(ok ? "done" : "failed");
    r.bar.value = ok ? 1 : r.bar.value;
    r.status.textContent = text;
  }

  function add(files) {
    for (const file of files) queue.push({ file, r: row(file.name, file.size) });
    next();
  }

  function next() {
    while (running < maxRunning && queue.length) {
      running++;
      send(queue.shift());
    }
  }

  // send uploads one file with PUT to ./name and reports how it went.
  function send({ file, r }) {
    const xhr = new XMLHttpRequest();
    xhr.open("PUT", "./" + encodeURIComponent(file.name));
    xhr.setRequestHeader("Accept", "application/json");
    r.status.textContent = human(file.size) + ", 0 %";
    xhr.upload.addEventListener("progress", (e) => {
      if (!e.lengthComputable) return;
      r.bar.value = e.total ? e.loaded / e.total : 1;
      r.status.textContent = human(file.size) + ", " + Math.floor(100 * r.bar.value) + " %";
    });
    xhr.addEventListener("load", () => {
      let answer = {};
      try { answer = JSON.parse(xhr.responseText); } catch (_) { /* not JSON: use the status */ }
      if (xhr.status >= 200 && xhr.status < 300) {
        finish(r, true, human(file.size) + ", " + (xhr.status === 201 ? "uploaded" : "replaced"));
      } else {
        finish(r, false, answer.error || xhr.status + " " + xhr.statusText);
      }
      done();
    });
    xhr.addEventListener("error", () => { finish(r, false, "the connection failed"); done(); });
    xhr.send(file);
  }

  function done() {
    running--;
    next();
    if (running === 0) refresh();
  }

  // refresh replaces the table and the summary with the server's current
  // ones, so the new files show up while the upload list stays.
  async function refresh() {
    try {
      const resp = await fetch(location.href, { headers: { Accept: "text/html" }, cache: "no-store" });
      if (!resp.ok) return;
      const page = new DOMParser().parseFromString(await resp.text(), "text/html");
      for (const sel of ["#entries tbody", "#summary"]) {
        const fresh = page.querySelector(sel);
        const old = document.querySelector(sel);
        if (fresh && old) old.replaceWith(document.importNode(fresh, true));
      }
      document.dispatchEvent(new Event("listing-refreshed"));
    } catch (_) { /* the table stays as it was */ }
  }

  form.addEventListener("submit", (e) => {
    e.preventDefault();
    add(Array.from(input.files));
    form.reset();
  });
  input.addEventListener("change", () => {
    add(Array.from(input.files));
    form.reset();
  });

  // Drag and drop anywhere on the page. A dropped folder is refused: a
  // browser hands it over as an empty file.
  let depth = 0;
  document.addEventListener("dragenter", (e) => {
    if (!e.dataTransfer || !e.dataTransfer.types.includes("Files")) return;
    depth++;
    form.classList.add("dragging");
  });
  document.addEventListener("dragleave", () => {
    if (depth > 0 && --depth === 0) form.classList.remove("dragging");
  });
  document.addEventListener("dragover", (e) => {
    if (e.dataTransfer && e.dataTransfer.types.includes("Files")) e.preventDefault();
  });
  document.addEventListener("drop", (e) => {
    if (!e.dataTransfer || !e.dataTransfer.types.includes("Files")) return;
    e.preventDefault();
    depth = 0;
    form.classList.remove("dragging");
    const files = [];
    const items = Array.from(e.dataTransfer.items || []);
    Array.from(e.dataTransfer.files).forEach((file, i) => {
      const entry = items[i] && items[i].webkitGetAsEntry ? items[i].webkitGetAsEntry() : null;
      if (entry && entry.isDirectory) {
        finish(row(file.name, null), false, "a folder: upload its files, or make it with New folder");
      } else {
        files.push(file);
      }
    });
    add(files);
  });
})();
