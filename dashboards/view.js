// The page: header, summary strip, district → school → zone → device tiles, and the alert feed.
//
// Changes from the model are merged into one pending set and painted once per animation frame,
// so a burst of readings costs one repaint of the tiles it touched, not one per message.
//
// At district scale (the model does not hold every school's devices) only the schools watched
// get tiles; without a school chosen the view is the list of school cards (school_cards.js),
// and choosing one (a card, the selector, an alert's school) calls `on_pick`, which asks for
// that school (the page's address, then a watch).

import { device_tile } from './tile.js';
import { alert_feed } from './feed.js';
import { history_panel } from './history_panel.js';
import { ledger_panel } from './ledger_panel.js';
import { severities } from './state.js';
import { school_cards } from './school_cards.js';
import { natural_compare } from './schools.js';

const $ = (doc, testid) => doc.querySelector(`[data-testid="${testid}"]`);

export class dashboard_view {
  constructor(doc, model, tr) {
    this.doc = doc;
    this.model = model;
    this.tr = tr;
    this.tiles = new Map();   // device id → device_tile
    this.site_filter = '';    // '' = all schools
    this.pending = empty_pending();
    this.frame = 0;
    this.schools = $(doc, 'schools');
    this.select = $(doc, 'school-select');
    this.summary = $(doc, 'summary');
    this.feed = new alert_feed(doc, $(doc, 'alert-feed'), $(doc, 'feed-more'),
                               $(doc, 'feed-empty'), $(doc, 'announcer'));
    this.feed.on_locate = (device, site) => this.locate(device, site);
    this.feed.on_filter = () => this.paint_summary_();
    this.history = new history_panel(doc, model, tr);
    this.ledger = new ledger_panel(doc, model, tr);
    const ledger_button = $(doc, 'ledger-open');
    ledger_button.addEventListener('click', () => this.ledger.open(ledger_button));
    this.select.addEventListener('change', () => this.pick_(this.select.value));
    this.user = null;
    this.on_pick = null;  // (site id or '') → void: a school chosen at district scale
    this.on_filtered = null;  // () → void: the school shown changed
    const cards_root = doc.createElement('section');
    cards_root.setAttribute('data-testid', 'cards');
    cards_root.hidden = true;
    this.schools.before(cards_root);
    this.cards = new school_cards(doc, cards_root, model, tr);
    this.cards.on_open = (site) => this.pick_(site);
  }

  // The signed-in user: named in the header with their role; the actions offered follow the
  // role (session.js). Everything is rebuilt, so no button of the last user stays.
  set_user(user) {
    this.user = user;
    this.feed.set_user(user);
    this.ledger.set_user(user);
    this.paint_user_();
    this.queue({ structure: true, devices: [], alerts: [], feed_order: true });
  }

  // Signed out: dialogs closed, the district forgotten (the model was reset by the caller), the
  // page empty behind the login screen.
  reset(change) {
    this.history.close();
    this.ledger.close();
    this.site_filter = '';
    this.cards.reset();
    this.feed.set_user(null);
    this.ledger.set_user(null);
    this.user = null;
    this.paint_user_();
    // Painted now, not at the next frame: nothing of the last user stays in the page, even in a
    // background tab (where frames do not come).
    this.queue(change);
    cancelAnimationFrame(this.frame);
    this.flush();
  }

  paint_user_() {
    const { doc, tr, user } = this;
    $(doc, 'user-name').textContent = user ? user.display_name : '';
    const role = $(doc, 'user-role');
    role.textContent = user ? tr.user_role(user.role) : '';
    role.dataset.role = user ? user.role : '';
    const box = $(doc, 'user-box');
    box.setAttribute('aria-label', tr.t('user_label'));
    $(doc, 'logout').setAttribute('aria-label', tr.t('logout_label', { name: user?.display_name ?? '' }));
  }

  // Merges a change from live_model.apply and schedules one paint.
  queue(change) {
    const p = this.pending;
    p.structure ||= change.structure;
    p.feed_order ||= change.feed_order;
    for (const id of change.devices) p.devices.add(id);
    for (const id of change.alerts) p.alerts.add(id);
    for (const id of change.schools ?? []) p.schools.add(id);
    if (!this.frame) this.frame = requestAnimationFrame(() => this.flush());
  }

