// The 登记隐患 form of the ledger view: a hazard found on patrol (school, zone, title,
// description, colour, who must rectify it and by when), sent as POST /api/hazards. The person
// registering is the signed-in user, whom the server takes from the session. On 201 the caller
// is given the new entry; a refusal shows the server's words.

import { el, fill_select, fill_zones, option } from './form_fields.js';
import { post_json } from './api.js';
import { hazard_body, refusal_lines } from './handling.js';
import { normalize_entry, severities } from './state.js';
import { zoned_input_to_ms } from './history.js';

const labels = {
  site: 'register_site', zone: 'register_zone', title: 'register_title_field',
  description: 'register_description', severity: 'register_severity',
  responsible: 'register_responsible', deadline: 'register_deadline',
};

export class hazard_form {
  constructor(doc, model) {
    this.doc = doc;
    this.model = model;
    this.tr = null;
    this.on_registered = null;  // (entry) → void
    this.on_cancel = null;      // () → void
    this.build_();
  }

  build_() {
    const doc = this.doc;
    const box = el(doc, 'form', 'ledger-register-form', { 'data-testid': 'register-form' });
    box.noValidate = true;
    this.f = {};
    this.labels = {};
    this.heading = el(doc, 'h3', 'wide');
    box.append(this.heading);
    const field = (key, input, wide = false) => {
      const label = el(doc, 'label', wide ? 'wide' : null);
      const span = el(doc, 'span');
      this.labels[key] = span;
      input.setAttribute('data-testid', `register-${key}`);
      label.append(span, input);
      this.f[key] = input;
      box.append(label);
    };
    field('site', el(doc, 'select'));
    field('zone', el(doc, 'select'));
    field('title', el(doc, 'input', null, { maxlength: '200' }), true);
    field('description', el(doc, 'textarea', null, { rows: '3', maxlength: '4000' }), true);
    field('severity', el(doc, 'select'));
    field('responsible', el(doc, 'input', null, { maxlength: '64' }));
    field('deadline', el(doc, 'input', null, { type: 'datetime-local' }));
    this.error = el(doc, 'p', 'action-form-error wide', { role: 'alert', 'data-testid': 'register-error' });
    const buttons = el(doc, 'div', 'action-form-buttons wide');
    this.submit = el(doc, 'button', null, { type: 'submit', 'data-testid': 'register-submit' });
    this.cancel = el(doc, 'button', null, { type: 'button', 'data-testid': 'register-cancel' });
    buttons.append(this.submit, this.cancel);
    box.append(this.error, buttons);
    this.f.severity.addEventListener('change', () => { this.f.severity.dataset.touched = 'true'; });
    this.f.site.addEventListener('change', () => this.fill_zones_());
    this.cancel.addEventListener('click', () => this.on_cancel?.());
    box.addEventListener('submit', (ev) => {
      ev.preventDefault();
      this.send_();
    });
    this.root = box;
  }

  set_language(tr) {
    this.tr = tr;
    this.heading.textContent = tr.t('register_title');
    for (const [key, span] of Object.entries(this.labels)) span.textContent = tr.t(labels[key]);
    this.submit.textContent = tr.t('register_submit');
    this.cancel.textContent = tr.t('cancel');
    fill_select(this.f.site, this.model.sites.map((s) => option(s.id, tr.name(s))));
    this.fill_zones_();
    fill_select(this.f.severity, [...severities].reverse().map((s) => option(s, tr.severity(s))));
    if (!this.f.severity.dataset.touched) this.f.severity.value = 'yellow';  // the API's default
  }

  // Shows the form for a school (the ledger's current filter, or the first school).
  open(tr, site_id) {
    this.set_language(tr);
    this.error.textContent = '';
    if (site_id) {
      this.f.site.value = site_id;
      this.fill_zones_();
    }
    this.f.title.focus();
  }

  fill_zones_() {
    fill_zones(this.f.zone, this.model, this.tr, this.f.site.value, this.tr.t('zone_none'));
  }

  async send_() {
    const { tr, f } = this;
    const title = f.title.value.trim();
    if (!title || !f.site.value) {
      this.error.textContent = tr.t('register_need');
      return;
    }
    const tz = this.model.site(f.site.value)?.time_zone ?? 'Asia/Shanghai';
    const body = hazard_body({
      site: f.site.value, zone: f.zone.value, title, description: f.description.value,
      severity: f.severity.value, responsible: f.responsible.value,
      deadline: f.deadline.value ? zoned_input_to_ms(f.deadline.value, tz) : null,
    });
    this.submit.disabled = true;
    this.error.textContent = '';
    try {
      const answer = await post_json('/api/hazards', body);
      const entry = answer.ok ? normalize_entry(answer.body?.alert) : null;
      if (!entry) {
        this.error.textContent = refusal_lines(tr, answer.status, answer.body).join(' · ');
        return;
      }
      for (const key of ['title', 'description', 'responsible', 'deadline']) f[key].value = '';
      this.on_registered?.(entry);
    } catch (e) {
      this.error.textContent = tr.t('network_error', { msg: e.message });
    } finally {
      this.submit.disabled = false;
    }
  }
}
