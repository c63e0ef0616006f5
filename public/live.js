// simplehttp live reload (--live): the server puts this script into every
// HTML page. It listens to the server's stream of changed files and
// reloads the page when the page or a file it loaded changed, swaps a
// changed stylesheet or image in place, and updates a listing's rows.
(() => {
  "use strict";
  const me = document.currentScript;
  if (!me || !("EventSource" in window)) return;
  const assets = new URL(".", me.src); // <root>/.simplehttp/<version>/
  const root = new URL("../../", assets); // the served folder
  const storeKey = "simplehttp-live " + root.pathname;
  const imageName = /\.(png|jpe?g|gif|webp|avif|svg|ico|bmp)$/i;
  if (performance.setResourceTimingBufferSize) performance.setResourceTimingBufferSize(10000);

  // nameOf is the slash-separated name under the served folder of url,
  // as the server sends names, or null for a URL elsewhere.
  function nameOf(url, base) {
    let u;
    try {
      u = new URL(url, base || location.href);
      if (u.origin !== root.origin || !u.pathname.startsWith(root.pathname)) return null;
      return decodeURIComponent(u.pathname.slice(root.pathname.length));
    } catch (_) {
      return null;
    }
  }

  const here = nameOf(location.href) || ""; // "" is the root folder
  const isListing = document.getElementById("entries") !== null &&
    Array.from(document.querySelectorAll('link[rel~="stylesheet"]')).some((l) => l.href.startsWith(assets.href));

  // pageFiles are the files this page may have been made from: a folder's
  // index file, or the file itself, or the index.html a single-page app
  // answers its routes with.
  function pageFiles() {
    if (here === "" || here.endsWith("/")) return [here + "index.html", here + "index.htm"];
    return /\.[^/]*$/.test(here) ? [here] : [here, "index.html"];
  }

  // loaded is the set of names of every file of the site the page loaded.
  function loaded() {
    const names = new Set();
    for (const e of performance.getEntriesByType("resource")) {
      const n = nameOf(e.name);
      if (n !== null) names.add(n);
    }
    return names;
  }

  let reloading = false;
  function reload(id) {
    if (reloading) return;
    reloading = true;
    // The reloaded page asks for what changed after this batch.
    try { sessionStorage.setItem(storeKey, id); } catch (_) { /* private mode */ }
    location.reload();
  }

  function busted(url, base) {
    const u = new URL(url, base || location.href);
    u.searchParams.set("live", Date.now().toString(36));
    return u.href;
  }

  // swapLink loads a changed stylesheet beside the old one and drops the
  // old one once the new one applies, so the page never shows unstyled.
  function swapLink(link) {
    const fresh = link.cloneNode();
    fresh.href = busted(link.href);
    const drop = () => link.remove();
    fresh.addEventListener("load", drop, { once: true });
    fresh.addEventListener("error", drop, { once: true });
    link.after(fresh);
  }

  // swapImports reloads the sheets that sheet imports (@import, at any
  // depth) named name; the browser would keep its copy of them otherwise.
  function swapImports(sheet, name) {
    let rules, found = false;
    try { rules = sheet.cssRules; } catch (_) { return false; }
    for (let i = 0; i < rules.length; i++) {
      const rule = rules[i];
      if (!(rule instanceof CSSImportRule)) continue;
      const base = sheet.href || location.href;
      if (nameOf(rule.href, base) === name) {
        let text = `@import url("${busted(rule.href, base)}")`;
        if (rule.layerName !== null && rule.layerName !== undefined) text += rule.layerName ? ` layer(${rule.layerName})` : " layer";
        if (rule.supportsText) text += ` supports(${rule.supportsText})`;
        text += ` ${rule.media.mediaText};`;
        sheet.deleteRule(i);
        sheet.insertRule(text, i);
        found = true;
      } else if (rule.styleSheet) {
        found = swapImports(rule.styleSheet, name) || found;
      }
    }
    return found;
  }

  function swapSheet(name) {
    for (const link of document.querySelectorAll('link[rel~="stylesheet"]')) {
      if (nameOf(link.href) === name) swapLink(link);
    }
    for (const sheet of Array.from(document.styleSheets)) swapImports(sheet, name);
  }

  // swapImage reloads the <img> elements that show name, and reports
  // whether every use of it could be refreshed so (an image picked from a
  // srcset, or a CSS background, cannot).
  function swapImage(name) {
    let found = false;
    for (const img of document.images) {
      if (nameOf(img.currentSrc || img.src) !== name) continue;
      if (img.srcset || img.parentElement instanceof HTMLPictureElement) return false;
      img.src = busted(img.src);
      found = true;
    }
    return found;
  }

  function onPage(batch, id) {
    const files = pageFiles(), used = loaded();
    const sheets = [], images = [];
    for (const name of batch.names) {
      if (files.includes(name)) return reload(id);
      if (/\.css$/i.test(name)) sheets.push(name);
      else if (imageName.test(name)) images.push(name);
      else if (used.has(name)) return reload(id);
    }
    for (const name of images) {
      if (!swapImage(name) && used.has(name)) return reload(id);
    }
    sheets.forEach(swapSheet);
  }

  // A listing updates its rows in place when its folder changes.
  const folderOf = (name) => name.slice(0, name.lastIndexOf("/") + 1);
  let refreshing = false, refreshAgain = false, lastId = "";

  function onListing(batch) {
    if (batch.names.some((n) => folderOf(n) === here || n + "/" === here)) refreshListing();
  }

  async function refreshListing() {
    if (refreshing) { refreshAgain = true; return; }
    refreshing = true;
    try {
      do {
        refreshAgain = false;
        const resp = await fetch(location.href, { headers: { Accept: "text/html" }, cache: "no-store" });
        if (!resp.ok) return reload(lastId); // the folder went: show why
        const fresh = new DOMParser().parseFromString(await resp.text(), "text/html");
        patchRows(fresh);
        for (const sel of ["#summary", ".pager", ".readme"]) {
          const now = fresh.querySelector(sel), old = document.querySelector(sel);
          if (now && old) old.replaceWith(document.importNode(now, true));
          else if (old) old.remove();
          else if (now) document.querySelector("main").append(document.importNode(now, true));
        }
        document.dispatchEvent(new Event("listing-refreshed"));
      } while (refreshAgain);
    } catch (_) {
      // The table stays as it was; the next change tries again.
    } finally {
      refreshing = false;
    }
  }

  // patchRows makes the table's rows those of fresh, keeping the rows
  // that did not change (and what other scripts set on them) in place.
  function patchRows(fresh) {
    const body = document.querySelector("#entries tbody"), freshBody = fresh.querySelector("#entries tbody");
    if (!body || !freshBody) return;
    const key = (row) => { const a = row.querySelector(".name a"); return a ? a.getAttribute("href") : row.className; };
    const old = new Map(Array.from(body.rows, (row) => [key(row), row]));
    let prev = null;
    for (const row of Array.from(freshBody.rows)) {
      let cur = old.get(key(row));
      old.delete(key(row));
      if (!cur || cur.innerHTML !== row.innerHTML) {
        if (cur) cur.remove();
        cur = document.importNode(row, true);
      }
      const want = prev ? prev.nextElementSibling : body.firstElementChild;
      if (cur !== want) body.insertBefore(cur, want);
      prev = cur;
    }
    for (const row of old.values()) row.remove();
  }

  let source = null;
  function connect(since) {
    const url = new URL("live-events", assets);
    if (since) url.searchParams.set("since", since);
    source = new EventSource(url);
    source.addEventListener("ready", (e) => { lastId = e.lastEventId; me.dataset.state = "ready"; });
    source.onmessage = (e) => {
      let batch;
      try { batch = JSON.parse(e.data); } catch (_) { return; }
      lastId = e.lastEventId;
      if (reloading) return;
      if (batch.all) reload(lastId);
      else if (isListing) onListing(batch);
      else onPage(batch, lastId);
    };
  }

  let since = null;
  try {
    since = sessionStorage.getItem(storeKey);
    sessionStorage.removeItem(storeKey);
  } catch (_) { /* private mode */ }
  connect(since);
  // A page kept in the back-forward cache comes back without its stream.
  addEventListener("pagehide", () => source.close());
  addEventListener("pageshow", (e) => { if (e.persisted) connect(lastId); });
})();
