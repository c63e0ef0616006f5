// simplehttp listing: upload files chosen or dropped anywhere on the page,
// then refresh the table. Each file goes resumable, with the tus protocol,
// in chunks sized to the connection's speed (and halved when a proxy
// refuses one as too large); a dropped connection is retried with
// back-off and resumes at the last byte the server has; the browser
// remembers unfinished uploads, so dropping the same file again after
// closing the tab resumes it. Each row shows progress, speed and time
// left, with Pause and Cancel. A server without resumable uploads gets
// one PUT per file. The form works without this script, as one multipart
// POST.
(() => {
  "use strict";
  const form = document.getElementById("upload-form");
  const input = document.getElementById("upload-files");
  const list = document.getElementById("upload-list");
  if (!form || !input || !list) return;
  form.classList.add("scripted"); // files upload as soon as they are chosen
  const queue = [];
  let running = 0;
  const maxRunning = 3;
  const KiB = 1024, MiB = 1024 * KiB;
  const minChunk = 256 * KiB, firstChunk = 8 * MiB, maxChunk = 32 * MiB;
  const chunkSeconds = 5; // a chunk should take about this long
  const maxBackoff = 30000; // ms between retries, at most
  const tusHeaders = { "Tus-Resumable": "1.0.0" };
  let resumable = true; // until the server says otherwise
  let chunkCap = maxChunk; // lowered when a proxy refuses a chunk (413)

  function human(n) {
    const units = ["B", "KiB", "MiB", "GiB", "TiB"];
    let i = 0;
    while (n >= 1024 && i < units.length - 1) { n /= 1024; i++; }
    return (i ? n.toFixed(1) : n) + " " + units[i];
  }

  function duration(s) {
    if (!isFinite(s)) return "";
    if (s < 60) return Math.ceil(s) + " s";
    if (s < 3600) return Math.floor(s / 60) + " min " + Math.floor(s % 60) + " s";
    return Math.floor(s / 3600) + " h " + Math.floor((s % 3600) / 60) + " min";
  }

  function button(text, onClick) {
    const b = document.createElement("button");
    b.type = "button";
    b.textContent = text;
    b.addEventListener("click", onClick);
    return b;
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
    const controls = document.createElement("span");
    controls.className = "upload-controls";
    li.append(label, bar, status, controls);
    list.append(li);
    return { li, bar, status, controls };
  }

  function finish(r, ok, text) {
    r.li.classList.remove("paused");
    r.li.classList.add(ok ? "done" : "failed");
    r.bar.value = ok ? 1 : r.bar.value;
    r.status.textContent = text;
    r.controls.remove();
  }

  function add(files) {
    for (const file of files) {
      const job = { file, r: row(file.name, file.size) };
      job.pause = button("Pause", () => togglePause(job));
      job.cancel = button("Cancel", () => cancel(job));
      job.r.controls.append(job.pause, job.cancel);
      queue.push(job);
    }
    next();
  }

  function next() {
    while (running < maxRunning && queue.length) {
      running++;
      const job = queue.shift();
      job.active = true;
      (resumable ? start(job) : put(job)).catch((err) => fail(job, String(err)));
    }
  }

  // done ends a job's turn; when none is left, the table is refreshed.
  function done(job) {
    if (!job.active) return;
    job.active = false;
    running--;
    next();
    if (running === 0 && !queue.length) refresh();
  }

  function fail(job, text) {
    finish(job.r, false, text);
    done(job);
  }

  // request sends one request and resolves with it once it is answered
  // (a status of 0: the connection failed). onProgress gets the bytes
  // sent so far.
  function request(job, method, url, headers, body, onProgress) {
    return new Promise((resolve) => {
      const xhr = new XMLHttpRequest();
      job.xhr = xhr;
      xhr.open(method, url);
      for (const [k, v] of Object.entries(headers)) xhr.setRequestHeader(k, v);
      if (onProgress) xhr.upload.addEventListener("progress", (e) => onProgress(e.loaded));
      xhr.addEventListener("loadend", () => { job.xhr = null; resolve(xhr); });
      xhr.send(body);
    });
  }

  // explain is the server's one-line explanation of a refusal.
  function explain(xhr) {
    const text = (xhr.responseText || "").trim();
    return text && text.length < 300 ? text.replace(/^\d+ [^:]*: /, "") : xhr.status + " " + xhr.statusText;
  }

  // The key under which the browser remembers an unfinished upload.
  function storageKey(file) {
    return "simplehttp-upload:" + location.pathname + "|" + file.name + "|" + file.size + "|" + file.lastModified;
  }

  function remember(job, url) {
    try { localStorage.setItem(storageKey(job.file), url); } catch (_) { /* private mode: no resuming after a reload */ }
  }

  function forget(job) {
    try { localStorage.removeItem(storageKey(job.file)); } catch (_) { /* nothing stored */ }
  }

  function remembered(job) {
    try { return localStorage.getItem(storageKey(job.file)); } catch (_) { return null; }
  }

  // start resumes the upload the browser remembers for this file, or
  // creates one, then sends the chunks.
  async function start(job) {
    job.chunk = Math.min(firstChunk, chunkCap);
    job.backoff = 1000;
    job.url = remembered(job);
    job.offset = job.url ? await serverOffset(job) : null;
    if (job.offset === null) {
      forget(job);
      if (!(await create(job))) return;
    }
    await send(job);
  }

  // create makes a new upload on the server; false when it cannot.
  async function create(job) {
    const meta = "filename " + b64(job.file.name) + (job.file.type ? ",filetype " + b64(job.file.type) : "");
    for (;;) {
      const xhr = await request(job, "POST", "./", Object.assign({ "Upload-Length": String(job.file.size), "Upload-Metadata": meta }, tusHeaders));
      if (job.stopped) return false;
      if (xhr.status === 201 && xhr.getResponseHeader("Tus-Resumable")) {
        job.url = new URL(xhr.getResponseHeader("Location"), location.href).href;
        job.offset = 0;
        remember(job, job.url);
        return true;
      }
      if (xhr.status !== 0 && !xhr.getResponseHeader("Tus-Resumable")) {
        resumable = false; // an older server: one PUT per file
        await put(job);
        return false;
      }
      if (xhr.status !== 0 && xhr.status < 500) {
        fail(job, explain(xhr));
        return false;
      }
      if (!(await backOff(job))) return false;
    }
  }

  function b64(text) {
    const bytes = new TextEncoder().encode(text);
    let bin = "";
    for (const b of bytes) bin += String.fromCharCode(b);
    return btoa(bin);
  }

  // serverOffset asks the server how much of the upload it has: a number,
  // or null when it knows no such upload (finished elsewhere, given up,
  // expired). A network failure is retried.
  async function serverOffset(job) {
    for (;;) {
      const xhr = await request(job, "HEAD", job.url, tusHeaders, null);
      if (job.stopped) return null;
      const length = xhr.getResponseHeader("Upload-Length");
      if (xhr.status === 200 && length === String(job.file.size)) return Number(xhr.getResponseHeader("Upload-Offset"));
      if (xhr.status !== 0 && xhr.status < 500) return null;
      if (!(await backOff(job))) return null;
    }
  }

  // backOff waits before a retry, twice as long each time up to
  // maxBackoff; false if the job was paused or canceled meanwhile.
  async function backOff(job) {
    job.r.status.textContent = "connection lost, retrying in " + Math.round(job.backoff / 1000) + " s";
    await new Promise((resolve) => { job.wake = resolve; setTimeout(resolve, job.backoff); });
    job.backoff = Math.min(2 * job.backoff, maxBackoff);
    return !job.stopped;
  }

  // send sends the chunks from the offset the server has to the end.
  async function send(job) {
    job.started = job.started || performance.now();
    job.startOffset = job.startOffset === undefined ? job.offset : job.startOffset;
    while (job.offset < job.file.size) {
      const end = Math.min(job.offset + job.chunk, job.file.size);
      const blob = job.file.slice(job.offset, end);
      const headers = Object.assign({ "Upload-Offset": String(job.offset), "Content-Type": "application/offset+octet-stream" }, tusHeaders);
      const sum = await checksum(blob);
      if (sum) headers["Upload-Checksum"] = "sha256 " + sum;
      const t0 = performance.now();
      const xhr = await request(job, "PATCH", job.url, headers, blob, (sent) => progress(job, job.offset + sent));
      if (job.stopped) return;
      if (xhr.status === 204) {
        job.offset = Number(xhr.getResponseHeader("Upload-Offset"));
        job.backoff = 1000;
        adapt(job, end - Number(headers["Upload-Offset"]), performance.now() - t0);
        progress(job, job.offset);
        continue;
      }
      if (xhr.status === 413 && job.chunk > minChunk) {
        chunkCap = job.chunk = Math.max(minChunk, Math.floor(job.chunk / 2 / minChunk) * minChunk);
        continue; // a proxy's cap: smaller chunks
      }
      if (xhr.status !== 0 && xhr.status < 500 && xhr.status !== 409 && xhr.status !== 460) {
        forget(job);
        return fail(job, explain(xhr));
      }
      // A dropped connection, a server error, a chunk that arrived
      // damaged (460) or out of step (409): ask where to go on from.
      if (xhr.status === 0 || xhr.status >= 500) {
        if (xhr.status === 507) { forget(job); return fail(job, explain(xhr)); }
        if (!(await backOff(job))) return;
      }
      const offset = await serverOffset(job);
      if (job.stopped) return;
      if (offset === null) { forget(job); return fail(job, explain(xhr)); }
      job.offset = offset;
    }
    forget(job);
    finish(job.r, true, human(job.file.size) + ", uploaded");
    done(job);
  }

  // checksum is the base64 SHA-256 of blob, where the browser can compute
  // it (secure contexts: HTTPS and localhost), else "".
  async function checksum(blob) {
    if (!window.crypto || !crypto.subtle) return "";
    const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", await blob.arrayBuffer()));
    let bin = "";
    for (const b of digest) bin += String.fromCharCode(b);
    return btoa(bin);
  }

  // adapt sizes the next chunk to take about chunkSeconds at the speed
  // the last one went.
  function adapt(job, bytes, ms) {
    if (ms <= 0 || bytes < job.chunk) return;
    const wanted = (bytes / ms) * 1000 * chunkSeconds;
    job.chunk = Math.min(chunkCap, Math.max(minChunk, Math.floor(wanted / minChunk) * minChunk));
  }

  // progress shows how far the upload is, how fast it goes, and how long
  // it has left.
  function progress(job, at) {
    const size = job.file.size;
    job.r.bar.value = size ? at / size : 1;
    const seconds = (performance.now() - job.started) / 1000;
    const rate = seconds > 0.2 ? (at - job.startOffset) / seconds : 0;
    let text = human(at) + " of " + human(size);
    if (rate > 0) text += ", " + human(rate) + "/s, " + duration((size - at) / rate) + " left";
    job.r.status.textContent = text;
  }

  function togglePause(job) {
    if (!job.paused) {
      job.paused = job.stopped = true;
      if (job.xhr) job.xhr.abort();
      if (job.wake) job.wake();
      job.pause.textContent = "Resume";
      job.r.li.classList.add("paused");
      job.r.status.textContent = "paused at " + human(job.offset || 0) + " of " + human(job.file.size);
      done(job);
      return;
    }
    job.paused = job.stopped = false;
    job.pause.textContent = "Pause";
    job.r.li.classList.remove("paused");
    job.started = performance.now();
    job.startOffset = undefined;
    queue.unshift(job);
    next();
  }

  function cancel(job) {
    job.stopped = true;
    const i = queue.indexOf(job);
    if (i >= 0) queue.splice(i, 1);
    if (job.xhr) job.xhr.abort();
    if (job.wake) job.wake();
    if (job.url) request({}, "DELETE", job.url, tusHeaders, null);
    forget(job);
    finish(job.r, false, "canceled");
    done(job);
  }

  // put uploads one file with PUT to ./name (a server without resumable
  // uploads) and reports how it went.
  async function put(job) {
    job.r.controls.remove();
    job.r.status.textContent = human(job.file.size) + ", 0 %";
    const xhr = await request(job, "PUT", "./" + encodeURIComponent(job.file.name), { Accept: "application/json" }, job.file, (sent) => {
      job.r.bar.value = job.file.size ? sent / job.file.size : 1;
      job.r.status.textContent = human(job.file.size) + ", " + Math.floor(100 * job.r.bar.value) + " %";
    });
    let answer = {};
    try { answer = JSON.parse(xhr.responseText); } catch (_) { /* not JSON: use the status */ }
    if (xhr.status >= 200 && xhr.status < 300) {
      finish(job.r, true, human(job.file.size) + ", " + (xhr.status === 201 ? "uploaded" : "replaced"));
    } else if (xhr.status === 0) {
      finish(job.r, false, "the connection failed");
    } else {
      finish(job.r, false, answer.error || xhr.status + " " + xhr.statusText);
    }
    done(job);
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
