// Every word the dashboard shows, in Chinese (read first) and English. Names of the district,
// schools, zones and devices come from the server as `name` / `name_en`; everything else is here.
// Pure: no DOM, so the node tests can import it.

const strings = {
  zh: {
    product: '校园安全物联监测',
    lang_switch: 'English',
    lang_switch_label: 'Switch to English',
    conn_connecting: '连接中…',
    conn_open: '实时连接',
    conn_closed: '已断开',
    conn_retry: '{s} 秒后重连',
    all_schools: '全部学校',
    school: '学校',
    schools_heading: '学校与监测点位',
    summary: '全区概况',
    feed_heading: '实时告警',
    feed_empty: '暂无告警',
    feed_more: '另有 {n} 条较早的告警未显示',
    waiting: '正在等待服务器数据…',
    no_devices: '该区域暂无设备',
    summary_online: '在线',
    summary_offline: '离线',
    summary_alerting: '告警设备',
    summary_active: '活动告警',
    last_seen: '最后上报',
    never_seen: '暂无',
    just_now: '刚刚',
    seconds_ago: '{n} 秒前',
    minutes_ago: '{n} 分钟前',
    hours_ago: '{n} 小时前',
    days_ago: '{n} 天前',
    raised_at: '发生',
    cleared_at: '解除',
    value: '数值',
    threshold_note: '（阈值 {v}）',
    condition_active: '活动中',
    condition_cleared: '已解除',
    status_online: '在线',
    status_offline: '离线',
    status_unknown: '未知',
    alert_badge: '{sev}告警',
    device_count: '{n} 台设备',
    tag: '标签',
    history_open: '历史曲线',
    history_open_label: '查看{name}的历史曲线',
    history_title: '{name} · 历史曲线',
    close: '关闭',
    history_metric: '指标',
    history_range: '时间范围',
    range_1h: '1 小时',
    range_24h: '24 小时',
    range_7d: '7 天',
    range_from: '从',
    range_to: '到',
    range_apply: '查询',
    range_bad: '开始时间须早于结束时间',
    range_incomplete: '请填写开始和结束时间',
    tz_note: '时间为学校当地时间（{tz}）',
    step_note: '每 {step} 一个点：最小 / 平均 / 最大',
    unit_s: '秒',
    unit_min: '分钟',
    unit_h: '小时',
    unit_d: '天',
    export_csv: '导出 CSV',
    export_csv_label: '导出当前时间范围的 CSV 文件',
    loading: '加载中…',
    no_data: '此时间段无数据',
    no_metrics: '该设备没有可绘制的数值指标',
    history_error: '无法读取历史数据：{msg}',
    chart_missing: '图表库未安装：请在 dashboards/ 目录运行 npm ci && node vendor.mjs',
    series_min: '最小',
    series_mean: '平均',
    series_max: '最大',
    axis_time: '时间',
    chart_label: '{metric}历史曲线，{from} 至 {to}，共 {n} 个点',
    chart_alerts: '图中告警',
    chart_alerts_none: '此时间段内本页未收到该设备的告警',
    chart_alerts_note: '仅标出本页打开以来收到的告警',
    ongoing: '持续中',
  },
  en: {
    product: 'CampusShield',
    lang_switch: '中文',
    lang_switch_label: '切换到中文',
    conn_connecting: 'Connecting…',
    conn_open: 'Live',
    conn_closed: 'Disconnected',
    conn_retry: 'retrying in {s} s',
    all_schools: 'All schools',
    school: 'School',
    schools_heading: 'Schools and monitoring points',
    summary: 'District summary',
    feed_heading: 'Live alerts',
    feed_empty: 'No alerts',
    feed_more: '{n} older alerts not shown',
    waiting: 'Waiting for data from the server…',
    no_devices: 'No devices in this zone',
    summary_online: 'Online',
    summary_offline: 'Offline',
    summary_alerting: 'Alerting devices',
    summary_active: 'Active alerts',
    last_seen: 'Last seen',
    never_seen: 'never',
    just_now: 'just now',
    seconds_ago: '{n} s ago',
    minutes_ago: '{n} min ago',
    hours_ago: '{n} h ago',
    days_ago: '{n} d ago',
    raised_at: 'Raised',
    cleared_at: 'Cleared',
    value: 'Value',
    threshold_note: ' (threshold {v})',
    condition_active: 'Active',
    condition_cleared: 'Cleared',
    status_online: 'Online',
    status_offline: 'Offline',
    status_unknown: 'Unknown',
    alert_badge: '{sev} alert',
    device_count: '{n} devices',
    tag: 'Tag',
    history_open: 'History',
    history_open_label: 'Show the history of {name}',
    history_title: '{name} · History',
    close: 'Close',
    history_metric: 'Metric',
    history_range: 'Time range',
    range_1h: '1 h',
    range_24h: '24 h',
    range_7d: '7 d',
    range_from: 'From',
    range_to: 'To',
    range_apply: 'Show',
    range_bad: 'The start must be before the end',
    range_incomplete: 'Enter both a start and an end',
    tz_note: "Times in the school's time zone ({tz})",
    step_note: 'One point per {step}: min / mean / max',
    unit_s: 's',
    unit_min: 'min',
    unit_h: 'h',
    unit_d: 'd',
    export_csv: 'Export CSV',
    export_csv_label: 'Export this time range as a CSV file',
    loading: 'Loading…',
    no_data: 'No data in this range',
    no_metrics: 'This device has no numeric values to chart',
    history_error: 'Cannot load the history: {msg}',
    chart_missing: 'Chart library missing: run npm ci && node vendor.mjs in dashboards/',
    series_min: 'Min',
    series_mean: 'Mean',
    series_max: 'Max',
    axis_time: 'Time',
    chart_label: '{metric} history, {from} to {to}, {n} points',
    chart_alerts: 'Alerts on the chart',
    chart_alerts_none: 'No alerts of this device received by this page in this range',
    chart_alerts_note: 'Only alerts received since this page was opened are marked',
    ongoing: 'ongoing',
  },
};

