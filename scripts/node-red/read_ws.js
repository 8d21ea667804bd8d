// Prints every message of a WebSocket, one per line, for checking the peer by hand:
//   node scripts/node-red/read_ws.js ws://127.0.0.1:PORT/alerts [SECONDS]
// Exits after SECONDS (default 10), or with status 1 when it cannot connect.
"use strict";
const WebSocket = require("ws");

const url = process.argv[2];
const seconds = Number(process.argv[3] || 10);
if (!url) {
  console.error("usage: node read_ws.js URL [SECONDS]");
  process.exit(2);
}
const ws = new WebSocket(url);
ws.on("open", () => console.error(`connected to ${url}`));
ws.on("message", (data) => console.log(data.toString()));
ws.on("error", (e) => {
  console.error(`${url}: ${e.message}`);
  process.exit(1);
});
setTimeout(() => {
  ws.close();
  process.exit(0);
}, seconds * 1000);
