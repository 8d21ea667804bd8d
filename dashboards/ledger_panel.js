// The hazard ledger view (隐患台账): a modal <dialog> over the page with three faces —
//  - list: filters (school, zone, device type, colour, condition, handling incl. open/closed,
//    overdue only, raised from/to in the school's time zone), a page of GET /api/alerts rows
//    with the total, previous/next;
//  - detail: one entry from GET /api/alerts/{id} with its actions and its transitions timeline;
//  - register: the 登记隐患 form for patrol findings (POST /api/hazards).
// Its state for tests and tools is on attributes: data-view (list | detail | register) and
// data-state (loading | ready | empty | error). Answers of superseded queries are dropped.

import { clock_time, format_number, alert_value } from './format.js';
import { actions, allowed_actions, countdown, entry_url, ledger_url, page_of, page_size,
         refusal_text, report_status, transition_text } from './handling.js';
import { action_form, post_json, remember_name, remembered_name } from './action_form.js';
import { normalize_entry, normalize_transition, severities } from './state.js';
import { zoned_input_to_ms } from './history.js';

const el = (doc, tag, cls, attrs = {}) => {
  const e = doc.createElement(tag);
  if (cls) e.className = cls;
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
  return e;
};

const option = (value, label) => new Option(label, value);

// Fills a <select>, keeping its value when it is still offered.
function fill(select, options) {
  const keep = select.value;
  select.replaceChildren(...options);
  if (options.some((o) => o.value === keep)) select.value = keep;
}

async function get_json(url, signal) {
  const res = await fetch(url, { signal, headers: { accept: 'application/json' } });
  const body = await res.json().catch(() => null);
  if (!res.ok) throw new Error(refusal_text(res.status, body, res.statusText));
  return body;
}

export class ledger_panel {
  constructor(doc, model, tr) {
    this.doc = doc;
    this.model = model;
    this.tr = tr;
    this.view = 'list';
    this.offset = 0;
    this.answer = null;      // the last list answer {alerts, total}
    this.detail = null;      // {alert, transitions} of the entry shown
    this.detail_id = null;
    this.seq = 0;
    this.abort = null;
    this.opener = null;
    this.refresh_timer = 0;
    this.build_();
  }

  get is_open() { return this.dialog.open; }

  open(opener) {
    this.opener = opener ?? null;
    this.paint_static_();
    this.fill_filters_();
    if (!this.dialog.open) this.dialog.showModal();
    this.show_list_();
  }

  // Shows one entry's detail (from a row, or from elsewhere on the page).
  open_entry(id, opener) {
    if (!this.dialog.open) {
      this.opener = opener ?? null;
      this.paint_static_();
      this.fill_filters_();
      this.dialog.showModal();
    }
    this.show_detail_(id);
  }

  close() {
    if (this.dialog.open) this.dialog.close();
  }

  set_language(tr) {
    this.tr = tr;
    if (!this.dialog.open) return;
    this.paint_static_();
    this.fill_filters_();
    if (this.view === 'list') this.paint_list_();
    else if (this.view === 'detail') this.paint_detail_();
  }

  // Entries changed on /ws: the detail shown is fetched again (its timeline grew), and the list
  // soon after (once per burst).
  alerts_changed(ids) {
    if (!this.dialog.open) return;
    if (this.view === 'detail') {
      if (ids.has(this.detail_id)) this.load_detail_(this.detail_id);
      return;
    }
    if (this.view === 'list' && ids.size) {
      clearTimeout(this.refresh_timer);
      this.refresh_timer = setTimeout(() => this.view === 'list' && this.dialog.open && this.load_list_(), 400);
    }
  }

  // The time zone the date inputs and times mean: the chosen school's, else the first school's.
  time_zone_() {
    const s = this.model.site(this.f.site.value) ?? this.model.sites[0];
    return s?.time_zone ?? 'Asia/Shanghai';
  }

