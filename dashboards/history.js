// The history panel's pure parts: which metrics a device can chart, the query URLs, the time
// ranges, turning /api/history answers into chart columns, and the alerts to mark. No DOM, so
// node's test runner can import it.

// Numeric metrics each family is known for, charted first (others the device has reported
// follow). States (door, valve) have no line to draw.
const family_metrics = {
  gas_detector: ['lel_pct', 'co_ppm'],
  hazmat_cabinet: ['temp_c', 'rh_pct', 'voc_ppm'],
  kitchen_camera: ['fps'],
  water_beacon: ['tags_near'],
  alarm_input: [],
};

// Numbers that are not worth a chart of their own.
const not_charted = new Set(['status', 'event_confidence']);

export const hour_ms = 3600 * 1000;
export const ranges = Object.freeze({ '1h': hour_ms, '24h': 24 * hour_ms, '7d': 7 * 24 * hour_ms });

// [{key, metric, subject}] for the metric selector: the family's metrics, then every other
// numeric value the device has reported (keys as in device.values: "metric" or "metric/subject").
export function chart_metrics(device) {
  const out = [];
  const seen = new Set();
  const add = (key, metric, subject) => {
    if (seen.has(key)) return;
    seen.add(key);
    out.push({ key, metric, subject });
  };
  for (const m of family_metrics[device.family] ?? []) add(m, m, '');
  const numeric = Object.entries(device.values ?? {})
    .filter(([, v]) => typeof v.value === 'number' && !not_charted.has(v.metric))
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  for (const [key, v] of numeric) add(key, v.metric, v.subject ?? '');
  return out;
}

// The /api/history URL for a device, a metric choice and a range in epoch ms. The server picks
// the step (at most 500 buckets).
export function history_url({ device, metric, subject = '', from, to, format = 'json' }) {
  const p = new URLSearchParams({ device, metric });
  if (subject) p.set('subject', subject);
  p.set('from', String(Math.floor(from)));
  p.set('to', String(Math.floor(to)));
  if (format !== 'json') p.set('format', format);
  return `api/history?${p}`;
}

// uPlot's columns from an answer: [t (seconds), min, mean, max]. Where buckets are missing (no
// readings for longer than a step) a null is inserted so the line breaks instead of bridging
// the gap.
export function chart_columns(answer) {
  const step = answer.step;
  const t = [];
  const min = [];
  const mean = [];
  const max = [];
  let last = null;
  for (const p of answer.points ?? []) {
    if (typeof p.t !== 'number') continue;
    if (last !== null && step > 0 && p.t - last > step) {
      t.push((last + step) / 1000);
      min.push(null);
      mean.push(null);
      max.push(null);
    }
    t.push(p.t / 1000);
    min.push(typeof p.min === 'number' ? p.min : null);
    mean.push(typeof p.mean === 'number' ? p.mean : null);
    max.push(typeof p.max === 'number' ? p.max : null);
    last = p.t;
  }
  return [t, min, mean, max];
}

// Whether an answer has anything to draw.
export function has_numbers(answer) {
  return (answer.points ?? []).some((p) => typeof p.mean === 'number');
}

// The alerts to mark on the chart: those of the device that overlap [from, to), as spans
// {start, end, severity, alert}; an active alert runs to `now`. The colour is the most severe
// the entry reached (a leak that was red is marked red after it fell back to yellow). The
// alerts come from the ledger (device_alerts_url: backfilled and closed entries included)
// merged with those this page has received since (merge_alerts).
export function alert_spans(alerts, device_id, from, to, now) {
  const spans = [];
  for (const a of alerts) {
    if (a.device !== device_id || !a.raised_at) continue;
    const end = a.condition === 'cleared' && a.cleared_at ? a.cleared_at : now;
    if (end < from || a.raised_at >= to) continue;
    spans.push({ start: a.raised_at, end: Math.max(end, a.raised_at), severity: a.max_severity ?? a.severity, alert: a });
  }
  return spans.sort((x, y) => x.start - y.start || String(x.alert.id).localeCompare(String(y.alert.id)));
}

// The ledger's entries of a device for a chart of [from, to): GET /api/alerts?device=&to= pages
// of `device_alerts_limit`, newest raised first (the API bounds raised_at only, so an entry
// raised before `from` and still active, or cleared inside the range, is on the pages after
// those raised in the range). Every handling state, closed included.
export const device_alerts_limit = 500;
export const device_alerts_max_pages = 10;

