// A school's unread notices from the bureau (docs/bureau.md) as a banner at the top of the page:
// GET /api/notices?unread=1 once signed in, then each /ws "notice"; 已读 POSTs
// /api/notices/{id}/read and removes the notice. Only for school users (bureau and admin send
// notices, they are not asked to read them).
//
// For tests: the banner data-testid notice-banner, with data-loaded once the unread list has
// answered; each notice banner-notice-{id}, its button banner-read-{id}.

import { clock_time } from './format.js';
import { get_json, post_json } from './api.js';
import { normalize_notice } from './bureau.js';
import { refusal_text } from './handling.js';
import { el } from './form_fields.js';

export class notice_banner {
  constructor(doc, root, model, tr) {
    this.doc = doc;
    this.root = root;
    this.model = model;
    this.tr = tr;
    this.notices = [];   // unread, newest first
    this.errors = new Map();  // id → why 已读 failed
    this.active = false;
    this.seq = 0;
  }

  set_language(tr) {
    this.tr = tr;
    this.paint_();
  }

  // Signed in as a school user: the unread notices. Anyone else: nothing.
  start(user) {
    this.reset();
    this.active = user !== null && !user.all_sites;
    if (this.active) this.load_();
  }

  reset() {
    this.seq++;
    this.active = false;
    this.notices = [];
    this.errors.clear();
    delete this.root.dataset.loaded;
    this.paint_();
  }

  async load_() {
    const seq = ++this.seq;
    const res = await get_json('/api/notices?unread=1').catch(() => null);
    if (seq !== this.seq || !res?.ok) return;
    const list = Array.isArray(res.body) ? res.body : res.body?.notices;
    for (const raw of Array.isArray(list) ? list : []) this.add_(normalize_notice(raw));
    this.paint_();
    this.root.dataset.loaded = 'true';
  }

  add_(n) {
    if (!n || n.read_by_me) return;
    const i = this.notices.findIndex((x) => x.id === n.id);
    if (i >= 0) this.notices[i] = n;
    else this.notices.unshift(n);
  }

  on_message(msg) {
    if (!this.active || msg.type !== 'notice') return;
    const n = normalize_notice(msg.notice);
    if (!n) return;
    if (n.read_by_me) this.notices = this.notices.filter((x) => x.id !== n.id);
    else this.add_(n);
    this.paint_();
  }

  async mark_read_(n, button) {
    button.disabled = true;
    try {
      const res = await post_json(`/api/notices/${encodeURIComponent(String(n.id))}/read`, '{}');
      if (!res.ok) throw new Error(refusal_text(res.status, res.body, ''));
      this.notices = this.notices.filter((x) => x.id !== n.id);
      this.errors.delete(n.id);
    } catch (e) {
      this.errors.set(n.id, e.message);
    }
    this.paint_();
  }

  paint_() {
    const { doc, tr } = this;
    this.root.hidden = this.notices.length === 0;
    this.root.setAttribute('aria-label', tr.t('notice_banner_label'));
    const tz = this.model.sites[0]?.time_zone ?? 'Asia/Shanghai';
    this.root.replaceChildren(...this.notices.map((n) => {
      const item = el(doc, 'div', 'banner-notice', { 'data-testid': `banner-notice-${n.id}`, role: 'alert' });
      if (n.severity) item.dataset.severity = n.severity;
      const text = el(doc, 'div', 'banner-text');
      const title = el(doc, 'strong');
      title.textContent = `${tr.t('notice_from_bureau')}${n.title}`;
      const kind = el(doc, 'span', 'notice-kind');
      kind.textContent = tr.t(`notice_kind_${n.kind}`);
      const meta = el(doc, 'span', 'banner-meta');
      meta.textContent = `${n.display_id} · ${clock_time(n.created_at, tz)}`;
      const body = el(doc, 'p', 'banner-body');
      body.textContent = n.body;
      text.append(kind, ' ', title, ' ', meta, body);
      if (this.errors.has(n.id)) {
        const err = el(doc, 'p', 'banner-error');
        err.textContent = tr.t('view_error', { msg: this.errors.get(n.id) });
        text.append(err);
      }
      const button = el(doc, 'button', 'banner-read', { type: 'button', 'data-testid': `banner-read-${n.id}` });
      button.textContent = tr.t('notice_mark_read');
      button.addEventListener('click', () => this.mark_read_(n, button));
      item.append(text, button);
      return item;
    }));
  }
}
