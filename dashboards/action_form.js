// The small inline form behind each action button of an entry (确认, 整改, 销号, 上报, 备注):
// the person's name (asked once, remembered in the browser, editable), a note, submit and
// cancel. It POSTs {"who","note"} to /api/alerts/{id}/{action}; on a refusal it shows the
// server's `error` text and stays open. On success it only closes: the entry itself changes when
// the server's /ws message arrives, so every dashboard shows the same thing at the same time.

import { action_body, action_url, note_required, refusal_lines } from './handling.js';

const who_key = 'campus-shield.who';

// Until users exist (step 4) the person acting names themselves; the name is kept per browser.
export function remembered_name() {
  try {
    return localStorage.getItem(who_key) ?? '';
  } catch (e) {
    console.warn('localStorage unavailable', e);  // private mode: asked each time
    return '';
  }
}

export function remember_name(name) {
  try {
    localStorage.setItem(who_key, name);
  } catch (e) {
    console.warn('localStorage unavailable', e);
  }
}

// POSTs JSON; resolves {ok, status, body} (body null when the answer is not JSON) or rejects
// on a network failure.
export async function post_json(url, text) {
  const res = await fetch(url, {
    method: 'POST', headers: { 'content-type': 'application/json' }, body: text,
  });
  const body = await res.json().catch(() => null);
  return { ok: res.ok, status: res.status, body };
}

let form_seq = 0;

export class action_form {
  constructor(doc) {
    this.doc = doc;
    this.tr = null;
    this.entry = null;
    this.action = null;
    this.busy = false;
    this.on_close = null;  // () → void: the form closed (to return the focus)
    this.build_();
  }

  get is_open() { return !this.root.hidden; }

  open(tr, entry, action) {
    this.tr = tr;
    this.entry = entry;
    this.action = action;
    this.root.dataset.action = action;
    this.error.textContent = '';
    this.note.value = '';
    if (!this.who.value) this.who.value = remembered_name();
    this.paint_();
    this.root.hidden = false;
    (this.who.value ? this.note : this.who).focus();
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
    const who_label = d.createElement('label');
    who_label.htmlFor = `action-who-${n}`;
    this.who_text = d.createElement('span');
    this.who = d.createElement('input');
    this.who.id = `action-who-${n}`;
    this.who.autocomplete = 'name';
    this.who.maxLength = 64;
    this.who.setAttribute('data-testid', 'form-who');
    who_label.append(this.who_text, this.who);
    const note_label = d.createElement('label');
    note_label.htmlFor = `action-note-${n}`;
    this.note_text = d.createElement('span');
    this.note = d.createElement('textarea');
    this.note.id = `action-note-${n}`;
    this.note.rows = 2;
    this.note.maxLength = 2000;
    this.note.setAttribute('data-testid', 'form-note');
    note_label.append(this.note_text, this.note);
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
    this.root.append(this.title, who_label, note_label, this.error, buttons);
    this.cancel.addEventListener('click', () => this.close());
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

  paint_() {
    const { tr, entry, action } = this;
    this.title.textContent = tr.t(`form_title_${action}`, { id: entry.display_id });
    this.who_text.textContent = tr.t('your_name');
    this.note_text.textContent = tr.t(`note_${action}`);
    this.note.required = note_required(action);
    this.submit.textContent = this.busy ? tr.t('sending') : tr.t(`action_${action}`);
    this.cancel.textContent = tr.t('cancel');
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
    const who = this.who.value.trim();
    const note = this.note.value.trim();
    if (!who) {
      this.error.textContent = tr.t('need_name');
      this.who.focus();
      return;
    }
    if (!note && note_required(this.action)) {
      this.error.textContent = tr.t('need_note');
      this.note.focus();
      return;
    }
    remember_name(who);
    this.busy = true;
    this.submit.disabled = true;
    this.error.textContent = '';
    this.paint_();
    try {
      const answer = await post_json(action_url(this.entry.id, this.action), action_body(who, note));
      if (answer.ok) {
        this.close();
      } else {
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
