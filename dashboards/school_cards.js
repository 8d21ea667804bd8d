// The live view of a district too large to show every device: one card per school (status
// colour, devices online / offline / alerting, open and overdue entries, last event), the
// worst first, with a search and an "only schools with problems" filter. A card opens the
// school (its tiles). At most `page` cards are in the page at once (more on request), so the
// page stays small whatever the district's size.

import { clock_time } from './format.js';
import { filter_schools, order_schools } from './schools.js';

const page = 60;

const el = (doc, tag, cls, attrs = {}) => {
  const e = doc.createElement(tag);
  if (cls) e.className = cls;
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
  return e;
};

export class school_cards {
  constructor(doc, root, model, tr) {
    this.doc = doc;
    this.root = root;
    this.model = model;
    this.tr = tr;
    this.on_open = null;  // (site id) → void
    this.shown = page;
    this.root.classList.add('cards');
    this.controls = el(doc, 'div', 'sc-controls');
    this.search_label = el(doc, 'label', 'sc-search');
    this.search_text = el(doc, 'span', 'visually-hidden');
    this.search = el(doc, 'input', '', { type: 'search', 'data-testid': 'cards-search',
                                         autocomplete: 'off', maxlength: '64' });
    this.search_label.append(this.search_text, this.search);
    this.problems_label = el(doc, 'label', 'sc-problems');
    this.problems = el(doc, 'input', '', { type: 'checkbox', 'data-testid': 'cards-problems-only' });
    this.problems_text = el(doc, 'span');
    this.problems_label.append(this.problems, this.problems_text);
    this.count = el(doc, 'p', 'sc-count', { 'data-testid': 'cards-count', role: 'status' });
    this.controls.append(this.search_label, this.problems_label, this.count);
    this.list = el(doc, 'ul', 'sc-list', { 'data-testid': 'cards-list' });
    this.more = el(doc, 'button', 'range sc-more', { type: 'button', 'data-testid': 'cards-more' });
    this.more.addEventListener('click', () => {
      this.shown += page;
      this.paint();
    });
    this.root.append(this.controls, this.list, this.more);
    this.search.addEventListener('input', () => {
      this.shown = page;
      this.paint();
    });
    this.problems.addEventListener('change', () => {
      this.shown = page;
      this.paint();
    });
  }

  set_language(tr) {
    this.tr = tr;
  }

  reset() {
    this.search.value = '';
    this.problems.checked = false;
    this.shown = page;
    this.list.replaceChildren();
  }

  paint() {
    const { doc, tr, model } = this;
    this.search_text.textContent = tr.t('sc_search');
    this.search.placeholder = tr.t('sc_search_hint');
    this.problems_text.textContent = tr.t('sc_problems_only');
    const ordered = order_schools(model.sites, model.schools, (s) => tr.name(s), tr.lang);
    const matched = filter_schools(ordered, model.schools,
                                   { query: this.search.value, problems_only: this.problems.checked });
    const visible = matched.slice(0, this.shown);
    this.root.dataset.matched = String(matched.length);
    this.count.textContent = tr.t('sc_count', { shown: visible.length, matched: matched.length,
                                                total: model.sites.length });
    if (!matched.length) {
      const p = el(doc, 'li', 'placeholder');
      p.textContent = tr.t('sc_none');
      this.list.replaceChildren(p);
    } else {
      this.list.replaceChildren(...visible.map((s) => this.card_(s)));
    }
    const left = matched.length - visible.length;
    this.more.hidden = left <= 0;
    this.more.textContent = tr.t('sc_more', { n: Math.min(page, left), left });
  }

  card_(site) {
    const { doc, tr } = this;
    const t = this.model.schools.get(site.id);
    const li = el(doc, 'li');
    const b = el(doc, 'button', 'school-card', { type: 'button', 'data-testid': `card-${site.id}`,
                                                 'data-site': site.id });
    b.dataset.worst = t?.worst ?? 'none';
    if (t?.worst) b.dataset.severity = t.worst;  // the colour rules of style.css
    if (t?.problem) b.dataset.problem = 'true';
    const name = el(doc, 'span', 'sc-name');
    name.textContent = tr.name(site);
    const badge = el(doc, 'span', 'sc-badge');
    badge.textContent = t?.worst ? tr.severity_short(t.worst) : tr.t(t ? 'sc_normal' : 'sc_unknown');
    const devices = el(doc, 'span', 'sc-line');
    const entries = el(doc, 'span', 'sc-line');
    if (t) {
      devices.textContent = tr.t('sc_devices', { online: t.devices_online, total: t.devices_total,
                                                 offline: t.devices_offline, alerting: t.devices_alerting });
      const last = t.last_event ? clock_time(t.last_event, site.time_zone) : tr.t('sc_no_event');
      entries.textContent = tr.t('sc_entries', { open: t.open, overdue: t.overdue + t.reports_overdue, last });
      if (t.devices_offline) devices.dataset.warn = 'true';
      if (t.overdue || t.reports_overdue) entries.dataset.warn = 'true';
    }
    b.append(name, badge, devices, entries);
    b.addEventListener('click', () => this.on_open?.(site.id));
    li.append(b);
    return li;
  }
}
