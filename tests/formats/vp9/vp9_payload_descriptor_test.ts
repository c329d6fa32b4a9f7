import { describe, it } from "node:test";
import assert from "node:assert/strict";
import {
  decodeVp9PayloadDescriptor,
  encodeVp9PayloadDescriptor,
} from "../../../src/formats/vp9/vp9_payload_descriptor.ts";
import { ParseError } from "../../../src/errors.ts";
import { VP9_DESCRIPTOR_CASES } from "./_cases.ts";

const DATA = [0xaa, 0xbb];

describe("vp9_payload_descriptor", () => {
  for (const c of VP9_DESCRIPTOR_CASES) {
    it(`decodeVp9PayloadDescriptor() decodes: ${c.name}`, () => {
      const { descriptor, data } = decodeVp9PayloadDescriptor(
        new Uint8Array([...c.bytes, ...DATA]),
      );
      assert.deepEqual(descriptor, c.descriptor);
      assert.deepEqual(data, new Uint8Array(DATA));
    });

    it(`encodeVp9PayloadDescriptor() encodes: ${c.name}`, () => {
      assert.deepEqual(
        encodeVp9PayloadDescriptor(c.descriptor, new Uint8Array(DATA)),
        new Uint8Array([...c.bytes, ...DATA]),
      );
    });

    it(`decodeVp9PayloadDescriptor() rejects every truncation of: ${c.name}`, () => {
      for (let n = 0; n < c.bytes.length; n++) {
        assert.throws(
          () => decodeVp9PayloadDescriptor(new Uint8Array(c.bytes.slice(0, n))),
          ParseError,
          `truncated at ${n}`,
        );
      }
    });

    it(`encode then decode round-trips: ${c.name}`, () => {
      const bytes = encodeVp9PayloadDescriptor(c.descriptor);
      assert.deepEqual(decodeVp9PayloadDescriptor(bytes), {
        descriptor: c.descriptor,
        data: new Uint8Array(0),
      });
    });
  }

  it("decodeVp9PayloadDescriptor() rejects a fourth reference index", () => {
    assert.throws(
      () => decodeVp9PayloadDescriptor(new Uint8Array([0x58, 0x03, 0x03, 0x03, 0x02, 0xaa])),
      ParseError,
    );
  });

  it("decodeVp9PayloadDescriptor() returns an empty view for a descriptor without data", () => {
    assert.equal(decodeVp9PayloadDescriptor(new Uint8Array([0x0c])).data.byteLength, 0);
  });

  it("decodeVp9PayloadDescriptor() never throws anything but ParseError on random bytes", () => {
    let seed = 1;
    for (let i = 0; i < 2000; i++) {
      const bytes = Uint8Array.from({ length: i % 24 }, () => {
        seed = (seed * 1103515245 + 12345) >>> 0;
        return seed >>> 24;
      });
      try {
        decodeVp9PayloadDescriptor(bytes);
      } catch (e) {
        assert.ok(e instanceof ParseError);
      }
    }
  });

  const base = {
    interPicturePredicted: false,
    flexibleMode: false,
    startOfFrame: true,
    endOfFrame: true,
    notUpperReference: false,
  };
  const misuse: [string, object, typeof RangeError | typeof TypeError][] = [
    ["a 7-bit picture ID over 127", { pictureId: 128, extendedPictureId: false }, RangeError],
    ["a 15-bit picture ID over 32767", { pictureId: 0x8000, extendedPictureId: true }, RangeError],
    ["reference indices in non-flexible mode", { referenceDiffs: [1] }, TypeError],
    [
      "four reference indices",
      { flexibleMode: true, interPicturePredicted: true, referenceDiffs: [1, 2, 3, 4] },
      RangeError,
    ],
    [
      "a reference index of 0",
      { flexibleMode: true, interPicturePredicted: true, referenceDiffs: [0] },
      RangeError,
    ],
    [
      "layer indices without TL0PICIDX in non-flexible mode",
      { layer: { temporalId: 0, switchingUp: false, spatialId: 0, interLayerDependency: false } },
      TypeError,
    ],
    [
      "nine spatial layers",
      { scalabilityStructure: { spatialLayers: 9 } },
      RangeError,
    ],
    [
      "a resolution count other than the layer count",
      { scalabilityStructure: { spatialLayers: 2, resolutions: [{ width: 1, height: 1 }] } },
      RangeError,
    ],
  ];
  for (const [name, fields, type] of misuse) {
    it(`encodeVp9PayloadDescriptor() throws ${type.name} for ${name}`, () => {
      assert.throws(() => encodeVp9PayloadDescriptor({ ...base, ...fields }), type);
    });
  }
});
