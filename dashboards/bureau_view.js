// The views of the page and how one moves between them (docs/bureau.md): 区域总览, 实时监测,
// 达标率, 安全月报表, 通知 as a row of tabs under the header, each with its address in the
// location's hash (#overview, #live, #live/SITE for a school drilled into, #compliance,
// #report, #report/SITE, #notices) so the back button and a reload keep the place.
//
// Bureau and admin users open on the overview and see every tab; a school's users open on the
// live view and have no overview and no notices tab (their notices come as the banner), but see
// their own school's compliance and report. Drilling into a school is the live view filtered to
// it, under a strip with the way back, the school's compliance points and links to its report
// and ledger.

import { get_json } from './api.js';
import { overview_panel } from './overview_panel.js';
import { compliance_panel, points_table } from './compliance_panel.js';
import { report_panel } from './report_panel.js';
import { notices_panel } from './notices_panel.js';
import { notice_banner } from './notice_banner.js';
import { as_fraction, percent_text } from './bureau.js';
import { el } from './form_fields.js';

const $ = (doc, testid) => doc.querySelector(`[data-testid="${testid}"]`);

const bureau_tabs = ['overview', 'live', 'compliance', 'report', 'notices'];
const school_tabs = ['live', 'compliance', 'report'];

// "#live/xh-primary" → {view: 'live', site: 'xh-primary'}.
export function parse_route(hash) {
  const m = /^#?([a-z]+)(?:\/(.+))?$/.exec(hash || '');
  return m ? { view: m[1], site: m[2] ? decodeURIComponent(m[2]) : '' } : { view: '', site: '' };
}

export class bureau_view {
  // `live` is the dashboard_view (tiles, feed, ledger).
  constructor(doc, model, live, tr) {
    this.doc = doc;
    this.model = model;
    this.live = live;
    this.tr = tr;
    this.user = null;
    this.route = { view: 'live', site: '' };
    this.nav = $(doc, 'view-nav');
    this.live_root = $(doc, 'live-view');
    this.drill = $(doc, 'drill');
    this.roots = {
      overview: $(doc, 'overview-view'),
      compliance: $(doc, 'compliance-view'),
      report: $(doc, 'report-view'),
      notices: $(doc, 'notices-view'),
    };
    this.panels = {
      overview: new overview_panel(doc, this.roots.overview, model, tr),
      compliance: new compliance_panel(doc, this.roots.compliance, model, tr),
      report: new report_panel(doc, this.roots.report, model, tr),
      notices: new notices_panel(doc, this.roots.notices, model, tr),
    };
    this.panels.overview.on_drill = (site) => this.go('live', site);
    this.banner = new notice_banner(doc, $(doc, 'notice-banner'), model, tr);
    this.drill_seq = 0;
    doc.defaultView.addEventListener('hashchange', () => this.follow_hash_());
  }

  tabs_() {
    if (!this.user) return [];
    return this.user.all_sites ? bureau_tabs : school_tabs;
  }

  set_user(user) {
    this.user = user;
    this.panels.report.set_user(user);
    this.banner.start(user);
    this.paint_nav_();
    this.follow_hash_();
  }

  reset() {
    this.user = null;
    for (const p of Object.values(this.panels)) p.reset();
    this.banner.reset();
    this.drill.hidden = true;
    this.drill.replaceChildren();
    this.paint_nav_();
    for (const root of Object.values(this.roots)) root.hidden = true;
    this.live_root.hidden = false;
  }

  set_language(tr) {
    this.tr = tr;
    this.paint_nav_();
    for (const p of Object.values(this.panels)) p.set_language(tr);
    this.banner.set_language(tr);
    if (this.route.view === 'live' && this.route.site && this.user?.all_sites) this.paint_drill_();
  }

  // The district structure arrived or changed (the snapshot): pickers and names follow.
  structure_changed() {
    if (!this.user) return;
    const v = this.route.view;
    if (v === 'report' || v === 'notices' || v === 'compliance') this.panels[v].set_language(this.tr);
    if (v === 'live' && this.route.site) this.live.filter_to(this.route.site);
  }

  // A /ws message the live model does not know: notices.
  on_message(msg) {
    if (!this.user) return;
    if (msg.type === 'notice' || msg.type === 'notice_read') {
      if (this.user.all_sites) this.panels.notices.on_message(msg);
      else this.banner.on_message(msg);
    }
  }

  // Ledger entries changed: the overview's figures follow (at its next load, soon).
  alerts_changed() {
    if (this.route.view !== 'overview') return;
    clearTimeout(this.overview_timer);
    this.overview_timer = setTimeout(() => this.route.view === 'overview' && this.panels.overview.load(), 2000);
  }

