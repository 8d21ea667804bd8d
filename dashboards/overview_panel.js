// 区域总览 (district overview, docs/bureau.md): one row per school from GET /api/overview —
// worst active colour, open, overdue, one-hour reports overdue, devices online / total,
// compliance (red under the target the answer states), last incident — the worst school
// first, sortable by each heading (ascending / descending, shown by an arrow and aria-sort), a
// school's name drilling into it (on_drill). A district has hundreds of schools: a search (Chinese
// or English name, id), a status filter, an "only schools with problems" toggle, a count, and the
// first 50 rows with "show more". Refreshed while shown, 30 s after each answer, and when asked
// (entries changed); never two requests at once, and the last answer stays on screen meanwhile.
//
// For tests: the section carries data-state (loading | ready | error), data-sort, data-dir,
// data-total (schools in the answer), data-matched (passing the filters), data-shown (rows drawn)
// and data-refreshing while a newer answer is awaited.

import { clock_time } from './format.js';
import { get_json } from './api.js';
import { as_fraction, filter_overview, next_sort, overview_columns, overview_statuses, page_size, percent_text,
         school_problems, sort_overview, to_ms } from './bureau.js';
import { el, option, show_fetch_state } from './form_fields.js';

const refresh_ms = 30000;

export class overview_panel {
  constructor(doc, root, model, tr) {
    this.doc = doc;
    this.root = root;
    this.model = model;     // for the schools' time zones
    this.tr = tr;
    this.answer = null;     // {schools, generated_at}
    this.target_raw = 90;   // the server's target (percent), as the overview states it
    this.error = null;
    this.sort = { column: 'priority', dir: 'desc' };
    this.filter = { query: '', status: 'all', problems_only: false };
    this.limit = page_size;
    this.loading = null;    // the request in flight, if any (one at a time)
    this.again = false;     // asked again while one was in flight: ask once more when it answers
    this.shown = false;
    this.epoch = 0;         // bumped at sign-out: an answer for the last user is dropped
    this.timer = 0;
    this.on_drill = () => {};
    this.build_();
  }

  build_() {
    const { doc } = this;
    const head = el(doc, 'div', 'view-head');
    this.title = el(doc, 'h2', 'view-title');
    this.hint = el(doc, 'p', 'view-hint');
    this.generated = el(doc, 'p', 'view-hint', { 'data-testid': 'overview-generated' });
    this.refreshing = el(doc, 'p', 'view-hint overview-refreshing', { 'data-testid': 'overview-refreshing', role: 'status' });
    head.append(this.title, this.hint, this.generated, this.refreshing);

    // The filters: search, status, problems only, and (on a phone, where headings are hidden) the sort.
    const bar = el(doc, 'div', 'list-filters', { 'data-testid': 'overview-filters' });
    const field = (control, cls = '') => {
      const label = el(doc, 'label', `list-field ${cls}`.trim());
      const span = el(doc, 'span');
      label.append(span, control);
      bar.append(label);
      return span;
    };
    this.search = el(doc, 'input', null, { type: 'search', 'data-testid': 'overview-search', autocomplete: 'off' });
    this.search_label = field(this.search, 'list-search');
    this.status = el(doc, 'select', null, { 'data-testid': 'overview-status' });
    this.status_label = field(this.status);
    this.sort_select = el(doc, 'select', null, { 'data-testid': 'overview-sort' });
    this.sort_label = field(this.sort_select, 'narrow-only');
    this.problems = el(doc, 'button', 'list-toggle', { type: 'button', 'aria-pressed': 'false', 'data-testid': 'overview-problems' });
    this.clear = el(doc, 'button', 'range list-clear', { type: 'button', 'data-testid': 'overview-clear' });
    bar.append(this.problems, this.clear);
    this.count = el(doc, 'p', 'list-count', { 'data-testid': 'overview-count', 'aria-live': 'polite' });

    this.search.addEventListener('input', () => this.refilter_({ query: this.search.value }));
    this.status.addEventListener('change', () => this.refilter_({ status: this.status.value }));
    this.problems.addEventListener('click', () => this.refilter_({ problems_only: !this.filter.problems_only }));
    this.clear.addEventListener('click', () => {
      this.search.value = '';
      this.refilter_({ query: '', status: 'all', problems_only: false });
    });
    this.sort_select.addEventListener('change', () => {
      const column = this.sort_select.value;
      this.sort = column === 'priority' ? { column, dir: 'desc' } : next_sort({ column: '' }, column);
      this.limit = page_size;
      this.paint_();
    });

    this.message = el(doc, 'p', 'view-message', { 'data-testid': 'overview-message', role: 'status' });
    this.table = el(doc, 'table', 'bureau-table overview-table', { 'data-testid': 'overview-table' });
    this.thead = el(doc, 'thead');
    this.rows = el(doc, 'tbody', null, { 'data-testid': 'overview-rows' });
    this.table.append(this.thead, this.rows);
    this.more = el(doc, 'button', 'range list-more', { type: 'button', 'data-testid': 'overview-more' });
    this.more.addEventListener('click', () => {
      this.limit += page_size;
      this.paint_();
    });
    this.root.append(head, bar, this.count, this.message, this.table, this.more);
  }

