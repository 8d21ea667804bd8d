// One entry of the ledger view: GET /api/alerts/{id} shown whole — colour, number, condition,
// handling, what and where, values, who acknowledged / rectified / closed with their notes, the
// one-hour report — with the action buttons (the same inline form as the feed) and the
// transitions timeline (when, who, what in words, note). Fetched again when /ws says the entry
// changed, so the timeline grows as people act.
//
// An entry the server answers 404 for — missing, or of a school the user may not see (the API
// answers both alike) — gets one message, "找不到 A-000043：…", the same for both: nothing on
// the page tells them apart. A freshly shown entry opens at its head with its action buttons in
// view, so an SMS link (#alert=…, app.js) lands on 确认 in the first screen of a phone.

import { alert_value, clock_time, format_number } from './format.js';
import { actions, allowed_actions, closure_status, countdown, entry_url, refusal_text, report_status,
         transition_text } from './handling.js';
import { action_form } from './action_form.js';
import { el } from './form_fields.js';
import { normalize_entry, normalize_transition } from './state.js';
import { api_fetch } from './api.js';
import { may } from './session.js';
import { peak_severity, severity_words } from './state.js';

export class ledger_detail {
  constructor(doc, model) {
    this.doc = doc;
    this.model = model;
    this.tr = null;
    this.id = null;
    this.shown = null;        // {alert, transitions}
    this.error = null;
    this.missing = false;     // the server answered 404: no such entry for this user
    this.placed = false;      // the first screen of the entry shown was set up
    this.seq = 0;
    this.abort = null;
    this.on_back = null;      // () → void
    this.on_state = null;     // ('loading' | 'ready' | 'error') → void
    this.where = null;        // (entry) → "school › zone › device", from the panel
    this.on_recent_closed = null;  // () → void: show the ledger's 最近销号 (guided closure)
    this.build_();
  }

  build_() {
    const doc = this.doc;
    this.root = el(doc, 'section', 'ledger-detail', { 'data-testid': 'ledger-detail' });
    this.back = el(doc, 'button', 'range ledger-back', { type: 'button', 'data-testid': 'ledger-back' });
    this.back.addEventListener('click', () => this.on_back?.());
    this.body = el(doc, 'div', 'ledger-detail-body');
    this.actions = el(doc, 'div', 'alert-actions');
    // ── guided closure: where a rectified or closed entry stands (paint_closure_) ──
    this.closure = el(doc, 'div', 'closure-status', { 'data-testid': 'closure-status', role: 'status' });
    this.closure.hidden = true;
    // ── end guided closure ──
    this.buttons = new Map();
    this.user = null;
    this.form = new action_form(doc);
    this.timeline_title = el(doc, 'h3');
    this.timeline = el(doc, 'ol', 'ledger-timeline', { 'data-testid': 'ledger-timeline' });
    this.root.append(this.back, this.body, this.closure, this.actions, this.form.root, this.timeline_title,
                     this.timeline);
  }

  // Only the actions the signed-in user may take get a button; a viewer gets none.
  set_user(user) {
    this.user = user;
    this.form.close();
    this.buttons.clear();
    const doc = this.doc;
    for (const a of actions) {
      if (!may(user, a.id)) continue;
      const b = el(doc, 'button', `action action-${a.id}`, { type: 'button', 'data-testid': `action-${a.id}` });
      b.addEventListener('click', () => {
        if (this.shown) {
          const tz = this.model.site(this.shown.alert.site)?.time_zone ?? 'Asia/Shanghai';
          this.form.open(this.tr, this.shown.alert, a.id, tz);
        }
      });
      if (this.tr) b.textContent = this.tr.t(`action_${a.id}`);
      this.buttons.set(a.id, b);
    }
    this.actions.replaceChildren(...this.buttons.values());
    if (this.shown) this.paint_();
  }

  set_language(tr) {
    this.tr = tr;
    this.back.textContent = tr.t('back_to_list');
    this.timeline_title.textContent = tr.t('detail_timeline');
    for (const [id, b] of this.buttons) b.textContent = tr.t(`action_${id}`);
    if (this.shown || this.error || this.missing) this.paint_();
  }

  show(id) {
    this.form.close();
    this.id = id;
    this.shown = null;
    this.error = null;
    this.missing = false;
    this.placed = false;
    this.body.replaceChildren();
    this.actions.hidden = true;  // until the entry says which apply
    this.timeline.replaceChildren();
    this.load();
  }

  // "A-000043" for the message of a missing entry, or null when `id` is not a ledger number.
  display_id_() {
    return Number.isSafeInteger(this.id) && this.id > 0 ? `A-${String(this.id).padStart(6, '0')}` : null;
  }

  hide() {
    this.form.close();
    this.abort?.abort();
  }

