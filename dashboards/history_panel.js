// The history panel: a modal <dialog> (Esc closes it, focus stays inside, and returns to the
// tile's button) with a metric selector, range buttons (1 h / 24 h / 7 d) and a custom range in
// the school's time zone, a uPlot chart of the mean with a min–max band, the device's alerts
// marked on it, and a CSV export of the same query. The marks are every ledger entry of the
// device in the range (GET /api/alerts?device=…, backfilled and closed ones too), kept up to
// date by the page's own entries as they change.
//
// uPlot is loaded on first use from vendor/ (copied there by vendor.mjs), so a missing copy
// costs the chart only, never the live dashboard. The panel's state for tests and tools is on
// its attributes: data-state (loading | ready | empty | error) and data-points.

import { api_fetch } from './api.js';
import { alert_spans, chart_columns, chart_metrics, device_alerts_max_pages, device_alerts_url,
         has_numbers, history_url, merge_alerts, more_device_alerts, ms_to_zoned_input,
         ranges, step_parts, time_ticks, zoned_input_to_ms } from './history.js';
import { normalize_entry } from './state.js';
import { clock_time, format_number, unit_of } from './format.js';

let uplot_loading = null;

// The chart library, loaded once; a failed load may be retried on the next query.
function load_uplot() {
  uplot_loading ??= import('./vendor/uPlot.esm.js').then((m) => m.default).catch((e) => {
    uplot_loading = null;
    throw e;
  });
  return uplot_loading;
}

const chart_height = 320;
const chart_font = '12px "Noto Sans CJK SC", "WenQuanYi Micro Hei", "Microsoft YaHei", system-ui, sans-serif';
const label_font = '13px "Noto Sans CJK SC", "WenQuanYi Micro Hei", "Microsoft YaHei", system-ui, sans-serif';

const el = (doc, tag, cls, attrs = {}) => {
  const e = doc.createElement(tag);
  if (cls) e.className = cls;
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
  return e;
};

// "#d93025" → "rgba(217, 48, 37, a)".
function with_alpha(hex, a) {
  const m = /^#?([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(hex.trim());
  if (!m) return hex;
  return `rgba(${parseInt(m[1], 16)}, ${parseInt(m[2], 16)}, ${parseInt(m[3], 16)}, ${a})`;
}

export class history_panel {
  constructor(doc, model, tr) {
    this.doc = doc;
    this.model = model;
    this.tr = tr;
    this.device_id = null;
    this.key = null;              // the chosen metric's key in device.values
    this.range = { kind: '24h', from: 0, to: 0 };
    this.answer = null;           // the last /api/history answer shown
    this.chart = null;            // the uPlot instance
    this.seq = 0;                 // the latest query; older answers are dropped
    this.abort = null;
    this.ledger = [];             // the device's ledger entries for the range shown
    this.ledger_abort = null;
    this.ledger_timer = null;     // a refresh of the ledger's entries after /ws changes, pending
    this.opener = null;
    this.build_();
  }

  get is_open() { return this.dialog.open; }

  open(device_id, opener) {
    const device = this.model.device(device_id);
    if (!device) return;
    this.device_id = device_id;
    this.opener = opener ?? null;
    const choices = chart_metrics(device);
    if (!choices.some((c) => c.key === this.key)) this.key = choices[0]?.key ?? null;
    this.range = { kind: '24h', from: 0, to: 0 };
    this.paint_static_();
    if (!this.dialog.open) this.dialog.showModal();
    this.load_();
  }

  close() {
    this.ledger_abort?.abort();
    clearTimeout(this.ledger_timer);
    this.ledger_timer = null;
    if (this.dialog.open) this.dialog.close();
  }

  set_language(tr) {
    this.tr = tr;
    if (!this.dialog.open) return;
    this.paint_static_();
    if (this.answer) this.render_();
  }

  // The model's alerts changed: repaint the marks (the data stays).
  // The ledger's entries are asked again too, at most once a second: an entry closed meanwhile
  // leaves the page's open entries, and its mark keeps only the ledger's copy.
  alerts_changed(device_ids) {
    if (!this.dialog.open || !device_ids.has(this.device_id)) return;
    this.paint_alerts_();
    this.chart?.redraw(false);
    if (this.ledger_timer) return;
    this.ledger_timer = setTimeout(() => {
      this.ledger_timer = null;
      if (this.dialog.open && this.device_id) {
        this.load_ledger_(this.seq, this.device_id, this.range.from, this.range.to, { quiet: true });
      }
    }, 1000);
  }

