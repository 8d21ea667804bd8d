// 安全月报表 (the monthly safety report, docs/bureau.md): month and school pickers (default last
// month; the district for bureau and admin, else the user's school), every section of
// GET /api/reports/monthly as a table, 打印 / 导出 PDF (the browser's print with the print style
// sheet: only the report, on A4, headed by the school, month and generation time, ending with
// the school leadership's signature line) and 下载 CSV (the same query with format=csv).
//
// A district of hundreds of schools: the school picker has a search box (names in either
// language, or the id) over a list sorted naturally; the district report's devices are the worst
// ones only (the server sends at most 20 with device_count; the CSV has every device), and its
// per-school table shows the worst schools first, 20 rows until "show all".
//
// For tests: the section carries data-state (loading | ready | error); the alerts' table is
// data-testid report-alerts (rows data-family, cells data-value); the key figures carry
// data-testid report-alerts-total, report-ack-median (data-seconds), report-readings-stored
// (data-value).

import { clock_time } from './format.js';
import { get_json } from './api.js';
import { alert_table, duration_text, last_month, matches_school, percent_text, report_colours as colours, report_due,
         report_schools_order, report_url, sort_by_name, this_month, to_ms } from './bureau.js';
import { el, fill_select, option } from './form_fields.js';

// Rows of a district report's per-school table shown before "show all".
const schools_shown = 20;

const is_object = (v) => v !== null && typeof v === 'object' && !Array.isArray(v);
const num = (v) => (typeof v === 'number' && Number.isFinite(v) ? v : null);

// A count that the server may give as a number, {count}, {total} or a list.
function count_of(v) {
  if (num(v) !== null) return v;
  if (Array.isArray(v)) return v.length;
  if (is_object(v)) return num(v.count) ?? num(v.total) ?? (Array.isArray(v.entries) ? v.entries.length : null);
  return null;
}

// The entries of a section that may be a list or {entries | items | ids}.
function entries_of(v) {
  if (Array.isArray(v)) return v;
  if (is_object(v)) {
    for (const k of ['entries', 'items', 'ids', 'list']) if (Array.isArray(v[k])) return v[k];
  }
  return [];
}

// A row of colour counts {blue, yellow, orange, red, total} from an object.
function colour_row(v) {
  const o = is_object(v) ? v : {};
  const row = colours.map((c) => num(o[c]) ?? 0);
  const total = num(o.total) ?? row.reduce((a, b) => a + b, 0);
  return [...row, total];
}

export class report_panel {
  constructor(doc, root, model, tr) {
    this.doc = doc;
    this.root = root;
    this.model = model;
    this.tr = tr;
    this.user = null;
    this.answer = null;
    this.error = null;
    this.seq = 0;
    this.build_();
  }

  build_() {
    const { doc } = this;
    this.controls = el(doc, 'form', 'report-controls no-print', { 'data-testid': 'report-controls' });
    const field = (input, testid) => {
      const label = el(doc, 'label');
      const span = el(doc, 'span');
      input.setAttribute('data-testid', testid);
      label.append(span, input);
      this.controls.append(label);
      return span;
    };
    this.month = el(doc, 'input', null, { type: 'month', required: '' });
    this.site = el(doc, 'select');
    this.site_filter = el(doc, 'input', null, { type: 'search', autocomplete: 'off' });
    this.month_label = field(this.month, 'report-month');
    this.site_filter_label = field(this.site_filter, 'report-site-filter');
    this.site_label = field(this.site, 'report-site');
    this.site_filter.addEventListener('input', () => this.paint_controls_());
    this.all_schools = false;   // the district's per-school table: every row, or the worst 20
    this.show_button = el(doc, 'button', 'range', { type: 'submit', 'data-testid': 'report-show' });
    this.print_button = el(doc, 'button', 'range', { type: 'button', 'data-testid': 'report-print' });
    this.csv_link = el(doc, 'a', 'range report-csv', { 'data-testid': 'report-csv', download: '' });
    this.controls.append(this.show_button, this.print_button, this.csv_link);
    this.controls.addEventListener('submit', (ev) => {
      ev.preventDefault();
      this.load();
    });
    this.site.addEventListener('change', () => {
      this.all_schools = false;
      this.load();
    });
    this.month.addEventListener('change', () => this.month.value && this.load());
    this.print_button.addEventListener('click', () => this.doc.defaultView?.print());
    this.message = el(doc, 'p', 'view-message no-print', { role: 'status', 'data-testid': 'report-message' });
    this.paper = el(doc, 'article', 'report-doc', { 'data-testid': 'report-doc' });
    this.root.append(this.controls, this.message, this.paper);
  }

