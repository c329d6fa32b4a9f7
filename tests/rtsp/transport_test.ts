import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { ParseError } from "../../src/errors.ts";
import {
  formatTransport,
  parseTransports,
  type TransportHeader,
} from "../../src/rtsp/transport.ts";
import { fuzzText } from "./_helpers.ts";

// One table for parser and formatter: [wire text sent by a client, parsed, canonical re-format].
const CASES: [string, string, TransportHeader, string][] = [
  [
    "ffmpeg UDP",
    "RTP/AVP/UDP;unicast;client_port=19274-19275",
    { protocol: "udp", profile: "avp", delivery: "unicast", clientPorts: [19274, 19275] },
    "RTP/AVP;unicast;client_port=19274-19275",
  ],
  [
    "ffmpeg TCP",
    "RTP/AVP/TCP;unicast;interleaved=0-1",
    { protocol: "tcp", profile: "avp", delivery: "unicast", interleaved: [0, 1] },
    "RTP/AVP/TCP;unicast;interleaved=0-1",
  ],
  [
    "ffmpeg publish UDP",
    "RTP/AVP/UDP;unicast;client_port=20000-20001;mode=record",
    {
      protocol: "udp",
      profile: "avp",
      delivery: "unicast",
      clientPorts: [20000, 20001],
      mode: "record",
    },
    "RTP/AVP;unicast;client_port=20000-20001;mode=record",
  ],
  [
    "GStreamer UDP",
    "RTP/AVP;unicast;client_port=52340-52341",
    { protocol: "udp", profile: "avp", delivery: "unicast", clientPorts: [52340, 52341] },
    "RTP/AVP;unicast;client_port=52340-52341",
  ],
  [
    "GStreamer rtspclientsink record",
    "RTP/AVP;unicast;client_port=5000-5001;mode=RECORD",
    {
      protocol: "udp",
      profile: "avp",
      delivery: "unicast",
      clientPorts: [5000, 5001],
      mode: "record",
    },
    "RTP/AVP;unicast;client_port=5000-5001;mode=record",
  ],
  [
    "VLC/live555 UDP",
    "RTP/AVP;unicast;client_port=55768-55769",
    { protocol: "udp", profile: "avp", delivery: "unicast", clientPorts: [55768, 55769] },
    "RTP/AVP;unicast;client_port=55768-55769",
  ],
  [
    "live555 multicast without parameters (RFC 2326 §14.4)",
    "RTP/AVP;multicast",
    { protocol: "udp", profile: "avp", delivery: "multicast" },
    "RTP/AVP;multicast",
  ],
  [
    "multicast reply with destination, port and ttl (RFC 2326 §14.4)",
    "RTP/AVP;multicast;destination=224.2.0.1;port=3456-3457;ttl=16",
    {
      protocol: "udp",
      profile: "avp",
      delivery: "multicast",
      destination: "224.2.0.1",
      ports: [3456, 3457],
      ttl: 16,
    },
    "RTP/AVP;multicast;destination=224.2.0.1;port=3456-3457;ttl=16",
  ],
  [
    "folded multicast record (RFC 2326 §14.6)",
    "RTP/AVP;multicast;destination=224.0.1.11; port=21010-21011;mode=record;ttl=127",
    {
      protocol: "udp",
      profile: "avp",
      delivery: "multicast",
      destination: "224.0.1.11",
      ports: [21010, 21011],
      mode: "record",
      ttl: 127,
    },
    "RTP/AVP;multicast;destination=224.0.1.11;port=21010-21011;ttl=127;mode=record",
  ],
  [
    "quoted upper-case mode (RFC 2326 §12.39)",
    'RTP/AVP;unicast;client_port=3456-3457;mode="PLAY"',
    {
      protocol: "udp",
      profile: "avp",
      delivery: "unicast",
      clientPorts: [3456, 3457],
      mode: "play",
    },
    "RTP/AVP;unicast;client_port=3456-3457;mode=play",
  ],
  [
    "mode=receive is record",
    "RTP/AVP/TCP;unicast;interleaved=4-5;mode=receive",
    { protocol: "tcp", profile: "avp", delivery: "unicast", interleaved: [4, 5], mode: "record" },
    "RTP/AVP/TCP;unicast;interleaved=4-5;mode=record",
  ],
  [
    "single client port means a-(a+1) (RFC 2326 §14.2)",
    "RTP/AVP;unicast;client_port=10000",
    { protocol: "udp", profile: "avp", delivery: "unicast", clientPorts: [10000, 10001] },
    "RTP/AVP;unicast;client_port=10000-10001",
  ],
  [
    "server reply with server_port and ssrc",
    "RTP/AVP/UDP;unicast;client_port=3056-3057;server_port=5000-5001;ssrc=0000ABCD",
    {
      protocol: "udp",
      profile: "avp",
      delivery: "unicast",
      clientPorts: [3056, 3057],
      serverPorts: [5000, 5001],
      ssrc: 0xabcd,
    },
    "RTP/AVP;unicast;client_port=3056-3057;server_port=5000-5001;ssrc=0000ABCD",
  ],
  [
    "SAVP over UDP and TCP, source, unknown keys ignored",
    "RTP/SAVP/TCP;unicast;interleaved=6;source=10.0.0.1;rtcp-mux;x-foo=1",
    {
      protocol: "tcp",
      profile: "savp",
      delivery: "unicast",
      interleaved: [6, 7],
      source: "10.0.0.1",
    },
    "RTP/SAVP/TCP;unicast;source=10.0.0.1;interleaved=6-7",
  ],
  [
    "profile in another position",
    "unicast;RTP/SAVP;client_port=1-2",
    { protocol: "udp", profile: "savp", delivery: "unicast", clientPorts: [1, 2] },
    "RTP/SAVP;unicast;client_port=1-2",
  ],
  [
    "no delivery given",
    "RTP/SAVP/UDP;client_port=1-2;ssrc=FFFFFFFF",
    { protocol: "udp", profile: "savp", clientPorts: [1, 2], ssrc: 0xffffffff },
    "RTP/SAVP;client_port=1-2;ssrc=FFFFFFFF",
  ],
];

