/**
 * The VP9 payload descriptor (RFC 9628 §4.2) and its scalability structure (§4.2.1).
 *
 * @module
 */

import { ParseError } from "../../errors.ts";

/** Layer indices of a VP9 payload descriptor (L=1). */
export interface Vp9LayerIndices {
  /** TID: temporal layer, 0..7. */
  temporalId: number;
  /** U: switching up point. */
  switchingUp: boolean;
  /** SID: spatial layer, 0..7. */
  spatialId: number;
  /** D: the frame depends on the spatial layer below. */
  interLayerDependency: boolean;
  /** TL0PICIDX, 0..255: present in non-flexible mode only. */
  tl0PicIdx?: number;
}

/** One picture of the picture group of a scalability structure. */
export interface Vp9PictureGroupEntry {
  /** TID: temporal layer, 0..7. */
  temporalId: number;
  /** U: switching up point. */
  switchingUp: boolean;
  /** P_DIFF of each reference (at most 3), each 1..255. */
  referenceDiffs: number[];
}

/** Scalability structure (SS) of a VP9 payload descriptor (V=1, RFC 9628 §4.2.1). */
export interface Vp9ScalabilityStructure {
  /** Number of spatial layers, 1..8 (N_S + 1). */
  spatialLayers: number;
  /** Width and height of each spatial layer (Y=1); one entry per spatial layer. */
  resolutions?: { width: number; height: number }[];
  /** Picture group description (G=1), at most 255 entries. */
  pictureGroup?: Vp9PictureGroupEntry[];
}

/** The fields of a VP9 payload descriptor (RFC 9628 §4.2). */
export interface Vp9PayloadDescriptor {
  /** P: the frame is inter-picture predicted. */
  interPicturePredicted: boolean;
  /** F: flexible mode (reference indices in the descriptor). */
  flexibleMode: boolean;
  /** B: the packet starts a frame. */
  startOfFrame: boolean;
  /** E: the packet ends a frame. */
  endOfFrame: boolean;
  /** Z: the frame is not used as reference by upper spatial layers. */
  notUpperReference: boolean;
  /** Picture ID (I=1): 7 bits, or 15 bits with `extendedPictureId`. */
  pictureId?: number;
  /** M: the picture ID has 15 bits. */
  extendedPictureId?: boolean;
  /** Layer indices (L=1). */
  layer?: Vp9LayerIndices;
  /** P_DIFF of each reference (flexible mode with P=1), at most 3, each 1..127. */
  referenceDiffs?: number[];
  /** Scalability structure (V=1). */
  scalabilityStructure?: Vp9ScalabilityStructure;
}

/** A decoded VP9 RTP payload: its descriptor and the frame data after it. */
export interface Vp9Payload {
  /** The payload descriptor. */
  descriptor: Vp9PayloadDescriptor;
  /** The VP9 data that follows the descriptor, a view of the payload. */
  data: Uint8Array;
}

const I_BIT = 0x80;
const P_BIT = 0x40;
const L_BIT = 0x20;
const F_BIT = 0x10;
const B_BIT = 0x08;
const E_BIT = 0x04;
const V_BIT = 0x02;
const Z_BIT = 0x01;

function truncated(offset: number): never {
  throw new ParseError(
    "VP9_INVALID_DESCRIPTOR",
    "Cannot decode VP9 payload descriptor: truncated",
    { offset, fatal: false },
  );
}

/**
 * Decodes the payload descriptor at the start of a VP9 RTP payload (RFC 9628 §4.2).
 *
 * ```
 *      +-+-+-+-+-+-+-+-+
 *      |I|P|L|F|B|E|V|Z|
 *      +-+-+-+-+-+-+-+-+
 * I:   |M| PICTURE ID  |
 * M:   | EXTENDED PID  |
 * L:   | TID |U| SID |D|
 *      |   TL0PICIDX   |  (F=0 only)
 * P,F: | P_DIFF      |N|  (up to 3 times)
 * V:   | SS            |
 * ```
 *
 * @param payload The RTP payload.
 * @returns The descriptor and a view of the data after it.
 * @throws {ParseError} When the descriptor is truncated or has more than 3 references.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { decodeVp9PayloadDescriptor } from "./vp9_payload_descriptor.ts";
 * const { descriptor, data } = decodeVp9PayloadDescriptor(new Uint8Array([0x8c, 0x81, 0x23, 0xaa]));
 * assert.equal(descriptor.pictureId, 0x123);
 * assert.equal(descriptor.startOfFrame && descriptor.endOfFrame, true);
 * assert.deepEqual(data, new Uint8Array([0xaa]));
 * ```
 */
