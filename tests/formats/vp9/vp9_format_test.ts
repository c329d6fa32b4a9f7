import { describe } from "node:test";
import { Vp9Format } from "../../../src/formats/vp9/vp9_format.ts";
import { itIsSimpleVideoFormat } from "../_simple_video_format_cases.ts";

describe("vp9_format", () => {
  itIsSimpleVideoFormat({
    codec: "VP9",
    Format: Vp9Format,
    options: { maxFr: 30, maxFs: 3600, profileId: 2 },
    fmtp: { "max-fr": "30", "max-fs": "3600", "profile-id": "2" },
  });
});
