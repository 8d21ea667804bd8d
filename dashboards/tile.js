// One device tile: built once, then patched in place. Each tile keeps references to the nodes
// it changes and the last text it wrote, so a repaint touches only what differs — a district
// can have thousands of tiles and readings arrive many times a second.

import { relative_time, tile_lines } from './format.js';

const el = (doc, tag, cls, text) => {
  const e = doc.createElement(tag);
  if (cls) e.className = cls;
  if (text !== undefined) e.textContent = text;
  return e;
};

const set_text = (node, text) => {
  if (node.textContent !== text) node.textContent = text;
};
const set_attr = (node, name, value) => {
  if (value === null || value === undefined) {
    if (node.hasAttribute(name)) node.removeAttribute(name);
  } else if (node.getAttribute(name) !== value) {
    node.setAttribute(name, value);
  }
};

export class device_tile {
  constructor(doc, device) {
    this.doc = doc;
    this.id = device.id;
    this.root = el(doc, 'article', 'tile');
    this.root.id = `tile-${device.id}`;
    this.root.tabIndex = -1;  // focus target when an alert entry points at it
    this.root.setAttribute('data-testid', `tile-${device.id}`);
    const head = el(doc, 'header', 'tile-head');
    this.name = el(doc, 'h4', 'tile-name');
    this.name.id = `tile-name-${device.id}`;
    this.root.setAttribute('aria-labelledby', this.name.id);
    this.badge = el(doc, 'span', 'badge');
    this.badge.setAttribute('data-testid', `status-${device.id}`);
    head.append(this.name, this.badge);
    this.family = el(doc, 'p', 'tile-family');
    this.values = el(doc, 'dl', 'tile-values');
    this.rows = new Map();  // metric → {row, dt, num, unit}
    const foot = el(doc, 'div', 'tile-foot');
    const seen = el(doc, 'p', 'tile-seen');
    this.seen_label = el(doc, 'span', 'seen-label');
    this.seen = el(doc, 'time', 'seen-time');
    this.seen.setAttribute('data-testid', `seen-${device.id}`);
    seen.append(this.seen_label, ' ', this.seen);
    // The keyboard's way to the history panel; a click anywhere on the tile does the same.
    this.history_button = el(doc, 'button', 'tile-history');
    this.history_button.type = 'button';
    this.history_button.setAttribute('data-testid', `history-open-${device.id}`);
    foot.append(seen, this.history_button);
    this.root.append(head, this.family, this.values, foot);
    this.on_open = null;  // (device id, element to refocus) → void, set by the view
    this.root.addEventListener('click', () => this.on_open?.(this.id, this.history_button));
  }

  // Repaints the tile from the device and its worst active alert (or null).
  paint(tr, device, worst, now) {
    set_text(this.name, tr.name(device));
    set_text(this.family, tr.family(device.family));
    set_attr(this.root, 'data-status', device.status);
    set_attr(this.root, 'data-severity', worst ? worst.severity : null);
    // The badge says in words what the colour says: status, or the alert's colour.
    set_text(this.badge, worst
      ? tr.t('alert_badge', { sev: tr.severity_short(worst.severity) })
      : tr.t(`status_${device.status}`));
    set_attr(this.badge, 'title', worst ? tr.rule_name(worst) : null);

    const lines = tile_lines(tr, device);
    const keys = lines.map((l) => l.metric).join('|');
    if (keys !== this.keys_) this.rebuild_rows_(lines);
    for (const line of lines) {
      const r = this.rows.get(line.metric);
      set_text(r.dt, line.label);
      set_text(r.num, line.text);
      set_text(r.unit, line.unit);
      set_attr(r.row, 'data-abnormal', line.abnormal ? 'true' : null);
      set_attr(r.dd, 'title', line.title ?? null);
    }
    set_text(this.seen_label, tr.t('last_seen'));
    set_text(this.history_button, tr.t('history_open'));
    set_attr(this.history_button, 'aria-label', tr.t('history_open_label', { name: tr.name(device) }));
    this.tick(tr, device, now);
  }

  // Only the "last seen" text: called every second for every tile.
  tick(tr, device, now) {
    set_text(this.seen, relative_time(tr, device.last_seen, now));
    if (device.last_seen !== this.seen_ms_) {
      this.seen_ms_ = device.last_seen;
      set_attr(this.seen, 'datetime',
        device.last_seen ? new Date(device.last_seen).toISOString() : null);
    }
  }

  rebuild_rows_(lines) {
    this.keys_ = lines.map((l) => l.metric).join('|');
    this.values.replaceChildren();
    this.rows.clear();
    for (const line of lines) {
      const row = el(this.doc, 'div', 'tile-value');
      row.dataset.metric = line.metric;
      const dt = el(this.doc, 'dt');
      const dd = el(this.doc, 'dd');
      dd.setAttribute('data-testid', `value-${this.id}-${line.metric}`);
      const num = el(this.doc, 'span', 'num');
      const unit = el(this.doc, 'span', 'unit');
      dd.append(num, ' ', unit);
      row.append(dt, dd);
      this.values.append(row);
      this.rows.set(line.metric, { row, dt, dd, num, unit });
    }
  }
}
