import { describe, it } from "node:test";
import assert from "node:assert/strict";
import {
  readUint16,
  readUint24,
  readUint32,
  writeUint16,
  writeUint24,
  writeUint32,
} from "../../src/bytes/big_endian.ts";

describe("big_endian", () => {
  it("readUint32() reads values above 2^31 as unsigned", () => {
    assert.equal(readUint32(new Uint8Array([0xff, 0xff, 0xff, 0xfe]), 0), 0xfffffffe);
  });
  it("writeUint16()/readUint16() round-trip at an offset", () => {
    const b = new Uint8Array(4);
    writeUint16(b, 1, 0xbeef);
    assert.deepEqual([...b], [0, 0xbe, 0xef, 0]);
    assert.equal(readUint16(b, 1), 0xbeef);
  });
  it("writeUint24()/readUint24() round-trip", () => {
    const b = new Uint8Array(3);
    writeUint24(b, 0, 0x123456);
    assert.equal(readUint24(b, 0), 0x123456);
  });
  it("writeUint32() writes big-endian", () => {
    const b = new Uint8Array(4);
    writeUint32(b, 0, 0x80402010);
    assert.deepEqual([...b], [0x80, 0x40, 0x20, 0x10]);
  });
});
