/**
 * Splits `text` on `separator` where it is not inside double quotes: the parameter syntax of RTSP
 * headers such as `Transport` and `KeyMgmt` (`mode="PLAY;x"` stays one parameter).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { splitOutsideQuotes } from "./split_outside_quotes.ts";
 * assert.deepEqual(splitOutsideQuotes('a;b="c;d";e', ";"), ["a", 'b="c;d"', "e"]);
 * ```
 */
export function splitOutsideQuotes(text: string, separator: string): string[] {
  const out: string[] = [];
  let quoted = false;
  let from = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '"') quoted = !quoted;
    else if (c === separator && !quoted) {
      out.push(text.slice(from, i));
      from = i + 1;
    }
  }
  out.push(text.slice(from));
  return out;
}
