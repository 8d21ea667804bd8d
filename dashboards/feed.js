// The live alert feed: the open entries of the hazard ledger, the urgent first (red and orange
// whose condition is active, then red and orange cleared but still open, then the others; newest
// first within each), one per entry id (each /ws message replaces the entry in place; a closed
// entry leaves). Each shows its number, colour, condition and handling state, who has been told
// and who is next, the one-hour report countdown of orange and red alerts, and the action buttons
// with their inline form. Entries are keyed by id and patched, so a storm of updates repaints
// little.
//
// The summary strip's counters narrow the feed to the entries they count (set_filter): the
// others are hidden, and a line above the list says what is shown, with a way back to all.

import { alert_value, clock_time, format_number } from './format.js';
import { actions, allowed_actions, closure_status, countdown, report_status } from './handling.js';
import { action_form } from './action_form.js';
import { may } from './session.js';
import { peak_severity, severity_words } from './state.js';

// How many entries the feed shows; the model keeps more, the rest are counted below the list.
const feed_limit = 200;

const set_text = (node, text) => {
  if (node.textContent !== text) node.textContent = text;
};

const set_attr = (node, name, value) => {
  if (value === null || value === undefined) node.removeAttribute(name);
  else if (node.getAttribute(name) !== value) node.setAttribute(name, value);
};

// One line per person told at one step: a person told by SMS and on the dashboard at the same
// moment reads "王芳（值班领导）· 短信、看板", not twice.
export function told_groups(told) {
  const out = [];
  for (const t of told) {
    const last = out[out.length - 1];
    if (last && last.step === t.step && last.role === t.role && last.at === t.at &&
        last.nobody_on_duty === t.nobody_on_duty && (last.person?.id ?? '') === (t.person?.id ?? '')) {
      if (!last.channels.includes(t.channel)) last.channels.push(t.channel);
    } else {
      out.push({ ...t, channels: [t.channel] });
    }
  }
  return out;
}

// The urgency of an entry: 0 red or orange and active, 1 red or orange cleared (still to be
// handled, its one-hour report still running), 2 any other active, 3 any other cleared. The
// colour is the peak (state.js peak_severity): a red fallen back to yellow is still red.
export function urgency(entry) {
  const peak = peak_severity(entry);
  const grave = peak === 'red' || peak === 'orange';
  return (grave ? 0 : 2) + (entry.condition === 'active' ? 0 : 1);
}

const severity_order = { red: 0, orange: 1, yellow: 2, blue: 3 };

// The feed's order from the model's newest-first list: by urgency, red before orange within
// one urgency, then as given (newest first). Pure; the given array is not changed.
export function feed_order(newest_first) {
  return newest_first
    .map((entry, i) => ({ entry, i }))
    .sort((a, b) => urgency(a.entry) - urgency(b.entry) ||
      (severity_order[peak_severity(a.entry)] ?? 9) - (severity_order[peak_severity(b.entry)] ?? 9) ||
      a.i - b.i)
    .map((x) => x.entry);
}

// What each counter of the summary strip counts (state.js counts()), as a test of an entry: the
// feed shows exactly these when the counter is pressed. Colours are peaks, as the feed shows
// them (and as GET /api/alerts?severity= matches).
export const feed_filters = {
  alerting: (a) => a.condition === 'active' && Boolean(a.device),
  unacknowledged: (a) => a.state === 'new',
  red: (a) => a.condition === 'active' && peak_severity(a) === 'red',
  orange: (a) => a.condition === 'active' && peak_severity(a) === 'orange',
  yellow: (a) => a.condition === 'active' && peak_severity(a) === 'yellow',
  blue: (a) => a.condition === 'active' && peak_severity(a) === 'blue',
};

