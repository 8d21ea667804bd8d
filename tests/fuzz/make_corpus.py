#!/usr/bin/env python3
"""Writes the seed corpora in corpus/<target>/ from the project's own material: the adapters'
testdata, the sample district, and a few hand-written HTTP requests and WebSocket frames.
Run it after adding testdata or changing an input format (README.md here); the result is
checked in. line_protocol's seeds are not written here: they are inputs libFuzzer found
(FuzzedDataProvider bytes), kept with `-merge=1`."""
import hashlib
import json
import os
import struct
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
CORPUS = HERE / "corpus"


def write(target, data):
    if isinstance(data, str):
        data = data.encode()
    d = CORPUS / target
    d.mkdir(parents=True, exist_ok=True)
    (d / hashlib.sha1(data).hexdigest()[:16]).write_bytes(data)


def clear(target):
    """Removes the generated seeds; inputs that once found a bug (regression-*) stay."""
    d = CORPUS / target
    if d.is_dir():
        for f in d.iterdir():
            if not f.name.startswith("regression-"):
                f.unlink()


def families():
    # registry order: std::map, sorted by name; each family has a testdata folder.
    return sorted(p.name for p in (ROOT / "adapters").iterdir() if (p / "testdata").is_dir())


def adapter_seeds():
    """Byte 0 family, byte 1 option set, byte 2 stream, then the payload (adapter_fuzz.cpp)."""
    clear("adapter")
    for fi, family in enumerate(families()):
        cases = sorted((ROOT / "adapters" / family / "testdata").iterdir())
        with_options = [c for c in cases if (c / "case.json").exists()]
        for c in cases:
            setup = json.loads((c / "case.json").read_text()) if (c / "case.json").exists() else {}
            # Cases without case.json use the family's first device in the sample district.
            option_set = with_options.index(c) if c in with_options else len(with_options)
            stream = 1 if setup.get("stream") == "event" else 0
            write("adapter", bytes([fi, option_set, stream]) + (c / "payload").read_bytes())


# One device of each family in config/district.yaml, as campus/<site>/<zone>/<device>.
DEVICE_OF = {
    "alarm_input": "campus/xh-primary/gate/xh-gate-alarm-1",
    "gas_detector": "campus/xh-primary/kitchen/xh-kitchen-gas-1",
    "hazmat_cabinet": "campus/xh-primary/chem-store/xh-chem-cab-1",
    "json_map": "campus/xh-primary/kitchen/xh-kitchen-temp-1",
    "kitchen_camera": "campus/xh-primary/kitchen/xh-kitchen-cam-1",
    "water_beacon": "campus/xh-primary/pond/xh-pond-beacon-1",
}


def mqtt_seeds():
    """topic NUL payload [NUL topic NUL payload ...] (mqtt_ingest_fuzz.cpp)."""
    clear("mqtt_ingest")
    for family, device in DEVICE_OF.items():
        for c in sorted((ROOT / "adapters" / family / "testdata").iterdir()):
            payload = (c / "payload").read_bytes()
            if b"\0" in payload:
                continue
            setup = json.loads((c / "case.json").read_text()) if (c / "case.json").exists() else {}
            stream = setup.get("stream", "telemetry")
            write("mqtt_ingest", f"{device}/{stream}".encode() + b"\0" + payload)
    gas = DEVICE_OF["gas_detector"]
    # A leak rising then clearing, so the rules raise, update and clear alerts.
    write("mqtt_ingest", b"\0".join([
        f"{gas}/telemetry".encode(), b'{"lel_pct": 12}',
        f"{gas}/telemetry".encode(), b'{"lel_pct": 40}',
        f"{gas}/telemetry".encode(), b'{"lel_pct": 1}',
        f"{gas}/status".encode(), b"offline"]))
    write("mqtt_ingest", f"{gas}/status\0".encode() + b'{"online": false, "ts": 1763860000000}')
    write("mqtt_ingest", b"campus/bh-middle/kitchen/xh-kitchen-gas-1/telemetry\0{\"lel_pct\": 3}")
    write("mqtt_ingest", b"campus/xh-primary/kitchen/no-such-device/telemetry\0{}")
    write("mqtt_ingest", f"{gas}/config\0{{}}".encode())


