// 达标率 (smart-security compliance, docs/bureau.md): the district rate against the target in
// large type, schools meeting the target, one bar per school (those under the target
// highlighted, with their missing points listed: zone, family, device, silent / not installed,
// last seen), and the daily history of GET /api/compliance/daily as a uPlot chart (the district
// line, one line per school, the target as a dashed line).
//
// A district of hundreds of schools: the bars come the worst first (under the target first, the
// lowest rate first), with a search and the first 50 until "show more"; the missing points are
// listed for the schools shown (folded when more than three schools miss points), and the chart
// draws the district and the lowest schools only.
//
// For tests: the section carries data-state (loading | ready | error); the district figure
// data-rate (a fraction), each bar data-rate and data-below; the bars' list data-total,
// data-matched and data-shown.

import { clock_time, relative_time } from './format.js';
import { get_json } from './api.js';
import { as_fraction, compliance_order, daily_url, day_text, matches_school, page_size, percent_text, to_ms }
  from './bureau.js';
import { el, show_fetch_state } from './form_fields.js';

let uplot_loading = null;
function load_uplot() {
  uplot_loading ??= import('./vendor/uPlot.esm.js').then((m) => m.default).catch((e) => {
    uplot_loading = null;
    throw e;
  });
  return uplot_loading;
}

// Schools drawn in the history chart besides the district: more lines are unreadable.
const chart_schools = 8;

const palette = ['#1d4f99', '#1e8e3e', '#8e44ad', '#c0392b', '#16a085', '#d35400', '#2c3e50', '#7f8c8d'];
const chart_font = '12px "Noto Sans CJK SC", "WenQuanYi Micro Hei", "Microsoft YaHei", system-ui, sans-serif';

// The points of a school that are not reporting, as a table (also used by the drill-down, with
// every point when `all` is set). `school` is a school of GET /api/compliance.
export function points_table(doc, tr, school, { all = false, time_zone = 'Asia/Shanghai', now = Date.now() } = {}) {
  const points = (Array.isArray(school.points) ? school.points : [])
    .filter((p) => all || p.status !== 'reporting');
  const table = el(doc, 'table', 'bureau-table points-table', { 'data-testid': `points-${school.site}` });
  const head = el(doc, 'tr');
  const columns = ['zone', 'family', 'device', 'status', 'last_seen'];
  for (const c of columns) {
    const th = el(doc, 'th', null, { scope: 'col' });
    th.textContent = tr.t(`pt_${c}`);
    head.append(th);
  }
  const thead = el(doc, 'thead');
  thead.append(head);
  const body = el(doc, 'tbody');
  for (const p of points) {
    const row = el(doc, 'tr', null, { 'data-status': p.status });
    // Each cell named after its column: on a phone the rows are cards (style.css).
    const cell = (text, cls, column) => {
      const td = el(doc, 'td', cls, { 'data-label': tr.t(`pt_${column}`) });
      td.textContent = text;
      row.append(td);
    };
    const zone = tr.name({ id: p.zone, name: p.zone_name, name_en: p.zone_name_en });
    cell(zone || tr.zone_type(p.zone_type), 'pt-zone', 'zone');
    cell(tr.family(p.family), 'pt-family', 'family');
    cell(p.device ? tr.name({ id: p.device, name: p.device_name, name_en: p.device_name_en }) : '—', 'pt-device', 'device');
    cell(tr.t(`pt_${p.status}`), 'pt-status', 'status');
    const seen = to_ms(p.last_seen);
    cell(seen ? `${clock_time(seen, time_zone)} (${relative_time(tr, seen, now)})` : '—', 'num pt-seen', 'last_seen');
    body.append(row);
  }
  table.append(thead, body);
  return table;
}

export class compliance_panel {
  constructor(doc, root, model, tr) {
    this.doc = doc;
    this.root = root;
    this.model = model;
    this.tr = tr;
    this.answer = null;
    this.daily = null;
    this.error = null;
    this.seq = 0;
    this.chart = null;
    this.build_();
  }