  go(view, site = '') {
    const hash = site ? `#${view}/${encodeURIComponent(site)}` : `#${view}`;
    if (this.doc.defaultView.location.hash === hash) this.follow_hash_();
    else this.doc.defaultView.location.hash = hash;
  }

  follow_hash_() {
    if (!this.user) return;
    const tabs = this.tabs_();
    let { view, site } = parse_route(this.doc.defaultView.location.hash);
    if (!tabs.includes(view)) {
      view = tabs[0];
      site = '';
    }
    const previous = this.route;
    this.route = { view, site };
    for (const [name, panel] of Object.entries(this.panels)) {
      if (name !== view && previous.view === name) panel.hide();
    }
    for (const [name, root] of Object.entries(this.roots)) root.hidden = name !== view;
    this.live_root.hidden = view !== 'live';
    this.doc.body.dataset.view = view;
    this.paint_nav_();
    // Leaving a drill-down (back to the district, or another tab) shows every school again.
    const drilled = view === 'live' && site && this.user.all_sites;
    if (previous.view === 'live' && previous.site && this.user.all_sites && !drilled) this.live.filter_to('');
    if (view === 'live') {
      this.drill.hidden = !drilled;
      if (drilled) {
        this.live.filter_to(site);
        this.paint_drill_();
        this.load_drill_points_(site);
      }
    } else if (view === 'report') {
      this.panels.report.show(site || null);
    } else {
      this.panels[view].show();
    }
  }

  paint_nav_() {
    const { doc, tr } = this;
    const tabs = this.tabs_();
    this.nav.hidden = tabs.length < 2;
    this.nav.setAttribute('aria-label', tr.t('nav_label'));
    this.nav.replaceChildren(...tabs.map((name) => {
      const b = el(doc, 'button', 'view-tab', { type: 'button', 'data-testid': `nav-${name}` });
      b.textContent = tr.t(`nav_${name}`);
      const current = this.route.view === name;
      if (current) b.setAttribute('aria-current', 'page');
      b.addEventListener('click', () => this.go(name));
      return b;
    }));
  }

  paint_drill_() {
    const { doc, tr, model } = this;
    const site_id = this.route.site;
    const site = model.site(site_id) ?? { id: site_id };
    const head = el(doc, 'div', 'drill-head');
    const back = el(doc, 'button', 'range drill-back', { type: 'button', 'data-testid': 'drill-back' });
    back.textContent = tr.t('drill_back');
    back.addEventListener('click', () => this.go('overview'));
    const title = el(doc, 'h2', 'view-title', { 'data-testid': 'drill-title' });
    title.textContent = tr.t('drill_title', { school: tr.name(site) });
    const report = el(doc, 'a', 'drill-link', { href: `#report/${encodeURIComponent(site_id)}`, 'data-testid': 'drill-report' });
    report.textContent = tr.t('drill_report');
    const ledger = el(doc, 'button', 'range', { type: 'button', 'data-testid': 'drill-ledger' });
    ledger.textContent = tr.t('drill_ledger');
    ledger.addEventListener('click', () => this.live.open_ledger_for(site_id, ledger));
    head.append(back, title, report, ledger);
    const points = el(doc, 'div', 'drill-points', { 'data-testid': 'drill-points' });
    if (this.drill_points?.site === site_id) points.append(...this.drill_points_nodes_());
    this.drill.replaceChildren(head, points);
  }

  async load_drill_points_(site_id) {
    const seq = ++this.drill_seq;
    const res = await get_json('/api/compliance').catch(() => null);
    if (seq !== this.drill_seq || !res?.ok) return;
    const school = (res.body?.schools ?? []).find((s) => s.site === site_id);
    this.drill_points = school ? { site: site_id, school, target: res.body.target } : null;
    if (this.route.view === 'live' && this.route.site === site_id) this.paint_drill_();
  }

  drill_points_nodes_() {
    const { doc, tr } = this;
    const { school, target } = this.drill_points;
    const rate = as_fraction(school.rate, target);
    const h = el(doc, 'h3');
    h.textContent = `${tr.t('drill_points')} · ${tr.t('ov_compliance')} ${percent_text(rate)}`;
    if (rate !== null && rate < (as_fraction(target, target) ?? 0.9)) h.dataset.below = 'true';
    const tz = this.model.site(school.site)?.time_zone ?? 'Asia/Shanghai';
    // Folded on a phone, where a dozen points would push the school's alerts off the screen.
    const box = el(doc, 'details', 'drill-points-box', { 'data-testid': 'drill-points-box' });
    box.open = !doc.defaultView?.matchMedia?.('(max-width: 700px)').matches;
    const summary = el(doc, 'summary');
    summary.append(h);
    box.append(summary, points_table(doc, tr, school, { all: true, time_zone: tz }));
    return [box];
  }
}