  set_user(user) {
    this.user = user;
    this.month.value = '';
  }

  set_language(tr) {
    this.tr = tr;
    this.paint_controls_();
    this.paint_();
  }

  time_zone_() {
    return (this.model.site(this.site.value) ?? this.model.sites[0])?.time_zone ?? 'Asia/Shanghai';
  }

  // Shows the report, optionally of a school (the drill-down's link).
  show(site = null) {
    if (site !== null) this.site_filter.value = '';
    this.paint_controls_();
    if (site !== null && [...this.site.options].some((o) => o.value === site)) this.site.value = site;
    if (!this.month.value) this.month.value = last_month(Date.now(), this.time_zone_());
    this.load();
  }

  hide() {
    this.seq++;
  }

  reset() {
    this.hide();
    this.answer = null;
    this.paper.replaceChildren();
  }

  paint_controls_() {
    const { tr, model } = this;
    this.month_label.textContent = tr.t('report_month');
    this.site_label.textContent = tr.t('report_school');
    this.show_button.textContent = tr.t('report_show');
    this.print_button.textContent = tr.t('report_print');
    this.csv_link.textContent = tr.t('report_csv');
    this.month.max = this_month(Date.now(), this.time_zone_());
    this.site_filter_label.textContent = tr.t('school_filter');
    this.site_filter.placeholder = tr.t('list_search_hint');
    // The schools matching the search box, by name naturally; the current choice stays listed.
    const query = this.site_filter.value;
    const schools = sort_by_name(model.sites.map((s) => ({ ...s, site: s.id })), tr.lang)
      .filter((s) => matches_school(s, query) || s.id === this.site.value);
    const options = [];
    if (this.user?.all_sites) options.push(option('', tr.t('report_district')));
    for (const s of schools) options.push(option(s.id, tr.name(s)));
    fill_select(this.site, options);
    this.site_filter.title = tr.t('school_filter_count', { n: schools.length, total: model.sites.length });
  }

  async load() {
    const month = this.month.value;
    if (!/^\d{4}-\d{2}$/.test(month)) return;
    const site = this.site.value;
    this.csv_link.href = report_url(month, site, 'csv');
    const seq = ++this.seq;
    this.root.dataset.state = 'loading';
    this.message.hidden = false;
    this.message.textContent = this.tr.t('view_loading');
    const res = await get_json(report_url(month, site)).catch((e) => ({ ok: false, status: 0, body: { error: e.message } }));
    if (seq !== this.seq) return;
    if (res.ok && is_object(res.body)) {
      this.answer = { ...res.body, asked_site: site, asked_month: month };
      this.error = null;
    } else {
      this.answer = null;
      this.error = res.body?.error || `HTTP ${res.status}`;
    }
    this.paint_();
  }

  paint_() {
    const { tr } = this;
    if (this.error) {
      this.root.dataset.state = 'error';
      this.message.hidden = false;
      this.message.textContent = tr.t('view_error', { msg: this.error });
      this.paper.replaceChildren();
      return;
    }
    if (!this.answer) return;
    this.message.hidden = true;
    const r = this.answer;
    const tz = r.time_zone ?? this.model.site(r.site ?? r.asked_site)?.time_zone ?? this.time_zone_();
    const parts = [this.heading_(r, tz)];
    parts.push(this.alerts_(r));
    parts.push(this.section_(tr.t('report_hazards_registered'), this.colour_table_(null, [[tr.t('rp_count'), r.hazards_registered]])));
    parts.push(this.handling_(r));
    parts.push(this.escalations_(r, tz));
    parts.push(this.deadline_(r));
    parts.push(this.hazards_(r, tz));
    parts.push(this.devices_(r));
    if (Array.isArray(r.schools) && r.schools.length) parts.push(this.schools_(r));
    parts.push(this.signature_(Boolean(r.site ?? r.asked_site)));
    this.paper.replaceChildren(...parts);
    this.paper.querySelector('[data-testid="report-schools-toggle"]')?.addEventListener('click', () => {
      this.all_schools = !this.all_schools;
      this.paint_();
    });
    this.root.dataset.state = 'ready';
  }