  build_() {
    const { doc } = this;
    const head = el(doc, 'div', 'view-head');
    this.title = el(doc, 'h2', 'view-title');
    this.window_note = el(doc, 'p', 'view-hint');
    head.append(this.title, this.window_note);
    this.message = el(doc, 'p', 'view-message', { role: 'status', 'data-testid': 'compliance-message' });
    this.headline = el(doc, 'div', 'compliance-headline');
    this.query = '';
    this.limit = page_size;
    const bar = el(doc, 'div', 'list-filters');
    const label = el(doc, 'label', 'list-field list-search');
    this.search_label = el(doc, 'span');
    this.search = el(doc, 'input', null, { type: 'search', autocomplete: 'off', 'data-testid': 'compliance-search' });
    label.append(this.search_label, this.search);
    this.order_hint = el(doc, 'p', 'view-hint');
    bar.append(label, this.order_hint);
    this.count = el(doc, 'p', 'list-count', { 'data-testid': 'compliance-count', 'aria-live': 'polite' });
    this.search.addEventListener('input', () => {
      this.query = this.search.value;
      this.limit = page_size;
      this.paint_();
    });
    this.bars = el(doc, 'ul', 'compliance-bars', { 'data-testid': 'compliance-bars' });
    this.more = el(doc, 'button', 'range list-more', { type: 'button', 'data-testid': 'compliance-more' });
    this.more.addEventListener('click', () => {
      this.limit += page_size;
      this.paint_();
    });
    this.missing = el(doc, 'div', 'compliance-missing');
    const history = el(doc, 'section', 'compliance-history');
    this.history_title = el(doc, 'h3');
    this.chart_box = el(doc, 'div', 'compliance-chart', { 'data-testid': 'compliance-chart' });
    this.history_message = el(doc, 'p', 'view-hint');
    history.append(this.history_title, this.chart_box, this.history_message);
    this.root.append(head, this.message, this.headline, bar, this.count, this.bars, this.more, this.missing, history);
  }

  set_language(tr) {
    this.tr = tr;
    this.paint_();
  }

  show() {
    this.paint_();
    this.load();
  }

  hide() {
    this.seq++;
  }

  reset() {
    this.hide();
    this.answer = null;
    this.daily = null;
    this.chart?.destroy();
    this.chart = null;
    this.headline.replaceChildren();
    this.bars.replaceChildren();
    this.missing.replaceChildren();
  }

  target_() {
    return as_fraction(this.answer?.target, this.answer?.target) ?? 0.9;
  }

  rate_(v) {
    return as_fraction(v, this.answer?.target);
  }

  async load() {
    const seq = ++this.seq;
    if (!this.answer) this.root.dataset.state = 'loading';
    const tz = this.model.sites[0]?.time_zone ?? 'Asia/Shanghai';
    const now = Date.now();
    const [current, daily] = await Promise.all([
      get_json('/api/compliance').catch((e) => ({ ok: false, status: 0, body: { error: e.message } })),
      get_json(daily_url(day_text(now, tz, 29), day_text(now, tz, 0))).catch(() => null),
    ]);
    if (seq !== this.seq) return;
    if (current.ok && current.body?.district) {
      this.answer = current.body;
      this.error = null;
    } else {
      this.error = current.body?.error || `HTTP ${current.status}`;
    }
    this.daily = daily?.ok && Array.isArray(daily.body?.days) ? daily.body : null;
    this.paint_();
  }

  paint_() {
    const { tr } = this;
    this.title.textContent = tr.t('compliance_title');
    this.history_title.textContent = tr.t('compliance_history');
    if (!show_fetch_state(this.root, this.message, tr, this.answer, this.error)) return;
    const w = this.answer.reporting_window_s;
    this.window_note.textContent = typeof w === 'number'
      ? tr.t('compliance_window', { w: w % 60 === 0 ? `${w / 60} ${tr.t('unit_min')}` : `${w} ${tr.t('unit_s')}` }) : '';
    this.paint_headline_();
    this.paint_list_();
    this.paint_bars_();
    this.paint_missing_();
    this.paint_chart_();
    this.root.dataset.state = 'ready';
  }