  flush() {
    this.frame = 0;
    const p = this.pending;
    this.pending = empty_pending();
    const now = Date.now();
    if (p.structure) {
      this.build_();
      this.feed.repaint_all(this.tr, this.model);
      // An entry opened before the snapshot (an SMS link) gets its school's names and time zone.
      if (this.ledger.is_open && this.ledger.view === 'detail') this.ledger.detail.set_language(this.tr);
    } else {
      for (const id of p.devices) this.paint_tile_(id, now);
      this.feed.update(this.tr, this.model, p.alerts, p.feed_order);
      if (p.schools.size && !this.cards.root.hidden) this.cards.paint();
    }
    if (p.structure || p.devices.size || p.alerts.size || p.schools.size) this.paint_summary_();
    if (p.alerts.size) {
      this.history.alerts_changed(p.devices);
      this.ledger.alerts_changed(p.alerts);
    }
  }

  // Language switch: every word changes, so rebuild.
  set_language(tr) {
    this.tr = tr;
    this.paint_static_();
    this.paint_user_();
    this.history.set_language(tr);
    this.ledger.set_language(tr);
    this.cards.set_language(tr);
    this.queue({ structure: true, devices: [], alerts: [], feed_order: true });
  }

  // Once a second: the "last seen" texts and the report countdowns.
  tick(now) {
    this.feed.tick(this.tr, now);
    for (const [id, tile] of this.tiles) {
      const d = this.model.device(id);
      if (d && (!this.site_filter || d.site === this.site_filter)) tile.tick(this.tr, d, now);
    }
  }

  // The selector, a card: at district scale the page's address follows (on_pick), which
  // comes back here through filter_to.
  pick_(site) {
    if (this.on_pick && !this.model.all_watched()) this.on_pick(site);
    else this.filter_sites(site);
  }

  // The list of school cards is shown instead of tiles: the model lacks devices and no school
  // is chosen.
  cards_mode_() {
    return this.model.ready && !this.model.all_watched() && !this.site_filter;
  }

  filter_sites(site) {
    const was = this.site_filter;
    this.site_filter = site;
    if (was !== site) this.on_filtered?.();
    if (!this.model.all_watched()) {
      // Another school's tiles, or the cards: rebuilt (only the watched schools have tiles).
      if (was !== site) this.queue({ structure: true, devices: [], alerts: [], feed_order: false });
      return;
    }
    for (const section of this.schools.querySelectorAll('section.school')) {
      section.hidden = site !== '' && section.dataset.site !== site;
    }
    this.tick(Date.now());
  }

  // Shows one school only ('' = every school), as the school selector does (a drill-down).
  filter_to(site) {
    if (site && !this.model.site(site)) return;
    this.select.value = site;
    this.filter_sites(site);
  }

  // Opens the ledger view filtered to one school (from a drill-down).
  open_ledger_for(site, opener) {
    this.ledger.open(opener);
    this.ledger.set_filters({ site });
    this.ledger.filters.requestSubmit();
  }

  // An SMS link's alert (#alert=A-000043; app.js, session.js linked_alert): its detail in the
  // ledger dialog, open over whatever view as the focused panel, its actions in the first screen.
  // A missing number (a mangled link) is shown as not found.
  open_alert(target) {
    this.ledger.open_entry(target.id, null);
  }

  // Shows a device's tile (from an alert entry): switches the school filter if needed.
  locate(device_id, site_id) {
    if (!this.model.watching.has(site_id) && this.on_pick) {
      this.on_pick(site_id);  // its tiles come with the watch; the school is shown then
      return;
    }
    if (this.site_filter && this.site_filter !== site_id) {
      this.select.value = '';
      this.filter_sites('');
    }
    const tile = device_id ? this.tiles.get(device_id) : null;
    if (!tile) {
      // A hazard a person registered has no device: show its school.
      const section = this.schools.querySelector(`section.school[data-site="${CSS.escape(site_id)}"]`);
      section?.scrollIntoView({ block: 'start' });
      return;
    }
    tile.root.scrollIntoView({ block: 'center' });
    tile.root.focus({ preventScroll: true });
  }