export function device_alerts_url(device, to, offset = 0, limit = device_alerts_limit) {
  const q = new URLSearchParams({ device, to: String(Math.ceil(to)), limit: String(limit),
                                  offset: String(Math.max(0, offset)) });
  return `/api/alerts?${q}`;
}

// Whether to ask for the next page after `entries` (one answer, newest raised first): it was
// full, and its oldest entry was raised at or after `from` (an older one may still overlap).
// One page past `from` is read, so an entry raised shortly before the range is found.
export function more_device_alerts(entries, from, limit = device_alerts_limit) {
  if (entries.length < limit) return false;
  const oldest = entries[entries.length - 1];
  return typeof oldest?.raised_at === 'number' && oldest.raised_at >= from;
}

// The ledger's entries and the page's own, one per id: the most recently updated wins, so an
// entry acted on after the ledger answered shows its new state, and one closed since (gone from
// the page's open entries) stays marked.
export function merge_alerts(...lists) {
  const by_id = new Map();
  for (const list of lists) {
    for (const a of list ?? []) {
      if (!a || a.id === undefined || a.id === null) continue;
      const have = by_id.get(a.id);
      if (!have || (a.updated_at ?? 0) >= (have.updated_at ?? 0)) by_id.set(a.id, a);
    }
  }
  return [...by_id.values()];
}

const part_formats = new Map();

// The wall-clock fields of an instant in a time zone: {year, month, day, hour, minute, second}
// as strings ("2026", "11", "23", "14", "05", "09").
export function zoned_parts(ms, time_zone) {
  let fmt = part_formats.get(time_zone);
  if (!fmt) {
    fmt = new Intl.DateTimeFormat('en-US', {
      timeZone: time_zone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit',
      hour: '2-digit', minute: '2-digit', second: '2-digit',
    });
    part_formats.set(time_zone, fmt);
  }
  return Object.fromEntries(fmt.formatToParts(new Date(ms)).map((x) => [x.type, x.value]));
}

// The offset of a time zone from UTC at an instant, in ms (Asia/Shanghai: +8 h).
export function zone_offset_ms(ms, time_zone) {
  const p = zoned_parts(ms, time_zone);
  const wall = Date.UTC(+p.year, +p.month - 1, +p.day, +p.hour, +p.minute, +p.second);
  return wall - Math.floor(ms / 1000) * 1000;
}

// Time-axis tick labels in 24-hour time, read the same in both languages: "14:00", with the
// date ("11-23") under the first tick and wherever the day changes; dates only when ticks are
// a day or more apart. `ticks` in epoch seconds (uPlot's), `spacing_s` the tick interval.
export function time_ticks(ticks, spacing_s, time_zone) {
  let last_day = null;
  return ticks.map((s) => {
    const p = zoned_parts(s * 1000, time_zone);
    const day = `${p.month}-${p.day}`;
    if (spacing_s >= 86400) return day;
    const hm = `${p.hour}:${p.minute}`;
    const text = day !== last_day ? `${hm}\n${day}` : hm;
    last_day = day;
    return text;
  });
}

// A datetime-local value ("2026-11-23T14:05") read as wall-clock time in `time_zone` → epoch
// ms, or null when it is not a valid value.
export function zoned_input_to_ms(value, time_zone) {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?$/.exec(value ?? '');
  if (!m) return null;
  const wall = Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5], +(m[6] ?? 0));
  if (Number.isNaN(wall)) return null;
  // Twice: the offset at the first guess may differ from the offset at the answer (DST).
  let utc = wall - zone_offset_ms(wall, time_zone);
  utc = wall - zone_offset_ms(utc, time_zone);
  return utc;
}

// Epoch ms → a datetime-local value showing the wall-clock time in `time_zone`.
export function ms_to_zoned_input(ms, time_zone) {
  const d = new Date(ms + zone_offset_ms(ms, time_zone));
  const pad = (n) => String(n).padStart(2, '0');
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}` +
    `T${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}`;
}

// A step in words for the caption: 300000 → {n: 5, unit: 'min'}.
export function step_parts(step_ms) {
  const s = Math.round(step_ms / 1000);
  if (s % 86400 === 0) return { n: s / 86400, unit: 'd' };
  if (s % 3600 === 0) return { n: s / 3600, unit: 'h' };
  if (s % 60 === 0) return { n: s / 60, unit: 'min' };
  return { n: s, unit: 's' };
}
