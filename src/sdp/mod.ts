/**
 * Session descriptions (SDP): parse ANNOUNCE bodies, write DESCRIBE bodies.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { formatSessionDescription, parseSessionDescription } from "./mod.ts";
 * import { H264Format } from "../formats/h264/h264_format.ts";
 * const text = formatSessionDescription({
 *   medias: [{ type: "video", isBackChannel: false, control: "", formats: [new H264Format()] }],
 * });
 * assert.equal(parseSessionDescription(text).medias[0].control, "trackID=0");
 * ```
 *
 * @module
 */
export { formatSessionDescription, parseSessionDescription } from "./description.ts";
export type { FormatSdpOptions, Media, SessionDescription } from "./description.ts";