  paint_static_() {
    const { doc, tr } = this;
    doc.documentElement.lang = tr.lang === 'en' ? 'en' : 'zh-CN';
    for (const node of doc.querySelectorAll('[data-i18n]')) node.textContent = tr.t(node.dataset.i18n);
    const toggle = $(doc, 'lang-toggle');
    toggle.setAttribute('aria-label', tr.t('lang_switch_label'));
    this.summary.setAttribute('aria-label', tr.t('summary'));
    const district = this.model.district;
    $(doc, 'district-name').textContent = district ? tr.name(district) : '';
    doc.title = district ? `${tr.t('product')} · ${tr.name(district)}` : tr.t('product');
  }

  paint_tile_(id, now) {
    const device = this.model.device(id);
    const tile = this.tiles.get(id);
    if (device && tile) tile.paint(this.tr, device, this.model.worst_alert(id), now);
  }

  build_() {
    const { doc, tr, model } = this;
    this.paint_static_();
    this.tiles.clear();
    // School selector: the user's schools only (the snapshot holds nothing else), keeping the
    // current choice when the school still exists. "All schools" only when there is a choice.
    const options = model.sites.length === 1 ? [] : [new Option(tr.t('all_schools'), '')];
    // Hundreds of schools: in natural order (学校2 before 学校10), found by typing.
    const listed = model.all_watched() ? model.sites
      : [...model.sites].sort((a, b) => natural_compare(tr.name(a), tr.name(b), tr.lang));
    for (const s of listed) options.push(new Option(tr.name(s), s.id));
    this.select.replaceChildren(...options);
    if (!model.sites.some((s) => s.id === this.site_filter)) this.site_filter = '';
    this.select.value = this.site_filter || (model.sites.length === 1 ? model.sites[0].id : '');

    const now = Date.now();
    // Group once: asking the model per zone would cost zones × devices on a large district.
    const by_zone = new Map();
    for (const d of model.devices.values()) {
      const key = `${d.site}\n${d.zone}`;
      if (!by_zone.has(key)) by_zone.set(key, []);
      by_zone.get(key).push(d);
    }
    const frag = doc.createDocumentFragment();
    if (!model.ready) {
      const p = doc.createElement('p');
      p.className = 'placeholder';
      p.textContent = tr.t('waiting');
      frag.append(p);
    }
    const cards = this.cards_mode_();
    this.cards.root.hidden = !cards;
    this.doc.body.dataset.liveMode = cards ? 'schools' : 'tiles';
    if (cards) this.cards.paint();
    if (model.ready && this.site_filter && !model.watching.has(this.site_filter)) {
      const p = doc.createElement('p');
      p.className = 'placeholder';
      p.setAttribute('data-testid', 'cards-loading');
      p.textContent = tr.t('sc_loading');
      frag.append(p);
    }
    // At district scale a section only for the school open, once its devices are held.
    const partial = model.ready && !model.all_watched();
    for (const site of model.sites) {
      if (partial && (site.id !== this.site_filter || !model.watching.has(site.id))) continue;
      const section = doc.createElement('section');
      section.className = 'school';
      section.dataset.site = site.id;
      section.setAttribute('data-testid', `school-${site.id}`);
      section.hidden = this.site_filter !== '' && this.site_filter !== site.id;
      const h = doc.createElement('h2');
      h.className = 'school-name';
      h.id = `school-${site.id}`;
      h.textContent = tr.name(site);
      section.setAttribute('aria-labelledby', h.id);
      const count = doc.createElement('span');
      count.className = 'cards-count';
      h.append(' ', count);
      section.append(h);
      const zones = doc.createElement('div');
      zones.className = 'school-zones';
      let n = 0;
      for (const zone of site.zones) {
        const devices = by_zone.get(`${site.id}\n${zone.id}`) ?? [];
        n += devices.length;
        zones.append(this.build_zone_(site, zone, devices, now));
      }
      section.append(zones);
      count.textContent = tr.t('device_count', { n });
      frag.append(section);
    }
    this.schools.replaceChildren(frag);
  }