export function decodeVp9PayloadDescriptor(payload: Uint8Array): Vp9Payload {
  const n = payload.byteLength;
  if (n < 1) truncated(0);
  const b0 = payload[0]!;
  const descriptor: Vp9PayloadDescriptor = {
    interPicturePredicted: (b0 & P_BIT) !== 0,
    flexibleMode: (b0 & F_BIT) !== 0,
    startOfFrame: (b0 & B_BIT) !== 0,
    endOfFrame: (b0 & E_BIT) !== 0,
    notUpperReference: (b0 & Z_BIT) !== 0,
  };
  let o = 1;
  if (b0 & I_BIT) {
    if (o >= n) truncated(o);
    const m = payload[o]!;
    if (m & 0x80) {
      if (o + 1 >= n) truncated(o + 1);
      descriptor.pictureId = ((m & 0x7f) << 8) | payload[o + 1]!;
      descriptor.extendedPictureId = true;
      o += 2;
    } else {
      descriptor.pictureId = m;
      descriptor.extendedPictureId = false;
      o += 1;
    }
  }
  if (b0 & L_BIT) {
    if (o >= n) truncated(o);
    const l = payload[o++]!;
    const layer: Vp9LayerIndices = {
      temporalId: l >> 5,
      switchingUp: (l & 0x10) !== 0,
      spatialId: (l >> 1) & 0x07,
      interLayerDependency: (l & 0x01) !== 0,
    };
    if (!descriptor.flexibleMode) {
      if (o >= n) truncated(o);
      layer.tl0PicIdx = payload[o++]!;
    }
    descriptor.layer = layer;
  }
  if (descriptor.flexibleMode && descriptor.interPicturePredicted) {
    const diffs: number[] = [];
    for (let more = true; more;) {
      if (o >= n) truncated(o);
      if (diffs.length === 3) {
        throw new ParseError(
          "VP9_INVALID_DESCRIPTOR",
          "Cannot decode VP9 payload descriptor: more than 3 reference indices",
          { offset: o, fatal: false },
        );
      }
      const r = payload[o++]!;
      diffs.push(r >> 1);
      more = (r & 0x01) !== 0;
    }
    descriptor.referenceDiffs = diffs;
  }
  if (b0 & V_BIT) {
    o = decodeScalabilityStructure(payload, o, descriptor);
  }
  return { descriptor, data: payload.subarray(o) };
}

/**
 * Decodes the scalability structure at `o` into `descriptor` (RFC 9628 §4.2.1).
 *
 * ```
 * V:   | N_S |Y|G|-|-|-|
 * Y:   |     WIDTH     |  (16 bits, N_S + 1 times with HEIGHT)
 *      |     HEIGHT    |  (16 bits)
 * G:   |      N_G      |
 * N_G: | TID |U| R |-|-|  (N_G times, each followed by R P_DIFF bytes)
 * ```
 */
function decodeScalabilityStructure(
  p: Uint8Array,
  offset: number,
  descriptor: Vp9PayloadDescriptor,
): number {
  const n = p.byteLength;
  let o = offset;
  if (o >= n) truncated(o);
  const v = p[o++]!;
  const ss: Vp9ScalabilityStructure = { spatialLayers: (v >> 5) + 1 };
  if (v & 0x10) {
    if (o + 4 * ss.spatialLayers > n) truncated(o);
    ss.resolutions = [];
    for (let i = 0; i < ss.spatialLayers; i++, o += 4) {
      ss.resolutions.push({
        width: (p[o]! << 8) | p[o + 1]!,
        height: (p[o + 2]! << 8) | p[o + 3]!,
      });
    }
  }
  if (v & 0x08) {
    if (o >= n) truncated(o);
    const count = p[o++]!;
    ss.pictureGroup = [];
    for (let i = 0; i < count; i++) {
      if (o >= n) truncated(o);
      const g = p[o++]!;
      const r = (g >> 2) & 0x03;
      if (o + r > n) truncated(o);
      ss.pictureGroup.push({
        temporalId: g >> 5,
        switchingUp: (g & 0x10) !== 0,
        referenceDiffs: Array.from(p.subarray(o, o + r)),
      });
      o += r;
    }
  }
  descriptor.scalabilityStructure = ss;
  return o;
}

function checkRange(name: string, value: number, max: number, min = 0): void {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new RangeError(
      `Cannot encode VP9 payload descriptor: ${name} must be an integer in ${min}..${max}, got ${value}`,
    );
  }
}

