/**
 * Case tables for the VP9 tests (STYLE §8): payload descriptors (RFC 9628 §4.2) and frames with
 * the RTP payloads the packetizer makes of them; each feeds both encoder and decoder.
 */
import type { Vp9PayloadDescriptor } from "../../../src/formats/vp9/vp9_payload_descriptor.ts";

export interface Vp9DescriptorCase {
  name: string;
  descriptor: Vp9PayloadDescriptor;
  bytes: number[];
}

const NONE = {
  interPicturePredicted: false,
  flexibleMode: false,
  startOfFrame: false,
  endOfFrame: false,
  notUpperReference: false,
};

export const VP9_DESCRIPTOR_CASES: Vp9DescriptorCase[] = [
  {
    name: "RFC 9628 §4.2 non-flexible mode, 15-bit picture ID, B and E",
    descriptor: {
      ...NONE,
      startOfFrame: true,
      endOfFrame: true,
      pictureId: 0x123,
      extendedPictureId: true,
    },
    bytes: [0x8c, 0x81, 0x23],
  },
  {
    name: "RFC 9628 §4.2 7-bit picture ID, P, a middle packet",
    descriptor: { ...NONE, interPicturePredicted: true, pictureId: 5, extendedPictureId: false },
    bytes: [0xc0, 0x05],
  },
  {
    name: "RFC 9628 §4.2 no picture ID, end of frame",
    descriptor: { ...NONE, endOfFrame: true },
    bytes: [0x04],
  },
  {
    name: "RFC 9628 §4.2 flexible mode, layer indices and three reference indices",
    descriptor: {
      ...NONE,
      interPicturePredicted: true,
      flexibleMode: true,
      startOfFrame: true,
      pictureId: 1,
      extendedPictureId: true,
      layer: { temporalId: 2, switchingUp: true, spatialId: 1, interLayerDependency: true },
      referenceDiffs: [1, 2, 127],
    },
    bytes: [0xf8, 0x80, 0x01, 0x53, 0x03, 0x05, 0xfe],
  },
  {
    name: "RFC 9628 §4.2 non-flexible mode, layer indices and TL0PICIDX",
    descriptor: {
      ...NONE,
      startOfFrame: true,
      endOfFrame: true,
      pictureId: 0x11,
      extendedPictureId: false,
      layer: {
        temporalId: 1,
        switchingUp: false,
        spatialId: 0,
        interLayerDependency: false,
        tl0PicIdx: 7,
      },
    },
    bytes: [0xac, 0x11, 0x20, 0x07],
  },
  {
    name: "RFC 9628 §4.2.1 SS: two spatial layers, resolutions and a picture group",
    descriptor: {
      ...NONE,
      startOfFrame: true,
      pictureId: 0x50d3,
      extendedPictureId: true,
      scalabilityStructure: {
        spatialLayers: 2,
        resolutions: [{ width: 320, height: 240 }, { width: 640, height: 480 }],
        pictureGroup: [
          { temporalId: 0, switchingUp: false, referenceDiffs: [2] },
          { temporalId: 1, switchingUp: true, referenceDiffs: [1, 255] },
          { temporalId: 2, switchingUp: false, referenceDiffs: [] },
        ],
      },
    },
    bytes: [
      0x8a,
      0xd0,
      0xd3,
      0x38,
      0x01,
      0x40,
      0x00,
      0xf0,
      0x02,
      0x80,
      0x01,
      0xe0,
      0x03,
      0x04,
      0x02,
      0x38,
      0x01,
      0xff,
      0x40,
    ],
  },
  {
    name: "RFC 9628 §4.2.1 SS with one layer and neither resolution nor picture group, Z",
    descriptor: {
      ...NONE,
      startOfFrame: true,
      notUpperReference: true,
      scalabilityStructure: { spatialLayers: 1 },
    },
    bytes: [0x0b, 0x00],
  },
  {
    name: "GStreamer 1.22 rtpvp9pay key frame: SS with a one-picture group and 639x479 " +
      "(it misreads the 320x240 of this profile 1 RGB frame)",
    descriptor: {
      ...NONE,
      startOfFrame: true,
      pictureId: 0x50d3,
      extendedPictureId: true,
      scalabilityStructure: {
        spatialLayers: 1,
        resolutions: [{ width: 639, height: 479 }],
        pictureGroup: [{ temporalId: 0, switchingUp: false, referenceDiffs: [1] }],
      },
    },
    bytes: [0x8a, 0xd0, 0xd3, 0x18, 0x02, 0x7f, 0x01, 0xdf, 0x01, 0x04, 0x01],
  },
];

export interface Vp9FrameCase {
  name: string;
  initialPictureId: number;
  maxPacketSize?: number;
  frame: Uint8Array;
  payloads: Uint8Array[];
}

function frameOf(length: number, header: number[]): Uint8Array {
  const out = Uint8Array.from({ length }, (_, i) => (i * 7) & 0xff);
  out.set(header);
  return out;
}

function withHeader(header: number[], data: Uint8Array): Uint8Array {
  const out = new Uint8Array(header.length + data.byteLength);
  out.set(header);
  out.set(data, header.length);
  return out;
}

// frame_marker 2, profile 0, show_existing_frame 0, frame_type 0 (key), show_frame 1, the sync
// code, color_space 1, color_range 0, frame_width_minus_1 319, frame_height_minus_1 239.
const key = frameOf(100, [0x82, 0x49, 0x83, 0x42, 0x20, 0x13, 0xf0, 0x0e, 0xf0]);
// frame_type 1 (non-key), show_frame 1.
const inter = frameOf(3000, [0x86, 0x00]);
// frame_type 1, show_frame 0, error_resilient_mode 0, intra_only 1.
const intraOnly = frameOf(50, [0x84, 0x80]);

export const VP9_FRAME_CASES: Vp9FrameCase[] = [
  {
    name: "RFC 9628 §4.2 a key frame in one packet: B and E, P=0, SS with its 320x240 resolution",
    initialPictureId: 0x1234,
    frame: key,
    payloads: [withHeader([0x8e, 0x92, 0x34, 0x10, 0x01, 0x40, 0x00, 0xf0], key)],
  },
  {
    name: "RFC 9628 §4.2 an inter frame in three packets: B on the first, E on the last, P=1",
    initialPictureId: 0x7fff,
    frame: inter,
    payloads: [
      withHeader([0xc8, 0xff, 0xff], inter.subarray(0, 1457)),
      withHeader([0xc0, 0xff, 0xff], inter.subarray(1457, 2914)),
      withHeader([0xc4, 0xff, 0xff], inter.subarray(2914)),
    ],
  },
  {
    name: "RFC 9628 §4.2 an intra-only frame has P=0",
    initialPictureId: 0,
    maxPacketSize: 12 + 3 + 25,
    frame: intraOnly,
    payloads: [
      withHeader([0x88, 0x80, 0x00], intraOnly.subarray(0, 25)),
      withHeader([0x84, 0x80, 0x00], intraOnly.subarray(25)),
    ],
  },
];
