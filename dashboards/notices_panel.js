// 通知 (notices, docs/bureau.md), the bureau's side: the form (title, text, kind, colour,
// schools with "every school", SMS) that POSTs /api/notices, and the notices sent, newest first,
// each with its read receipts per school (read or not, who and when, the SMS outcomes). The list
// comes from GET /api/notices and follows /ws: "notice" adds or replaces one, "notice_read"
// marks a school's receipt read by that user.
//
// The schools to send to are a list sorted naturally under a search box (hundreds of schools in
// a district), with the number chosen; a school hidden by the search stays chosen.
//
// For tests: the section carries data-state (loading | ready | error); each notice
// data-testid notice-{id}, each receipt receipt-{id}-{site} with data-read.

import { clock_time } from './format.js';
import { get_json, post_json } from './api.js';
import { apply_read, matches_school, normalize_notice, notice_body, notice_kinds, notice_problem, sort_by_name }
  from './bureau.js';
import { refusal_text } from './handling.js';
import { el, fill_select, option } from './form_fields.js';

export class notices_panel {
  constructor(doc, root, model, tr) {
    this.doc = doc;
    this.root = root;
    this.model = model;
    this.tr = tr;
    this.notices = [];   // newest first
    this.loaded = false;
    this.error = null;
    this.seq = 0;
    this.build_();
  }

  build_() {
    const { doc } = this;
    const form = el(doc, 'form', 'notice-form', { 'data-testid': 'notice-form', novalidate: '' });
    this.form_title = el(doc, 'h2', 'view-title');
    const field = (input, testid, cls = '') => {
      const label = el(doc, 'label', cls);
      const span = el(doc, 'span');
      input.setAttribute('data-testid', testid);
      label.append(span, input);
      form.append(label);
      return span;
    };
    this.f = {
      title: el(doc, 'input', null, { maxlength: '100', required: '' }),
      body: el(doc, 'textarea', null, { rows: '4', maxlength: '2000' }),
      kind: el(doc, 'select'),
      severity: el(doc, 'select'),
      sms: el(doc, 'input', null, { type: 'checkbox' }),
    };
    form.append(this.form_title);
    this.labels = {
      title: field(this.f.title, 'notice-title', 'wide'),
      body: field(this.f.body, 'notice-body', 'wide'),
      kind: field(this.f.kind, 'notice-kind'),
      severity: field(this.f.severity, 'notice-severity'),
    };
    this.sites_box = el(doc, 'fieldset', 'notice-sites wide', { 'data-testid': 'notice-sites' });
    this.sites_legend = el(doc, 'legend');
    this.sites_filter = el(doc, 'input', 'notice-sites-filter', { type: 'search', autocomplete: 'off',
      'data-testid': 'notice-sites-filter' });
    this.sites_chosen = el(doc, 'span', 'notice-sites-chosen', { 'data-testid': 'notice-sites-chosen', 'aria-live': 'polite' });
    this.sites_list = el(doc, 'div', 'notice-sites-list');
    this.sites_filter.addEventListener('input', () => this.filter_sites_());
    this.sites_box.addEventListener('change', () => this.count_sites_());
    form.append(this.sites_box);
    const sms_label = el(doc, 'label', 'check wide');
    this.f.sms.setAttribute('data-testid', 'notice-sms');
    this.labels.sms = el(doc, 'span');
    sms_label.append(this.f.sms, this.labels.sms);
    form.append(sms_label);
    this.send = el(doc, 'button', 'send', { type: 'submit', 'data-testid': 'notice-send' });
    this.form_message = el(doc, 'p', 'form-message', { role: 'status', 'data-testid': 'notice-form-message' });
    const buttons = el(doc, 'div', 'wide form-buttons');
    buttons.append(this.send, this.form_message);
    form.append(buttons);
    form.addEventListener('submit', (ev) => {
      ev.preventDefault();
      this.submit_();
    });
    this.form = form;

    const list = el(doc, 'section', 'notice-list-box');
    this.list_title = el(doc, 'h2', 'view-title');
    this.message = el(doc, 'p', 'view-message', { role: 'status' });
    this.list = el(doc, 'ol', 'notice-list', { 'data-testid': 'notice-list' });
    list.append(this.list_title, this.message, this.list);
    this.root.append(form, list);
  }

  set_language(tr) {
    this.tr = tr;
    this.paint_form_();
    this.paint_list_();
  }

  show() {
    this.paint_form_();
    this.paint_list_();
    this.load();
  }

  hide() {}