  build_() {
    const doc = this.doc;
    const d = el(doc, 'dialog', 'ledger', { 'data-testid': 'ledger-panel', 'aria-labelledby': 'ledger-title' });
    const head = el(doc, 'div', 'ledger-head');
    this.title = el(doc, 'h2', 'ledger-title', { id: 'ledger-title' });
    this.register_button = el(doc, 'button', 'ledger-register', { type: 'button', 'data-testid': 'register-open' });
    this.close_button = el(doc, 'button', 'history-close', { type: 'button', 'data-testid': 'ledger-close' });
    this.close_button.textContent = '×';
    const head_buttons = el(doc, 'div', 'ledger-head-buttons');
    head_buttons.append(this.register_button, this.close_button);
    head.append(this.title, head_buttons);

    // Filters.
    this.filters = el(doc, 'form', 'ledger-filters', { 'data-testid': 'ledger-filters' });
    this.f = {};
    this.f_labels = {};
    const field = (key, input) => {
      const label = el(doc, 'label');
      const span = el(doc, 'span');
      this.f_labels[key] = span;
      input.setAttribute('data-testid', `ledger-filter-${key}`);
      label.append(span, input);
      this.f[key] = input;
      this.filters.append(label);
    };
    for (const key of ['site', 'zone', 'family', 'severity', 'condition', 'state']) field(key, el(doc, 'select'));
    field('from', el(doc, 'input', null, { type: 'datetime-local' }));
    field('to', el(doc, 'input', null, { type: 'datetime-local' }));
    const overdue = el(doc, 'input', null, { type: 'checkbox' });
    field('overdue', overdue);
    this.f_labels.overdue.parentElement.classList.add('ledger-check');
    this.f_labels.overdue.parentElement.append(this.f_labels.overdue);  // box before its words
    this.apply_button = el(doc, 'button', 'range', { type: 'submit', 'data-testid': 'ledger-apply' });
    this.reset_button = el(doc, 'button', 'range', { type: 'button', 'data-testid': 'ledger-reset' });
    this.filters.append(this.apply_button, this.reset_button);
    this.filters.addEventListener('submit', (ev) => {
      ev.preventDefault();
      this.offset = 0;
      this.load_list_();
    });
    this.f.site.addEventListener('change', () => this.fill_zones_(this.f.zone, this.f.site.value, true));
    this.reset_button.addEventListener('click', () => {
      for (const key of ['site', 'zone', 'family', 'severity', 'condition', 'state', 'from', 'to']) this.f[key].value = '';
      this.f.overdue.checked = false;
      this.offset = 0;
      this.load_list_();
    });

    // List.
    this.list_box = el(doc, 'section', 'ledger-list');
    this.status = el(doc, 'p', 'ledger-status', { 'data-testid': 'ledger-total' });
    this.message = el(doc, 'p', 'history-message', { 'data-testid': 'ledger-message' });
    this.table = el(doc, 'table', 'ledger-table');
    this.thead = el(doc, 'thead');
    this.rows = el(doc, 'tbody', null, { 'data-testid': 'ledger-rows' });
    this.table.append(this.thead, this.rows);
    const pager = el(doc, 'div', 'ledger-pager');
    this.prev = el(doc, 'button', 'range', { type: 'button', 'data-testid': 'ledger-prev' });
    this.next = el(doc, 'button', 'range', { type: 'button', 'data-testid': 'ledger-next' });
    this.page_text = el(doc, 'span', 'ledger-page', { 'data-testid': 'ledger-page' });
    pager.append(this.prev, this.page_text, this.next);
    this.prev.addEventListener('click', () => {
      this.offset = Math.max(0, this.offset - page_size);
      this.load_list_();
    });
    this.next.addEventListener('click', () => {
      this.offset += page_size;
      this.load_list_();
    });
    this.list_box.append(this.filters, this.status, this.message, this.table, pager);

    // Detail.
    this.detail_box = el(doc, 'section', 'ledger-detail', { 'data-testid': 'ledger-detail' });
    this.back = el(doc, 'button', 'range ledger-back', { type: 'button', 'data-testid': 'ledger-back' });
    this.back.addEventListener('click', () => this.show_list_());
    this.detail_body = el(doc, 'div', 'ledger-detail-body');
    this.detail_actions = el(doc, 'div', 'alert-actions');
    this.detail_buttons = new Map();
    for (const a of actions) {
      const b = el(doc, 'button', `action action-${a.id}`, { type: 'button', 'data-testid': `action-${a.id}` });
      b.addEventListener('click', () => {
        if (this.detail) this.form.open(this.tr, this.detail.alert, a.id);
      });
      this.detail_actions.append(b);
      this.detail_buttons.set(a.id, b);
    }
    this.form = new action_form(doc);
    this.timeline_title = el(doc, 'h3');
    this.timeline = el(doc, 'ol', 'ledger-timeline', { 'data-testid': 'ledger-timeline' });
    this.detail_box.append(this.back, this.detail_body, this.detail_actions, this.form.root,
                           this.timeline_title, this.timeline);

    // Register.
    this.register_box = this.build_register_();

    d.append(head, this.list_box, this.detail_box, this.register_box);
    this.close_button.addEventListener('click', () => this.close());
    this.register_button.addEventListener('click', () => this.show_register_());
    // A click on the backdrop (the dialog itself, outside its content) closes it.
    d.addEventListener('click', (ev) => {
      if (ev.target === d) this.close();
    });
    d.addEventListener('close', () => {
      this.abort?.abort();
      clearTimeout(this.refresh_timer);
      if (this.opener && this.opener.isConnected) this.opener.focus();
    });
    this.doc.body.append(d);
    this.dialog = d;
  }