const zone_types = {
  canteen_kitchen: ['食堂后厨', 'Canteen kitchen'],
  chemical_store: ['危化品库', 'Chemical store'],
  lab: ['实验室', 'Laboratory'],
  water_zone: ['危险水域', 'Dangerous water'],
  gate: ['校门', 'School gate'],
  boiler_room: ['锅炉房', 'Boiler room'],
  dormitory: ['宿舍', 'Dormitory'],
  other: ['其他', 'Other'],
};

const families = {
  gas_detector: ['燃气探测器', 'Gas detector'],
  hazmat_cabinet: ['危化品柜', 'Hazmat cabinet'],
  kitchen_camera: ['明厨亮灶摄像机', 'Kitchen camera'],
  water_beacon: ['防溺水信标', 'Water beacon'],
  alarm_input: ['报警输入', 'Alarm input'],
  json_map: ['通用接入设备', 'Generic device'],
};

const metrics = {
  lel_pct: ['可燃气', 'Gas'],
  co_ppm: ['一氧化碳', 'CO'],
  valve: ['阀门', 'Valve'],
  fault: ['自检', 'Self-test'],
  temp_c: ['温度', 'Temperature'],
  rh_pct: ['湿度', 'Humidity'],
  voc_ppm: ['VOC', 'VOC'],
  door: ['柜门', 'Door'],
  lock: ['门锁', 'Lock'],
  fan: ['排风', 'Fan'],
  fps: ['帧率', 'Frame rate'],
  event: ['事件', 'Event'],
  event_confidence: ['置信度', 'Confidence'],
  tags_near: ['附近标签', 'Tags nearby'],
  nearest: ['最近距离', 'Nearest'],
  dist_m: ['距离', 'Distance'],
  tag_dist_m: ['距离', 'Distance'],
  rssi: ['信号', 'RSSI'],
  alarm: ['报警', 'Alarm'],
  state: ['报警', 'Alarm'],
  status: ['状态', 'Status'],
};

// State values, per metric where the same word reads differently (a door 开, a fan 运行).
const states = {
  valve: { open: ['开', 'open'], closed: ['关', 'closed'] },
  door: { open: ['开', 'open'], closed: ['关', 'closed'] },
  lock: { locked: ['已锁', 'locked'], unlocked: ['未锁', 'unlocked'] },
  fan: { on: ['运行', 'on'], off: ['停止', 'off'] },
  fault: {
    fault: ['故障', 'fault'], ok: ['正常', 'OK'], true: ['故障', 'fault'], false: ['正常', 'OK'],
  },
  alarm: { alarm: ['报警', 'alarm'], normal: ['正常', 'normal'] },
  state: { alarm: ['报警', 'alarm'], normal: ['正常', 'normal'] },
  event: {
    no_hat: ['未戴厨师帽', 'no hat'],
    no_mask: ['未戴口罩', 'no mask'],
    smoking: ['吸烟', 'smoking'],
    rodent: ['鼠患', 'rodent'],
    stranger: ['陌生人', 'stranger'],
    none: ['无', 'none'],
  },
  status: { online: ['在线', 'online'], offline: ['离线', 'offline'] },
};

// Severity names follow the four Chinese warning colours; the word is shown beside the colour
// so colour is never the only cue.
const severities = {
  blue: ['蓝色 · 提示', 'Blue · notice'],
  yellow: ['黄色 · 警告', 'Yellow · warning'],
  orange: ['橙色 · 严重', 'Orange · serious'],
  red: ['红色 · 紧急', 'Red · emergency'],
};
const severity_short = {
  blue: ['蓝色', 'Blue'],
  yellow: ['黄色', 'Yellow'],
  orange: ['橙色', 'Orange'],
  red: ['红色', 'Red'],
};

export const languages = ['zh', 'en'];

const pick = (table, key, lang, fallback) => {
  const entry = table[key];
  if (!entry) return fallback;
  return entry[lang === 'en' ? 1 : 0];
};

// A translator bound to one language; every lookup falls back to the raw key so an unknown
// zone type or metric still shows something readable.
export function translator(lang) {
  const l = lang === 'en' ? 'en' : 'zh';
  const table = strings[l];
  return {
    lang: l,
    t(key, params = {}) {
      const s = table[key] ?? key;
      return s.replace(/\{(\w+)\}/g, (_, p) => String(params[p] ?? ''));
    },
    zone_type: (type) => pick(zone_types, type, l, type || ''),
    family: (family) => pick(families, family, l, family || ''),
    metric: (metric) => pick(metrics, metric, l, metric),
    state: (metric, value) => {
      const per = states[metric];
      return per ? pick(per, String(value), l, String(value)) : String(value);
    },
    severity: (sev) => pick(severities, sev, l, sev),
    severity_short: (sev) => pick(severity_short, sev, l, sev),
    // A server-named thing: Chinese `name`, English `name_en`, falling back on each other and
    // finally on the id.
    name: (obj) => {
      if (!obj) return '';
      if (l === 'en') return obj.name_en || obj.name || obj.id || '';
      return obj.name || obj.name_en || obj.id || '';
    },
    rule_name: (alert) => {
      if (l === 'en') return alert.rule_name_en || alert.rule_name || alert.rule || '';
      return alert.rule_name || alert.rule_name_en || alert.rule || '';
    },
  };
}
