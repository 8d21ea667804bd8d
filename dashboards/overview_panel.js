// 区域总览 (district overview, docs/bureau.md): one row per school from GET /api/overview —
// worst active colour, open, overdue, one-hour reports overdue, devices online / total,
// compliance (red under the target of GET /api/compliance), last incident — sortable by each
// heading (ascending / descending, shown by an arrow and aria-sort), a school's name drilling
// into it (on_drill). Refreshed while shown, every 30 s, and when asked (entries changed).
//
// For tests: the section carries data-state (loading | ready | error), data-sort and data-dir.

import { clock_time } from './format.js';
import { get_json } from './api.js';
import { as_fraction, next_sort, overview_columns, percent_text, sort_overview, to_ms } from './bureau.js';
import { el, show_fetch_state } from './form_fields.js';

const refresh_ms = 30000;

export class overview_panel {
  constructor(doc, root, model, tr) {
    this.doc = doc;
    this.root = root;
    this.model = model;     // for the schools' time zones
    this.tr = tr;
    this.answer = null;     // {schools, generated_at}
    this.target_raw = 90;   // the server's target (percent); from /api/compliance when it answers
    this.error = null;
    this.sort = { column: 'school', dir: 'asc' };
    this.seq = 0;
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
    head.append(this.title, this.hint, this.generated);
    this.message = el(doc, 'p', 'view-message', { 'data-testid': 'overview-message', role: 'status' });
    this.table = el(doc, 'table', 'bureau-table overview-table', { 'data-testid': 'overview-table' });
    this.thead = el(doc, 'thead');
    this.rows = el(doc, 'tbody', null, { 'data-testid': 'overview-rows' });
    this.table.append(this.thead, this.rows);
    this.root.append(head, this.message, this.table);
  }

  set_language(tr) {
    this.tr = tr;
    this.paint_();
  }

  show() {
    this.paint_();
    this.load();
    clearInterval(this.timer);
    this.timer = setInterval(() => this.load(), refresh_ms);
  }

  hide() {
    clearInterval(this.timer);
    this.timer = 0;
    this.seq++;
  }

  reset() {
    this.hide();
    this.answer = null;
    this.error = null;
    this.rows.replaceChildren();
  }

  async load() {
    const seq = ++this.seq;
    if (!this.answer) this.root.dataset.state = 'loading';
    const [overview, compliance] = await Promise.all([
      get_json('/api/overview').catch((e) => ({ ok: false, status: 0, body: { error: e.message } })),
      get_json('/api/compliance').catch(() => null),
    ]);
    if (seq !== this.seq) return;
    if (compliance?.ok && typeof compliance.body?.target === 'number') {
      this.target_raw = compliance.body.target;
    }
    if (overview.ok && Array.isArray(overview.body?.schools)) {
      this.answer = overview.body;
      this.error = null;
    } else {
      this.error = overview.body?.error || `HTTP ${overview.status}`;
    }
    this.paint_();
  }

  // Rate of a row as a fraction (the server's unit follows its target's: see bureau.js).
  rate_(row) {
    return as_fraction(row.compliance_rate, this.target_raw);
  }

  paint_() {
    const { tr } = this;
    this.title.textContent = tr.t('overview_title');
    this.hint.textContent = tr.t('overview_hint');
    this.paint_head_();
    if (!show_fetch_state(this.root, this.message, tr, this.answer, this.error)) return;
    const generated = to_ms(this.answer.generated_at);
    this.generated.textContent = generated
      ? tr.t('generated_at', { at: clock_time(generated, this.model.sites[0]?.time_zone ?? 'Asia/Shanghai') }) : '';
    const rows = this.answer.schools.map((s) => ({ ...s, compliance_rate: this.rate_(s) }));
    const sorted = sort_overview(rows, this.sort.column, this.sort.dir);
    this.rows.replaceChildren(...sorted.map((s) => this.row_(s)));
    this.root.dataset.state = 'ready';
    this.root.dataset.sort = this.sort.column;
    this.root.dataset.dir = this.sort.dir;
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
    const cell = (cls) => {
      const td = el(doc, 'td', cls);
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
      if (s.compliance_rate < as_fraction(this.target_raw, this.target_raw)) comp.dataset.below = 'true';
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