  build_zone_(site, zone, devices, now) {
    const { doc, tr, model } = this;
    const section = doc.createElement('section');
    section.className = 'zone';
    section.dataset.zoneType = zone.type;
    section.setAttribute('data-testid', `zone-${site.id}-${zone.id}`);
    const h = doc.createElement('h3');
    h.className = 'zone-name';
    const type = doc.createElement('span');
    type.className = 'zone-type';
    type.setAttribute('data-testid', `zone-type-${site.id}-${zone.id}`);
    type.textContent = tr.zone_type(zone.type);
    h.append(type);
    // A zone often bears its type's name ("食堂后厨"): say it once.
    const name = tr.name(zone);
    if (name && name !== type.textContent) h.append(' ', name);
    section.append(h);
    const list = doc.createElement('ul');
    list.className = 'tiles';
    for (const device of devices) {
      const tile = new device_tile(doc, device);
      tile.on_open = (id, opener) => this.history.open(id, opener);
      tile.paint(tr, device, model.worst_alert(device.id), now);
      this.tiles.set(device.id, tile);
      const li = doc.createElement('li');
      li.append(tile.root);
      list.append(li);
    }
    if (!devices.length) {
      const p = doc.createElement('p');
      p.className = 'placeholder';
      p.textContent = tr.t('no_devices');
      section.append(p);
    } else {
      section.append(list);
    }
    return section;
  }

  // The figures; those counting alerts are buttons that show the feed narrowed to the alerts
  // they count (feed.js feed_filters), pressed again for every alert.
  paint_summary_() {
    const { doc, tr } = this;
    const c = this.model.counts();
    const item = (cls, label, value, testid, filter = null) => {
      const div = doc.createElement(filter ? 'button' : 'div');
      div.className = `figure ${cls}`;
      div.setAttribute('data-testid', testid);
      const v = doc.createElement('span');
      v.className = 'figure-value';
      v.textContent = String(value);
      const l = doc.createElement('span');
      l.className = 'figure-label';
      l.textContent = label;
      div.append(v, l);
      if (filter) {
        div.type = 'button';
        div.dataset.filter = filter;
        div.setAttribute('aria-pressed', String(this.feed.filter === filter));
        div.setAttribute('aria-label', tr.t('summary_show', { n: value, what: label }));
        div.addEventListener('click', () => this.show_counted_(filter));
      }
      return div;
    };
    const items = [
      item('online', tr.t('summary_online'), c.online, 'count-online'),
      item('offline', tr.t('summary_offline'), c.offline, 'count-offline'),
      item('alerting', tr.t('summary_alerting'), c.alerting, 'count-alerting', 'alerting'),
      item('unacknowledged', tr.t('summary_unacknowledged'), c.unacknowledged, 'count-unacknowledged', 'unacknowledged'),
    ];
    for (const sev of [...severities].reverse()) {
      const it = item('figure-sev', tr.severity(sev), c.active[sev], `count-${sev}`, sev);
      it.dataset.severity = sev;
      if (c.active[sev] > 0) it.dataset.lit = 'true';
      items.push(it);
    }
    this.summary.replaceChildren(...items);
  }

  // A counter pressed: the feed shows the alerts it counts (or all again, pressed twice), its
  // heading focused, and the page scrolls to it unless the first of them is in view already (the
  // feed beside the tiles on a wide screen).
  show_counted_(filter) {
    this.feed.set_filter(this.feed.filter === filter ? null : filter);
    this.paint_summary_();
    const aside = this.feed.list.closest('aside') ?? this.feed.list;
    aside.scrollTop = 0;
    const r = (this.feed.first_shown() ?? aside).getBoundingClientRect();
    if (r.top < 0 || r.top + Math.min(r.height, 80) > this.doc.defaultView.innerHeight) {
      aside.scrollIntoView({ block: 'start' });
    }
    this.doc.getElementById('feed-heading')?.focus({ preventScroll: true });
  }
}

function empty_pending() {
  return { structure: false, devices: new Set(), alerts: new Set(), feed_order: false,
           schools: new Set() };
}