  build_register_() {
    const doc = this.doc;
    const box = el(doc, 'form', 'ledger-register-form', { 'data-testid': 'register-form' });
    box.noValidate = true;
    this.r = {};
    this.r_labels = {};
    const field = (key, input, wide = false) => {
      const label = el(doc, 'label', wide ? 'wide' : null);
      const span = el(doc, 'span');
      this.r_labels[key] = span;
      input.setAttribute('data-testid', `register-${key}`);
      label.append(span, input);
      this.r[key] = input;
      box.append(label);
    };
    this.register_heading = el(doc, 'h3', 'wide');
    box.append(this.register_heading);
    field('site', el(doc, 'select'));
    field('zone', el(doc, 'select'));
    field('title', el(doc, 'input', null, { maxlength: '200' }), true);
    field('description', el(doc, 'textarea', null, { rows: '3', maxlength: '4000' }), true);
    field('severity', el(doc, 'select'));
    field('responsible', el(doc, 'input', null, { maxlength: '64' }));
    field('deadline', el(doc, 'input', null, { type: 'datetime-local' }));
    field('who', el(doc, 'input', null, { maxlength: '64', autocomplete: 'name' }));
    this.register_error = el(doc, 'p', 'action-form-error wide', { role: 'alert', 'data-testid': 'register-error' });
    const buttons = el(doc, 'div', 'action-form-buttons wide');
    this.register_submit = el(doc, 'button', null, { type: 'submit', 'data-testid': 'register-submit' });
    this.register_cancel = el(doc, 'button', null, { type: 'button', 'data-testid': 'register-cancel' });
    buttons.append(this.register_submit, this.register_cancel);
    box.append(this.register_error, buttons);
    this.r.severity.addEventListener('change', () => { this.r.severity.dataset.touched = 'true'; });
    this.r.site.addEventListener('change', () => this.fill_zones_(this.r.zone, this.r.site.value, false));
    this.register_cancel.addEventListener('click', () => this.show_list_());
    box.addEventListener('submit', (ev) => {
      ev.preventDefault();
      this.register_();
    });
    return box;
  }

  set_view_(view) {
    this.view = view;
    this.dialog.dataset.view = view;
    this.list_box.hidden = view !== 'list';
    this.detail_box.hidden = view !== 'detail';
    this.register_box.hidden = view !== 'register';
  }