describe("transport", () => {
  for (const [name, wire, parsed, formatted] of CASES) {
    it(`parseTransports() and formatTransport() handle ${name}`, () => {
      assert.deepEqual(parseTransports(wire), [parsed]);
      assert.equal(formatTransport(parsed), formatted);
      assert.deepEqual(parseTransports(formatted), [parsed]);
    });
  }
  it("parseTransports() keeps the alternatives of a list in client order (scenario 10, RFC 2326 §12.39)", () => {
    assert.deepEqual(
      parseTransports(
        "RTP/AVP;unicast;client_port=35466-35467,RTP/AVP/TCP;unicast;interleaved=0-1",
      ),
      [
        { protocol: "udp", profile: "avp", delivery: "unicast", clientPorts: [35466, 35467] },
        { protocol: "tcp", profile: "avp", delivery: "unicast", interleaved: [0, 1] },
      ],
    );
    assert.deepEqual(
      parseTransports(
        'RTP/AVP;multicast;ttl=127;mode="PLAY", RTP/AVP;unicast;client_port=3456-3457;mode="PLAY"',
      ),
      [
        { protocol: "udp", profile: "avp", delivery: "multicast", ttl: 127, mode: "play" },
        {
          protocol: "udp",
          profile: "avp",
          delivery: "unicast",
          clientPorts: [3456, 3457],
          mode: "play",
        },
      ],
    );
  });
  it("formatTransport() writes the SETUP replies of SPEC §2.6", () => {
    assert.equal(
      formatTransport({
        protocol: "udp",
        profile: "avp",
        delivery: "multicast",
        destination: "224.1.0.1",
        ports: [8002, 8003],
        ttl: 127,
        ssrc: 0x5a1b2c3d,
      }),
      "RTP/AVP;multicast;destination=224.1.0.1;port=8002-8003;ttl=127;ssrc=5A1B2C3D",
    );
    assert.equal(
      formatTransport({
        protocol: "tcp",
        profile: "savp",
        delivery: "unicast",
        interleaved: [0, 1],
        ssrc: 1,
      }),
      "RTP/SAVP/TCP;unicast;interleaved=0-1;ssrc=00000001",
    );
  });
  const invalid: [string, string][] = [
    ["no profile", "unicast;client_port=1-2"],
    ["an unknown profile", "RAW/RAW/UDP;unicast"],
    ["a lower-case profile", "rtp/avp;unicast"],
    ["an empty value", ""],
    ["a non-numeric port", "RTP/AVP;client_port=a-b"],
    ["a port over 65535", "RTP/AVP;client_port=65536-65537"],
    ["a single port 65535", "RTP/AVP;client_port=65535"],
    ["a channel over 255", "RTP/AVP/TCP;interleaved=255-256"],
    ["an empty value of a key", "RTP/AVP;client_port="],
    ["a bad ssrc", "RTP/AVP;ssrc=XYZ"],
    ["a 9-digit ssrc", "RTP/AVP;ssrc=123456789"],
    ["an unknown mode", "RTP/AVP;mode=teardown"],
    ["a ttl over 255", "RTP/AVP;multicast;ttl=256"],
    ["one bad alternative", "RTP/AVP;unicast,unicast"],
  ];
  for (const [name, value] of invalid) {
    it(`parseTransports() throws ParseError on ${name}`, () => {
      assert.throws(() => parseTransports(value), (e) => {
        assert.ok(e instanceof ParseError);
        assert.equal(e.code, "INVALID_TRANSPORT");
        assert.equal(e.status, 400);
        assert.equal(e.fatal, false);
        return true;
      });
    });
  }
  it("parseTransports() only throws ParseError on 2000 random inputs", () => {
    const tokens = [
      "RTP/AVP",
      "RTP/AVP/TCP",
      "RTP/SAVP/UDP",
      ";",
      ";",
      ",",
      "=",
      "-",
      "unicast",
      "multicast",
      "client_port=",
      "interleaved=",
      "port=",
      "ttl=",
      "ssrc=",
      "mode=",
      "destination=",
      '"',
      "PLAY",
      "receive",
      "1",
      "65535",
      "0",
      "255",
      "ABCDEF12",
      " ",
    ];
    const parsed = fuzzText(1, tokens, (t) => parseTransports(t));
    assert.ok(parsed > 10, `parsed: ${parsed}`);
    fuzzText(2, "RTP/AVP;client_port=0123456789-,", (t) => parseTransports(t));
  });
});