  build_() {
    const { doc } = this;
    const d = el(doc, 'dialog', 'history', { 'data-testid': 'history-panel', 'aria-labelledby': 'history-title' });
    const head = el(doc, 'header', 'history-head');
    this.title = el(doc, 'h2', 'history-title', { id: 'history-title' });
    this.where = el(doc, 'p', 'history-where');
    const titles = el(doc, 'div');
    titles.append(this.title, this.where);
    this.close_button = el(doc, 'button', 'history-close', { type: 'button', 'data-testid': 'history-close' });
    this.close_button.textContent = '×';
    this.close_button.addEventListener('click', () => this.close());
    head.append(titles, this.close_button);

    const controls = el(doc, 'div', 'history-controls');
    const metric_label = el(doc, 'label', 'history-metric');
    this.metric_text = el(doc, 'span');
    this.metric_select = el(doc, 'select', null, { 'data-testid': 'history-metric' });
    this.metric_select.addEventListener('change', () => {
      this.key = this.metric_select.value;
      this.load_();
    });
    metric_label.append(this.metric_text, this.metric_select);

    this.range_group = el(doc, 'div', 'history-ranges', { role: 'group' });
    this.range_buttons = new Map();
    for (const kind of Object.keys(ranges)) {
      const b = el(doc, 'button', 'range', { type: 'button', 'data-range': kind, 'data-testid': `history-range-${kind}` });
      b.addEventListener('click', () => {
        this.range = { kind, from: 0, to: 0 };
        this.load_();
      });
      this.range_buttons.set(kind, b);
      this.range_group.append(b);
    }

    this.custom = el(doc, 'form', 'history-custom');
    const field = (testid) => {
      const label = el(doc, 'label');
      const text = el(doc, 'span');
      const input = el(doc, 'input', null, { type: 'datetime-local', 'data-testid': testid, required: '' });
      label.append(text, input);
      return { label, text, input };
    };
    this.from_field = field('history-from');
    this.to_field = field('history-to');
    this.apply_button = el(doc, 'button', 'range', { type: 'submit', 'data-testid': 'history-apply' });
    this.custom_error = el(doc, 'span', 'history-custom-error', { role: 'alert' });
    this.custom.append(this.from_field.label, this.to_field.label, this.apply_button, this.custom_error);
    this.custom.addEventListener('submit', (e) => {
      e.preventDefault();
      this.apply_custom_();
    });

    this.export_link = el(doc, 'a', 'history-export', { 'data-testid': 'history-export', download: '' });
    controls.append(metric_label, this.range_group, this.custom, this.export_link);

    this.note = el(doc, 'p', 'history-note', { 'data-testid': 'history-note' });
    this.chart_box = el(doc, 'div', 'history-chart', { 'data-testid': 'history-chart', role: 'img' });
    this.message = el(doc, 'p', 'history-message', { 'data-testid': 'history-message', role: 'status' });

    const alerts = el(doc, 'section', 'history-alerts');
    this.alerts_title = el(doc, 'h3');
    this.alerts_list = el(doc, 'ul', null, { 'data-testid': 'history-alerts' });
    this.alerts_note = el(doc, 'p', 'history-alerts-note');
    alerts.append(this.alerts_title, this.alerts_list, this.alerts_note);

    d.append(head, controls, this.note, this.chart_box, this.message, alerts);
    // Esc and the close button both end in 'close': release the chart and the pending query.
    d.addEventListener('close', () => this.on_closed_());
    // A click on the backdrop (outside the dialog's box) closes it too.
    d.addEventListener('click', (e) => {
      if (e.target !== d) return;
      const r = d.getBoundingClientRect();
      const inside = e.clientX >= r.left && e.clientX <= r.right && e.clientY >= r.top && e.clientY <= r.bottom;
      if (!inside) this.close();
    });
    this.dialog = d;
    doc.body.append(d);
    this.on_resize = () => {
      if (this.chart) this.chart.setSize({ width: this.chart_width_(), height: chart_height });
    };
  }

  on_closed_() {
    this.seq++;
    this.abort?.abort();
    this.abort = null;
    this.chart?.destroy();
    this.chart = null;
    this.answer = null;
    this.doc.defaultView?.removeEventListener('resize', this.on_resize);
    this.opener?.focus?.();
  }

  site_() {
    const device = this.model.device(this.device_id);
    return device ? this.model.site(device.site) : null;
  }