  async load() {
    const seq = ++this.seq;
    this.abort?.abort();
    this.abort = new AbortController();
    this.on_state?.('loading');
    try {
      // Not a ledger number (a mangled link): not found, without asking.
      const res = this.display_id_() ? await api_fetch(entry_url(this.id), { signal: this.abort.signal })
        : { ok: false, status: 404, json: async () => null };
      const body = await res.json().catch(() => null);
      if (seq !== this.seq) return;
      if (res.status === 404) {
        this.shown = null;
        this.error = null;
        this.missing = true;
        this.paint_();
        return;
      }
      if (!res.ok) throw new Error(refusal_text(res.status, body, res.statusText));
      const alert = normalize_entry(body?.alert);
      if (!alert) throw new Error('malformed answer');
      const transitions = (Array.isArray(body.transitions) ? body.transitions : [])
        .map(normalize_transition).filter(Boolean);
      this.shown = { alert, transitions };
      this.error = null;
    } catch (e) {
      if (e.name === 'AbortError' || seq !== this.seq) return;
      this.error = e.message;
    }
    this.paint_();
  }

  paint_() {
    const { tr, doc } = this;
    if (this.missing || this.error || !this.shown) {
      this.on_state?.(this.missing ? 'missing' : 'error');
      const p = el(doc, 'p', 'history-message');
      if (this.missing) {
        const id = this.display_id_();
        p.dataset.testid = 'detail-not-found';
        p.textContent = id ? tr.t('alert_not_found', { id }) : tr.t('alert_not_found_link');
      } else {
        p.textContent = tr.t('ledger_error', { msg: this.error ?? '' });
      }
      this.body.replaceChildren(p);
      this.actions.hidden = true;
      this.closure.hidden = true;
      this.form.close();
      this.timeline_title.hidden = true;
      this.timeline.replaceChildren();
      return;
    }
    this.on_state?.('ready');
    this.timeline_title.hidden = false;
    const a = this.shown.alert;
    const tz = this.model.site(a.site)?.time_zone ?? 'Asia/Shanghai';
    this.body.replaceChildren(this.head_(a), this.fields_(a, tz));
    const allowed = allowed_actions(a, this.user);
    for (const [id, b] of this.buttons) {
      b.disabled = !allowed[id] || !may(this.user, id, a.site);
      b.hidden = id === 'report' && a.report === null;
    }
    this.paint_closure_(a, tz);
    this.actions.hidden = a.state === 'closed' || this.buttons.size === 0;
    this.form.update(tr, a);
    this.paint_timeline_(tz);
    if (!this.placed) this.place_();
  }

  // The first screen of an entry just shown: its head at the top of the dialog (which may have
  // been scrolled down the list), and its action buttons in view (scrolled to only if not).
  place_() {
    this.placed = true;
    const dialog = this.root.closest('dialog');
    if (dialog) dialog.scrollTop = 0;
    if (!this.actions.hidden) this.actions.scrollIntoView({ block: 'nearest' });
  }

  // ── guided closure ──
  // A rectified entry says it waits for 复核验收 by someone other than the rectifier, who that
  // was, which roles may verify, and why this user may not close it now (the rectifier: 销号 is
  // disabled, titled with the reason). A closed one says who verified it and that it stays in the
  // ledger under 最近销号. data-closure: waiting | closed; data-blocked: handling.js's reason.
  paint_closure_(a, tz) {
    const { tr, doc } = this;
    const close_button = this.buttons.get('close');
    close_button?.removeAttribute('title');
    const status = closure_status(a, this.user);
    const line = (text, testid) => {
      const p = el(doc, 'p', null, testid ? { 'data-testid': testid } : {});
      p.textContent = text;
      return p;
    };
    if (status) {
      const roles = status.verifier_roles.map((r) => tr.user_role(r)).join(tr.t('closure_roles_sep'));
      const why = status.blocked === 'self_verification' ? tr.t('closure_self')
        : status.blocked === 'role' ? tr.t('closure_role', { roles })
          : status.blocked === 'condition_active' ? tr.t('closure_condition_active') : tr.t('closure_ready');
      const parts = [line(tr.t('closure_waiting'), 'closure-waiting')];
      if (status.rectifier) {
        parts.push(line(tr.t('closure_rectified_by', { who: status.rectifier, at: clock_time(status.rectified_at, tz) })));
      }
      parts.push(line(tr.t('closure_verifiers', { roles }), 'closure-verifiers'), line(why, 'closure-why'));
      this.closure.replaceChildren(...parts);
      this.closure.dataset.closure = 'waiting';
      this.closure.dataset.blocked = status.blocked ?? '';
      if (close_button && status.self) close_button.title = tr.t('close_disabled_self');
      this.closure.hidden = false;
    } else if (a.state === 'closed') {
      const more = el(doc, 'button', 'range', { type: 'button', 'data-testid': 'closure-show-recent' });
      more.textContent = tr.t('closure_show_recent');
      more.addEventListener('click', () => this.on_recent_closed?.());
      more.hidden = !this.on_recent_closed;
      this.closure.replaceChildren(
        line(tr.t('closure_closed', { who: a.closed_by, at: clock_time(a.closed_at, tz) }), 'closure-closed'), more);
      this.closure.dataset.closure = 'closed';
      this.closure.dataset.blocked = '';
      this.closure.hidden = false;
    } else {
      this.closure.replaceChildren();
      this.closure.hidden = true;
    }
  }
  // ── end guided closure ──

