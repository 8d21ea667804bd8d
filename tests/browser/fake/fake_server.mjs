// A stand-in for `campus-shield serve` when working on the dashboard alone: serves dashboards/
// and speaks the /ws protocol with a made-up district whose values drift and whose gas
// detector leaks now and then. A development aid only; the real test is dashboard.test.mjs.
//
//   node tests/browser/fake/fake_server.mjs [--port 8090] [--schools 3] [--lang-demo] [--role ROLE]
//
// The login of docs/security.md, loosely: any user name with the password "demo" signs in with
// the role of --role (default safety_director) over every school; /api/me and /ws answer 401 /
// refuse without the cookie. Nothing here is a security control: it is for looking at the page.
//
// The WebSocket side implements just what the page needs: the handshake, unmasked text frames
// out, and noticing the client's close frame.

import { createServer } from 'node:http';
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { extname, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';

const args = Object.fromEntries(process.argv.slice(2).map((a, i, all) =>
  a.startsWith('--') ? [a.slice(2), all[i + 1]?.startsWith('--') ? true : all[i + 1] ?? true] : [])
  .filter((e) => e.length));
const port = Number(args.port ?? 8090);
const school_count = Number(args.schools ?? 3);
const role = typeof args.role === 'string' ? args.role : 'safety_director';
const sessions = new Map();  // token → user
const root = fileURLToPath(new URL('../../../dashboards/', import.meta.url));

const school_names = [
  ['星河小学', 'Xinghe Primary School', 'xh-primary'],
  ['明德中学', 'Mingde Middle School', 'md-middle'],
  ['滨江实验学校', 'Binjiang Experimental School', 'bj-exp'],
  ['青山小学', 'Qingshan Primary School', 'qs-primary'],
];
const zone_plan = [
  ['kitchen', 'canteen_kitchen', '食堂后厨', 'Canteen kitchen', [
    ['gas', 'gas_detector', '后厨燃气探测器', 'Kitchen gas detector'],
    ['cam', 'kitchen_camera', '后厨摄像机', 'Kitchen camera'],
  ]],
  ['chem', 'chemical_store', '化学品库', 'Chemical store', [
    ['cab', 'hazmat_cabinet', '危化品柜', 'Hazmat cabinet'],
  ]],
  ['pond', 'water_zone', '校园南侧池塘', 'South pond', [
    ['beacon', 'water_beacon', '池塘信标网关', 'Pond beacon gateway'],
  ]],
  ['gate', 'gate', '南校门', 'South gate', [
    ['alarm', 'alarm_input', '一键报警', 'One-key alarm'],
  ]],
  ['boiler', 'boiler_room', '锅炉房', 'Boiler room', [
    ['gas', 'gas_detector', '锅炉房燃气探测器', 'Boiler room gas detector'],
  ]],
];

const sites = [];
const devices = [];
for (const [name, name_en, id] of school_names.slice(0, school_count)) {
  const site = { id, name, name_en, time_zone: 'Asia/Shanghai', zones: [] };
  for (const [zid, type, zname, zname_en, devs] of zone_plan) {
    site.zones.push({ id: zid, type, name: zname, name_en: zname_en });
    for (const [did, family, dname, dname_en] of devs) {
      devices.push({ id: `${id.split('-')[0]}-${zid}-${did}-1`, site: id, zone: zid, family,
                     name: dname, name_en: dname_en, status: 'unknown', last_seen: null, values: {} });
    }
  }
  sites.push(site);
}

const alerts = new Map();
let alert_seq = 0;
const clients = new Set();

function reading(device, metric, value, unit = '', subject = '') {
  const ts = Date.now();
  const key = subject ? `${metric}/${subject}` : metric;
  device.values[key] = { metric, subject, value, unit, ts };
  if (metric === 'status') device.status = value;
  else { device.status = 'online'; device.last_seen = ts; }
  broadcast({ type: 'reading', reading: { site: device.site, zone: device.zone, device: device.id,
                                           metric, subject, value, unit, ts } });
}

function telemetry(d) {
  const jitter = (base, spread) => Math.round((base + (Math.random() - 0.5) * spread) * 10) / 10;
  switch (d.family) {
    case 'gas_detector':
      reading(d, 'lel_pct', jitter(3, 2), '%LEL');
      reading(d, 'co_ppm', Math.round(jitter(4, 4)), 'ppm');
      reading(d, 'valve', 'open');
      reading(d, 'fault', 'ok');
      break;
    case 'hazmat_cabinet':
      reading(d, 'temp_c', jitter(24, 1), '°C');
      reading(d, 'rh_pct', Math.round(jitter(45, 4)), '%RH');
      reading(d, 'voc_ppm', jitter(0.8, 0.4), 'ppm');
      reading(d, 'door', Math.random() < 0.2 ? 'open' : 'closed');
      reading(d, 'lock', 'locked');
      reading(d, 'fan', 'on');
      break;
    case 'kitchen_camera':
      reading(d, 'fps', 25, 'fps');
      if (Math.random() < 0.3) {
        reading(d, 'event', 'no_hat');
        reading(d, 'event_confidence', 0.93);
      }
      break;
    case 'water_beacon': {
      const n = Math.random() < 0.5 ? 0 : 2;
      reading(d, 'tags_near', n);
      for (let i = 0; i < n; i++) {
        reading(d, 'dist_m', jitter(6 + i * 3, 3), 'm', `tag-1023${i}`);
        reading(d, 'rssi', -60 - i * 5, 'dBm', `tag-1023${i}`);
      }
      break;
    }
    case 'alarm_input':
      reading(d, 'alarm', 'normal');
      break;
    default:
      break;
  }
}

function set_alert(device, severity, rule, rule_name, rule_name_en, value, threshold,
                   metric = 'lel_pct') {
  const key = `${rule}/${device.id}`;
  let a = [...alerts.values()].find((x) => x.key === key && x.condition === 'active');
  const now = Date.now();
  let event = 'updated';
  if (!a) {
    a = { key, id: `${key}#${++alert_seq}`, site: device.site, zone: device.zone,
          device: device.id, rule, rule_name, rule_name_en, metric, subject: '',
          severity, condition: 'active', value, threshold, raised_at: now, updated_at: now,
          cleared_at: null };
    alerts.set(a.id, a);
    event = 'raised';
  }
  Object.assign(a, { severity, value, threshold, updated_at: now });
  broadcast({ type: 'alert', event, alert: strip(a) });
}

function clear_alert(device, rule, value) {
  for (const a of alerts.values()) {
    if (a.device === device.id && a.rule === rule && a.condition === 'active') {
      Object.assign(a, { condition: 'cleared', value, cleared_at: Date.now(), updated_at: Date.now() });
      broadcast({ type: 'alert', event: 'cleared', alert: strip(a) });
    }
  }
}

const strip = ({ key, ...rest }) => rest;

// A leak in the first kitchen every 40 s: yellow, red, then cleared.
let leak_step = 0;
function leak() {
  const d = devices[0];
  const plan = [[12, 'yellow'], [40, 'red'], [18, 'yellow'], [2, null]];
  const [lel, sev] = plan[leak_step++ % plan.length];
  reading(d, 'lel_pct', lel, '%LEL');
  if (sev) set_alert(d, sev, 'kitchen-gas-lel', '后厨燃气浓度超限', 'Kitchen gas above limit', lel,
                     sev === 'red' ? 25 : 10);
  else clear_alert(d, 'kitchen-gas-lel', lel);
}

function snapshot() {
  return {
    type: 'snapshot',
    district: { id: 'binhai', name: '滨海区教育局', name_en: 'Binhai District Education Bureau' },
    sites,
    devices,
    alerts: [...alerts.values()].filter((a) => a.condition === 'active').map(strip),
  };
}

function frame(text) {
  const payload = Buffer.from(text);
  let head;
  if (payload.length < 126) head = Buffer.from([0x81, payload.length]);
  else if (payload.length < 65536) {
    head = Buffer.alloc(4);
    head[0] = 0x81; head[1] = 126; head.writeUInt16BE(payload.length, 2);
  } else {
    head = Buffer.alloc(10);
    head[0] = 0x81; head[1] = 127; head.writeBigUInt64BE(BigInt(payload.length), 2);
  }
  return Buffer.concat([head, payload]);
}

function broadcast(msg) {
  const f = frame(JSON.stringify(msg));
  for (const s of clients) s.write(f);
}

// GET /api/history: made-up buckets shaped like the real answer (see server/net/README.md):
// a daily wave with noise, nothing older than three days, a two-hour gap six hours ago, and
// nothing at all for offline devices. Checks parameters loosely; the server's tests are strict.
const history_bases = { lel_pct: [3, 2, '%LEL'], co_ppm: [4, 3, 'ppm'], temp_c: [24, 2, '°C'],
                        rh_pct: [45, 6, '%RH'], voc_ppm: [0.8, 0.4, 'ppm'], fps: [25, 1, 'fps'],
                        tags_near: [1, 1, ''], dist_m: [8, 4, 'm'], tag_dist_m: [8, 4, 'm'],
                        rssi: [-65, 8, 'dBm'] };
const round_steps = [1, 5, 10, 15, 30, 60, 300, 600, 900, 1800, 3600, 7200, 10800, 21600, 43200,
                     86400].map((s) => s * 1000);

function history(url, res) {
  const q = url.searchParams;
  const fail = (status, error) => {
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ error }));
  };
  const device = devices.find((d) => d.id === q.get('device'));
  if (!q.get('device')) return fail(400, "missing query parameter 'device'");
  if (!device) return fail(404, `unknown device '${q.get('device')}'`);
  const metric = q.get('metric');
  if (!metric) return fail(400, "missing query parameter 'metric'");
  const to = Number(q.get('to') ?? Date.now());
  const from = Number(q.get('from') ?? to - 86400000);
  if (!(from < to)) return fail(400, `'from' must be before 'to'`);
  const step = round_steps.find((s) => (to - from) / s <= 500) ?? 86400000;
  const [base, spread, unit] = history_bases[metric] ?? [10, 5, ''];
  const points = [];
  const now = Date.now();
  const oldest = now - 3 * 86400000;
  const gap = [now - 6 * 3600000, now - 4 * 3600000];
  const silent = device.status === 'offline';
  for (let t = Math.floor(from / step) * step; t < to; t += step) {
    if (silent || t < Math.max(from - step, oldest) || t > now || (t >= gap[0] && t < gap[1])) continue;
    const wave = Math.sin((t / 86400000) * 2 * Math.PI);
    const noise = Math.sin(t / 7e5) * 0.3 + Math.sin(t / 1.3e6) * 0.2;
    const mean = base + spread * (0.6 * wave + noise);
    const half = spread * 0.25 * (1 + Math.abs(Math.sin(t / 3e6)));
    points.push({ t, min: +(mean - half).toFixed(2), mean: +mean.toFixed(2),
                  max: +(mean + half).toFixed(2), count: Math.max(1, Math.round(step / 5000)) });
  }
  if (q.get('format') === 'csv') {
    const iso = (t) => new Date(t).toISOString().replace('.000Z', 'Z');
    res.writeHead(200, { 'content-type': 'text/csv; charset=utf-8',
      'content-disposition': `attachment; filename="${device.id}_${metric}_${from}_${to}.csv"` });
    return res.end('time,min,mean,max,count\r\n' +
      points.map((p) => `${iso(p.t)},${p.min},${p.mean},${p.max},${p.count}\r\n`).join(''));
  }
  res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-store' });
  res.end(JSON.stringify({ device: device.id, metric, subject: q.get('subject') ?? '', unit,
                           from, to, step, points }));
}

