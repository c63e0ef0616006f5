// simplehttp listing: delete, rename and move the ticked entries with
// WebDAV's DELETE and MOVE, asking first before anything is deleted. The
// form works without this script: it posts, and the server asks to
// confirm a delete on a page of its own.
(() => {
  "use strict";
  const form = document.getElementById("manage-form");
  const status = document.getElementById("manage-status");
  const to = document.getElementById("manage-to");
  if (!form || !status || !to) return;

  // picked are the ticked entries: their names, and whether each is a
  // folder (its link ends in "/").
  function picked() {
    return Array.from(document.querySelectorAll("input.pick:checked")).map((box) => {
      const link = box.parentElement.querySelector("a");
      return { name: box.value, folder: !!link && link.getAttribute("href").endsWith("/") };
    });
  }

  // url is the absolute URL of name in the folder dir (a URL).
  function url(dir, name) {
    return new URL(encodeURIComponent(name), dir).href;
  }

  async function send(method, entry, headers) {
    const resp = await fetch(url(location.href, entry.name) + (entry.folder ? "/" : ""), {
      method, headers: Object.assign({ Accept: "application/json" }, headers),
    });
    if (resp.ok) return null;
    let text = resp.status + " " + resp.statusText;
    try { text = (await resp.json()).error || text; } catch (_) { /* not JSON */ }
    return text;
  }

  async function run(action, entries) {
    let dest = to.value.trim();
    if (action === "delete") {
      const lines = entries.map((e) => "  " + e.name + (e.folder ? "/  (a folder, with everything in it)" : ""));
      if (!confirm(`Delete ${entries.length === 1 ? "this entry" : "these " + entries.length + " entries"} for good?\n\n${lines.join("\n")}`)) return;
    } else if (action === "rename") {
      if (entries.length !== 1) { status.textContent = "Tick one entry to rename."; return; }
      if (!dest) dest = prompt(`New name for ${entries[0].name}:`, entries[0].name) || "";
    } else if (!dest) {
      dest = prompt("Move to which folder? (/ is the top, /photos/ a folder in it)", "/") || "";
    }
    if (action !== "delete" && !dest) return;
    const done = [];
    for (const entry of entries) {
      status.textContent = `${action === "delete" ? "Deleting" : "Moving"} ${entry.name}…`;
      let error;
      if (action === "delete") {
        error = await send("DELETE", entry, {});
      } else {
        const folder = action === "rename" ? location.href : new URL(dest.endsWith("/") ? dest : dest + "/", location.href).href;
        const name = action === "rename" ? dest : entry.name;
        error = await send("MOVE", entry, { Destination: url(folder, name), Overwrite: "F" });
      }
      if (error) {
        status.textContent = `${entry.name}: ${error}` + (done.length ? ` (${done.join(", ")} done)` : "");
        return;
      }
      done.push(entry.name);
    }
    // Clear the form first: a reload would restore its ticks and text.
    document.querySelectorAll("input.pick:checked").forEach((box) => { box.checked = false; });
    to.value = "";
    location.reload();
  }

  form.addEventListener("submit", (e) => {
    e.preventDefault();
    const entries = picked();
    if (entries.length === 0) {
      status.textContent = "Tick the entries first.";
      return;
    }
    run(e.submitter ? e.submitter.dataset.action : "delete", entries);
  });
})();
