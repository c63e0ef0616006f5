// simplehttp previews: open a file of the listing in a viewer over the
// page (images in a lightbox, everything else as its ?view page in a
// frame), step through the folder with the arrow keys, a swipe or the
// buttons, close with Escape; and move between the grid's tiles with the
// arrow keys. Without this script every link is the file itself.
(() => {
  "use strict";
  const table = document.getElementById("entries");
  if (!table) return;

  // Kinds of the listing's icon classes that have a preview; images the
  // browser draws are shown as they are, the rest as their ?view page.
  const previewable = new Set(["image", "video", "audio", "pdf", "code", "text"]);
  const drawable = /\.(jpe?g|png|gif|webp|avif|bmp|svg|ico)$/i;

  function links() {
    return Array.from(table.querySelectorAll("tbody tr:not([hidden]) td.name a[href]"))
      .filter((a) => previewable.has(a.className));
  }

  let dialog, stage, title, open, download, current;

  function build() {
    dialog = document.createElement("dialog");
    dialog.className = "viewer";
    dialog.setAttribute("aria-label", "Preview");
    dialog.innerHTML =
      '<div class="viewer-bar"><span class="viewer-title"></span>' +
      '<a class="viewer-open">Open</a><a class="viewer-download" download>Download</a>' +
      '<button type="button" class="viewer-close" aria-label="Close">✕</button></div>' +
      '<div class="viewer-stage"><button type="button" class="prev" aria-label="Previous">‹</button>' +
      '<button type="button" class="next" aria-label="Next">›</button></div>';
    document.body.append(dialog);
    stage = dialog.querySelector(".viewer-stage");
    title = dialog.querySelector(".viewer-title");
    open = dialog.querySelector(".viewer-open");
    download = dialog.querySelector(".viewer-download");
    dialog.querySelector(".viewer-close").addEventListener("click", () => dialog.close());
    dialog.querySelector(".prev").addEventListener("click", () => step(-1));
    dialog.querySelector(".next").addEventListener("click", () => step(1));
    dialog.addEventListener("close", () => {
      stage.querySelector(".content")?.remove();
      current?.focus();
    });
    dialog.addEventListener("keydown", (e) => {
      if (e.key === "ArrowRight") step(1);
      else if (e.key === "ArrowLeft") step(-1);
      else return;
      e.preventDefault();
    });
    let startX = null, startY = 0;
    stage.addEventListener("pointerdown", (e) => { startX = e.clientX; startY = e.clientY; });
    stage.addEventListener("pointerup", (e) => {
      if (startX === null) return;
      const dx = e.clientX - startX, dy = e.clientY - startY;
      startX = null;
      if (Math.abs(dx) > 50 && Math.abs(dx) > 2 * Math.abs(dy)) step(dx < 0 ? 1 : -1);
    });
  }

  // show opens the viewer on the link a.
  function show(a) {
    if (!dialog) build();
    current = a;
    const href = a.getAttribute("href");
    const name = a.textContent;
    stage.querySelector(".content")?.remove();
    let content;
    if (a.className === "image" && drawable.test(href)) {
      content = document.createElement("img");
      content.alt = name;
      content.src = href;
    } else {
      content = document.createElement("iframe");
      content.title = name;
      content.src = href + "?view";
    }
    content.className = "content";
    stage.prepend(content);
    title.textContent = name;
    open.href = href + "?view";
    download.href = href;
    download.setAttribute("download", name);
    if (!dialog.open) dialog.showModal();
    dialog.focus();
  }

  function step(by) {
    const all = links();
    const i = all.indexOf(current);
    if (all.length === 0) return;
    show(all[(i + by + all.length) % all.length]);
  }

  document.addEventListener("click", (e) => {
    const a = e.target.closest?.("#entries td.name a[href]");
    if (!a || !previewable.has(a.className) || e.button !== 0 || e.ctrlKey || e.metaKey || e.shiftKey || e.altKey) return;
    e.preventDefault();
    show(a);
  });

  // In the grid, the arrow keys move between tiles: left and right
  // along the rows, up and down by a row's number of tiles.
  table.addEventListener("keydown", (e) => {
    if (!table.classList.contains("grid") || !["ArrowLeft", "ArrowRight", "ArrowUp", "ArrowDown"].includes(e.key)) return;
    const tiles = Array.from(table.querySelectorAll("tbody tr:not([hidden]) td.name a"));
    const i = tiles.indexOf(document.activeElement);
    if (i < 0) return;
    const top = tiles[0].getBoundingClientRect().top;
    const perRow = Math.max(1, tiles.filter((t) => t.getBoundingClientRect().top === top).length);
    const by = { ArrowLeft: -1, ArrowRight: 1, ArrowUp: -perRow, ArrowDown: perRow }[e.key];
    const next = tiles[i + by];
    if (next) {
      e.preventDefault();
      next.focus();
    }
  });
})();