def config_seeds():
    clear("config_loader")
    write("config_loader", (ROOT / "config" / "district.yaml").read_bytes())
    minimal = """district: {id: d, name: 区, name_en: D}
sites:
  - id: s1
    name: 学校
    name_en: School
    time_zone: Asia/Shanghai
    zones:
      - {id: kitchen, type: canteen_kitchen, name: 厨房, name_en: Kitchen}
    devices:
"""
    for family in families():
        sample = (ROOT / "adapters" / family / "sample.yaml").read_text()
        devices = "".join("      " + line + "\n" for line in sample.splitlines()
                          if not line.startswith("#"))
        write("config_loader", minimal + devices.replace("zone: ", "zone: kitchen #"))
    write("config_loader", minimal + """      - {id: g1, family: gas_detector, zone: kitchen, name: 燃气, name_en: Gas}
rules:
  - {id: r1, name: 泄漏, name_en: Leak, kind: threshold, match: {families: [gas_detector]},
     metric: lel_pct, op: above, levels: [{severity: red, threshold: 25, clear: 20}]}
  - {id: r2, name: 离线, name_en: Offline, kind: absence, match: {devices: [g1]}, period: 5m,
     severity: yellow, when: {days: [mon, tue], from: "08:00", to: "24:00"}}
""")
    write("config_loader", "district: [unclosed\n")
    write("config_loader", "mqtt: {port: 99999, keepalive: 3x}\nhttp: {port: -1}\n")


def http_seeds():
    clear("http_request")
    get = "GET {} HTTP/1.1\r\nHost: 127.0.0.1\r\n{}\r\n"
    # http_request_fuzz.cpp: no token, no session; a token starting with "viewer", a viewer of
    # xh-primary; any other token, a user who sees every school.
    sessions = ["", "Cookie: campus_session=admin-token\r\n", "Authorization: Bearer viewer-token\r\n"]
    for target in ["/healthz", "/metrics", "/api/sites", "/api/devices?site=xh-primary",
                   "/api/devices?site=nowhere", "/api/alerts?state=active&site=xh-primary",
                   "/api/history?device=xh-kitchen-gas-1&metric=lel_pct",
                   "/api/history?device=xh-kitchen-gas-1&metric=lel_pct&from=2025-11-22T00:00:00Z"
                   "&to=2025-11-23T00:00:00Z&step=10m&format=csv",
                   "/api/history?device=xh-pond-beacon-1&metric=tag_dist_m&subject=%E5%AD%A6",
                   "/api/roster", "/", "/index.html", "/css/site.css", "/app.js?v=1",
                   "/../secret.txt", "/%2e%2e/secret.txt", "/leak.txt", "/up/secret.txt",
                   "/node_modules/x/index.js", "/package.json", "/a%00b", "/api/nope?x=1&x=2",
                   "/ws", "http://example.com/", "/api/devices?site=bh-middle",
                   "/api/alerts/1", "/api/logout"]:
        for session in sessions:
            write("http_request", get.format(target, session))
    write("http_request", "HEAD /index.html HTTP/1.0\r\n\r\n")
    write("http_request", "POST /api/alerts/1/ack HTTP/1.1\r\nHost: h\r\nContent-Type: application/json\r\n"
                          "Cookie: campus_session=admin-token\r\n"
                          "Content-Length: 17\r\n\r\n{\"note\": \"seen\"}\n")
    write("http_request", "POST /api/hazards HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n"
                          "5\r\n{\"a\":\r\n2\r\n1}\r\n0\r\n\r\n")
    write("http_request", get.format("/healthz", "") + get.format("/api/sites", sessions[2]) +
          get.format("/metrics", ""))
    login = '{"user": "wang", "password": "secret1"}'
    write("http_request", "POST /api/login HTTP/1.1\r\nHost: h\r\nContent-Type: application/json\r\n"
                          f"Content-Length: {len(login)}\r\n\r\n{login}")
    write("http_request", "GET /ws HTTP/1.1\r\nHost: h\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                          "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n"
                          "Origin: http://h\r\nCookie: campus_session=viewer-token\r\n\r\n")


def frame(opcode, payload=b"", fin=True, mask=b"\x37\xfa\x21\x3d", length=None):
    """One client frame (RFC 6455): clients mask every frame."""
    n = len(payload) if length is None else length
    head = bytes([(0x80 if fin else 0) | opcode])
    if n < 126:
        head += bytes([0x80 | n])
    elif n < 65536:
        head += bytes([0x80 | 126]) + struct.pack(">H", n)
    else:
        head += bytes([0x80 | 127]) + struct.pack(">Q", n)
    masked = bytes(b ^ mask[i % 4] for i, b in enumerate(payload))
    return head + mask + masked


def websocket_seeds():
    clear("websocket")
    write("websocket", frame(1, b'{"type":"hello"}'))
    write("websocket", frame(9, b"ping") + frame(10, b"pong") + frame(1, "你好".encode()))
    write("websocket", frame(1, b"par", fin=False) + frame(0, b"tial"))
    write("websocket", frame(2, bytes(range(64))))
    write("websocket", frame(8, struct.pack(">H", 1000) + b"bye"))
    write("websocket", frame(1, b"x" * 200))
    write("websocket", frame(1, b"", length=5000))  # declares more than the limit
    write("websocket", frame(1, b"\xff\xfe"))  # not UTF-8


if __name__ == "__main__":
    adapter_seeds()
    mqtt_seeds()
    config_seeds()
    http_seeds()
    websocket_seeds()