  head_(a) {
    const { tr, doc } = this;
    // The peak colour, the current one beside it while active (state.js severity_words).
    const head = el(doc, 'div', 'ledger-detail-head', { 'data-severity': peak_severity(a) });
    const badge = (text, cls, testid) => {
      const s = el(doc, 'span', cls, testid ? { 'data-testid': testid } : {});
      s.textContent = text;
      head.append(s);
    };
    badge(severity_words(tr, a), 'sev', 'detail-severity');
    badge(a.display_id, 'display-id', 'detail-display-id');
    badge(tr.t(a.condition === 'cleared' ? 'condition_cleared' : 'condition_active'), 'cond');
    badge(tr.handling(a.state), 'handling', 'detail-state');
    if (a.overdue) badge(tr.t('overdue'), 'overdue-flag', 'overdue-flag');
    return head;
  }

  fields_(a, tz) {
    const { tr, doc } = this;
    const dl = el(doc, 'dl', 'ledger-fields');
    const line = (label, value) => {
      if (!value) return;
      const dt = el(doc, 'dt');
      dt.textContent = label;
      const dd = el(doc, 'dd');
      dd.textContent = value;
      dl.append(dt, dd);
    };
    const by_at = (who, at) => (who ? tr.t('by_at', { who, at: clock_time(at, tz) }) : '');
    line(tr.t('col_what'), a.kind === 'manual' ? `${tr.t('manual_hazard')} · ${a.title}` : tr.rule_name(a));
    line(tr.t('col_where'), this.where?.(a) ?? a.site);
    line(tr.t('detail_description'), a.description);
    // ── severity and values: the peak colour and value beside the value at raising ──
    // Only what the head's badge and the latest value do not already say: a phone keeps the
    // action buttons in its first screen.
    if (a.severity !== peak_severity(a)) {
      line(tr.t('detail_severity_peak'), tr.severity(peak_severity(a)));
      if (a.condition === 'active') line(tr.t('detail_severity_now'), tr.severity(a.severity));
    }
    const device = a.device ? this.model.device(a.device) : null;
    const shown = (value) => (value === null ? '' : alert_value(tr, { ...a, value }, device));
    if ((a.raised_value !== null && a.raised_value !== a.value) || (a.peak_value !== null && a.peak_value !== a.value)) {
      line(tr.t('detail_raised_value'), shown(a.raised_value));
      line(tr.t('detail_peak_value'), shown(a.peak_value));
    }
    if (a.value !== null) {
      let v = alert_value(tr, a, device);
      if (a.threshold !== null) v += tr.t('threshold_note', { v: format_number(a.threshold) });
      line(tr.t('detail_value'), v);
    }
    // ── end severity and values ──
    line(tr.t('detail_raised'), clock_time(a.raised_at, tz));
    if (a.cleared_at) line(tr.t('detail_cleared'), clock_time(a.cleared_at, tz));
    if (a.occurrences > 1) line(tr.t('col_occurrences'), String(a.occurrences));
    line(tr.t('register_responsible'), a.responsible);
    if (a.deadline) line(tr.t('register_deadline'), clock_time(a.deadline, tz));
    line(tr.t('action_ack'), by_at(a.acknowledged_by, a.acknowledged_at));
    line(tr.t('action_rectify'), by_at(a.rectified_by, a.rectified_at));
    line(tr.t('detail_rectification'), a.rectification_note);
    line(tr.t('action_close'), by_at(a.closed_by, a.closed_at));
    line(tr.t('detail_verification'), a.verification_note);
    const report = report_status(a, Date.now());
    if (report) {
      line(tr.t('action_report'), report.kind === 'pending' ? tr.t('report_left', { t: countdown(report.remaining_ms) })
        : report.kind === 'overdue' ? tr.t('report_overdue')
          : tr.t('report_done_by', { at: clock_time(report.at, tz), who: report.by }));
    }
    return dl;
  }

  paint_timeline_(tz) {
    const { tr, doc } = this;
    const items = this.shown.transitions.map((t) => {
      const li = el(doc, 'li', 'ledger-transition', { 'data-testid': `transition-${t.what}` });
      const span = (cls, text) => {
        const s = el(doc, 'span', cls);
        s.textContent = text;
        li.append(s);
      };
      span('ledger-time', clock_time(t.at, tz));
      span('ledger-who', t.who === 'system' || !t.who ? tr.t('who_system') : t.who);
      span('ledger-what', transition_text(tr, t, tz));
      if (t.note) span('ledger-note', t.note);
      return li;
    });
    if (!items.length) {
      const li = el(doc, 'li', 'history-alert-none');
      li.textContent = tr.t('detail_no_transitions');
      items.push(li);
    }
    this.timeline.replaceChildren(...items);
  }
}