const types = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8',
                '.css': 'text/css; charset=utf-8', '.svg': 'image/svg+xml' };

const session_of = (req) => sessions.get(/(?:^|;\s*)campus_session=([^;]+)/.exec(req.headers.cookie ?? '')?.[1]);

function json(res, status, body, headers = {}) {
  res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store', ...headers });
  res.end(body === null ? '' : JSON.stringify(body));
}

async function login(req, res) {
  let body = '';
  for await (const chunk of req) body += chunk;
  let q = {};
  try { q = JSON.parse(body); } catch { /* refused below */ }
  if (typeof q.user !== 'string' || !q.user || q.password !== 'demo') return json(res, 401, { error: 'wrong user or password' });
  const token = createHash('sha256').update(`${q.user}${Math.random()}`).digest('hex');
  const user = { name: q.user, display_name: q.user, role, sites: sites.map((s) => s.id), all_sites: true };
  sessions.set(token, user);
  json(res, 200, { user, token, expires_at: Date.now() + 8 * 3600000 },
       { 'set-cookie': `campus_session=${token}; HttpOnly; SameSite=Strict; Path=/; Max-Age=28800` });
}

const server = createServer(async (req, res) => {
  const url = new URL(req.url, 'http://x');
  const path = url.pathname;
  if (path === '/healthz') return res.end('ok\n');
  if (path === '/api/login' && req.method === 'POST') return login(req, res);
  if (path.startsWith('/api/') && !session_of(req)) return json(res, 401, { error: 'login required' });
  if (path === '/api/me') return json(res, 200, { user: session_of(req) });
  if (path === '/api/logout') {
    sessions.delete(/(?:^|;\s*)campus_session=([^;]+)/.exec(req.headers.cookie ?? '')?.[1]);
    res.writeHead(204, { 'set-cookie': 'campus_session=; HttpOnly; SameSite=Strict; Path=/; Max-Age=0' });
    return res.end();
  }
  if (path === '/api/history') return history(url, res);
  const file = normalize(join(root, path === '/' ? 'index.html' : path));
  if (!file.startsWith(root)) { res.writeHead(403); return res.end(); }
  try {
    const body = await readFile(file);
    res.writeHead(200, { 'content-type': types[extname(file)] ?? 'application/octet-stream' });
    res.end(body);
  } catch {
    res.writeHead(404);
    res.end('not found\n');
  }
});

