// The dashboard's model of the district, fed by the WebSocket messages of /ws.
//
// Pure: no DOM, no timers, no globals — the caller passes `now` — so node's test runner can
// drive it. apply() never throws on a malformed message; it ignores it and counts it, because
// the page must keep running whatever the server or a proxy sends.
//
// apply() returns what changed so the view repaints only that: `structure` (the set of sites,
// zones or devices changed: rebuild), `devices` (ids whose tile must be repainted), `alerts`
// (ids whose feed entry must be repainted), `feed_order` (an alert was added or dropped).
//
// Alerts are the open entries of the hazard ledger (docs/alerts.md): one per entry id, each
// `alert` message replacing the entry whole; an entry whose handling state is `closed` leaves.
//
// At district scale the model holds the devices of the schools it watches only (`watching`:
// the snapshot's, then each `watching` answer replacing the devices whole) and a summary of
// every school (`schools`, from the snapshot and `school` messages; `change.schools` names those
// that changed). Readings of schools not watched (still queued when the watch changed) are
// ignored.

import { normalize_school } from './schools.js';

export const severity_rank = Object.freeze({ blue: 1, yellow: 2, orange: 3, red: 4 });
export const severities = Object.freeze(['blue', 'yellow', 'orange', 'red']);

// Values are keyed as the server keys them: "metric", or "metric/subject" for readings about
// something inside the device (a beacon's tag).
export const value_key = (metric, subject) => (subject ? `${metric}/${subject}` : metric);

const is_object = (v) => v !== null && typeof v === 'object' && !Array.isArray(v);
const is_id = (v) => typeof v === 'string' && v.length > 0;
const is_value = (v) =>
  (typeof v === 'number' && Number.isFinite(v)) || typeof v === 'string' || typeof v === 'boolean';
const time_or_null = (v) => (typeof v === 'number' && Number.isFinite(v) ? v : null);

const text = (v) => (typeof v === 'string' ? v : '');
const is_entry_id = (v) => (typeof v === 'number' && Number.isInteger(v)) || is_id(v);

export const handling_states = Object.freeze(['new', 'acknowledged', 'rectified', 'closed']);

// One ledger entry (docs/alerts.md, `entry_view`) as the page keeps it, or null when the
// message cannot be one (no id, no known colour). Missing fields take their empty value, so a
// step-1 alert (no handling state) reads as a new entry.
export function normalize_entry(a) {
  if (!is_object(a) || !is_entry_id(a.id) || !(a.severity in severity_rank)) return null;
  if (a.device !== undefined && a.device !== null && typeof a.device !== 'string') return null;
  const display_id = text(a.display_id) ||
    (typeof a.id === 'number' ? `A-${String(a.id).padStart(6, '0')}` : a.id);
  return {
    id: a.id,
    display_id,
    kind: text(a.kind) || 'sensor',
    site: text(a.site),
    zone: text(a.zone),
    device: text(a.device),
    family: text(a.family),
    rule: text(a.rule),
    rule_name: text(a.rule_name),
    rule_name_en: text(a.rule_name_en),
    metric: text(a.metric),
    unit: text(a.unit),
    subject: text(a.subject),
    title: text(a.title),
    description: text(a.description),
    severity: a.severity,
    // The peak: never below the current colour, whatever the message says.
    max_severity: severity_rank[a.max_severity] > severity_rank[a.severity] ? a.max_severity : a.severity,
    condition: a.condition === 'cleared' ? 'cleared' : 'active',
    state: handling_states.includes(a.state) ? a.state : 'new',
    occurrences: Number.isInteger(a.occurrences) && a.occurrences > 0 ? a.occurrences : 1,
    value: is_value(a.value) ? a.value : null,
    raised_value: is_value(a.raised_value) ? a.raised_value : null,
    peak_value: is_value(a.peak_value) ? a.peak_value : null,
    threshold: time_or_null(a.threshold),
    raised_at: time_or_null(a.raised_at) ?? 0,
    updated_at: time_or_null(a.updated_at),
    cleared_at: time_or_null(a.cleared_at),
    acknowledged_at: time_or_null(a.acknowledged_at),
    acknowledged_by: text(a.acknowledged_by),
    rectified_at: time_or_null(a.rectified_at),
    rectified_by: text(a.rectified_by),
    rectification_note: text(a.rectification_note),
    closed_at: time_or_null(a.closed_at),
    closed_by: text(a.closed_by),
    verification_note: text(a.verification_note),
    responsible: text(a.responsible),
    deadline: time_or_null(a.deadline),
    overdue: a.overdue === true,
    escalation: normalize_escalation(a.escalation),
    report: normalize_report(a.report),
    // false: announced while the ledger could not record it; the recorded entry replaces it.
    recorded: a.recorded !== false,
    replaces: Number.isInteger(a.replaces) ? a.replaces : null,
  };
}