  paint_static_() {
    const { tr } = this;
    this.title.textContent = tr.t('ledger_title');
    this.register_button.textContent = tr.t('register_open');
    this.close_button.setAttribute('aria-label', tr.t('close'));
    for (const [key, span] of Object.entries(this.f_labels)) span.textContent = tr.t(`filter_${key}`);
    this.apply_button.textContent = tr.t('filter_apply');
    this.reset_button.textContent = tr.t('filter_reset');
    this.prev.textContent = tr.t('page_prev');
    this.next.textContent = tr.t('page_next');
    this.back.textContent = tr.t('back_to_list');
    this.timeline_title.textContent = tr.t('detail_timeline');
    const head = this.doc.createElement('tr');
    for (const c of ['id', 'severity', 'where', 'what', 'condition', 'state', 'raised', 'occurrences', 'deadline']) {
      const th = el(this.doc, 'th', null, { scope: 'col' });
      th.textContent = tr.t(`col_${c}`);
      head.append(th);
    }
    this.thead.replaceChildren(head);
    this.register_heading.textContent = tr.t('register_title');
    const names = { site: 'register_site', zone: 'register_zone', title: 'register_title_field',
                    description: 'register_description', severity: 'register_severity',
                    responsible: 'register_responsible', deadline: 'register_deadline', who: 'your_name' };
    for (const [key, span] of Object.entries(this.r_labels)) span.textContent = tr.t(names[key]);
    this.register_submit.textContent = tr.t('register_submit');
    this.register_cancel.textContent = tr.t('cancel');
    for (const [id, b] of this.detail_buttons) b.textContent = tr.t(`action_${id}`);
  }

  fill_filters_() {
    const { tr, model } = this;
    const any = () => option('', tr.t('filter_any'));
    fill(this.f.site, [any(), ...model.sites.map((s) => option(s.id, tr.name(s)))]);
    this.fill_zones_(this.f.zone, this.f.site.value, true);
    const families = [...new Set([...model.devices.values()].map((d) => d.family).filter(Boolean))];
    fill(this.f.family, [any(), ...families.map((f) => option(f, tr.family(f)))]);
    fill(this.f.severity, [any(), ...[...severities].reverse().map((s) => option(s, tr.severity(s)))]);
    fill(this.f.condition, [any(), option('active', tr.t('condition_active')),
                            option('cleared', tr.t('condition_cleared'))]);
    fill(this.f.state, [any(), option('open', tr.t('state_open')),
                        ...['new', 'acknowledged', 'rectified', 'closed'].map((s) => option(s, tr.handling(s)))]);
    fill(this.r.site, model.sites.map((s) => option(s.id, tr.name(s))));
    this.fill_zones_(this.r.zone, this.r.site.value, false);
    fill(this.r.severity, [...severities].reverse().map((s) => option(s, tr.severity(s))));
    if (!this.r.severity.dataset.touched) this.r.severity.value = 'yellow';
  }

  // Zones of one school, or of every school (by id, once) for the filter's "all".
  fill_zones_(select, site_id, with_any) {
    const { tr, model } = this;
    const seen = new Map();
    for (const s of model.sites) {
      if (site_id && s.id !== site_id) continue;
      for (const z of s.zones) if (!seen.has(z.id)) seen.set(z.id, z);
    }
    const first = with_any ? option('', tr.t('filter_any')) : option('', tr.t('zone_none'));
    fill(select, [first, ...[...seen.values()].map((z) => option(z.id, tr.name(z) || tr.zone_type(z.type)))]);
  }

  filters_() {
    const tz = this.time_zone_();
    const f = {};
    for (const key of ['site', 'zone', 'family', 'severity', 'condition', 'state']) f[key] = this.f[key].value;
    f.overdue = this.f.overdue.checked;
    f.from = this.f.from.value ? zoned_input_to_ms(this.f.from.value, tz) : null;
    f.to = this.f.to.value ? zoned_input_to_ms(this.f.to.value, tz) : null;
    return f;
  }