  // A filter changed: back to the first page of the new list.
  refilter_(change) {
    this.filter = { ...this.filter, ...change };
    this.limit = page_size;
    this.paint_();
  }

  set_language(tr) {
    this.tr = tr;
    this.paint_();
  }

  show() {
    this.shown = true;
    this.paint_();
    // An answer on its way is as fresh as a new one; the next is asked 30 s after it.
    if (!this.loading) this.load();
  }

  hide() {
    this.shown = false;
    this.again = false;
    clearTimeout(this.timer);
    this.timer = 0;
  }

  reset() {
    this.hide();
    this.epoch++;
    this.loading = null;
    this.again = false;
    this.answer = null;
    this.error = null;
    this.filter = { query: '', status: 'all', problems_only: false };
    this.search.value = '';
    this.sort = { column: 'priority', dir: 'desc' };
    this.limit = page_size;
    this.rows.replaceChildren();
  }

  // Asks for the overview unless a request is in flight (then once more after it answers): a
  // district's answer can take longer than the refresh period, and every answer is kept — the
  // newest one that arrived is painted, never dropped for a later request.
  load() {
    if (this.loading) {
      this.again = true;
      return this.loading;
    }
    clearTimeout(this.timer);
    this.timer = 0;
    const epoch = this.epoch;
    if (!this.answer) this.root.dataset.state = 'loading';
    this.root.dataset.refreshing = 'true';
    this.paint_refreshing_();
    this.loading = get_json('/api/overview')
      .catch((e) => ({ ok: false, status: 0, body: { error: e.message } }))
      .then((overview) => {
        if (epoch !== this.epoch) return;
        this.loading = null;
        if (overview.ok && Array.isArray(overview.body?.schools)) {
          this.answer = overview.body;
          this.error = null;
          // The target the red cells are judged by comes with the figures (not from
          // /api/compliance, megabytes at district scale).
          if (typeof overview.body.target === 'number') this.target_raw = overview.body.target;
        } else {
          this.error = overview.body?.error || `HTTP ${overview.status}`;
        }
        delete this.root.dataset.refreshing;
        this.paint_();
        if (!this.shown) return;
        if (this.again) {
          this.again = false;
          this.load();
        } else {
          this.timer = setTimeout(() => this.load(), refresh_ms);
        }
      });
    return this.loading;
  }

  // Rate of a row as a fraction (the server's unit follows its target's: see bureau.js).
  rate_(row) {
    return as_fraction(row.compliance_rate, this.target_raw);
  }

  target_() {
    return as_fraction(this.target_raw, this.target_raw) ?? 0.9;
  }

  paint_refreshing_() {
    this.refreshing.textContent = this.answer && this.root.dataset.refreshing ? this.tr.t('ov_refreshing') : '';
  }

  paint_controls_() {
    const { tr } = this;
    // The choices are made again only in another language, so a refresh does not close a list
    // someone has open.
    if (this.controls_lang !== tr.lang) {
      this.controls_lang = tr.lang;
      this.search_label.textContent = tr.t('list_search');
      this.search.placeholder = tr.t('list_search_hint');
      this.status_label.textContent = tr.t('ov_status');
      this.status.replaceChildren(...overview_statuses.map((s) => option(s,
        s === 'all' ? tr.t('ov_status_all') : s === 'none' ? tr.t('ov_status_none') : tr.severity_short(s))));
      this.sort_label.textContent = tr.t('ov_sort');
      this.sort_select.replaceChildren(option('priority', tr.t('ov_sort_priority')),
        ...overview_columns.map((c) => option(c, tr.t(`ov_${c}`))));
    }
    this.status.value = this.filter.status;
    this.sort_select.value = this.sort.column;
    this.problems.textContent = tr.t('ov_problems_only');
    this.problems.title = tr.t('ov_problems_hint');
    this.problems.setAttribute('aria-pressed', String(this.filter.problems_only));
    this.clear.textContent = tr.t('list_clear');
    this.clear.hidden = !this.filter.query && this.filter.status === 'all' && !this.filter.problems_only;
  }

  paint_() {
    const { tr } = this;
    this.title.textContent = tr.t('overview_title');
    this.hint.textContent = tr.t('overview_hint');
    this.paint_controls_();
    this.paint_head_();
    this.paint_refreshing_();
    if (!show_fetch_state(this.root, this.message, tr, this.answer, this.error)) {
      this.count.textContent = '';
      this.more.hidden = true;
      return;
    }
    const generated = to_ms(this.answer.generated_at);
    this.generated.textContent = generated
      ? tr.t('generated_at', { at: clock_time(generated, this.model.sites[0]?.time_zone ?? 'Asia/Shanghai') }) : '';
    const rows = this.answer.schools.map((s) => ({ ...s, compliance_rate: this.rate_(s) }));
    const matched = filter_overview(rows, { ...this.filter, target: this.target_() });
    const sorted = sort_overview(matched, this.sort.column, this.sort.dir, tr.lang);
    const page = sorted.slice(0, this.limit);
    this.rows.replaceChildren(...page.map((s) => this.row_(s)));
    this.count.textContent = matched.length === rows.length
      ? tr.t('list_count_all', { shown: page.length, total: rows.length })
      : tr.t('list_count', { shown: page.length, matched: matched.length, total: rows.length });
    if (!matched.length) {
      this.message.hidden = false;
      this.message.textContent = tr.t('list_none');
    }
    const left = sorted.length - page.length;
    this.more.hidden = left <= 0;
    this.more.textContent = tr.t('list_more', { n: Math.min(page_size, left), left });
    Object.assign(this.root.dataset, {
      state: 'ready', sort: this.sort.column, dir: this.sort.dir,
      total: String(rows.length), matched: String(matched.length), shown: String(page.length),
    });
  }