  heading_(r, tz) {
    const { doc, tr } = this;
    const head = el(doc, 'header', 'report-head');
    const site = r.site ?? r.asked_site;
    const who = site
      ? tr.name({ id: site, name: r.name ?? this.model.site(site)?.name, name_en: r.name_en ?? this.model.site(site)?.name_en })
      : (tr.name(this.model.district) || tr.t('report_district'));
    const month = r.month ?? r.asked_month;
    const h = el(doc, 'h2', 'report-title', { 'data-testid': 'report-title' });
    h.textContent = tr.t('report_heading', { who, month });
    const meta = el(doc, 'p', 'report-meta');
    const from = to_ms(r.from);
    const to = to_ms(r.to);
    const lines = [];
    if (from && to) lines.push(tr.t('report_period', { from: clock_time(from, tz).slice(0, 5), to: clock_time(to - 1, tz).slice(0, 5), tz }));
    const generated = to_ms(r.generated_at) ?? Date.now();
    lines.push(tr.t('generated_at', { at: clock_time(generated, tz) }));
    meta.textContent = lines.join(' · ');
    head.append(h, meta);
    // The seed plan: a school's report goes to the bureau, signed, before the 5th of the next month.
    const due = site ? report_due(month) : null;
    if (due) {
      const p = el(doc, 'p', 'report-due', { 'data-testid': 'report-due' });
      p.textContent = tr.t('report_due', { due });
      head.append(p);
    }
    if (r.partial) {
      const p = el(doc, 'p', 'report-partial');
      p.textContent = tr.t('report_partial');
      head.append(p);
    }
    return head;
  }

  section_(title, ...content) {
    const s = el(this.doc, 'section', 'report-section');
    const h = el(this.doc, 'h3');
    h.textContent = title;
    s.append(h, ...content);
    return s;
  }

  // A table: head cells, then rows of cells (text, or {text, testid, attrs}).
  table_(head, rows, cls = '') {
    const { doc } = this;
    const t = el(doc, 'table', `bureau-table report-table ${cls}`);
    const thead = el(doc, 'thead');
    const hr = el(doc, 'tr');
    for (const h of head) {
      const th = el(doc, 'th', null, { scope: 'col' });
      th.textContent = h;
      hr.append(th);
    }
    thead.append(hr);
    const tbody = el(doc, 'tbody');
    for (const row of rows) {
      const tr_row = el(doc, 'tr');
      row.forEach((c, i) => {
        const td = el(doc, i === 0 ? 'th' : 'td', i === 0 ? null : 'num', i === 0 ? { scope: 'row' } : {});
        // Named after its column, for the cards a phone shows instead of a wide table.
        if (head[i]) td.setAttribute('data-label', head[i]);
        if (is_object(c)) {
          td.textContent = c.text;
          if (c.testid) td.setAttribute('data-testid', c.testid);
          for (const [k, v] of Object.entries(c.attrs ?? {})) td.setAttribute(k, v);
        } else {
          td.textContent = c === null || c === undefined ? '—' : String(c);
        }
        tr_row.append(td);
      });
      tbody.append(tr_row);
    }
    t.append(thead, tbody);
    return t;
  }

  colour_table_(first_head, rows) {
    const { tr } = this;
    return this.table_([first_head ?? '', ...colours.map((c) => tr.severity_short(c)), tr.t('report_total')],
      rows.map(([name, v]) => [name, ...colour_row(v)]));
  }

  // Alerts by device family and colour, one table (the server's cross table): a row per family
  // with its colours and total, then the totals row. Rows carry data-family, cells
  // data-severity and data-value, for the tests.
  alerts_(r) {
    const { tr } = this;
    const { rows, total } = alert_table(r.alerts);
    const cells = (values) => values.map((n, i) =>
      ({ text: String(n), attrs: { 'data-value': String(n), 'data-severity': colours[i] ?? 'total' } }));
    const body = rows.map(({ family, cells: values }) => [tr.family(family), ...cells(values)]);
    const sums = [tr.t('report_total'), ...cells(total)];
    sums[5] = { ...sums[5], testid: 'report-alerts-total' };
    body.push(sums);
    const table = this.table_([tr.t('report_family'), ...colours.map((c) => tr.severity_short(c)), tr.t('report_total')],
      body, 'report-alerts');
    table.setAttribute('data-testid', 'report-alerts');
    const trs = table.querySelectorAll('tbody tr');
    rows.forEach(({ family }, i) => trs[i].setAttribute('data-family', family));
    trs[rows.length].classList.add('report-total');
    return this.section_(tr.t('report_alerts'), table);
  }

