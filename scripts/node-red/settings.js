// Node-RED settings for the benchmark peer (run.sh copies this and flows.json into a fresh
// temporary userDir). Headless: no editor, no admin API, no credential prompt, no telemetry;
// HTTP and the /alerts WebSocket on 127.0.0.1:$CAMPUS_PEER_PORT only.
module.exports = {
  uiHost: "127.0.0.1",
  uiPort: parseInt(process.env.CAMPUS_PEER_PORT, 10),
  flowFile: "flows.json",
  flowFilePretty: true,
  // Credentials (an optional broker login, written by run.sh) are kept in plain text in the
  // throw-away userDir: no secret to ask for, nothing to prompt.
  credentialSecret: false,
  httpAdminRoot: false,   // no editor and no admin API
  httpNodeRoot: "/",      // the WebSocket listener's /alerts is at ws://127.0.0.1:PORT/alerts
  httpStatic: false,
  disableEditor: true,
  telemetry: { enabled: false, updateNotification: false },
  diagnostics: { enabled: false, ui: false },
  runtimeState: { enabled: false, ui: false },
  externalModules: { autoInstall: false, palette: { allowInstall: false } },
  functionExternalModules: false,
  // info: run.sh waits for the broker node's "Connected to broker" line before saying "up".
  logging: { console: { level: "info", metrics: false, audit: false } },
  exportGlobalContextKeys: false,
  contextStorage: { default: { module: "memory" } },
};