export class alert_feed {
  constructor(doc, list, more, empty, announcer) {
    this.doc = doc;
    this.list = list;          // <ol>
    this.more = more;          // "N older alerts not shown"
    this.empty = empty;        // "No alerts"
    this.announcer = announcer;  // a polite live region for screen readers
    this.items = new Map();    // entry id → {li, parts, entry, form}
    this.on_locate = null;     // (device id, site id) → void, set by the page
    this.tr = null;
    this.model = null;
    this.user = null;          // the signed-in user: which action buttons an entry gets
    this.filter = null;        // a key of feed_filters: only the entries a counter counts
    // "Only …: n · show all", above the list while a filter is on.
    this.filter_bar = doc.createElement('p');
    this.filter_bar.className = 'feed-filter';
    this.filter_bar.setAttribute('data-testid', 'feed-filter');
    this.filter_bar.hidden = true;
    this.filter_text = doc.createElement('span');
    this.filter_clear = doc.createElement('button');
    this.filter_clear.type = 'button';
    this.filter_clear.className = 'feed-filter-clear';
    this.filter_clear.setAttribute('data-testid', 'feed-filter-clear');
    this.filter_clear.addEventListener('click', () => {
      this.set_filter(null);
      this.on_filter?.(null);
    });
    this.filter_bar.append(this.filter_text, ' ', this.filter_clear);
    list.before(this.filter_bar);
    this.on_filter = null;     // (key or null) → void: the filter changed from inside the feed
  }

  // Shows only the entries a summary counter counts (a key of feed_filters), or all (null).
  set_filter(key) {
    this.filter = key && feed_filters[key] ? key : null;
    if (this.tr && this.model) this.reorder(this.tr, this.model);
  }

  // The first entry shown (in the filter, if one is on), or null.
  first_shown() {
    for (const li of this.list.children) if (!li.hidden) return li;
    return null;
  }

  // A new user: the caller repaints everything (repaint_all), which rebuilds the buttons.
  set_user(user) {
    this.user = user;
    this.filter = null;
  }

  // Rebuilds every entry (snapshot, language switch). Open forms are dropped: their words
  // would be in the old language, and a snapshot may have closed their entry.
  repaint_all(tr, model) {
    this.list.replaceChildren();
    this.items.clear();
    this.reorder(tr, model);
  }

  // Repaints the given entry ids; reorders when entries came or went.
  update(tr, model, ids, reorder) {
    this.tr = tr;
    this.model = model;
    const test = this.filter ? feed_filters[this.filter] : null;
    for (const id of ids) {
      const item = this.items.get(id);
      const entry = model.alerts.get(id);
      if (!item || !entry) continue;
      // A change of colour or condition moves the entry; one of handling may take it out of
      // (or into) the filter.
      if (urgency(item.entry) !== urgency(entry) || peak_severity(item.entry) !== peak_severity(entry)) {
        reorder = true;
      }
      if (test && test(item.entry) !== test(entry)) reorder = true;
      this.paint_(tr, model, item, entry, Date.now());
    }
    if (reorder) this.reorder(tr, model);
  }

  reorder(tr, model) {
    this.tr = tr;
    this.model = model;
    const all = feed_order(model.alerts_newest_first());
    const shown = all.slice(0, feed_limit);
    const test = this.filter ? feed_filters[this.filter] : null;
    const keep = new Set(shown.map((a) => a.id));
    for (const [id, item] of this.items) {
      if (!keep.has(id)) {
        item.li.remove();
        this.items.delete(id);
      }
    }
    const now = Date.now();
    // Walk the wanted order, moving or inserting only entries that are out of place.
    let cursor = this.list.firstElementChild;
    for (const entry of shown) {
      let item = this.items.get(entry.id);
      if (!item) {
        item = this.create_(entry);
        this.paint_(tr, model, item, entry, now);
        this.items.set(entry.id, item);
        if (model.ready && entry.condition === 'active') this.announce_(tr, model, entry);
      }
      item.li.hidden = test !== null && !test(entry);
      if (item.li === cursor) {
        cursor = cursor.nextElementSibling;
      } else {
        this.list.insertBefore(item.li, cursor);
      }
    }
    const hidden = all.length - shown.length;
    this.more.hidden = hidden <= 0;
    this.more.textContent = hidden > 0 ? tr.t('feed_more', { n: hidden }) : '';
    const matched = test ? all.filter(test).length : all.length;
    this.empty.hidden = matched > 0;
    this.empty.textContent = tr.t(test && all.length ? 'feed_filter_none' : 'feed_empty');
    this.filter_bar.hidden = test === null;
    this.list.dataset.filter = this.filter ?? '';
    if (test) {
      const what = this.filter === 'alerting' || this.filter === 'unacknowledged'
        ? tr.t(`summary_${this.filter}`) : tr.severity(this.filter);
      this.filter_text.textContent = tr.t('feed_filter_label', { what, n: matched });
      this.filter_clear.textContent = tr.t('feed_filter_clear');
    }
  }

