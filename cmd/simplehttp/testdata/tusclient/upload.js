// upload.js sends one file with tus-js-client, as a program or a phone
// would, and prints one JSON line per event on stdout: {"progress": n},
// then {"done": url} or {"error": text}. It exits 0 once the upload is
// complete, 1 if it failed. The tests in ../../tus_test.go run it:
//
//   node upload.js ENDPOINT FILE NAME CHUNK_BYTES [PROTOCOL]
//
// PROTOCOL is tus-v1 (the default) or ietf-draft-05. A dropped
// connection, a 5xx or a 409 Conflict on a chunk is retried (every 100
// ms, up to 300 times in a row without progress), resuming at the offset
// the server has; a refused creation (a 409 to the POST: the name exists)
// is not.
"use strict";
const fs = require("node:fs");
const tus = require("tus-js-client");

const [endpoint, file, name, chunk, protocol] = process.argv.slice(2);
const say = (event) => process.stdout.write(JSON.stringify(event) + "\n");
let last = 0;
const upload = new tus.Upload(fs.createReadStream(file), {
  endpoint,
  chunkSize: Number(chunk),
  uploadSize: fs.statSync(file).size,
  metadata: { filename: name, filetype: "application/octet-stream" },
  protocol: protocol || "tus-v1",
  retryDelays: Array(300).fill(100),
  onShouldRetry(err, attempt, options) {
    const status = err.originalResponse ? err.originalResponse.getStatus() : 0;
    if (status === 409 && err.originalRequest.getMethod() === "POST") return false;
    return (status < 400 || status >= 500 || status === 409 || status === 423);
  },
  onProgress(sent, total) {
    const step = Math.floor((10 * sent) / total);
    if (step > last) {
      last = step;
      say({ progress: sent });
    }
  },
  onError(err) {
    say({ error: String(err) });
    process.exit(1);
  },
  onSuccess() {
    say({ done: upload.url });
    process.exit(0);
  },
});
upload.start();