  // Sets filters from outside (tests, links): keys as in handling.js ledger_filters.
  set_filters(values) {
    for (const [key, v] of Object.entries(values)) {
      if (key === 'overdue') this.f.overdue.checked = v === true;
      else if (this.f[key]) this.f[key].value = v;
    }
  }

  show_list_() {
    this.set_view_('list');
    this.form.close();
    this.load_list_();
  }

  async load_list_() {
    const seq = ++this.seq;
    this.abort?.abort();
    this.abort = new AbortController();
    this.dialog.dataset.state = 'loading';
    try {
      const body = await get_json(ledger_url(this.filters_(), { offset: this.offset }), this.abort.signal);
      if (seq !== this.seq) return;
      const alerts = (Array.isArray(body?.alerts) ? body.alerts : []).map(normalize_entry).filter(Boolean);
      const total = Number.isInteger(body?.total) ? body.total : alerts.length;
      this.answer = { alerts, total };
      this.error_ = null;
      // Past the end after entries left the filter: go back to the last page.
      if (!alerts.length && total > 0 && this.offset > 0) {
        this.offset = (page_of(total, this.offset).pages - 1) * page_size;
        this.load_list_();
        return;
      }
    } catch (e) {
      if (e.name === 'AbortError' || seq !== this.seq) return;
      this.answer = null;
      this.error_ = e.message;
    }
    this.paint_list_();
  }

  paint_list_() {
    const { tr, doc } = this;
    if (this.error_) {
      this.dialog.dataset.state = 'error';
      this.message.hidden = false;
      this.message.textContent = tr.t('ledger_error', { msg: this.error_ });
      this.table.hidden = true;
      this.status.textContent = '';
      return;
    }
    if (!this.answer) return;
    const { alerts, total } = this.answer;
    this.dialog.dataset.state = alerts.length ? 'ready' : 'empty';
    this.message.hidden = alerts.length > 0;
    this.message.textContent = tr.t('ledger_empty');
    this.table.hidden = alerts.length === 0;
    this.status.textContent = tr.t('ledger_total', { n: total });
    const { page, pages } = page_of(total, this.offset);
    this.page_text.textContent = tr.t('ledger_page', { page, pages });
    this.prev.disabled = this.offset <= 0;
    this.next.disabled = this.offset + page_size >= total;
    const rows = alerts.map((a) => {
      const tz = this.model.site(a.site)?.time_zone ?? 'Asia/Shanghai';
      const tr_row = el(doc, 'tr', null, { 'data-testid': `ledger-row-${a.id}`, 'data-severity': a.severity,
                                           'data-state': a.state, 'data-condition': a.condition });
      if (a.overdue) tr_row.dataset.overdue = 'true';
      const cell = (text, cls) => {
        const td = el(doc, 'td', cls);
        td.textContent = text;
        tr_row.append(td);
        return td;
      };
      const id_cell = el(doc, 'td');
      const open = el(doc, 'button', 'ledger-open-entry', { type: 'button' });
      open.textContent = a.display_id;
      open.addEventListener('click', () => this.show_detail_(a.id));
      id_cell.append(open);
      tr_row.append(id_cell);
      const sev = cell(tr.severity_short(a.severity), 'ledger-sev');
      sev.dataset.severity = a.severity;
      cell(this.where_(a), 'ledger-where');
      cell(a.kind === 'manual' ? `${tr.t('manual_hazard')} · ${a.title}` : tr.rule_name(a));
      cell(tr.t(a.condition === 'cleared' ? 'condition_cleared' : 'condition_active'));
      cell(tr.handling(a.state), 'ledger-state');
      cell(clock_time(a.raised_at, tz), 'ledger-time');
      cell(String(a.occurrences), 'ledger-num');
      const deadline = cell(a.deadline ? clock_time(a.deadline, tz) : '—', 'ledger-time');
      if (a.overdue) {
        const flag = el(doc, 'span', 'overdue-flag', { 'data-testid': 'overdue-flag' });
        flag.textContent = tr.t('overdue');
        deadline.append(' ', flag);
      }
      return tr_row;
    });
    this.rows.replaceChildren(...rows);
  }