  // Once a second: the report countdowns.
  tick(tr, now) {
    for (const item of this.items.values()) {
      if (item.entry.report) this.paint_report_(tr, item, item.entry, now);
    }
  }

  create_(entry) {
    const d = this.doc;
    const li = d.createElement('li');
    li.className = 'alert';
    li.setAttribute('data-testid', `alert-${entry.id}`);
    li.innerHTML =
      '<div class="alert-head"><span class="sev"></span>' +
      '<span class="display-id" data-testid="alert-display-id"></span>' +
      '<span class="cond" data-testid="alert-condition"></span>' +
      '<span class="handling" data-testid="alert-state"></span></div>' +
      '<p class="alert-rule"><span class="rule-text"></span>' +
      '<span class="occurrences" data-testid="alert-occurrences"></span></p>' +
      '<p class="alert-where"><button type="button" class="locate"></button></p>' +
      '<p class="alert-value" data-testid="alert-value"></p>' +
      '<p class="alert-time"></p>' +
      '<p class="alert-handled" data-testid="alert-handled"></p>' +
      '<div class="alert-told" data-testid="alert-told"><ul class="told-list"></ul>' +
      '<p class="told-next" data-testid="alert-next"></p></div>' +
      '<p class="alert-report" data-testid="alert-report"></p>' +
      '<div class="alert-actions"></div>';
    const q = (sel) => li.querySelector(sel);
    const parts = {
      sev: q('.sev'), display_id: q('.display-id'), cond: q('.cond'), handling: q('.handling'),
      rule: q('.rule-text'), occurrences: q('.occurrences'), locate: q('.locate'),
      value: q('.alert-value'), time: q('.alert-time'), handled: q('.alert-handled'),
      told: q('.alert-told'), told_list: q('.told-list'), next: q('.told-next'),
      report: q('.alert-report'), actions: q('.alert-actions'), buttons: new Map(),
    };
    const item = { li, parts, entry, form: null };
    for (const a of actions) {
      if (!may(this.user, a.id)) continue;  // a viewer's entries carry no buttons at all
      const b = d.createElement('button');
      b.type = 'button';
      b.className = `action action-${a.id}`;
      b.setAttribute('data-testid', `action-${a.id}`);
      b.addEventListener('click', () => this.open_form_(item, a.id, b));
      parts.actions.append(b);
      parts.buttons.set(a.id, b);
    }
    parts.actions.hidden = parts.buttons.size === 0;
    parts.locate.addEventListener('click', () => {
      if (this.on_locate) this.on_locate(item.entry.device, item.entry.site);
    });
    return item;
  }

  open_form_(item, action, button) {
    if (!item.form) {
      item.form = new action_form(this.doc);
      item.li.append(item.form.root);
    }
    item.form.on_close = () => {
      if (button.isConnected) button.focus();
    };
    const tz = this.model?.site(item.entry.site)?.time_zone ?? 'Asia/Shanghai';
    item.form.open(this.tr, item.entry, action, tz);
  }

