// The small inline form behind each action button of an entry (确认, 整改, 销号, 上报, 备注, 指派):
// a note (or, to assign, whom and by when), submit and cancel. It POSTs to
// /api/alerts/{id}/{action}; the person acting is the signed-in user, whom the server takes from
// the session, so the form asks no name. On a refusal it shows the server's `error` text and
// stays open. On success it only closes: the entry itself changes when the server's /ws message
// arrives, so every dashboard shows the same thing at the same time.
//
// 销号 asks for confirmation: the first submit shows what closing means (the entry leaves the
// live list, the ledger keeps it under 最近销号) with 确认销号 / 返回修改; only the second sends.

import { action_body, action_url, note_required, refusal_lines } from './handling.js';
import { post_json } from './api.js';
import { zoned_input_to_ms } from './history.js';

let form_seq = 0;

export class action_form {
  constructor(doc) {
    this.doc = doc;
    this.tr = null;
    this.entry = null;
    this.action = null;
    this.busy = false;
    this.confirming = false;  // 销号: the confirmation step is shown
    this.on_close = null;  // () → void: the form closed (to return the focus)
    this.build_();
  }

  get is_open() { return !this.root.hidden; }

  // time_zone: the school's, in which the assignment's deadline is typed.
  open(tr, entry, action, time_zone = 'Asia/Shanghai') {
    this.tr = tr;
    this.entry = entry;
    this.action = action;
    this.time_zone = time_zone;
    this.root.dataset.action = action;
    this.set_confirming_(false);
    this.error.textContent = '';
    this.note.value = '';
    this.responsible.value = entry.responsible ?? '';
    this.deadline.value = '';
    this.paint_();
    this.root.hidden = false;
    (action === 'assign' ? this.responsible : this.note).focus();
  }

  close() {
    if (this.root.hidden) return;
    this.root.hidden = true;
    this.on_close?.();
  }

  // The entry changed (a /ws message): keep the form, refresh its title.
  update(tr, entry) {
    this.tr = tr;
    this.entry = entry;
    if (this.is_open) this.paint_();
  }

  build_() {
    const d = this.doc;
    const n = ++form_seq;
    this.root = d.createElement('form');
    this.root.className = 'action-form';
    this.root.hidden = true;
    this.root.noValidate = true;  // the messages are ours, in the page's language
    this.root.setAttribute('data-testid', 'action-form');
    this.title = d.createElement('p');
    this.title.className = 'action-form-title';
    // Assigning: whom, and by when (both shown only for 指派).
    this.responsible_label = d.createElement('label');
    this.responsible_label.htmlFor = `action-responsible-${n}`;
    this.responsible_text = d.createElement('span');
    this.responsible = d.createElement('input');
    this.responsible.id = `action-responsible-${n}`;
    this.responsible.maxLength = 64;
    this.responsible.setAttribute('data-testid', 'form-responsible');
    this.responsible_label.append(this.responsible_text, this.responsible);
    this.deadline_label = d.createElement('label');
    this.deadline_label.htmlFor = `action-deadline-${n}`;
    this.deadline_text = d.createElement('span');
    this.deadline = d.createElement('input');
    this.deadline.id = `action-deadline-${n}`;
    this.deadline.type = 'datetime-local';
    this.deadline.setAttribute('data-testid', 'form-deadline');
    this.deadline_label.append(this.deadline_text, this.deadline);
    const note_label = d.createElement('label');
    note_label.htmlFor = `action-note-${n}`;
    this.note_text = d.createElement('span');
    this.note = d.createElement('textarea');
    this.note.id = `action-note-${n}`;
    this.note.rows = 2;
    this.note.maxLength = 2000;
    this.note.setAttribute('data-testid', 'form-note');
    note_label.append(this.note_text, this.note);
    this.note_label = note_label;
    this.confirm_text = d.createElement('p');
    this.confirm_text.className = 'action-form-confirm';
    this.confirm_text.hidden = true;
    this.confirm_text.setAttribute('data-testid', 'form-confirm');
    this.error = d.createElement('p');
    this.error.className = 'action-form-error';
    this.error.setAttribute('role', 'alert');
    this.error.setAttribute('data-testid', 'form-error');
    const buttons = d.createElement('div');
    buttons.className = 'action-form-buttons';
    this.submit = d.createElement('button');
    this.submit.type = 'submit';
    this.submit.setAttribute('data-testid', 'form-submit');
    this.cancel = d.createElement('button');
    this.cancel.type = 'button';
    this.cancel.setAttribute('data-testid', 'form-cancel');
    buttons.append(this.submit, this.cancel);
    this.root.append(this.title, this.responsible_label, this.deadline_label, note_label, this.confirm_text,
                     this.error, buttons);
    this.cancel.addEventListener('click', () => {
      if (!this.confirming) {
        this.close();
        return;
      }
      this.set_confirming_(false);  // 返回修改: back to the note
      this.paint_();
      this.note.focus();
    });
    this.root.addEventListener('keydown', (ev) => {
      if (ev.key === 'Escape') {
        ev.stopPropagation();  // inside the ledger dialog: close the form, not the dialog
        ev.preventDefault();
        this.close();
      }
    });
    this.root.addEventListener('submit', (ev) => {
      ev.preventDefault();
      this.send_();
    });
  }

