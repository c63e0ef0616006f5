// simplehttp previews: highlight the code of a ?view page in the browser
// with highlight.js (public/highlight.js, loaded before this): a code
// file's text, and a Markdown file's fenced blocks. The server names the
// language in the class (language-go, language-makefile), from the file's
// name or the block's info string; a language highlight.js does not know
// stays plain, and nothing is guessed. Without this script the code is
// shown as sent: plain, escaped, with its line numbers.
(() => {
  "use strict";
  if (typeof hljs === "undefined") return;

  // Highlighting holds the page's main thread. Measured in headless
  // Chromium on a 2-core VM, 256 KiB (a preview's most) of dense
  // JavaScript or Python took 250–400 ms to highlight, and 0.8–1.4 s with
  // its spans laid out; 64 KiB under 100 ms. So a page highlights its
  // first 64 Ki characters of code, and shows the rest plain from the end
  // of a line on.
  let budget = 64 * 1024;

  for (const code of document.querySelectorAll("main.preview pre > code[class*='language-']")) {
    const lang = /(?:^|\s)language-(\S+)/.exec(code.className)?.[1];
    if (budget <= 0 || !lang || !hljs.getLanguage(lang)) continue;
    const text = code.textContent;
    let cut = text.length;
    if (cut > budget) {
      cut = text.lastIndexOf("\n", budget - 1) + 1 || budget;
    }
    budget -= cut;
    code.innerHTML = hljs.highlight(text.slice(0, cut), { language: lang, ignoreIllegals: true }).value;
    code.append(text.slice(cut));
    code.classList.add("hljs");
  }
})();
