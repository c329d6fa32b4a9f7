// Shared helpers of the rtsp tests: fixtures, feeding strategies and a seeded PRNG.
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { ParseError } from "../../src/errors.ts";
import { type RtspMessage, RtspParser, type RtspParserLimits } from "../../src/rtsp/parser.ts";
import { prng } from "../_helpers/fuzz.ts";

/** Reads a fixture of tests/testdata/rtsp/. */
export function fixture(name: string): Uint8Array {
  const path = fileURLToPath(new URL(`../testdata/rtsp/${name}`, import.meta.url));
  return new Uint8Array(readFileSync(path));
}

/** Encodes text lines joined with CRLF (a final CRLF is added per line). */
export function crlf(...lines: string[]): Uint8Array {
  return new TextEncoder().encode(lines.map((l) => l + "\r\n").join(""));
}

/** A message as plain data, to compare results of different feeding strategies. */
export type Plain =
  | { kind: "request"; method: string; url: string; headers: [string, string][]; body: string }
  | {
    kind: "response";
    statusCode: number;
    statusMessage: string;
    headers: [string, string][];
    body: string;
  }
  | { kind: "frame"; channel: number; payload: number[] }
  | { kind: "error"; code: string; fatal: boolean };

export function plain(message: RtspMessage): Plain {
  const decoder = new TextDecoder();
  if (message.kind === "frame") {
    return { kind: "frame", channel: message.channel, payload: [...message.payload] };
  }
  if (message.kind === "request") {
    const r = message.request;
    return {
      kind: "request",
      method: r.method,
      url: r.url,
      headers: [...r.headers],
      body: decoder.decode(r.body),
    };
  }
  const r = message.response;
  return {
    kind: "response",
    statusCode: r.statusCode,
    statusMessage: r.statusMessage,
    headers: [...r.headers],
    body: decoder.decode(r.body),
  };
}

function drain(parser: RtspParser, out: Plain[]): boolean {
  for (;;) {
    let message: RtspMessage | undefined;
    try {
      message = parser.next();
    } catch (error) {
      if (!(error instanceof ParseError)) throw error;
      out.push({ kind: "error", code: error.code, fatal: error.fatal });
      return false;
    }
    if (message === undefined) return true;
    out.push(plain(message));
  }
}

/** Result of feeding input: the messages (and the error, last) plus the bytes left buffered. */
export interface FeedResult {
  messages: Plain[];
  buffered: number;
}

/** Feeds the input in the given chunks, draining after each push. */
export function feedChunks(chunks: Uint8Array[], limits?: Partial<RtspParserLimits>): FeedResult {
  const parser = new RtspParser(limits);
  const messages: Plain[] = [];
  for (const chunk of chunks) {
    parser.push(chunk);
    // After an error the number of bytes left depends on the chunking: report -1.
    if (!drain(parser, messages)) return { messages, buffered: -1 };
  }
  return { messages, buffered: parser.bufferedBytes };
}

/**
 * Feeds the input whole, byte by byte, and split in two at every offset; asserts the results
 * agree and returns the one of whole input.
 */
export function feedAllWays(
  input: Uint8Array,
  limits?: Partial<RtspParserLimits>,
): FeedResult {
  const whole = feedChunks([input], limits);
  const strategies: [string, Uint8Array[]][] = [];
  const bytes: Uint8Array[] = [];
  for (let i = 0; i < input.length; i++) bytes.push(input.subarray(i, i + 1));
  strategies.push(["byte by byte", bytes]);
  for (let i = 1; i < input.length; i++) {
    strategies.push([`split at ${i}`, [input.subarray(0, i), input.subarray(i)]]);
  }
  for (const [name, chunks] of strategies) {
    const got = feedChunks(chunks, limits);
    const same = JSON.stringify(got) === JSON.stringify(whole);
    if (!same) {
      throw new Error(
        `Feeding ${name} differs:\n${JSON.stringify(got)}\nwhole:\n${JSON.stringify(whole)}`,
      );
    }
  }
  return whole;
}

/**
 * Asserts that `hash` gives the digest node:crypto's `algorithm` gives, on random bytes (from
 * `seed`) of every length below 200, which covers the block boundaries.
 */
export function assertSameAsNodeCrypto(
  algorithm: "md5" | "sha256",
  hash: (bytes: Uint8Array) => Uint8Array,
  seed: number,
): void {
  const random = prng(seed);
  for (let length = 0; length < 200; length++) {
    const bytes = new Uint8Array(length).map(() => Math.floor(random() * 256));
    assert.deepEqual(
      hash(bytes),
      new Uint8Array(createHash(algorithm).update(bytes).digest()),
      `length ${length}`,
    );
  }
}

/** Random text from a small alphabet that hits the delimiters of header grammars. */
export function randomText(
  random: () => number,
  alphabet: string | readonly string[],
  maxLength: number,
): string {
  const length = Math.floor(random() * maxLength);
  let out = "";
  for (let i = 0; i < length; i++) out += alphabet[Math.floor(random() * alphabet.length)];
  return out;
}

/**
 * Runs `fn` on 2000 random inputs made of characters (or tokens) of `alphabet`; any error other
 * than ParseError fails. Returns how many inputs parsed.
 */
export function fuzzText(
  seed: number,
  alphabet: string | readonly string[],
  fn: (text: string) => unknown,
): number {
  const random = prng(seed);
  let parsed = 0;
  for (let i = 0; i < 2000; i++) {
    const text = randomText(random, alphabet, typeof alphabet === "string" ? 80 : 12);
    try {
      fn(text);
      parsed++;
    } catch (error) {
      if (!(error instanceof ParseError)) {
        throw new Error(`Input ${JSON.stringify(text)} threw ${String(error)}`);
      }
    }
  }
  return parsed;
}