  reset() {
    this.notices = [];
    this.loaded = false;
    this.seq++;
    this.list.replaceChildren();
    this.form.reset();
    this.filter_sites_();
    this.count_sites_();
    this.form_message.textContent = '';
  }

  async load() {
    const seq = ++this.seq;
    if (!this.loaded) this.root.dataset.state = 'loading';
    const res = await get_json('/api/notices').catch((e) => ({ ok: false, status: 0, body: { error: e.message } }));
    if (seq !== this.seq) return;
    if (res.ok) {
      const list = Array.isArray(res.body) ? res.body : res.body?.notices;
      this.notices = (Array.isArray(list) ? list : []).map(normalize_notice).filter(Boolean);
      this.loaded = true;
      this.error = null;
    } else {
      this.error = res.body?.error || `HTTP ${res.status}`;
    }
    this.paint_list_();
  }

  // A /ws message: "notice" (new or changed) or "notice_read".
  on_message(msg) {
    if (msg.type === 'notice') {
      const n = normalize_notice(msg.notice);
      if (!n) return;
      const i = this.notices.findIndex((x) => x.id === n.id);
      if (i >= 0) {
        // A message without receipts must not wipe the receipts already shown.
        if (!n.has_receipts) n.receipts = this.notices[i].receipts;
        this.notices[i] = n;
      } else {
        this.notices.unshift(n);
      }
    } else if (msg.type === 'notice_read') {
      const n = this.notices.find((x) => String(x.id) === String(msg.notice_id));
      if (!n) {
        if (this.loaded) this.load();   // a notice this page has not seen yet
        return;
      }
      apply_read(n, msg);
    }
    this.paint_list_();
  }

  paint_form_() {
    const { tr, doc, model } = this;
    this.form_title.textContent = tr.t('notice_new');
    for (const key of ['title', 'body', 'kind', 'severity']) this.labels[key].textContent = tr.t(`notice_${key}`);
    this.labels.sms.textContent = tr.t('notice_sms');
    this.send.textContent = tr.t('notice_send');
    fill_select(this.f.kind, notice_kinds.map((k) => option(k, tr.t(`notice_kind_${k}`))));
    fill_select(this.f.severity, [option('', tr.t('notice_severity_none')),
      ...['blue', 'yellow', 'orange', 'red'].map((s) => option(s, tr.severity(s)))]);
    // Schools: "every school" first, then each; the choice survives a repaint.
    const checked = new Set([...this.sites_box.querySelectorAll('input:checked')].map((i) => i.value));
    this.sites_legend.textContent = tr.t('notice_sites');
    const box = (value, text, testid) => {
      const label = el(doc, 'label', 'check');
      const input = el(doc, 'input', null, { type: 'checkbox', value, 'data-testid': testid });
      input.checked = checked.has(value);
      label.append(input, text);
      return label;
    };
    const all = box('*', tr.t('notice_all'), 'notice-site-all');
    const items = sort_by_name(model.sites.map((s) => ({ ...s, site: s.id })), tr.lang).map((s) => {
      const label = box(s.id, tr.name(s), `notice-site-${s.id}`);
      label.dataset.site = s.id;
      return label;
    });
    this.sites_filter.placeholder = tr.t('list_search_hint');
    this.sites_filter.setAttribute('aria-label', tr.t('school_filter'));
    this.sites_list.replaceChildren(...items);
    this.sites_box.replaceChildren(this.sites_legend, all, this.sites_filter, this.sites_chosen, this.sites_list);
    this.filter_sites_();
    this.count_sites_();
    const all_input = all.querySelector('input');
    const each = items.map((l) => l.querySelector('input'));
    all_input.addEventListener('change', () => {
      for (const i of each) {
        i.disabled = all_input.checked;
        if (all_input.checked) i.checked = false;
      }
    });
    for (const i of each) i.disabled = all_input.checked;
  }

  // Shows the schools matching the search box; the others stay as they are, only hidden.
  filter_sites_() {
    const query = this.sites_filter.value;
    for (const label of this.sites_list.children) {
      const s = this.model.site(label.dataset.site) ?? { id: label.dataset.site };
      label.hidden = !matches_school({ ...s, site: s.id }, query);
    }
  }

  count_sites_() {
    const n = this.chosen_sites_();
    this.sites_chosen.textContent = n[0] === '*' ? '' : this.tr.t('notice_sites_chosen', { n: n.length });
  }

  chosen_sites_() {
    const all = this.sites_box.querySelector('input[value="*"]');
    if (all?.checked) return ['*'];
    return [...this.sites_box.querySelectorAll('input:checked')].map((i) => i.value).filter((v) => v !== '*');
  }

