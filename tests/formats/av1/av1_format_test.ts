import { describe } from "node:test";
import { Av1Format } from "../../../src/formats/av1/av1_format.ts";
import { itIsSimpleVideoFormat } from "../_simple_video_format_cases.ts";

describe("av1_format", () => {
  itIsSimpleVideoFormat({
    codec: "AV1",
    Format: Av1Format,
    options: { levelIdx: 8, profile: 0, tier: 1 },
    fmtp: { "level-idx": "8", profile: "0", tier: "1" },
  });
});