// The colour an entry is shown, sorted, counted and filtered by: its peak, the most severe
// colour it reached (docs/alerts.md). An entry that reached red reads red after falling back.
export const peak_severity = (entry) => entry.max_severity || entry.severity;

// The colour in words: the peak, and while the condition is active and the colour has fallen
// since, the current one beside it — "红色 · 紧急（现黄色）". `short`: 红色（现黄色）.
export function severity_words(tr, entry, short = false) {
  const peak = peak_severity(entry);
  const name = short ? tr.severity_short(peak) : tr.severity(peak);
  if (entry.condition !== 'active' || entry.severity === peak) return name;
  return tr.t('severity_peak_now', { peak: name, now: tr.severity_short(entry.severity) });
}

function normalize_escalation(e) {
  if (!is_object(e)) return null;
  const told = (Array.isArray(e.told) ? e.told : []).filter(is_object).map((t) => ({
    step: Number.isInteger(t.step) ? t.step : 0,
    severity: t.severity in severity_rank ? t.severity : '',
    role: text(t.role),
    channel: text(t.channel),
    at: time_or_null(t.at),
    person: is_object(t.person) ? { id: text(t.person.id), name: text(t.person.name) } : null,
    nobody_on_duty: t.nobody_on_duty === true,
  }));
  const n = e.next;
  const next = is_object(n) ? {
    step: Number.isInteger(n.step) ? n.step : 0,
    severity: n.severity in severity_rank ? n.severity : '',
    at: time_or_null(n.at),
    roles: (Array.isArray(n.roles) ? n.roles : []).filter(is_id),
    channels: (Array.isArray(n.channels) ? n.channels : []).filter(is_id),
  } : null;
  return { acknowledged: e.acknowledged === true, told, next };
}

function normalize_report(r) {
  if (!is_object(r)) return null;
  return {
    deadline: time_or_null(r.deadline),
    reported_at: time_or_null(r.reported_at),
    reported_by: text(r.reported_by),
    overdue: r.overdue === true,
  };
}

// A transition of an entry (docs/alerts.md), or null.
export function normalize_transition(t) {
  if (!is_object(t)) return null;
  return {
    id: typeof t.id === 'number' ? t.id : null,
    entry_id: is_entry_id(t.entry_id) ? t.entry_id : null,
    at: time_or_null(t.at),
    who: text(t.who),
    what: text(t.what),
    from: text(t.from),
    to: text(t.to),
    note: text(t.note),
  };
}

function empty_change() {
  return { structure: false, devices: new Set(), alerts: new Set(), feed_order: false,
           schools: new Set() };
}

export class live_model {
  // max_alerts bounds the feed's memory: beyond it the oldest cleared alerts go first.
  constructor({ max_alerts = 2000 } = {}) {
    this.max_alerts = max_alerts;
    this.ignored = 0;      // malformed or unknown messages, for the console
    this.ready = false;    // a snapshot has arrived
    this.district = null;
    this.sites = [];       // in configuration order; each {id, name, name_en, time_zone, zones}
    this.devices = new Map();         // id → device, in configuration order
    this.alerts = new Map();          // entry id → open ledger entry (normalize_entry)
    this.alerts_by_device_ = new Map();  // device id → Set of alert ids
    this.watching = new Set();        // schools whose devices are held (readings come for them)
    this.initial_watch = [];          // the snapshot's watch set, in district order
    this.schools = new Map();         // site id → summary (schools.js normalize_school)
  }

