import { describe } from "node:test";
import { Vp8Format } from "../../../src/formats/vp8/vp8_format.ts";
import { itIsSimpleVideoFormat } from "../_simple_video_format_cases.ts";

describe("vp8_format", () => {
  itIsSimpleVideoFormat({
    codec: "VP8",
    Format: Vp8Format,
    options: { maxFr: 30, maxFs: 3600 },
    fmtp: { "max-fr": "30", "max-fs": "3600" },
  });
});