  paint_headline_() {
    const { doc, tr } = this;
    const d = this.answer.district ?? {};
    const rate = this.rate_(d.rate);
    const target = this.target_();
    const big = el(doc, 'div', 'compliance-rate', { 'data-testid': 'compliance-district-rate' });
    big.textContent = rate === null ? tr.t('ov_no_requirement') : percent_text(rate);
    if (rate !== null) {
      big.dataset.rate = String(rate);
      big.dataset.below = String(rate < target);
    }
    const label = el(doc, 'div', 'compliance-label');
    label.textContent = tr.t('compliance_district');
    const facts = el(doc, 'ul', 'compliance-facts');
    const fact = (text, testid) => {
      const li = el(doc, 'li', null, testid ? { 'data-testid': testid } : {});
      li.textContent = text;
      facts.append(li);
    };
    fact(tr.t('compliance_target', { t: percent_text(target, 0) }), 'compliance-target');
    const total = typeof d.schools === 'number' ? d.schools : (this.answer.schools ?? []).length;
    fact(tr.t('compliance_meeting', { n: d.schools_meeting_target ?? '—', total }), 'compliance-meeting');
    fact(tr.t('compliance_points', { r: d.reporting ?? '—', q: d.required ?? '—' }));
    const box = el(doc, 'div', 'compliance-big');
    box.append(big, label);
    this.headline.replaceChildren(box, facts);
  }

  // The schools in the order shown (the worst first), those matching the search, and the page.
  paint_list_() {
    const { tr } = this;
    this.search_label.textContent = tr.t('list_search');
    this.search.placeholder = tr.t('list_search_hint');
    this.order_hint.textContent = tr.t('compliance_order_hint');
    const all = (this.answer.schools ?? []).map((s) => ({ ...s, rate: this.rate_(s.rate), raw: s }));
    const ordered = compliance_order(all, this.target_(), tr.lang);
    const matched = ordered.filter((s) => matches_school(s, this.query));
    this.ordered = ordered;
    this.page = matched.slice(0, this.limit).map((s) => s.raw);
    this.count.textContent = matched.length === all.length
      ? tr.t('list_count_all', { shown: this.page.length, total: all.length })
      : tr.t('list_count', { shown: this.page.length, matched: matched.length, total: all.length });
    const left = matched.length - this.page.length;
    this.more.hidden = left <= 0;
    this.more.textContent = tr.t('list_more', { n: Math.min(page_size, left), left });
    Object.assign(this.bars.dataset, { total: String(all.length), matched: String(matched.length), shown: String(this.page.length) });
  }

  paint_bars_() {
    const { doc, tr } = this;
    const target = this.target_();
    if (!this.page.length) {
      const li = el(doc, 'li', 'view-hint');
      li.textContent = tr.t('list_none');
      this.bars.replaceChildren(li);
      return;
    }
    const items = this.page.map((s) => {
      const rate = this.rate_(s.rate);
      const below = rate !== null && rate < target;
      const li = el(doc, 'li', 'compliance-bar', { 'data-testid': `compliance-bar-${s.site}`, 'data-below': String(below) });
      if (rate !== null) li.dataset.rate = String(rate);
      const name = el(doc, 'span', 'bar-name');
      name.textContent = tr.name({ id: s.site, name: s.name, name_en: s.name_en });
      const track = el(doc, 'span', 'bar-track', { role: 'img' });
      track.setAttribute('aria-label', `${name.textContent} ${percent_text(rate)}`);
      const fill = el(doc, 'span', 'bar-fill');
      fill.style.width = `${Math.max(0, Math.min(1, rate ?? 0)) * 100}%`;
      const mark = el(doc, 'span', 'bar-target', { title: tr.t('compliance_target', { t: percent_text(target, 0) }) });
      mark.style.left = `${target * 100}%`;
      track.append(fill, mark);
      const value = el(doc, 'span', 'bar-value');
      value.textContent = rate === null ? tr.t('ov_no_requirement')
        : `${percent_text(rate)} · ${below ? tr.t('compliance_below') : tr.t('compliance_met')}`;
      const counts = el(doc, 'span', 'bar-counts');
      counts.textContent = tr.t('compliance_points', { r: s.reporting ?? '—', q: s.required ?? '—' });
      li.append(name, track, value, counts);
      return li;
    });
    this.bars.replaceChildren(...items);
  }