  // Forgets everything (signed out): the next user's snapshot must not meet the last one's data.
  // Returns a change that rebuilds the page.
  reset() {
    this.ready = false;
    this.district = null;
    this.sites = [];
    this.devices = new Map();
    this.alerts = new Map();
    this.alerts_by_device_ = new Map();
    this.watching = new Set();
    this.initial_watch = [];
    this.schools = new Map();
    return { ...empty_change(), structure: true, feed_order: true };
  }

  apply(msg, now = Date.now()) {
    const change = empty_change();
    if (!is_object(msg)) {
      this.ignored++;
      return change;
    }
    switch (msg.type) {
      case 'snapshot': return this.apply_snapshot_(msg, now, change);
      case 'reading': return this.apply_reading_(msg.reading, now, change);
      case 'alert': return this.apply_alert_(msg.alert, change);
      case 'watching': return this.apply_watching_(msg, now, change);
      case 'school': return this.apply_school_(msg.school, change);
      default:
        this.ignored++;
        return change;
    }
  }

  site(id) { return this.sites.find((s) => s.id === id) ?? null; }

  // True when the devices of every school are held (a school's page, the sample district).
  all_watched() { return this.sites.every((s) => this.watching.has(s.id)); }
  device(id) { return this.devices.get(id) ?? null; }

  zone(site_id, zone_id) {
    const s = this.site(site_id);
    return s ? (s.zones.find((z) => z.id === zone_id) ?? null) : null;
  }

  // Devices of one zone, in configuration order.
  devices_in(site_id, zone_id) {
    const out = [];
    for (const d of this.devices.values()) if (d.site === site_id && d.zone === zone_id) out.push(d);
    return out;
  }

  // The most severe active alert of a device (the newest among equals), or null.
  worst_alert(device_id) {
    const ids = this.alerts_by_device_.get(device_id);
    if (!ids) return null;
    let worst = null;
    for (const id of ids) {
      const a = this.alerts.get(id);
      if (!a || a.condition !== 'active') continue;
      if (!worst || severity_rank[a.severity] > severity_rank[worst.severity] ||
          (a.severity === worst.severity && a.raised_at > worst.raised_at)) {
        worst = a;
      }
    }
    return worst;
  }