  handling_(r) {
    const { tr } = this;
    const row = (label, v, not_key, testid) => {
      const o = is_object(v) ? v : {};
      const median = num(o.median_s);
      return [label, num(o.count),
        { text: duration_text(tr, median), testid, attrs: { 'data-seconds': median === null ? '' : String(median) } },
        duration_text(tr, num(o.p90_s)), num(o[not_key])];
    };
    return this.section_(tr.t('report_handling'), this.table_(
      [tr.t('rp_what'), tr.t('rp_count'), tr.t('rp_median'), tr.t('rp_p90'), tr.t('rp_not_done')],
      [row(tr.t('rp_acknowledge'), r.acknowledge, 'not_acknowledged', 'report-ack-median'),
       row(tr.t('rp_close'), r.close, 'not_closed', 'report-close-median')]));
  }

  entry_list_(list, tz) {
    const items = entries_of(list);
    if (!items.length) return this.tr.t('report_none');
    return items.map((e) => {
      if (!is_object(e)) return String(e);
      const title = this.tr.lang === 'en' ? (e.title_en || e.title) : (e.title || e.title_en);
      const at = to_ms(e.raised_at);
      return [e.display_id ?? e.id, title, at ? clock_time(at, tz) : ''].filter(Boolean).join(' ');
    }).join('；');
  }

  escalations_(r, tz) {
    const { tr } = this;
    const e = r.escalations;
    return this.section_(tr.t('report_escalations'), this.table_([tr.t('rp_what'), tr.t('rp_count'), tr.t('rp_ids')],
      [[tr.t('rp_escalated'), count_of(e), this.entry_list_(e, tz)]], 'report-list'));
  }

  deadline_(r) {
    const { tr } = this;
    const d = is_object(r.report_deadline) ? r.report_deadline : {};
    const breaches = num(d.breaches) ?? ((num(d.late) ?? 0) + (num(d.missing) ?? 0));
    return this.section_(tr.t('report_deadline'), this.table_(
      [tr.t('rp_required'), tr.t('rp_on_time'), tr.t('rp_late'), tr.t('rp_missing'), tr.t('rp_pending'), tr.t('rp_breaches')],
      [[num(d.required), num(d.on_time), num(d.late), num(d.missing), num(d.pending),
        { text: String(breaches), attrs: breaches > 0 ? { 'data-warn': 'true' } : {} }]], 'report-plain'));
  }

  hazards_(r, tz) {
    const { tr } = this;
    const h = is_object(r.hazards) ? r.hazards : {};
    const row = (key) => [tr.t(`rp_${key}`), count_of(h[key]), this.entry_list_(h[key], tz)];
    return this.section_(tr.t('report_hazards'), this.table_([tr.t('rp_what'), tr.t('rp_count'), tr.t('rp_ids')],
      [row('carried_in'), row('carried_over'), row('overdue')], 'report-list'));
  }

