/** One case table for the MPEG-4 Visual packetizer and depacketizer tests (RFC 6416 §5.1). */
export interface Mpeg4VideoCase {
  name: string;
  maxPacketSize?: number;
  frame: Uint8Array;
  /** The payloads, in order; the marker bit is on the last. */
  payloads: Uint8Array[];
}

/** A VOP: vop_start_code, then made-up data (the payload format does not look inside). */
const vop = Uint8Array.from(
  { length: 3000 },
  (_, i) => (i < 3 ? [0, 0, 1][i]! : i < 4 ? 0xb6 : i & 0xff),
);

/** Configuration headers from the example of RFC 6416 §7.3 (VOS, VO, VOL), then a VOP. */
export const RFC_CONFIG = "000001B001000001B5090000010000000120008440FA282C2090A21F";
const config = Uint8Array.from(RFC_CONFIG.match(/../g)!, (x) => parseInt(x, 16));
const configAndVop = new Uint8Array([...config, ...vop.subarray(0, 20)]);

export const MPEG4_VIDEO_CASES: Mpeg4VideoCase[] = [
  {
    name: "RFC 6416 §5.1 a VOP in one packet",
    frame: vop.subarray(0, 100),
    payloads: [vop.subarray(0, 100)],
  },
  {
    name: "RFC 6416 §5.1 a VOP fragmented over three packets, marker on the last",
    frame: vop,
    payloads: [vop.subarray(0, 1460), vop.subarray(1460, 2920), vop.subarray(2920)],
  },
  {
    name: "RFC 6416 §5.1 VOS/VO/VOL headers and a VOP in one packet",
    frame: configAndVop,
    payloads: [configAndVop],
  },
  {
    // The second packet begins with the VOP's start code: only the marker ends a frame.
    name: "RFC 6416 §5.1 headers and a VOP cut right before the VOP start code",
    maxPacketSize: 12 + config.byteLength,
    frame: configAndVop,
    payloads: [config, configAndVop.subarray(config.byteLength)],
  },
  {
    name: "a frame that fills a packet exactly",
    maxPacketSize: 12 + 100,
    frame: vop.subarray(0, 100),
    payloads: [vop.subarray(0, 100)],
  },
];
