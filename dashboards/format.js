// Turning model values into the words and numbers a tile or feed entry shows. Pure (no DOM).

import { nearest_tag } from './state.js';

// The values each family's tile shows, in order. Other families show every value they have.
const tile_metrics = {
  gas_detector: ['lel_pct', 'co_ppm', 'valve', 'fault'],
  hazmat_cabinet: ['temp_c', 'rh_pct', 'voc_ppm', 'door', 'lock', 'fan'],
  kitchen_camera: ['fps', 'event'],
  water_beacon: ['tags_near', 'nearest'],
  alarm_input: ['alarm'],
};

// Units used when a reading arrives without one.
const default_units = {
  lel_pct: '%LEL', co_ppm: 'ppm', temp_c: '°C', rh_pct: '%RH', voc_ppm: 'ppm', fps: 'fps',
  dist_m: 'm', tag_dist_m: 'm', rssi: 'dBm',
};

// States worth a warning tint on the tile even before a rule says so.
const abnormal_states = {
  fault: ['fault', 'true', true], door: ['open'], lock: ['unlocked'], alarm: ['alarm'],
  state: ['alarm'],
  event: ['no_hat', 'no_mask', 'smoking', 'rodent', 'stranger'],
};

export function format_number(v) {
  if (typeof v !== 'number' || !Number.isFinite(v)) return String(v);
  const digits = Math.abs(v) < 10 ? 2 : 1;
  return String(Number(v.toFixed(digits)));
}

export function unit_of(metric, unit) {
  return unit || default_units[metric] || '';
}

// One shown value: {metric, label, text, unit, abnormal}. text is '—' when nothing arrived yet.
export function value_line(tr, metric, v) {
  const line = { metric, label: tr.metric(metric), text: '—', unit: '', abnormal: false };
  if (!v) return line;
  if (typeof v.value === 'number') {
    line.text = format_number(v.value);
    line.unit = unit_of(v.metric ?? metric, v.unit);
  } else {
    line.text = tr.state(metric, v.value);
  }
  line.abnormal = (abnormal_states[metric] ?? []).includes(v.value);
  return line;
}

// The lines a device's tile shows.
export function tile_lines(tr, device) {
  const wanted = tile_metrics[device.family];
  if (!wanted) {
    return Object.keys(device.values).sort().map((k) => {
      const line = value_line(tr, device.values[k].metric, device.values[k]);
      if (device.values[k].subject) line.label += ` ${device.values[k].subject}`;
      line.metric = k;
      return line;
    });
  }
  return wanted.map((metric) => {
    if (metric === 'nearest') {
      const near = nearest_tag(device);
      const line = value_line(tr, 'nearest', near ? { ...near, metric: 'dist_m' } : null);
      if (near?.subject) line.title = `${tr.t('tag')} ${near.subject}`;
      return line;
    }
    if (metric === 'alarm' && !device.values.alarm && device.values.state) {
      return { ...value_line(tr, 'state', device.values.state), metric: 'alarm' };
    }
    const line = value_line(tr, metric, device.values[metric]);
    if (metric === 'event' && typeof device.values.event_confidence?.value === 'number' &&
        device.values.event) {
      line.text += ` (${Math.round(device.values.event_confidence.value * 100)}%)`;
    }
    return line;
  });
}

// "12 秒前" / "12 s ago": coarse enough that a repaint every second changes little.
export function relative_time(tr, then, now) {
  if (then === null || then === undefined) return tr.t('never_seen');
  const s = Math.max(0, Math.floor((now - then) / 1000));
  if (s < 5) return tr.t('just_now');
  if (s < 60) return tr.t('seconds_ago', { n: s });
  const m = Math.floor(s / 60);
  if (m < 60) return tr.t('minutes_ago', { n: m });
  const h = Math.floor(m / 60);
  if (h < 48) return tr.t('hours_ago', { n: h });
  return tr.t('days_ago', { n: Math.floor(h / 24) });
}

const clock_formats = new Map();

// A wall-clock time in the school's own time zone, e.g. "11-23 14:05:09".
export function clock_time(ms, time_zone) {
  if (typeof ms !== 'number' || !ms) return '—';
  let fmt = clock_formats.get(time_zone);
  if (!fmt) {
    try {
      fmt = new Intl.DateTimeFormat('en-CA', {
        timeZone: time_zone, month: '2-digit', day: '2-digit', hour: '2-digit',
        minute: '2-digit', second: '2-digit', hourCycle: 'h23',
      });
    } catch (e) {
      // An unknown zone name from the configuration: fall back to the browser's zone.
      console.warn('time zone', time_zone, e);
      fmt = new Intl.DateTimeFormat('en-CA', {
        month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit',
        second: '2-digit', hourCycle: 'h23',
      });
    }
    clock_formats.set(time_zone, fmt);
  }
  const p = Object.fromEntries(fmt.formatToParts(new Date(ms)).map((x) => [x.type, x.value]));
  return `${p.month}-${p.day} ${p.hour}:${p.minute}:${p.second}`;
}

// The value an alert carries, with the unit of the device's current reading of that metric.
export function alert_value(tr, alert, device) {
  if (alert.value === null || alert.value === undefined) return '—';
  if (typeof alert.value !== 'number') return tr.state(alert.metric, alert.value);
  const key = alert.subject ? `${alert.metric}/${alert.subject}` : alert.metric;
  const unit = unit_of(alert.metric, device?.values[key]?.unit ?? device?.values[alert.metric]?.unit);
  return unit ? `${format_number(alert.value)} ${unit}` : format_number(alert.value);
}
