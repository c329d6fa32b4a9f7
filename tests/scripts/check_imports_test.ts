import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { findImportViolations, type SourceFile } from "../../scripts/check_imports.ts";

const ROOT = new URL("../../", import.meta.url).pathname;

function listTs(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(join(ROOT, dir))) {
    const rel = `${dir}/${name}`;
    if (statSync(join(ROOT, rel)).isDirectory()) out.push(...listTs(rel));
    else if (name.endsWith(".ts")) out.push(rel);
  }
  return out;
}

describe("check_imports", () => {
  it("findImportViolations() finds no violation in src/ and mod.ts", () => {
    const files: SourceFile[] = [...listTs("src"), "mod.ts"]
      .filter((path) => {
        try {
          statSync(join(ROOT, path));
          return true;
        } catch {
          return false;
        }
      })
      .map((path) => ({ path, text: readFileSync(join(ROOT, path), "utf8") }));
    assert.ok(files.length > 5, "expected to read the sources");
    assert.deepEqual(findImportViolations(files), []);
  });

  it("findImportViolations() reports a runtime global in the core", () => {
    const problems = findImportViolations([
      { path: "src/rtsp/x.ts", text: "const b = Buffer.from([1]);" },
      { path: "src/rtp/y.ts", text: 'import { x } from "node:net";\nconst d = Deno.env;' },
    ]);
    assert.equal(problems.length, 2);
    assert.match(problems[0], /Buffer/);
  });

  it("findImportViolations() reports an upward import and an adapter importing rtsp", () => {
    const problems = findImportViolations([
      { path: "src/rtp/a.ts", text: 'import { Server } from "../server/server.ts";' },
      {
        path: "src/adapters/node/b.ts",
        text: 'import type { RtspRequest } from "../../rtsp/mod.ts";',
      },
      { path: "mod.ts", text: 'export * from "./src/adapters/node/mod.ts";' },
      { path: "src/rtsp/c.ts", text: 'import sdp from "sdp-transform";' },
    ]);
    assert.equal(problems.length, 4);
  });

  it("findImportViolations() accepts comments that mention runtimes and the lazy adapter import", () => {
    const problems = findImportViolations([
      {
        path: "src/rtsp/x.ts",
        text: "// Deno.listen is used by the adapter\n/** Buffer.from */\nexport const a = 1;",
      },
      { path: "src/server/s.ts", text: 'const m = await import("../adapters/auto.ts");' },
      {
        path: "src/adapters/deno/d.ts",
        text: 'import type { NetAdapter } from "../../net/mod.ts";\nDeno.listen({port: 0});',
      },
    ]);
    assert.deepEqual(problems, []);
  });
});

describe("check_imports runtime names", () => {
  it("findImportViolations() tells globalThis.Deno from a method named process()", () => {
    const problems = findImportViolations([
      { path: "src/server/a.ts", text: "const isDeno = typeof globalThis.Deno;" },
      { path: "src/server/b.ts", text: "receiver.process(packet);" },
    ]);
    assert.equal(problems.length, 1);
    assert.match(problems[0], /src\/server\/a\.ts/);
  });
});
