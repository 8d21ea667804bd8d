// What the end-to-end dashboard tests share: free loopback ports, child processes with their
// output in log files, waiting for a condition with a named failure, and publishing with
// mosquitto_pub.

import assert from 'node:assert/strict';
import { spawn, execFile } from 'node:child_process';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { createWriteStream } from 'node:fs';
import { createServer, connect } from 'node:net';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run_file = promisify(execFile);

export const mosquitto = process.env.MOSQUITTO || '/usr/sbin/mosquitto';
export const mosquitto_pub = process.env.MOSQUITTO_PUB || 'mosquitto_pub';

// How long to wait for each thing to happen before calling it a failure (not a timing claim).
export const patience_ms = 20000;

export async function free_port() {
  const server = createServer();
  await new Promise((ok, fail) => server.listen(0, '127.0.0.1', ok).on('error', fail));
  const { port } = server.address();
  await new Promise((ok) => server.close(ok));
  return port;
}

// A child process whose output goes to a log file, and that is ended (TERM, then KILL) by stop().
export function start(name, file, args, dir) {
  const log = createWriteStream(join(dir, `${name}.log`));
  const child = spawn(file, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout.pipe(log);
  child.stderr.pipe(log);
  const exited = new Promise((ok) => child.on('exit', (code, signal) => ok({ code, signal })));
  child.on('error', (e) => log.write(`spawn error: ${e.message}\n`));
  return {
    name,
    child,
    exited,
    log_path: join(dir, `${name}.log`),
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(timer);
    },
  };
}

// Polls `probe` until it returns true; fails naming `what` (and the process that died, if one did).
export async function until(what, probe, procs = [], patience = patience_ms) {
  const deadline = Date.now() + patience;
  let last_error = null;
  for (;;) {
    for (const p of procs) {
      if (p.child.exitCode !== null || p.child.signalCode !== null) {
        const log = await readFile(p.log_path, 'utf8').catch(() => '');
        assert.fail(`${p.name} exited (${p.child.exitCode ?? p.child.signalCode}) while waiting for ${what}:\n${log}`);
      }
    }
    if (await probe().catch((e) => { last_error = e; return false; })) return;
    if (Date.now() > deadline) {
      assert.fail(`gave up waiting for ${what}${last_error ? ` (last error: ${last_error.message})` : ''}`);
    }
    await new Promise((ok) => setTimeout(ok, 100));
  }
}

export const tcp_open = (port) => new Promise((ok) => {
  const s = connect(port, '127.0.0.1');
  s.on('connect', () => { s.destroy(); ok(true); });
  s.on('error', () => ok(false));
});

export async function publish(port, topic, payload) {
  await run_file(mosquitto_pub, ['-h', '127.0.0.1', '-p', String(port), '-q', '1', '-t', topic,
                                 '-m', JSON.stringify(payload)]);
}

// Publishes until the page shows what `shown` looks for: the server's subscription may not be
// in place yet when /healthz first answers, and a QoS 1 message sent before it is not kept.
export async function publish_until(port, topic, payload, what, shown, procs, patience = patience_ms) {
  let last = 0;
  await until(what, async () => {
    if (Date.now() - last > 2000) {
      last = Date.now();
      await publish(port, topic, payload);
    }
    return shown();
  }, procs, patience);
}

// A broker on a free loopback port, configured in `dir`.
export async function start_broker(dir) {
  const port = await free_port();
  // Sessions and queues saved in `dir` every 5 s, as scripts/lib.sh writes it (docs/broker.md,
  // "Persistence"). As root, Mosquitto would switch to its own user and could not write there.
  const conf = [`listener ${port} 127.0.0.1`, 'allow_anonymous true', 'max_queued_messages 1000000',
    'persistence true', `persistence_location ${dir}`, 'autosave_interval 5'];
  if (process.getuid?.() === 0) conf.push('user root');
  await writeFile(join(dir, 'mosquitto.conf'), conf.join('\n') + '\n');
  const broker = start('mosquitto', mosquitto, ['-c', join(dir, 'mosquitto.conf')], dir);
  await until(`mosquitto on port ${port}`, () => tcp_open(port), [broker]);
  return { port, broker };
}