  time_zone_() { return this.site_()?.time_zone ?? 'Asia/Shanghai'; }

  choice_() {
    const device = this.model.device(this.device_id);
    return device ? chart_metrics(device).find((c) => c.key === this.key) ?? null : null;
  }

  metric_name_(choice) {
    return choice.subject ? `${this.tr.metric(choice.metric)} ${choice.subject}` : this.tr.metric(choice.metric);
  }

  paint_static_() {
    const { tr, model } = this;
    const device = model.device(this.device_id);
    if (!device) return;
    const site = model.site(device.site);
    const zone = model.zone(device.site, device.zone);
    this.title.textContent = tr.t('history_title', { name: tr.name(device) });
    this.where.textContent = [tr.name(site ?? { id: device.site }), tr.name(zone ?? { id: device.zone })].join(' › ');
    this.close_button.setAttribute('aria-label', tr.t('close'));
    this.close_button.title = tr.t('close');
    this.metric_text.textContent = tr.t('history_metric');
    const options = chart_metrics(device).map((c) => new Option(this.metric_name_(c), c.key));
    this.metric_select.replaceChildren(...options);
    if (this.key) this.metric_select.value = this.key;
    this.metric_select.disabled = options.length === 0;
    this.range_group.setAttribute('aria-label', tr.t('history_range'));
    for (const [kind, b] of this.range_buttons) b.textContent = tr.t(`range_${kind}`);
    this.from_field.text.textContent = tr.t('range_from');
    this.to_field.text.textContent = tr.t('range_to');
    this.apply_button.textContent = tr.t('range_apply');
    this.export_link.textContent = tr.t('export_csv');
    this.export_link.title = tr.t('export_csv_label');
    this.alerts_title.textContent = tr.t('chart_alerts');
    this.paint_range_();
    this.paint_note_();
  }

  paint_range_() {
    for (const [kind, b] of this.range_buttons) {
      b.setAttribute('aria-pressed', String(this.range.kind === kind));
    }
    this.custom.dataset.active = String(this.range.kind === 'custom');
  }

  paint_note_() {
    const tz = this.time_zone_();
    let text = this.tr.t('tz_note', { tz });
    if (this.answer?.step) {
      const { n, unit } = step_parts(this.answer.step);
      text += ` · ${this.tr.t('step_note', { step: `${n} ${this.tr.t(`unit_${unit}`)}` })}`;
    }
    this.note.textContent = text;
  }

  apply_custom_() {
    const tz = this.time_zone_();
    const from = zoned_input_to_ms(this.from_field.input.value, tz);
    const to = zoned_input_to_ms(this.to_field.input.value, tz);
    if (from === null || to === null) {
      this.custom_error.textContent = this.tr.t('range_incomplete');
      return;
    }
    if (from >= to) {
      this.custom_error.textContent = this.tr.t('range_bad');
      return;
    }
    this.custom_error.textContent = '';
    this.range = { kind: 'custom', from, to };
    this.load_();
  }

  set_state_(state, message = '') {
    this.dialog.dataset.state = state;
    this.message.textContent = message;
    this.message.hidden = !message;
  }

  async load_() {
    const seq = ++this.seq;
    this.abort?.abort();
    this.abort = null;
    this.answer = null;
    this.paint_range_();
    const choice = this.choice_();
    if (!choice) {
      this.show_nothing_('empty', this.tr.t('no_metrics'));
      this.export_link.hidden = true;
      return;
    }
    if (this.range.kind !== 'custom') {
      this.range.to = Date.now();
      this.range.from = this.range.to - ranges[this.range.kind];
    }
    const { from, to } = this.range;
    const tz = this.time_zone_();
    this.from_field.input.value = ms_to_zoned_input(from, tz);
    this.to_field.input.value = ms_to_zoned_input(to, tz);
    const query = { device: this.device_id, metric: choice.metric, subject: choice.subject, from, to };
    this.export_link.href = history_url({ ...query, format: 'csv' });
    this.export_link.hidden = false;
    this.dialog.dataset.points = '0';
    this.set_state_('loading', this.tr.t('loading'));
    this.load_ledger_(seq, this.device_id, from, to);
    this.doc.defaultView?.addEventListener('resize', this.on_resize);

    const abort = new AbortController();
    this.abort = abort;
    let answer;
    try {
      const res = await api_fetch(history_url(query), { signal: abort.signal, cache: 'no-store' });
      const body = await res.json().catch(() => ({}));
      if (!res.ok) throw new Error(body.error || `HTTP ${res.status}`);
      answer = body;
      await load_uplot().catch((e) => {
        console.error('uPlot', e);
        throw new Error(this.tr.t('chart_missing'), { cause: 'chart' });
      });
    } catch (e) {
      if (seq !== this.seq) return;  // superseded or closed
      this.show_nothing_('error', e.cause === 'chart' ? e.message : this.tr.t('history_error', { msg: e.message }));
      return;
    }
    if (seq !== this.seq) return;
    this.abort = null;
    this.answer = answer;
    this.render_();
  }

