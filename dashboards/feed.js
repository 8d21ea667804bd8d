// The live alert feed: newest first, one entry per alert id (an update or a clear replaces the
// entry in place). Entries are keyed by id and patched, so a storm of updates repaints little.

import { alert_value, clock_time, format_number } from './format.js';

// How many entries the feed shows; the model keeps more, the rest are counted below the list.
const feed_limit = 200;

export class alert_feed {
  constructor(doc, list, more, empty, announcer) {
    this.doc = doc;
    this.list = list;          // <ol>
    this.more = more;          // "N older alerts not shown"
    this.empty = empty;        // "No alerts"
    this.announcer = announcer;  // a polite live region for screen readers
    this.entries = new Map();  // alert id → <li>
    this.on_locate = null;     // (device id, site id) → void, set by the page
  }

  // Rebuilds every entry (snapshot, language switch).
  repaint_all(tr, model) {
    this.list.replaceChildren();
    this.entries.clear();
    this.reorder(tr, model);
  }

  // Repaints the given alert ids; reorders when alerts came or went.
  update(tr, model, ids, reorder) {
    for (const id of ids) {
      const li = this.entries.get(id);
      const alert = model.alerts.get(id);
      if (li && alert) this.paint_(tr, model, li, alert);
    }
    if (reorder) this.reorder(tr, model);
  }

  reorder(tr, model) {
    const all = model.alerts_newest_first();
    const shown = all.slice(0, feed_limit);
    const keep = new Set(shown.map((a) => a.id));
    for (const [id, li] of this.entries) {
      if (!keep.has(id)) {
        li.remove();
        this.entries.delete(id);
      }
    }
    // Walk the wanted order, moving or inserting only entries that are out of place.
    let cursor = this.list.firstElementChild;
    for (const alert of shown) {
      let li = this.entries.get(alert.id);
      if (!li) {
        li = this.create_(alert);
        this.paint_(tr, model, li, alert);
        this.entries.set(alert.id, li);
        if (model.ready && alert.condition === 'active') this.announce_(tr, model, alert);
      }
      if (li === cursor) {
        cursor = cursor.nextElementSibling;
      } else {
        this.list.insertBefore(li, cursor);
      }
    }
    const hidden = all.length - shown.length;
    this.more.hidden = hidden <= 0;
    this.more.textContent = hidden > 0 ? tr.t('feed_more', { n: hidden }) : '';
    this.empty.hidden = all.length > 0;
    this.empty.textContent = tr.t('feed_empty');
  }

  create_(alert) {
    const d = this.doc;
    const li = d.createElement('li');
    li.className = 'alert';
    li.setAttribute('data-testid', `alert-${alert.id}`);
    li.innerHTML =
      '<div class="alert-head"><span class="sev"></span><span class="cond"></span></div>' +
      '<p class="alert-rule"></p>' +
      '<p class="alert-where"><button type="button" class="locate"></button></p>' +
      '<p class="alert-value"></p>' +
      '<p class="alert-time"></p>';
    li.querySelector('.locate').addEventListener('click', () => {
      const a = this.current_.get(li);
      if (a && this.on_locate) this.on_locate(a.device, a.site);
    });
    return li;
  }

  paint_(tr, model, li, alert) {
    if (!this.current_) this.current_ = new WeakMap();
    this.current_.set(li, alert);
    const site = model.site(alert.site);
    const zone = model.zone(alert.site, alert.zone);
    const device = model.device(alert.device);
    li.setAttribute('data-severity', alert.severity);
    li.setAttribute('data-condition', alert.condition);
    li.querySelector('.sev').textContent = tr.severity(alert.severity);
    li.querySelector('.cond').textContent =
      tr.t(alert.condition === 'cleared' ? 'condition_cleared' : 'condition_active');
    li.querySelector('.alert-rule').textContent = tr.rule_name(alert);
    li.querySelector('.locate').textContent = [
      tr.name(site ?? { id: alert.site }),
      tr.name(zone ?? { id: alert.zone }),
      tr.name(device ?? { id: alert.device }),
    ].join(' › ') + (alert.subject ? ` · ${alert.subject}` : '');
    let value = `${tr.t('value')} ${alert_value(tr, alert, device)}`;
    if (alert.threshold !== null) value += tr.t('threshold_note', { v: format_number(alert.threshold) });
    li.querySelector('.alert-value').textContent = value;
    const tz = site?.time_zone ?? 'Asia/Shanghai';
    let time = `${tr.t('raised_at')} ${clock_time(alert.raised_at, tz)}`;
    if (alert.condition === 'cleared' && alert.cleared_at) {
      time += ` · ${tr.t('cleared_at')} ${clock_time(alert.cleared_at, tz)}`;
    }
    li.querySelector('.alert-time').textContent = time;
  }

  announce_(tr, model, alert) {
    if (!this.announcer) return;
    const device = model.device(alert.device);
    this.announcer.textContent =
      `${tr.severity(alert.severity)}: ${tr.rule_name(alert)}, ${tr.name(device ?? { id: alert.device })}`;
  }
}