  set_confirming_(on) {
    this.confirming = on;
    this.root.dataset.confirming = String(on);
    this.note.readOnly = on;
    this.confirm_text.hidden = !on;
  }

  paint_() {
    const { tr, entry, action } = this;
    this.title.textContent = tr.t(`form_title_${action}`, { id: entry.display_id });
    const assign = action === 'assign';
    this.responsible_label.hidden = !assign;
    this.deadline_label.hidden = !assign;
    this.note_label.hidden = assign;
    this.responsible_text.textContent = tr.t('assign_responsible');
    this.deadline_text.textContent = tr.t('assign_deadline', { tz: this.time_zone ?? '' });
    this.note_text.textContent = assign ? '' : tr.t(`note_${action}`);
    this.note.required = !assign && note_required(action);
    this.submit.textContent = this.busy ? tr.t('sending') : tr.t(`action_${action}`);
    this.cancel.textContent = tr.t('cancel');
    if (this.confirming) {
      this.title.textContent = tr.t('close_confirm_title', { id: entry.display_id });
      this.confirm_text.textContent = tr.t('close_confirm_text', { note: this.note.value.trim() });
      if (!this.busy) this.submit.textContent = tr.t('close_confirm_submit');
      this.cancel.textContent = tr.t('close_confirm_back');
    }
  }

  // Each line of a refusal on its own line; the server's own text keeps data-testid form-error-server.
  show_refusal_(lines) {
    const spans = lines.map((text, i) => {
      const span = this.doc.createElement('span');
      span.className = i === 0 ? 'refusal' : 'refusal-server';
      if (i === lines.length - 1) span.setAttribute('data-testid', 'form-error-server');
      span.textContent = text;
      return span;
    });
    this.error.replaceChildren(...spans);
  }

  async send_() {
    if (this.busy) return;
    const { tr } = this;
    const note = this.note.value.trim();
    const responsible = this.responsible.value.trim();
    const assign = this.action === 'assign';
    if (assign && !responsible) {
      this.error.textContent = tr.t('need_responsible');
      this.responsible.focus();
      return;
    }
    if (!assign && !note && note_required(this.action)) {
      this.error.textContent = tr.t('need_note');
      this.note.focus();
      return;
    }
    if (this.action === 'close' && !this.confirming) {
      this.error.textContent = '';
      this.set_confirming_(true);
      this.paint_();
      this.submit.focus();
      return;
    }
    const deadline = assign && this.deadline.value
      ? zoned_input_to_ms(this.deadline.value, this.time_zone ?? 'Asia/Shanghai') : null;
    this.busy = true;
    this.submit.disabled = true;
    this.error.textContent = '';
    this.paint_();
    try {
      const answer = await post_json(action_url(this.entry.id, this.action), action_body(this.action, { note, responsible, deadline }));
      if (answer.ok) {
        this.close();
      } else {
        this.set_confirming_(false);  // the note may need changing: back to it
        this.show_refusal_(refusal_lines(tr, answer.status, answer.body));
      }
    } catch (e) {
      this.error.textContent = tr.t('network_error', { msg: e.message });
    } finally {
      this.busy = false;
      this.submit.disabled = false;
      if (this.entry) this.paint_();
    }
  }
}