  show_nothing_(state, message) {
    this.chart?.destroy();
    this.chart = null;
    this.chart_box.hidden = true;
    this.chart_box.removeAttribute('aria-label');
    this.set_state_(state, message);
    this.paint_note_();
    this.paint_alerts_();
  }

  async render_() {
    const answer = this.answer;
    const choice = this.choice_();
    this.dialog.dataset.points = String(answer.points?.length ?? 0);
    if (!choice || !has_numbers(answer)) {
      this.show_nothing_('empty', this.tr.t('no_data'));
      return;
    }
    const uPlot = await load_uplot();
    if (answer !== this.answer) return;
    this.chart?.destroy();
    this.chart_box.hidden = false;
    const tz = this.time_zone_();
    const { tr } = this;
    const unit = unit_of(choice.metric, answer.unit);
    const name = this.metric_name_(choice);
    this.chart_box.setAttribute('aria-label', tr.t('chart_label', {
      metric: name, from: clock_time(this.range.from, tz), to: clock_time(this.range.to, tz),
      n: answer.points.length,
    }));
    const css = getComputedStyle(this.dialog);
    const ink = css.getPropertyValue('--ink').trim() || '#1b2430';
    const line = css.getPropertyValue('--chart-line').trim() || '#1d4f99';
    const value = (u, v) => (v === null || v === undefined ? '—' : `${format_number(v)}${unit ? ` ${unit}` : ''}`);
    const axis = { stroke: ink, font: chart_font, labelFont: label_font, grid: { stroke: '#e3e8ef', width: 1 },
                   ticks: { stroke: '#c8d1dc', width: 1 } };
    const from_s = this.range.from / 1000;
    const to_s = this.range.to / 1000;
    const opts = {
      width: this.chart_width_(),
      height: chart_height,
      tzDate: (ts) => uPlot.tzDate(new Date(ts * 1000), tz),
      scales: { x: { time: true, range: () => [from_s, to_s] } },
      cursor: { drag: { x: false, y: false } },
      series: [
        { label: tr.t('axis_time'), value: (u, v) => (v === null || v === undefined ? '—' : clock_time(v * 1000, tz)) },
        { label: tr.t('series_min'), stroke: with_alpha(line, 0.45), width: 1, value },
        { label: tr.t('series_mean'), stroke: line, width: 2, value },
        { label: tr.t('series_max'), stroke: with_alpha(line, 0.45), width: 1, value },
      ],
      bands: [{ series: [3, 1], fill: with_alpha(line, 0.14) }],
      axes: [
        { ...axis, label: `${tr.t('axis_time')} (${tz})`,
          values: (u, ticks, axis_index, space, spacing) => time_ticks(ticks, spacing, tz) },
        { ...axis, label: unit ? `${name} (${unit})` : name, size: 64,
          values: (u, splits) => splits.map((v) => format_number(v)) },
      ],
      hooks: {
        drawClear: [(u) => this.draw_alert_spans_(u)],
        draw: [(u) => this.draw_alert_lines_(u)],
      },
    };
    this.chart = new uPlot(opts, chart_columns(answer), this.chart_box);
    this.set_state_('ready');
    this.paint_note_();
    this.paint_alerts_();
  }

  chart_width_() {
    return Math.max(320, Math.floor(this.chart_box.clientWidth || this.dialog.clientWidth - 48));
  }