  where_(a) {
    const { tr, model } = this;
    const parts = [tr.name(model.site(a.site) ?? { id: a.site })];
    if (a.zone) parts.push(tr.name(model.zone(a.site, a.zone) ?? { id: a.zone }));
    if (a.device) parts.push(tr.name(model.device(a.device) ?? { id: a.device }));
    return parts.join(' › ');
  }

  show_detail_(id) {
    this.set_view_('detail');
    this.form.close();
    this.detail_id = id;
    this.detail = null;
    this.detail_body.replaceChildren();
    this.timeline.replaceChildren();
    this.load_detail_(id);
  }

  async load_detail_(id) {
    const seq = ++this.seq;
    this.abort?.abort();
    this.abort = new AbortController();
    this.dialog.dataset.state = 'loading';
    try {
      const body = await get_json(entry_url(id), this.abort.signal);
      if (seq !== this.seq) return;
      const alert = normalize_entry(body?.alert);
      if (!alert) throw new Error('malformed answer');
      const transitions = (Array.isArray(body.transitions) ? body.transitions : [])
        .map(normalize_transition).filter(Boolean);
      this.detail = { alert, transitions };
      this.error_ = null;
    } catch (e) {
      if (e.name === 'AbortError' || seq !== this.seq) return;
      this.error_ = e.message;
    }
    this.paint_detail_();
  }

  paint_detail_() {
    const { tr, doc } = this;
    if (this.error_ || !this.detail) {
      this.dialog.dataset.state = 'error';
      const p = el(doc, 'p', 'history-message');
      p.textContent = tr.t('ledger_error', { msg: this.error_ ?? '' });
      this.detail_body.replaceChildren(p);
      return;
    }
    this.dialog.dataset.state = 'ready';
    const a = this.detail.alert;
    const tz = this.model.site(a.site)?.time_zone ?? 'Asia/Shanghai';
    const head = el(doc, 'div', 'ledger-detail-head', { 'data-severity': a.severity });
    const badge = (text, cls, testid) => {
      const s = el(doc, 'span', cls, testid ? { 'data-testid': testid } : {});
      s.textContent = text;
      head.append(s);
    };
    badge(tr.severity(a.severity), 'sev');
    badge(a.display_id, 'display-id', 'detail-display-id');
    badge(tr.t(a.condition === 'cleared' ? 'condition_cleared' : 'condition_active'), 'cond');
    badge(tr.handling(a.state), 'handling', 'detail-state');
    if (a.overdue) badge(tr.t('overdue'), 'overdue-flag', 'overdue-flag');
    const lines = [];
    const line = (label, value) => {
      if (!value) return;
      const dt = el(doc, 'dt');
      dt.textContent = label;
      const dd = el(doc, 'dd');
      dd.textContent = value;
      lines.push(dt, dd);
    };
    line(tr.t('col_what'), a.kind === 'manual' ? `${tr.t('manual_hazard')} · ${a.title}` : tr.rule_name(a));
    line(tr.t('col_where'), this.where_(a));
    line(tr.t('detail_description'), a.description);
    if (a.value !== null) {
      const device = a.device ? this.model.device(a.device) : null;
      let v = alert_value(tr, a, device);
      if (a.threshold !== null) v += tr.t('threshold_note', { v: format_number(a.threshold) });
      line(tr.t('detail_value'), v);
    }
    line(tr.t('detail_raised'), clock_time(a.raised_at, tz));
    if (a.cleared_at) line(tr.t('detail_cleared'), clock_time(a.cleared_at, tz));
    if (a.occurrences > 1) line(tr.t('col_occurrences'), String(a.occurrences));
    if (a.responsible) line(tr.t('register_responsible'), a.responsible);
    if (a.deadline) line(tr.t('register_deadline'), clock_time(a.deadline, tz));
    if (a.acknowledged_by) line(tr.t('action_ack'), tr.t('by_at', { who: a.acknowledged_by, at: clock_time(a.acknowledged_at, tz) }));
    if (a.rectified_by) line(tr.t('action_rectify'), tr.t('by_at', { who: a.rectified_by, at: clock_time(a.rectified_at, tz) }));
    line(tr.t('detail_rectification'), a.rectification_note);
    if (a.closed_by) line(tr.t('action_close'), tr.t('by_at', { who: a.closed_by, at: clock_time(a.closed_at, tz) }));
    line(tr.t('detail_verification'), a.verification_note);
    const report = report_status(a, Date.now());
    if (report) {
      const text = report.kind === 'pending' ? tr.t('report_left', { t: countdown(report.remaining_ms) })
        : report.kind === 'overdue' ? tr.t('report_overdue')
          : tr.t('report_done_by', { at: clock_time(report.at, tz), who: report.by });
      line(tr.t('action_report'), text);
    }
    const dl = el(doc, 'dl', 'ledger-fields');
    dl.append(...lines);
    this.detail_body.replaceChildren(head, dl);

    const allowed = allowed_actions(a);
    for (const [id, b] of this.detail_buttons) {
      b.disabled = !allowed[id];
      b.hidden = id === 'report' && a.report === null;
    }
    this.detail_actions.hidden = a.state === 'closed';
    this.form.update(tr, a);

    const items = this.detail.transitions.map((t) => {
      const li = el(doc, 'li', 'ledger-transition', { 'data-testid': `transition-${t.what}` });
      const when = el(doc, 'span', 'ledger-time');
      when.textContent = clock_time(t.at, tz);
      const who = el(doc, 'span', 'ledger-who');
      who.textContent = t.who === 'system' || !t.who ? tr.t('who_system') : t.who;
      const what = el(doc, 'span', 'ledger-what');
      what.textContent = transition_text(tr, t);
      li.append(when, who, what);
      if (t.note) {
        const note = el(doc, 'span', 'ledger-note');
        note.textContent = t.note;
        li.append(note);
      }
      return li;
    });
    if (!items.length) {
      const li = el(doc, 'li', 'history-alert-none');
      li.textContent = tr.t('detail_no_transitions');
      items.push(li);
    }
    this.timeline.replaceChildren(...items);
  }