  paint_head_() {
    const { doc, tr } = this;
    const tr_head = el(doc, 'tr');
    for (const col of overview_columns) {
      const th = el(doc, 'th', null, { scope: 'col' });
      const active = this.sort.column === col;
      th.setAttribute('aria-sort', active ? (this.sort.dir === 'asc' ? 'ascending' : 'descending') : 'none');
      const b = el(doc, 'button', 'sort-button', { type: 'button', 'data-testid': `overview-sort-${col}` });
      const name = tr.t(`ov_${col}`);
      b.title = tr.t('sort_by', { col: name });
      const arrow = el(doc, 'span', 'sort-arrow', { 'aria-hidden': 'true' });
      arrow.textContent = active ? (this.sort.dir === 'asc' ? '▲' : '▼') : '↕';
      b.append(name, ' ', arrow);
      b.addEventListener('click', () => {
        this.sort = next_sort(this.sort, col);
        this.limit = page_size;
        this.paint_();
        this.thead.querySelector(`[data-testid="overview-sort-${col}"]`)?.focus();
      });
      th.append(b);
      tr_head.append(th);
    }
    this.thead.replaceChildren(tr_head);
  }

  row_(s) {
    const { doc, tr } = this;
    const site = this.model.site(s.site);
    const tz = site?.time_zone ?? 'Asia/Shanghai';
    const row = el(doc, 'tr', null, { 'data-testid': `overview-row-${s.site}`, 'data-site': s.site });
    const problems = school_problems(s, this.target_());
    if (problems.length) row.dataset.problems = problems.join(' ');
    // Each cell names its column, for the cards a phone shows instead of the table.
    const cell = (cls) => {
      const td = el(doc, 'td', cls, { 'data-label': tr.t(`ov_${overview_columns[row.children.length]}`) });
      row.append(td);
      return td;
    };
    const name = cell('ov-school');
    const open = el(doc, 'button', 'link-button', { type: 'button', 'data-testid': `overview-open-${s.site}` });
    open.textContent = tr.name({ id: s.site, name: s.name, name_en: s.name_en });
    open.addEventListener('click', () => this.on_drill(s.site));
    name.append(open);

    const worst = cell('ov-worst');
    if (s.worst_severity) {
      const badge = el(doc, 'span', 'sev', { 'data-severity': s.worst_severity, 'data-testid': `overview-worst-${s.site}` });
      badge.textContent = tr.severity_short(s.worst_severity);
      worst.append(badge);
      row.dataset.severity = s.worst_severity;
    } else {
      worst.textContent = tr.t('ov_none');
      worst.classList.add('muted');
    }
    const number = (v, cls, warn) => {
      const td = cell(`num ${cls}`);
      td.textContent = typeof v === 'number' ? String(v) : '—';
      if (warn && v > 0) td.dataset.warn = 'true';
      return td;
    };
    number(s.open, 'ov-open', false);
    number(s.overdue, 'ov-overdue', true);
    number(s.reports_overdue, 'ov-reports-overdue', true);
    const devices = cell('num ov-devices');
    devices.textContent = `${s.devices_online ?? '—'} / ${s.devices_total ?? '—'}`;
    if (s.devices_total > 0 && s.devices_online < s.devices_total) devices.dataset.warn = 'partial';
    const comp = cell('num ov-compliance');
    comp.setAttribute('data-testid', `overview-compliance-${s.site}`);
    if (s.compliance_rate === null) {
      comp.textContent = tr.t('ov_no_requirement');
      comp.classList.add('muted');
    } else {
      comp.textContent = percent_text(s.compliance_rate);
      comp.dataset.rate = String(s.compliance_rate);
      if (s.compliance_rate < this.target_()) comp.dataset.below = 'true';
    }
    const last = cell('ov-last');
    const li = s.last_incident;
    if (li) {
      const badge = el(doc, 'span', 'sev', { 'data-severity': li.severity });
      badge.textContent = tr.severity_short(li.severity);
      const title = tr.lang === 'en' ? (li.title_en || li.title) : (li.title || li.title_en);
      const when = el(doc, 'span', 'ov-time');
      when.textContent = clock_time(to_ms(li.raised_at), tz);
      last.append(badge, ' ', when, ' ', `${li.display_id ?? ''} ${title ?? ''}`.trim());
    } else {
      last.textContent = tr.t('ov_none');
      last.classList.add('muted');
    }
    return row;
  }
}
