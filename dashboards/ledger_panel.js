// The hazard ledger view (隐患台账): a modal <dialog> over the page with three faces —
//  - list: filters (school, zone, device type, colour, condition, handling incl. open/closed,
//    overdue only, raised from/to in the school's time zone), a page of GET /api/alerts rows
//    with the total, previous/next;
//  - detail: one entry from GET /api/alerts/{id} with its actions and its transitions timeline;
//  - register: the 登记隐患 form for patrol findings (POST /api/hazards).
// Its state for tests and tools is on attributes: data-view (list | detail | register) and
// data-state (loading | ready | empty | error). Answers of superseded queries are dropped.

import { clock_time } from './format.js';
import { ledger_url, page_of, page_size, recently_closed, refusal_text } from './handling.js';
import { normalize_entry, peak_severity, severities, severity_words } from './state.js';
import { zoned_input_to_ms } from './history.js';
import { el, fill_select, fill_zones, option } from './form_fields.js';
import { hazard_form } from './hazard_form.js';
import { ledger_detail } from './ledger_detail.js';
import { get_json } from './api.js';
import { may } from './session.js';

async function get_body(url, signal) {
  const res = await get_json(url, { signal });
  if (!res.ok) throw new Error(refusal_text(res.status, res.body, res.status_text));
  return res.body;
}

export class ledger_panel {
  constructor(doc, model, tr) {
    this.doc = doc;
    this.model = model;
    this.tr = tr;
    this.view = 'list';
    this.offset = 0;
    this.answer = null;      // the last list answer {alerts, total}
    this.list_error = null;
    this.seq = 0;
    this.abort = null;
    this.opener = null;
    this.refresh_timer = 0;
    this.user = null;
    this.build_();
  }

  // The signed-in user: 登记隐患 and the detail's actions only for those who may.
  set_user(user) {
    this.user = user;
    this.register_button.hidden = !may(user, 'register');
    this.detail.set_user(user);
    if (this.view === 'register' && !may(user, 'register')) this.set_view_('list');
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
    else if (this.view === 'register') this.register.set_language(tr);
  }