  show_register_() {
    this.set_view_('register');
    this.form.close();
    this.fill_filters_();
    this.register_error.textContent = '';
    if (!this.r.who.value) this.r.who.value = remembered_name();
    if (this.f.site.value) {
      this.r.site.value = this.f.site.value;
      this.fill_zones_(this.r.zone, this.r.site.value, false);
    }
    this.r.title.focus();
  }

  async register_() {
    const { tr, r } = this;
    const who = r.who.value.trim();
    const title = r.title.value.trim();
    if (!who || !title || !r.site.value) {
      this.register_error.textContent = tr.t('register_need');
      return;
    }
    remember_name(who);
    const tz = this.model.site(r.site.value)?.time_zone ?? 'Asia/Shanghai';
    const deadline = r.deadline.value ? zoned_input_to_ms(r.deadline.value, tz) : null;
    const body = {
      who, site: r.site.value, zone: r.zone.value, device: '', title,
      description: r.description.value.trim(), severity: r.severity.value,
      responsible: r.responsible.value.trim(),
    };
    if (deadline !== null) body.deadline = deadline;
    this.register_submit.disabled = true;
    this.register_error.textContent = '';
    try {
      const answer = await post_json('/api/hazards', JSON.stringify(body));
      const entry = normalize_entry(answer.body?.alert);
      if (!answer.ok || !entry) {
        this.register_error.textContent = refusal_text(answer.status, answer.body, '');
        return;
      }
      for (const key of ['title', 'description', 'responsible', 'deadline']) r[key].value = '';
      this.show_detail_(entry.id);
    } catch (e) {
      this.register_error.textContent = tr.t('network_error', { msg: e.message });
    } finally {
      this.register_submit.disabled = false;
    }
  }
}
