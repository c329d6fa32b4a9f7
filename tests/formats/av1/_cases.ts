/**
 * One case table for the AV1 packetizer and depacketizer tests (STYLE §8): each case is a
 * temporal unit as given to the packetizer, the OBUs a receiver gets back, and the RTP payloads
 * the AOM AV1 RTP payload format v1.0 makes of it.
 */
import { bytes } from "../_bytes.ts";

export interface Av1Case {
  name: string;
  maxPacketSize?: number;
  /** The temporal unit given to the packetizer. */
  obus: Uint8Array[];
  /** The OBUs the depacketizer returns: no temporal delimiter, no obu_size. */
  received: Uint8Array[];
  payloads: Uint8Array[];
}

function ramp(length: number, first: number): Uint8Array {
  return Uint8Array.from({ length }, (_, i) => i === 0 ? first : (i * 3) & 0xff);
}

// OBU headers: type << 3 | extension << 2 | has_size_field << 1; extension: tid << 5 | sid << 3.
const TD = bytes(0x12, 0x00);
const SH = bytes(0x08, ramp(10, 0x00)); // seq_profile 0, reduced_still_picture_header 0
const MD = bytes(0x28, 0x01, 0x02);
const md = (sid: number) => bytes(0x2c, sid << 3, 0x03, 0x04);
const fh = (sid: number) => bytes(0x1c, sid << 3, 0x10, 0x20); // show_existing 0, KEY_FRAME
const tg = (sid: number) => bytes(0x24, sid << 3, ramp(20, 0x55));
const TILE_LIST = bytes(0x40, 0x01, 0x02);

const metadata200 = bytes(0x28, ramp(199, 0x01));
const metadata100 = bytes(0x28, ramp(99, 0x02));

/** A frame OBU whose uncompressed header starts as a key frame's. */
const keyFrame = bytes(0x30, ramp(299, 0x10));
/** A frame OBU of an inter frame (frame_type INTER_FRAME). */
const interFrame = bytes(0x30, ramp(2499, 0x30));

export const AV1_CASES: Av1Case[] = [
  {
    name: "§5.1 example: [SH MD MD(0,0) FH(0,0) TG(0,0)] [MD(0,1) FH(0,1) TG(0,1)], TD dropped",
    obus: [TD, SH, MD, md(0), fh(0), tg(0), md(1), fh(1), tg(1)],
    received: [SH, MD, md(0), fh(0), tg(0), md(1), fh(1), tg(1)],
    payloads: [
      // Z=0 Y=0 W=0 N=1: five elements, each with its length.
      bytes(0x08, 11, SH, 3, MD, 4, md(0), 4, fh(0), 22, tg(0)),
      // W=3: the last element has no length field.
      bytes(0x30, 4, md(1), 4, fh(1), tg(1)),
    ],
  },
  {
    name: "§4.5 example: a 303-byte payload with W=2, a 200-byte element with a 2-byte length, " +
      "and a last element of 100 bytes without length",
    maxPacketSize: 12 + 303,
    obus: [metadata200, metadata100],
    received: [metadata200, metadata100],
    payloads: [bytes(0x20, 0xc8, 0x01, metadata200, metadata100)],
  },
  {
    name: "§4.4 an OBU fragmented over three packets: Y, then Z and Y, then Z; W=1",
    maxPacketSize: 12 + 1200,
    obus: [interFrame],
    received: [interFrame],
    payloads: [
      bytes(0x50, interFrame.subarray(0, 1199)),
      bytes(0xd0, interFrame.subarray(1199, 2398)),
      bytes(0x90, interFrame.subarray(2398)),
    ],
  },
  {
    name: "§4.4 a sequence header aggregated with the start of a key frame (W=2, N), the rest " +
      "fragmented",
    maxPacketSize: 12 + 100,
    obus: [SH, keyFrame],
    received: [SH, keyFrame],
    payloads: [
      bytes(0x68, 11, SH, keyFrame.subarray(0, 87)),
      bytes(0xd0, keyFrame.subarray(87, 186)),
      bytes(0xd0, keyFrame.subarray(186, 285)),
      bytes(0x90, keyFrame.subarray(285)),
    ],
  },
  {
    name: "§4.5 obu_has_size_field is cleared and obu_size removed",
    obus: [bytes(0x0a, 0x0a, ramp(10, 0x00)), bytes(0x32, 0x03, 0x10, 0x11, 0x12)],
    received: [SH, bytes(0x30, 0x10, 0x11, 0x12)],
    payloads: [bytes(0x28, 11, SH, 0x30, 0x10, 0x11, 0x12)],
  },
  {
    name: "§5 temporal delimiter and tile list OBUs are not sent",
    obus: [TD, MD, TILE_LIST],
    received: [MD],
    payloads: [bytes(0x10, MD)],
  },
  {
    name: "§5 an OBU without extension header does not follow one with it",
    obus: [md(0), MD],
    received: [md(0), MD],
    payloads: [bytes(0x10, md(0)), bytes(0x10, MD)],
  },
];