  paint_(tr, model, item, entry, now) {
    item.entry = entry;
    const { li, parts } = item;
    const site = model.site(entry.site);
    const zone = model.zone(entry.site, entry.zone);
    const device = entry.device ? model.device(entry.device) : null;
    // The peak colour (data-severity) and, while it differs, the current one.
    set_attr(li, 'data-severity', peak_severity(entry));
    set_attr(li, 'data-severity-now', entry.severity !== peak_severity(entry) ? entry.severity : null);
    set_attr(li, 'data-condition', entry.condition);
    set_attr(li, 'data-state', entry.state);
    set_attr(li, 'data-kind', entry.kind);
    set_attr(li, 'data-device', entry.device || null);
    set_text(parts.sev, severity_words(tr, entry));
    set_text(parts.display_id, entry.display_id);
    set_text(parts.cond, tr.t(entry.condition === 'cleared' ? 'condition_cleared' : 'condition_active'));
    // Not yet in the ledger: nothing can be done to it until it is (it is retried each second).
    set_text(parts.handling, entry.recorded ? tr.handling(entry.state) : tr.t('unrecorded'));
    set_attr(li, 'data-recorded', entry.recorded ? null : 'false');
    parts.actions.hidden = !entry.recorded || parts.buttons.size === 0;
    set_attr(parts.handling, 'data-state', entry.state);
    set_text(parts.rule, entry.kind === 'manual'
      ? `${tr.t('manual_hazard')} · ${entry.title || tr.rule_name(entry)}` : tr.rule_name(entry));
    set_text(parts.occurrences, entry.occurrences > 1 ? tr.t('occurrences', { n: entry.occurrences }) : '');
    parts.occurrences.hidden = entry.occurrences <= 1;

    const where = [tr.name(site ?? { id: entry.site })];
    if (entry.zone) where.push(tr.name(zone ?? { id: entry.zone }));
    if (entry.device) where.push(tr.name(device ?? { id: entry.device }));
    set_text(parts.locate, where.join(' › ') + (entry.subject ? ` · ${entry.subject}` : ''));

    let value = '';
    if (entry.value !== null) {
      value = `${tr.t('value')} ${alert_value(tr, entry, device)}`;
      if (entry.threshold !== null) value += tr.t('threshold_note', { v: format_number(entry.threshold) });
      if (entry.peak_value !== null && entry.peak_value !== entry.value) {
        value += tr.t('peak_value_note', { v: alert_value(tr, { ...entry, value: entry.peak_value }, device) });
      }
    }
    set_text(parts.value, value);
    parts.value.hidden = !value;

    const tz = site?.time_zone ?? 'Asia/Shanghai';
    let time = `${tr.t('raised_at')} ${clock_time(entry.raised_at, tz)}`;
    if (entry.condition === 'cleared' && entry.cleared_at) {
      time += ` · ${tr.t('cleared_at')} ${clock_time(entry.cleared_at, tz)}`;
    }
    set_text(parts.time, time);

    const handled = [];
    if (entry.acknowledged_by) {
      handled.push(tr.t('acknowledged_by', { who: entry.acknowledged_by, at: clock_time(entry.acknowledged_at, tz) }));
    }
    if (entry.rectified_by) {
      handled.push(tr.t('rectified_by', { who: entry.rectified_by, at: clock_time(entry.rectified_at, tz) }));
    }
    if (entry.responsible) handled.push(tr.t('responsible', { who: entry.responsible }));
    if (entry.deadline) handled.push(tr.t('deadline', { at: clock_time(entry.deadline, tz) }));
    if (entry.overdue) handled.push(tr.t('overdue'));
    // Rectified: it waits for someone else's 复核验收; the rectifier is told why 销号 is off.
    const closure = closure_status(entry, this.user);
    if (closure) {
      handled.push(tr.t('closure_waiting'));
      if (closure.self) handled.push(tr.t('closure_self'));
    }
    set_text(parts.handled, handled.join(' · '));
    parts.handled.hidden = handled.length === 0;
    set_attr(li, 'data-overdue', entry.overdue ? 'true' : null);

    this.paint_told_(tr, parts, entry, tz);
    this.paint_report_(tr, item, entry, now);

    const allowed = allowed_actions(entry, this.user);
    for (const [id, b] of parts.buttons) {
      set_text(b, tr.t(`action_${id}`));
      b.disabled = !allowed[id] || !may(this.user, id, entry.site);
      // Only the report button is about orange/red entries: hide it on the others.
      if (id === 'report') b.hidden = entry.report === null;
    }
    item.form?.update(tr, entry);
  }