server.on('upgrade', (req, socket) => {
  if (new URL(req.url, 'http://x').pathname !== '/ws') return socket.destroy();
  if (!session_of(req)) return socket.end('HTTP/1.1 401 Unauthorized\r\nContent-Length: 0\r\n\r\n');
  const accept = createHash('sha1')
    .update(req.headers['sec-websocket-key'] + '258EAFA5-E914-47DA-95CA-C5AB0DC85B11')
    .digest('base64');
  socket.write('HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n' +
               `Sec-WebSocket-Accept: ${accept}\r\n\r\n`);
  clients.add(socket);
  socket.on('data', (b) => { if ((b[0] & 0x0f) === 8) socket.end(); });
  socket.on('close', () => clients.delete(socket));
  socket.on('error', () => clients.delete(socket));
  socket.write(frame(JSON.stringify(snapshot())));
});

for (const d of devices) if (d.family !== 'alarm_input' || Math.random() < 0.8) telemetry(d);
const lost_camera = devices.find((d) => d.family === 'kitchen_camera' && d.site !== sites[0].id);
if (lost_camera) reading(lost_camera, 'status', 'offline');
leak(); leak();  // start with a red leak so the look of an emergency can be checked at once
set_alert(devices.find((d) => d.family === 'hazmat_cabinet'), 'orange', 'chem-door-night',
          '危化品柜夜间开门', 'Chemical cabinet open at night', 'open', null, 'door');
// Raised three hours ago, so its span shows on the cabinet's history chart.
for (const a of alerts.values()) if (a.rule === 'chem-door-night') a.raised_at = Date.now() - 3 * 3600000;
setInterval(() => devices.forEach((d) => d.status !== 'offline' && Math.random() < 0.3 && telemetry(d)), 2000);
setInterval(leak, 10000);

server.listen(port, '127.0.0.1', () => console.log(`fake CampusShield on http://127.0.0.1:${port}/`));