  async submit_() {
    const { tr } = this;
    const values = {
      title: this.f.title.value, body: this.f.body.value, kind: this.f.kind.value,
      severity: this.f.severity.value, sites: this.chosen_sites_(), sms: this.f.sms.checked,
    };
    const problem = notice_problem(values);
    this.form.dataset.state = problem ? 'refused' : 'busy';
    if (problem) {
      this.form_message.textContent = tr.t(problem);
      return;
    }
    this.send.disabled = true;
    this.form_message.textContent = tr.t('sending');
    try {
      const res = await post_json('/api/notices', notice_body(values));
      if (!res.ok) {
        this.form.dataset.state = 'refused';
        this.form_message.textContent = refusal_text(res.status, res.body, '');
        return;
      }
      const n = normalize_notice(res.body?.notice ?? res.body);
      if (n) this.on_message({ type: 'notice', notice: res.body?.notice ?? res.body });
      this.form.dataset.state = 'sent';
      this.form_message.textContent = tr.t('notice_sent', { id: n?.display_id ?? '' });
      this.f.title.value = '';
      this.f.body.value = '';
    } catch (e) {
      this.form.dataset.state = 'refused';
      this.form_message.textContent = tr.t('network_error', { msg: e.message });
    } finally {
      this.send.disabled = false;
    }
  }

  paint_list_() {
    const { tr, doc } = this;
    this.list_title.textContent = tr.t('notice_list');
    if (this.error && !this.loaded) {
      this.root.dataset.state = 'error';
      this.message.hidden = false;
      this.message.textContent = tr.t('view_error', { msg: this.error });
      return;
    }
    if (!this.loaded) return;
    this.message.hidden = this.notices.length > 0;
    this.message.textContent = tr.t('notice_none');
    const tz = this.model.sites[0]?.time_zone ?? 'Asia/Shanghai';
    this.list.replaceChildren(...this.notices.map((n) => notice_item(doc, tr, this.model, n, tz)));
    this.root.dataset.state = 'ready';
  }
}

// One notice with its receipts (the bureau's list).
function notice_item(doc, tr, model, n, tz) {
  const li = el(doc, 'li', 'notice', { 'data-testid': `notice-${n.id}` });
  if (n.severity) li.dataset.severity = n.severity;
  const head = el(doc, 'div', 'notice-head');
  const kind = el(doc, 'span', 'notice-kind');
  kind.textContent = tr.t(`notice_kind_${n.kind}`);
  const title = el(doc, 'strong', 'notice-title');
  title.textContent = n.title;
  head.append(kind);
  if (n.severity) {
    const sev = el(doc, 'span', 'sev', { 'data-severity': n.severity });
    sev.textContent = tr.severity_short(n.severity);
    head.append(sev);
  }
  head.append(title);
  const meta = el(doc, 'p', 'notice-meta');
  meta.textContent = tr.t('notice_meta', { id: n.display_id, at: clock_time(n.created_at, tz), author: n.author });
  const body = el(doc, 'p', 'notice-body');
  body.textContent = n.body;
  const read = n.receipts.filter((r) => r.read).length;
  const count = el(doc, 'p', 'notice-count', { 'data-testid': `notice-read-count-${n.id}` });
  count.textContent = tr.t('notice_read_count', { n: read, total: n.receipts.length });
  const receipts = el(doc, 'ul', 'receipts');
  for (const r of n.receipts) {
    const item = el(doc, 'li', 'receipt', { 'data-testid': `receipt-${n.id}-${r.site}`, 'data-read': String(r.read) });
    const name = el(doc, 'span', 'receipt-school');
    name.textContent = tr.name(model.site(r.site) ?? { id: r.site });
    const state = el(doc, 'span', 'receipt-state');
    state.textContent = r.read ? tr.t('notice_read') : tr.t('notice_unread');
    item.append(name, state);
    for (const x of r.readers) {
      const who = el(doc, 'span', 'receipt-reader', { 'data-user': x.user });
      who.textContent = tr.t('notice_reader', { name: x.name, at: x.at ? clock_time(x.at, tz) : '' });
      item.append(who);
    }
    for (const s of r.sms) {
      const sms = el(doc, 'span', 'receipt-sms', { 'data-outcome': s.outcome });
      sms.textContent = tr.t('notice_sms_line', { name: s.name, outcome: s.outcome, at: s.at ? clock_time(s.at, tz) : '' });
      item.append(sms);
    }
    receipts.append(item);
  }
  li.append(head, meta, body, count, receipts);
  return li;
}