/** Size in bytes of the encoded descriptor; checks the field ranges. */
function descriptorSize(d: Vp9PayloadDescriptor): number {
  let size = 1;
  if (d.pictureId !== undefined) {
    checkRange("pictureId", d.pictureId, d.extendedPictureId ? 0x7fff : 0x7f);
    size += d.extendedPictureId ? 2 : 1;
  }
  if (d.layer) {
    checkRange("temporalId", d.layer.temporalId, 7);
    checkRange("spatialId", d.layer.spatialId, 7);
    if (d.flexibleMode !== (d.layer.tl0PicIdx === undefined)) {
      throw new TypeError(
        "Cannot encode VP9 payload descriptor: tl0PicIdx is required in non-flexible mode and absent in flexible mode",
      );
    }
    if (d.layer.tl0PicIdx !== undefined) checkRange("tl0PicIdx", d.layer.tl0PicIdx, 255);
    size += d.flexibleMode ? 1 : 2;
  }
  const diffs = d.referenceDiffs ?? [];
  if (d.flexibleMode && d.interPicturePredicted) {
    checkRange("referenceDiffs.length", diffs.length, 3, 1);
    for (const diff of diffs) checkRange("referenceDiffs", diff, 127, 1);
    size += diffs.length;
  } else if (diffs.length > 0) {
    throw new TypeError(
      "Cannot encode VP9 payload descriptor: referenceDiffs need flexibleMode and interPicturePredicted",
    );
  }
  const ss = d.scalabilityStructure;
  if (ss) {
    checkRange("spatialLayers", ss.spatialLayers, 8, 1);
    size += 1;
    if (ss.resolutions) {
      checkRange("resolutions.length", ss.resolutions.length, ss.spatialLayers, ss.spatialLayers);
      for (const r of ss.resolutions) {
        checkRange("width", r.width, 0xffff);
        checkRange("height", r.height, 0xffff);
      }
      size += 4 * ss.spatialLayers;
    }
    if (ss.pictureGroup) {
      checkRange("pictureGroup.length", ss.pictureGroup.length, 255);
      size += 1;
      for (const g of ss.pictureGroup) {
        checkRange("temporalId", g.temporalId, 7);
        checkRange("referenceDiffs.length", g.referenceDiffs.length, 3);
        for (const diff of g.referenceDiffs) checkRange("referenceDiffs", diff, 255, 1);
        size += 1 + g.referenceDiffs.length;
      }
    }
  }
  return size;
}

/**
 * Encodes a VP9 payload descriptor followed by `data` in one allocation (RFC 9628 §4.2).
 *
 * @param descriptor The descriptor fields.
 * @param data Frame data to place after the descriptor.
 * @returns The RTP payload.
 * @throws {RangeError} When a field is out of range.
 * @throws {TypeError} When fields contradict the mode (TL0PICIDX, reference indices).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { encodeVp9PayloadDescriptor } from "./vp9_payload_descriptor.ts";
 * const payload = encodeVp9PayloadDescriptor({
 *   interPicturePredicted: false, flexibleMode: false, startOfFrame: true, endOfFrame: true,
 *   notUpperReference: false, pictureId: 0x123, extendedPictureId: true,
 * }, new Uint8Array([0xaa]));
 * assert.deepEqual(payload, new Uint8Array([0x8c, 0x81, 0x23, 0xaa]));
 * ```
 */
export function encodeVp9PayloadDescriptor(
  descriptor: Vp9PayloadDescriptor,
  data: Uint8Array = new Uint8Array(0),
): Uint8Array {
  const d = descriptor;
  const size = descriptorSize(d);
  const out = new Uint8Array(size + data.byteLength);
  const ss = d.scalabilityStructure;
  out[0] = (d.pictureId !== undefined ? I_BIT : 0) | (d.interPicturePredicted ? P_BIT : 0) |
    (d.layer ? L_BIT : 0) | (d.flexibleMode ? F_BIT : 0) | (d.startOfFrame ? B_BIT : 0) |
    (d.endOfFrame ? E_BIT : 0) | (ss ? V_BIT : 0) | (d.notUpperReference ? Z_BIT : 0);
  let o = 1;
  if (d.pictureId !== undefined) {
    if (d.extendedPictureId) {
      out[o++] = 0x80 | (d.pictureId >> 8);
      out[o++] = d.pictureId & 0xff;
    } else {
      out[o++] = d.pictureId;
    }
  }
  if (d.layer) {
    const l = d.layer;
    out[o++] = (l.temporalId << 5) | (l.switchingUp ? 0x10 : 0) | (l.spatialId << 1) |
      (l.interLayerDependency ? 1 : 0);
    if (l.tl0PicIdx !== undefined) out[o++] = l.tl0PicIdx;
  }
  if (d.flexibleMode && d.interPicturePredicted) {
    const diffs = d.referenceDiffs!;
    for (let i = 0; i < diffs.length; i++) {
      out[o++] = (diffs[i]! << 1) | (i < diffs.length - 1 ? 1 : 0);
    }
  }
  if (ss) {
    out[o++] = ((ss.spatialLayers - 1) << 5) | (ss.resolutions ? 0x10 : 0) |
      (ss.pictureGroup ? 0x08 : 0);
    for (const r of ss.resolutions ?? []) {
      out[o++] = r.width >> 8;
      out[o++] = r.width & 0xff;
      out[o++] = r.height >> 8;
      out[o++] = r.height & 0xff;
    }
    if (ss.pictureGroup) {
      out[o++] = ss.pictureGroup.length;
      for (const g of ss.pictureGroup) {
        out[o++] = (g.temporalId << 5) | (g.switchingUp ? 0x10 : 0) |
          (g.referenceDiffs.length << 2);
        for (const diff of g.referenceDiffs) out[o++] = diff;
      }
    }
  }
  out.set(data, o);
  return out;
}