  devices_(r) {
    const { tr, model } = this;
    const d = r.devices;
    const list = Array.isArray(d) ? d : entries_of(is_object(d) ? d.devices ?? d : []);
    // Availability is in percent (docs/bureau.md's figures, server/bureau).
    const frac = (v) => (num(v) === null ? null : v / 100);
    const rows = list.filter(is_object).map((x) => {
      const id = x.device ?? x.id;
      const known = model.device(id);
      const name = tr.name({ id, name: x.name ?? x.device_name ?? known?.name, name_en: x.name_en ?? known?.name_en });
      const site = x.site ? tr.name(model.site(x.site) ?? { id: x.site }) : '';
      return [site && !r.site ? `${site} › ${name}` : name, percent_text(frac(x.availability)), num(x.readings)];
    });
    const stored = num(r.readings_stored) ?? rows.reduce((a, row) => a + (row[2] ?? 0), 0);
    const availability = frac(num(r.availability) ?? (is_object(d) ? num(d.availability) : null));
    const summary = this.table_([tr.t('rp_what'), ''], [
      [tr.t('rp_readings_stored'), { text: stored.toLocaleString(tr.lang === 'en' ? 'en' : 'zh-CN'),
        testid: 'report-readings-stored', attrs: { 'data-value': String(stored) } }],
      [tr.t('rp_school_availability'), percent_text(availability)],
    ], 'report-plain');
    const table = this.table_([tr.t('rp_device'), tr.t('rp_availability'), tr.t('rp_readings')], rows, 'report-devices');
    table.setAttribute('data-testid', 'report-devices');
    // A district report lists its worst devices only; the CSV has them all.
    const total = num(r.device_count);
    if (r.devices_truncated === true || (total !== null && total > rows.length)) {
      const note = el(this.doc, 'p', 'report-note', { 'data-testid': 'report-devices-worst',
        'data-shown': String(rows.length), 'data-total': String(total ?? '') });
      const csv = el(this.doc, 'a', 'report-csv-link', { href: this.csv_link.href, download: '' });
      csv.textContent = tr.t('report_csv');
      note.append(tr.t('rp_devices_worst', { n: rows.length,
        total: (total ?? rows.length).toLocaleString(tr.lang === 'en' ? 'en' : 'zh-CN') }), ' ', csv);
      return this.section_(tr.t('report_devices'), summary, note, table);
    }
    return this.section_(tr.t('report_devices'), summary, table);
  }

  schools_(r) {
    const { tr } = this;
    const ordered = report_schools_order(r.schools.filter(is_object), tr.lang);
    const shown = this.all_schools ? ordered : ordered.slice(0, schools_shown);
    const rows = shown.map((s) => {
      const name = tr.name({ id: s.site, name: s.name, name_en: s.name_en });
      const alerts = num(s.alerts_total) ?? num(s.alerts?.total) ?? count_of(s.alerts);
      const median = num(s.acknowledge_median_s ?? s.acknowledge?.median_s);
      const breaches = num(s.report_breaches ?? s.report_deadline?.breaches);
      const avail = num(s.availability ?? s.devices_availability);
      const readings = num(s.readings_stored);
      return [name, alerts, duration_text(tr, median), breaches, percent_text(avail === null ? null : avail / 100), readings];
    });
    const table = this.table_(
      [tr.t('report_school'), tr.t('rp_alerts_total'), `${tr.t('rp_acknowledge')} ${tr.t('rp_median')}`,
       tr.t('rp_breaches'), tr.t('rp_availability'), tr.t('rp_readings')], rows, 'report-schools');
    table.setAttribute('data-testid', 'report-schools');
    if (ordered.length <= schools_shown) return this.section_(tr.t('report_schools'), table);
    const bar = el(this.doc, 'p', 'report-note', { 'data-testid': 'report-schools-count',
      'data-shown': String(shown.length), 'data-total': String(ordered.length) });
    bar.textContent = this.all_schools ? tr.t('rp_schools_all', { total: ordered.length })
      : tr.t('rp_schools_first', { n: shown.length, total: ordered.length });
    const toggle = el(this.doc, 'button', 'range no-print', { type: 'button', 'data-testid': 'report-schools-toggle',
      'aria-expanded': String(this.all_schools) });
    toggle.textContent = this.all_schools ? tr.t('rp_show_fewer', { n: schools_shown }) : tr.t('rp_show_all');
    bar.append(' ', toggle);
    return this.section_(tr.t('report_schools'), bar, table);
  }

  signature_(school) {
    const { doc, tr } = this;
    const box = el(doc, 'footer', 'report-signature', { 'data-testid': 'report-signature' });
    const sign = el(doc, 'p');
    sign.textContent = `${tr.t(school ? 'report_sign' : 'report_sign_bureau')}：`;
    const line = el(doc, 'span', 'sign-line');
    sign.append(line);
    const date = el(doc, 'p');
    date.textContent = `${tr.t('report_sign_date')}：`;
    date.append(el(doc, 'span', 'sign-line short'));
    box.append(sign, date);
    return box;
  }
}