  // The ledger's entries of the device in [from, to), every handling state, page by page
  // (history.js more_device_alerts), while the chart's readings load. For tests the dialog
  // carries data-ledger (loading | ready | error) and data-marks (the alerts marked).
  // `quiet`: a refresh, keeping the marks shown until the answer.
  async load_ledger_(seq, device, from, to, { quiet = false } = {}) {
    this.ledger_abort?.abort();
    const abort = new AbortController();
    this.ledger_abort = abort;
    if (!quiet) {
      this.ledger = [];
      this.ledger_error = null;
      this.dialog.dataset.ledger = 'loading';
    }
    const found = [];
    let error = null;
    try {
      for (let page = 0, offset = 0; page < device_alerts_max_pages; ++page) {
        const res = await api_fetch(device_alerts_url(device, to, offset), { signal: abort.signal, cache: 'no-store' });
        const body = await res.json().catch(() => ({}));
        if (!res.ok) throw new Error(body?.error || `HTTP ${res.status}`);
        const entries = (Array.isArray(body?.alerts) ? body.alerts : []).map(normalize_entry).filter(Boolean);
        found.push(...entries);
        if (!more_device_alerts(entries, from)) break;
        offset += entries.length;
      }
    } catch (e) {
      if (e.name === 'AbortError' || seq !== this.seq) return;
      error = e.message;
    }
    if (seq !== this.seq || abort.signal.aborted) return;
    if (error && quiet) return;  // a failed refresh keeps the marks shown
    this.ledger = found;
    this.ledger_error = error;
    this.dialog.dataset.ledger = this.ledger_error ? 'error' : 'ready';
    this.paint_alerts_();
    this.chart?.redraw(false);
  }

  spans_() {
    const now = Date.now();
    const alerts = merge_alerts(this.ledger, this.model.alerts.values());
    return alert_spans(alerts, this.device_id, this.range.from, this.range.to, now);
  }

  severity_colour_(sev) {
    return getComputedStyle(this.dialog).getPropertyValue(`--${sev}`).trim() || '#d93025';
  }

  // Under the series: a tinted span from raised_at to cleared_at (or now).
  draw_alert_spans_(u) {
    const { ctx, bbox } = u;
    for (const s of this.spans_()) {
      const x0 = Math.max(bbox.left, u.valToPos(s.start / 1000, 'x', true));
      const x1 = Math.min(bbox.left + bbox.width, u.valToPos(s.end / 1000, 'x', true));
      if (!(x1 >= x0)) continue;
      ctx.save();
      ctx.fillStyle = with_alpha(this.severity_colour_(s.severity), 0.2);
      ctx.fillRect(x0, bbox.top, Math.max(x1 - x0, 2), bbox.height);
      ctx.restore();
    }
  }

  // Over the series: a line in the severity's colour where each alert was raised.
  draw_alert_lines_(u) {
    const { ctx, bbox } = u;
    for (const s of this.spans_()) {
      if (s.start < this.range.from) continue;
      const x = Math.round(u.valToPos(s.start / 1000, 'x', true));
      ctx.save();
      ctx.strokeStyle = this.severity_colour_(s.severity);
      ctx.lineWidth = 2 * (this.doc.defaultView?.devicePixelRatio ?? 1);
      ctx.beginPath();
      ctx.moveTo(x, bbox.top);
      ctx.lineTo(x, bbox.top + bbox.height);
      ctx.stroke();
      ctx.restore();
    }
  }

  // The marked alerts in words too: colour is never the only cue.
  paint_alerts_() {
    const { doc, tr } = this;
    const tz = this.time_zone_();
    const spans = this.device_id ? this.spans_() : [];
    this.dialog.dataset.marks = String(spans.length);
    const items = spans.map((s) => {
      const li = el(doc, 'li', 'history-alert', { 'data-severity': s.severity, 'data-state': s.alert.state,
                                                  'data-testid': `history-alert-${s.alert.id}` });
      const swatch = el(doc, 'span', 'swatch', { 'aria-hidden': 'true' });
      const end = s.alert.condition === 'cleared' && s.alert.cleared_at
        ? clock_time(s.alert.cleared_at, tz) : tr.t('ongoing');
      const what = s.alert.kind === 'manual' ? s.alert.title : tr.rule_name(s.alert);
      const id = el(doc, 'span', 'history-alert-id');  // "A-000017 已销号", never broken at its hyphen
      id.textContent = `${s.alert.display_id ?? ''} ${tr.handling(s.alert.state)}`;
      li.append(swatch, `${tr.severity(s.severity)} · ${what} · ${clock_time(s.start, tz)} – ${end} · `, id);
      return li;
    });
    if (!items.length) {
      const li = el(doc, 'li', 'history-alert-none');
      li.textContent = tr.t('chart_alerts_none_ledger');
      items.push(li);
    }
    this.alerts_list.replaceChildren(...items);
    this.alerts_note.textContent = this.ledger_error
      ? tr.t('chart_alerts_ledger_error', { msg: this.ledger_error }) : tr.t('chart_alerts_ledger_note');
  }
}