  // The missing points of the schools shown, one folded section each (a district's page would
  // otherwise hold hundreds of rows): open when few schools miss points, or when opened before;
  // a section's table is made when it is opened.
  paint_missing_() {
    const { doc, tr } = this;
    this.opened ??= new Set();
    const parts = [];
    const missing_of = (s) => (s.points ?? []).filter((p) => p.status !== 'reporting');
    const few = this.page.filter((s) => missing_of(s).length).length <= 3;
    for (const s of this.page) {
      const missing = missing_of(s);
      if (!missing.length) continue;
      const rate = this.rate_(s.rate);
      const section = el(doc, 'details', 'missing-school', { 'data-testid': `compliance-missing-${s.site}` });
      if (rate !== null && rate < this.target_()) section.dataset.below = 'true';
      const h = el(doc, 'summary');
      h.textContent = `${tr.name({ id: s.site, name: s.name, name_en: s.name_en })} · ${tr.t('compliance_missing')} (${missing.length})`;
      section.append(h);
      const fill = () => {
        if (section.querySelector('table')) return;
        const tz = this.model.site(s.site)?.time_zone ?? 'Asia/Shanghai';
        section.append(points_table(doc, tr, s, { time_zone: tz }));
      };
      section.addEventListener('toggle', () => {
        if (section.open) {
          this.opened.add(s.site);
          fill();
        } else {
          this.opened.delete(s.site);
        }
      });
      if (few || this.opened.has(s.site)) {
        section.open = true;
        fill();
      }
      parts.push(section);
    }
    if (!parts.length) {
      const p = el(doc, 'p', 'view-hint');
      p.textContent = tr.t('compliance_all_ok');
      parts.push(p);
    }
    this.missing.replaceChildren(...parts);
  }

  async paint_chart_() {
    const { tr } = this;
    const days = this.daily?.days ?? [];
    this.chart?.destroy();
    this.chart = null;
    this.chart_box.replaceChildren();
    if (!days.length) {
      this.history_message.textContent = tr.t('compliance_history_none');
      return;
    }
    this.history_message.textContent = '';
    let uPlot;
    try {
      uPlot = await load_uplot();
    } catch (e) {
      this.history_message.textContent = tr.t('chart_missing');
      return;
    }
    if (days !== (this.daily?.days ?? null)) return;
    const scale = (v) => {
      const f = as_fraction(v, this.daily.target ?? this.answer?.target);
      return f === null ? null : Math.round(f * 1000) / 10;
    };
    const xs = days.map((d) => Date.parse(`${d.date}T12:00:00Z`) / 1000);
    // The lowest schools only (the district line carries the rest).
    const schools = (this.ordered ?? []).slice(0, chart_schools).map((s) => s.raw);
    if ((this.answer?.schools ?? []).length > chart_schools) {
      this.history_message.textContent = tr.t('compliance_chart_some', { n: schools.length });
    }
    const target = this.target_() * 100;
    const data = [xs, days.map((d) => scale(d.district)), days.map(() => target)];
    const series = [
      { label: tr.t('report_month') },
      { label: tr.t('compliance_district_line'), stroke: palette[0], width: 3 },
      { label: tr.t('compliance_target_line'), stroke: '#d93025', width: 1.5, dash: [6, 4] },
    ];
    schools.forEach((s, i) => {
      data.push(days.map((d) => scale(d.schools?.[s.site])));
      series.push({ label: tr.name({ id: s.site, name: s.name, name_en: s.name_en }),
                    stroke: palette[(i + 1) % palette.length], width: 1.5 });
    });
    const pct = (u, v) => (v === null || v === undefined ? '—' : `${v}%`);
    for (const s of series.slice(1)) s.value = pct;
    series[0].value = (u, v) => (v ? new Date(v * 1000).toISOString().slice(0, 10) : '—');
    const axis = { font: chart_font, grid: { stroke: '#e3e8ef', width: 1 } };
    this.chart = new uPlot({
      width: Math.max(320, this.chart_box.clientWidth || 900),
      height: 280,
      scales: { x: { time: true }, y: { range: [0, 100] } },
      cursor: { drag: { x: false, y: false } },
      series,
      axes: [
        { ...axis, values: (u, ticks) => ticks.map((t) => new Date(t * 1000).toISOString().slice(5, 10)) },
        { ...axis, values: (u, ticks) => ticks.map((t) => `${t}%`), size: 56 },
      ],
    }, data, this.chart_box);
  }
}