  // Alerts newest first (by time raised; id breaks ties so the order is stable).
  alerts_newest_first() {
    return [...this.alerts.values()].sort(
      (a, b) => (b.raised_at ?? 0) - (a.raised_at ?? 0) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  }

  // Figures for the summary strip: from the devices when all are held, else from the
  // schools' summaries.
  counts() {
    const c = { devices: 0, online: 0, offline: 0, unknown: 0, alerting: 0,
                active: { blue: 0, yellow: 0, orange: 0, red: 0 } };
    if (!this.all_watched() && this.schools.size) {
      for (const t of this.schools.values()) {
        c.devices += t.devices_total;
        c.online += t.devices_online;
        c.offline += t.devices_offline;
        c.alerting += t.devices_alerting;
      }
      c.unknown = c.devices - c.online - c.offline;
    } else {
      for (const d of this.devices.values()) {
        c.devices++;
        c[d.status] = (c[d.status] ?? 0) + 1;
        if (this.worst_alert(d.id)) c.alerting++;
      }
    }
    c.open = this.alerts.size;
    c.unacknowledged = 0;
    for (const a of this.alerts.values()) {
      if (a.condition === 'active') c.active[peak_severity(a)]++;  // by peak, as the feed shows
      if (a.state === 'new') c.unacknowledged++;
    }
    return c;
  }

  apply_snapshot_(msg, now, change) {
    if (!is_object(msg.district) || !Array.isArray(msg.sites) || !Array.isArray(msg.devices)) {
      this.ignored++;
      return change;
    }
    this.district = {
      id: String(msg.district.id ?? ''),
      name: String(msg.district.name ?? ''),
      name_en: String(msg.district.name_en ?? ''),
    };
    this.sites = msg.sites.filter((s) => is_object(s) && is_id(s.id)).map((s) => ({
      id: s.id,
      name: String(s.name ?? ''),
      name_en: String(s.name_en ?? ''),
      time_zone: typeof s.time_zone === 'string' && s.time_zone ? s.time_zone : 'Asia/Shanghai',
      zones: (Array.isArray(s.zones) ? s.zones : []).filter((z) => is_object(z) && is_id(z.id))
        .map((z) => ({ id: z.id, type: String(z.type ?? 'other'), name: String(z.name ?? ''),
                       name_en: String(z.name_en ?? '') })),
    }));
    this.store_devices_(msg.devices, now);
    // A server without watch sets (or a message without one) sends every school's devices.
    this.initial_watch = Array.isArray(msg.watching)
      ? msg.watching.filter((id) => is_id(id) && this.sites.some((s) => s.id === id))
      : this.sites.map((s) => s.id);
    this.watching = new Set(this.initial_watch);
    this.schools = new Map();
    for (const t of Array.isArray(msg.schools) ? msg.schools : []) {
      const school = normalize_school(t);
      if (school) this.schools.set(school.site, school);
      else this.ignored++;
    }
    this.alerts = new Map();
    this.alerts_by_device_ = new Map();
    for (const a of Array.isArray(msg.alerts) ? msg.alerts : []) this.store_alert_(a, change);
    this.trim_alerts_(change);
    this.ready = true;
    change.structure = true;
    change.feed_order = true;
    return change;
  }

  // Replaces the devices whole (a snapshot, a watch answer).
  store_devices_(list, now) {
    this.devices = new Map();
    for (const d of list) {
      if (!is_object(d) || !is_id(d.id) || !is_id(d.site) || !is_id(d.zone)) {
        this.ignored++;
        continue;
      }
      const device = new_device(d);
      device.status = ['online', 'offline', 'unknown'].includes(d.status) ? d.status : 'unknown';
      device.last_seen = time_or_null(d.last_seen);
      if (is_object(d.values)) {
        for (const [key, v] of Object.entries(d.values)) {
          if (!is_object(v) || !is_value(v.value)) continue;
          device.values[key] = {
            metric: String(v.metric ?? key.split('/')[0]),
            subject: String(v.subject ?? ''),
            value: v.value,
            unit: String(v.unit ?? ''),
            ts: time_or_null(v.ts) ?? now,
          };
        }
      }
      this.devices.set(device.id, device);
    }
  }

  // The answer to a watch: the devices of the schools now watched, replacing all others.
  apply_watching_(msg, now, change) {
    if (!this.ready || !Array.isArray(msg.sites) || !Array.isArray(msg.devices)) {
      this.ignored++;
      return change;
    }
    this.watching = new Set(msg.sites.filter(is_id));
    this.store_devices_(msg.devices, now);
    change.structure = true;
    return change;
  }

  apply_school_(t, change) {
    const school = normalize_school(t);
    if (!school) {
      this.ignored++;
      return change;
    }
    this.schools.set(school.site, school);
    change.schools.add(school.site);
    return change;
  }

  apply_reading_(r, now, change) {
    if (!is_object(r) || !is_id(r.device) || !is_id(r.metric) || !is_value(r.value)) {
      this.ignored++;
      return change;
    }
    // Sent before the watch moved away from its school: not shown any more.
    if (is_id(r.site) && this.ready && !this.watching.has(r.site) && this.site(r.site)) return change;
    let device = this.devices.get(r.device);
    if (!device) {
      // A device the snapshot did not list (configuration reloaded on the server): show it
      // rather than drop its data.
      if (!is_id(r.site) || !is_id(r.zone)) {
        this.ignored++;
        return change;
      }
      device = new_device({ id: r.device, site: r.site, zone: r.zone });
      this.devices.set(device.id, device);
      this.ensure_place_(r.site, r.zone);
      change.structure = true;
    }
    const ts = time_or_null(r.ts) ?? now;
    if (r.metric === 'status') {
      const s = String(r.value);
      device.status = s === 'online' || s === 'offline' ? s : 'unknown';
      if (device.status === 'online') device.last_seen = Math.max(device.last_seen ?? 0, now);
    } else {
      const subject = typeof r.subject === 'string' ? r.subject : '';
      const key = value_key(r.metric, subject);
      const old = device.values[key];
      // A late reading (older ts than the one shown) does not overwrite the newer value.
      if (!old || old.ts <= ts) {
        device.values[key] = { metric: r.metric, subject, value: r.value,
                               unit: typeof r.unit === 'string' ? r.unit : '', ts };
      }
      device.status = 'online';
      device.last_seen = Math.max(device.last_seen ?? 0, now);
    }
    change.devices.add(device.id);
    return change;
  }

  apply_alert_(a, change) {
    if (!this.store_alert_(a, change)) {
      this.ignored++;
      return change;
    }
    this.trim_alerts_(change);
    return change;
  }

  // Stores or replaces (same id) one ledger entry; a closed entry leaves the open list. False
  // when it is malformed.
  store_alert_(a, change) {
    const entry = normalize_entry(a);
    if (!entry) return false;
    const old = this.alerts.get(entry.id);
    if (!entry.raised_at) entry.raised_at = old?.raised_at ?? 0;
    if (old && old.device !== entry.device) {
      this.alerts_by_device_.get(old.device)?.delete(entry.id);
      change.devices.add(old.device);
    }
    change.alerts.add(entry.id);
    if (entry.device) change.devices.add(entry.device);
    if (entry.replaces !== null && this.alerts.has(entry.replaces)) {
      // The provisional entry shown while the ledger could not record it: this is it, recorded.
      const provisional = this.alerts.get(entry.replaces);
      this.alerts.delete(entry.replaces);
      this.alerts_by_device_.get(provisional.device)?.delete(entry.replaces);
      change.alerts.add(entry.replaces);
      change.feed_order = true;
    }
    if (entry.state === 'closed') {
      if (old) {
        this.alerts.delete(entry.id);
        this.alerts_by_device_.get(entry.device)?.delete(entry.id);
        change.feed_order = true;
      }
      return true;
    }
    this.alerts.set(entry.id, entry);
    if (entry.device) {
      if (!this.alerts_by_device_.has(entry.device)) this.alerts_by_device_.set(entry.device, new Set());
      this.alerts_by_device_.get(entry.device).add(entry.id);
    }
    if (!old || old.raised_at !== entry.raised_at) change.feed_order = true;
    return true;
  }

  // Keeps at most max_alerts: drops the oldest cleared alerts first, then the oldest at all.
  trim_alerts_(change) {
    if (this.alerts.size <= this.max_alerts) return;
    const oldest_first = this.alerts_newest_first().reverse();
    const victims = [
      ...oldest_first.filter((a) => a.condition === 'cleared'),
      ...oldest_first.filter((a) => a.condition !== 'cleared'),
    ];
    for (const a of victims) {
      if (this.alerts.size <= this.max_alerts) break;
      this.alerts.delete(a.id);
      this.alerts_by_device_.get(a.device)?.delete(a.id);
      change.alerts.delete(a.id);
      change.devices.add(a.device);
    }
    change.feed_order = true;
  }

  ensure_place_(site_id, zone_id) {
    let s = this.site(site_id);
    if (!s) {
      s = { id: site_id, name: '', name_en: '', time_zone: 'Asia/Shanghai', zones: [] };
      this.sites.push(s);
      this.watching.add(site_id);  // its readings come: it is watched
    }
    if (!s.zones.some((z) => z.id === zone_id)) {
      s.zones.push({ id: zone_id, type: 'other', name: '', name_en: '' });
    }
  }
}

function new_device(d) {
  return {
    id: d.id,
    site: d.site,
    zone: d.zone,
    family: String(d.family ?? ''),
    name: String(d.name ?? ''),
    name_en: String(d.name_en ?? ''),
    status: 'unknown',
    last_seen: null,
    values: {},
  };
}

// The beacon's nearest tag among those of its latest report (tags that went away keep their
// last distance in `values`, so older ones are ignored). Null when no tag is near.
export function nearest_tag(device) {
  const near = device.values.tags_near;
  let best = null;
  for (const v of Object.values(device.values)) {
    if ((v.metric !== 'dist_m' && v.metric !== 'tag_dist_m') || typeof v.value !== 'number') continue;
    if (near && v.ts < near.ts) continue;
    if (!best || v.value < best.value) best = v;
  }
  if (near && typeof near.value === 'number' && near.value === 0) return null;
  return best;
}