  // Entries changed on /ws: the detail shown is fetched again (its timeline grew), and the list
  // soon after (once per burst).
  alerts_changed(ids) {
    if (!this.dialog.open) return;
    if (this.view === 'detail') {
      if (ids.has(this.detail.id)) this.detail.load();
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
    this.f.site.addEventListener('change', () =>
      fill_zones(this.f.zone, this.model, this.tr, this.f.site.value, this.tr.t('filter_any')));
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

    // Detail and registration.
    this.detail = new ledger_detail(doc, this.model);
    this.detail.on_back = () => this.show_list_();
    this.detail.on_state = (state) => { this.dialog.dataset.state = state; };
    this.detail.where = (a) => this.where_(a);
    // ── guided closure: a closed entry's detail links 最近销号 ──
    this.detail.on_recent_closed = () => {
      this.set_filters({ state: 'recently_closed' });
      this.offset = 0;
      this.show_list_();
    };
    this.register = new hazard_form(doc, this.model);
    this.register.on_cancel = () => this.show_list_();
    this.register.on_registered = (entry) => this.show_detail_(entry.id);

    d.append(head, this.list_box, this.detail.root, this.register.root);
    this.close_button.addEventListener('click', () => this.close());
    this.register_button.addEventListener('click', () => this.show_register_());
    // A click on the backdrop (the dialog itself, outside its content) closes it.
    d.addEventListener('click', (ev) => {
      if (ev.target === d) this.close();
    });
    d.addEventListener('close', () => {
      this.abort?.abort();
      this.detail.hide();
      clearTimeout(this.refresh_timer);
      if (this.opener && this.opener.isConnected) this.opener.focus();
    });
    this.doc.body.append(d);
    this.dialog = d;
  }

  set_view_(view) {
    this.view = view;
    this.dialog.dataset.view = view;
    this.list_box.hidden = view !== 'list';
    this.detail.root.hidden = view !== 'detail';
    this.register.root.hidden = view !== 'register';
  }

  paint_static_() {
    const { tr } = this;
    this.title.textContent = tr.t('ledger_title');
    this.register_button.textContent = tr.t('register_open');
    this.close_button.setAttribute('aria-label', tr.t('close'));
    // Colours are peaks here (GET /api/alerts?severity= matches max_severity): 最高等级.
    const word = (prefix, key) => tr.t(key === 'severity' ? `${prefix}_severity_peak` : `${prefix}_${key}`);
    for (const [key, span] of Object.entries(this.f_labels)) span.textContent = word('filter', key);
    this.apply_button.textContent = tr.t('filter_apply');
    this.reset_button.textContent = tr.t('filter_reset');
    this.prev.textContent = tr.t('page_prev');
    this.next.textContent = tr.t('page_next');
    this.detail.set_language(tr);
    const head = this.doc.createElement('tr');
    for (const c of ['id', 'severity', 'where', 'what', 'condition', 'state', 'raised', 'occurrences', 'deadline']) {
      const th = el(this.doc, 'th', null, { scope: 'col' });
      th.textContent = word('col', c);
      head.append(th);
    }
    this.thead.replaceChildren(head);
  }

  fill_filters_() {
    const { tr, model } = this;
    const any = () => option('', tr.t('filter_any'));
    fill_select(this.f.site, [any(), ...model.sites.map((s) => option(s.id, tr.name(s)))]);
    fill_zones(this.f.zone, model, tr, this.f.site.value, tr.t('filter_any'));
    const families = [...new Set([...model.devices.values()].map((d) => d.family).filter(Boolean))];
    fill_select(this.f.family, [any(), ...families.map((f) => option(f, tr.family(f)))]);
    fill_select(this.f.severity, [any(), ...[...severities].reverse().map((s) => option(s, tr.severity(s)))]);
    fill_select(this.f.condition, [any(), option('active', tr.t('condition_active')),
                                   option('cleared', tr.t('condition_cleared'))]);
    fill_select(this.f.state, [any(), option('open', tr.t('state_open')),
      ...['new', 'acknowledged', 'rectified', 'closed'].map((s) => option(s, tr.handling(s))),
      option('recently_closed', tr.t('state_recently_closed'))]);  // guided closure: 最近销号
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
    this.detail.hide();
    this.load_list_();
  }

  async load_list_() {
    const seq = ++this.seq;
    this.abort?.abort();
    this.abort = new AbortController();
    this.dialog.dataset.state = 'loading';
    try {
      const body = await get_body(ledger_url(this.filters_(), { offset: this.offset }), this.abort.signal);
      if (seq !== this.seq) return;
      let alerts = (Array.isArray(body?.alerts) ? body.alerts : []).map(normalize_entry).filter(Boolean);
      let total = Number.isInteger(body?.total) ? body.total : alerts.length;
      // ── guided closure: 最近销号 is picked and paged here (handling.js recently_closed) ──
      if (this.f.state.value === 'recently_closed') ({ alerts, total } = recently_closed(alerts, Date.now(), { offset: this.offset }));
      this.answer = { alerts, total };
      this.list_error = null;
      // Past the end after entries left the filter: go back to the last page.
      if (!alerts.length && total > 0 && this.offset > 0) {
        this.offset = (page_of(total, this.offset).pages - 1) * page_size;
        this.load_list_();
        return;
      }
    } catch (e) {
      if (e.name === 'AbortError' || seq !== this.seq) return;
      this.answer = null;
      this.list_error = e.message;
    }
    this.paint_list_();
  }

  paint_list_() {
    const { tr, doc } = this;
    if (this.list_error) {
      this.dialog.dataset.state = 'error';
      this.message.hidden = false;
      this.message.textContent = tr.t('ledger_error', { msg: this.list_error });
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
      const peak = peak_severity(a);
      const tr_row = el(doc, 'tr', null, { 'data-testid': `ledger-row-${a.id}`, 'data-severity': peak,
                                           'data-state': a.state, 'data-condition': a.condition });
      if (a.overdue) tr_row.dataset.overdue = 'true';
      // Each cell named after its column: on a phone the rows are cards (style.css).
      const label = (c) => ({ 'data-label': tr.t(c === 'severity' ? 'col_severity_peak' : `col_${c}`) });
      const cell = (text, cls, column) => {
        const td = el(doc, 'td', cls, label(column));
        td.textContent = text;
        tr_row.append(td);
        return td;
      };
      const id_cell = el(doc, 'td', 'ledger-id', label('id'));
      const open = el(doc, 'button', 'ledger-open-entry', { type: 'button' });
      open.textContent = a.display_id;
      open.addEventListener('click', () => this.show_detail_(a.id));
      id_cell.append(open);
      tr_row.append(id_cell);
      const sev = cell(severity_words(tr, a, true), 'ledger-sev', 'severity');
      sev.dataset.severity = peak;
      cell(this.where_(a), 'ledger-where', 'where');
      cell(a.kind === 'manual' ? `${tr.t('manual_hazard')} · ${a.title}` : tr.rule_name(a), 'ledger-rule', 'what');
      cell(tr.t(a.condition === 'cleared' ? 'condition_cleared' : 'condition_active'), 'ledger-condition', 'condition');
      cell(tr.handling(a.state), 'ledger-state', 'state');
      cell(clock_time(a.raised_at, tz), 'ledger-time', 'raised');
      cell(String(a.occurrences), 'ledger-num', 'occurrences');
      const deadline = cell(a.deadline ? clock_time(a.deadline, tz) : '—', 'ledger-time', 'deadline');
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
    this.abort?.abort();  // a list answer still on its way is not wanted any more
    this.set_view_('detail');
    this.detail.show(id);
  }

  show_register_() {
    if (!may(this.user, 'register')) return;
    this.set_view_('register');
    this.detail.hide();
    this.register.open(this.tr, this.f.site.value);
  }
}
