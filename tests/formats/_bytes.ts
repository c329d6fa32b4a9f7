/** Byte helpers for the payload format case tables. */

/** Concatenates bytes, arrays of bytes and byte arrays into one Uint8Array. */
export function bytes(...parts: (number | number[] | Uint8Array)[]): Uint8Array {
  const flat: number[] = [];
  for (const p of parts) {
    if (typeof p === "number") flat.push(p);
    else flat.push(...p);
  }
  return new Uint8Array(flat);
}