  // Who has been told (name, role, channel, time; gaps flagged) and who is next, and when.
  paint_told_(tr, parts, entry, tz) {
    const e = entry.escalation;
    parts.told.hidden = e === null;
    if (e === null) return;
    const d = this.doc;
    const lines = told_groups(e.told).map((t) => {
      const li = d.createElement('li');
      li.className = 'told';
      const at = clock_time(t.at, tz);
      const channel = t.channels.map((c) => tr.channel(c)).join(tr.t('list_sep'));
      if (t.nobody_on_duty) {
        li.classList.add('told-gap');
        li.setAttribute('data-testid', 'told-gap');
        li.textContent = `⚠ ${tr.t('nobody_on_duty')} · ${tr.role(t.role)} · ${channel} · ${at}`;
      } else if (!t.role) {
        // A step without roles: the site dashboard, nobody in particular.
        li.textContent = `${tr.t('dashboard_only')} · ${at}`;
      } else {
        const name = t.person?.name || t.person?.id || '';
        li.textContent = `${tr.t('told_person', { name, role: tr.role(t.role) })} · ${channel} · ${at}`;
      }
      return li;
    });
    if (!lines.length) {
      const li = d.createElement('li');
      li.className = 'told-none';
      li.textContent = tr.t('told_none');
      lines.push(li);
    }
    const heading = d.createElement('li');
    heading.className = 'told-heading';
    heading.textContent = tr.t('told_heading');
    parts.told_list.replaceChildren(heading, ...lines);

    const n = e.next;
    let next = '';
    if (n) {
      const sep = tr.t('list_sep');
      const roles = n.roles.length ? n.roles.map((r) => tr.role(r)).join(sep) : tr.t('dashboard_only');
      const channels = n.channels.map((c) => tr.channel(c)).join(sep);
      next = n.at ? tr.t('next_step', { at: clock_time(n.at, tz), roles, channels })
        : tr.t('next_step_now', { roles, channels });
    }
    set_text(parts.next, next);
    parts.next.hidden = !next;
  }

  paint_report_(tr, item, entry, now) {
    const p = item.parts.report;
    const s = report_status(entry, now);
    set_attr(p, 'data-report', s ? s.kind : null);
    p.hidden = s === null;
    if (!s) return;
    const tz = this.model?.site(entry.site)?.time_zone ?? 'Asia/Shanghai';
    if (s.kind === 'pending') set_text(p, tr.t('report_left', { t: countdown(s.remaining_ms) }));
    else if (s.kind === 'overdue') set_text(p, tr.t('report_overdue'));
    else if (s.by) set_text(p, tr.t('report_done_by', { at: clock_time(s.at, tz), who: s.by }));
    else set_text(p, tr.t('report_done', { at: clock_time(s.at, tz) }));
  }

  announce_(tr, model, entry) {
    if (!this.announcer) return;
    const device = entry.device ? model.device(entry.device) : null;
    const what = device ? tr.name(device) : tr.name(model.site(entry.site) ?? { id: entry.site });
    this.announcer.textContent =
      `${severity_words(tr, entry)} ${entry.display_id}: ${tr.rule_name(entry)}, ${what}`;
  }
}