// Creates users in users.db of `data_dir` before the server starts, through the real command:
// `campus-shield user add NAME --role ROLE [--sites a,b] [--display 名字] --data-dir DIR`, the
// password on standard input. Each user: {name, password, role, sites: [...], display}.
export async function add_users(shield, data_dir, users) {
  await mkdir(data_dir, { recursive: true });
  for (const u of users) {
    const args = ['user', 'add', u.name, '--role', u.role, '--data-dir', data_dir];
    if (u.sites?.length) args.push('--sites', u.sites.join(','));
    if (u.display) args.push('--display', u.display);
    const child = spawn(shield, args, { stdio: ['pipe', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (b) => { output += b; });
    child.stderr.on('data', (b) => { output += b; });
    child.stdin.end(`${u.password}\n`);
    const code = await new Promise((ok, fail) => child.on('exit', ok).on('error', fail));
    assert.equal(code, 0, `campus-shield ${args.join(' ')} failed:\n${output}`);
  }
}

// Signs in through the page's login screen and waits for the dashboard (the header naming the
// user). The page must show the login screen (a fresh profile, or after 退出).
// Bureau and admin users land on the district overview (docs/bureau.md): unless `landing` is
// set, the page is then taken to the live view (实时监测, the school tiles and the feed), where
// the tests of steps 1–4 look.
export async function login(page, name, password, { landing = false } = {}) {
  const screen = page.getByTestId('login-screen');
  await screen.waitFor({ state: 'visible', timeout: patience_ms });
  await page.getByTestId('login-user').fill(name);
  await page.getByTestId('login-password').fill(password);
  await page.getByTestId('login-submit').click();
  await page.locator('body[data-session="signed-in"]').waitFor({ timeout: patience_ms });
  if (!landing && (await page.locator('body[data-view]:not([data-view="live"])').count()) > 0) {
    await page.getByTestId('nav-live').click();
    await page.locator('body[data-view="live"]').waitFor({ timeout: patience_ms });
  }
}

// The first day of the month before the one `now` falls in, in `time_zone`: "YYYY-MM-01".
export function first_of_last_month(now = Date.now(), time_zone = 'Asia/Shanghai') {
  const p = Object.fromEntries(new Intl.DateTimeFormat('en-US', { timeZone: time_zone, year: 'numeric', month: '2-digit' })
    .formatToParts(new Date(now)).map((x) => [x.type, x.value]));
  const y = Number(p.year);
  const m = Number(p.month);
  return m === 1 ? `${y - 1}-12-01` : `${y}-${String(m - 1).padStart(2, '0')}-01`;
}

// Writes backfilled history and ledger into `data_dir` with the real simulator, before the
// server starts: `campus-sim --config CONFIG --backfill-from DATE --backfill-step STEP --seed N
// --data-dir DIR [--site ID]` (docs/bureau.md, Backfill). Resolves its output.
export async function backfill(sim, config, data_dir, { from, step = '15m', seed = 7, site = null }) {
  await mkdir(data_dir, { recursive: true });
  const args = ['--config', config, '--backfill-from', from, '--backfill-step', step,
                '--seed', String(seed), '--data-dir', data_dir];
  if (site) args.push('--site', site);
  try {
    const { stdout, stderr } = await run_file(sim, args, { maxBuffer: 16 << 20 });
    return stdout + stderr;
  } catch (e) {
    assert.fail(`campus-sim ${args.join(' ')} failed (${e.code}):\n${e.stdout ?? ''}${e.stderr ?? ''}`);
  }
}

// An API client signed in as `name` (POST /api/login; then `Authorization: Bearer`):
// {user, get(path) → parsed JSON (asserting 200), fetch(path, init) → Response}.
export async function api_client(base, name, password) {
  const res = await fetch(`${base}/api/login`, {
    method: 'POST', headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ user: name, password }),
  });
  assert.equal(res.status, 200, `POST /api/login as ${name}`);
  const body = await res.json();
  assert.ok(typeof body.token === 'string' && body.token, 'a token');
  const with_token = (init = {}) => ({ ...init, headers: { ...init.headers, authorization: `Bearer ${body.token}` } });
  return {
    user: body.user,
    fetch: (path, init) => fetch(`${base}${path}`, with_token(init)),
    async get(path) {
      const r = await fetch(`${base}${path}`, with_token());
      assert.equal(r.status, 200, `GET ${path} as ${name}`);
      return r.json();
    },
  };
}

// A broker and a campus-shield serving `config` on free loopback ports, with its data in
// `dir`/data; resolves once /healthz answers. `users` (see add_users) are created in that data
// directory before the server starts. Every process started is pushed onto `procs` (also when
// start-up fails) so the caller's finally block can stop it.
export async function start_stack(dir, shield, config, procs, { users = [] } = {}) {
  if (users.length) await add_users(shield, join(dir, 'data'), users);
  const http_port = await free_port();
  const base = `http://127.0.0.1:${http_port}`;
  const { port: mqtt_port, broker } = await start_broker(dir);
  procs.push(broker);
  const server = start('campus-shield', shield, ['serve', '--config', config,
    '--listen', `127.0.0.1:${http_port}`, '--mqtt', `127.0.0.1:${mqtt_port}`,
    '--data-dir', join(dir, 'data')], dir);
  procs.push(server);
  await until(`${base}/healthz`, async () => (await fetch(`${base}/healthz`)).ok, procs);
  return { base, mqtt_port };
}

// Imported when needed so a missing node_modules fails the test with the remedy, not the file.
export async function load_chromium() {
  return import('./chromium.mjs').catch((e) => {
    throw new Error(`cannot load playwright-core: run \`npm ci\` in tests/browser (${e.message})`);
  });
}
