import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { buildNpm, npmExportsFrom } from "../../scripts/build_npm.ts";

const ROOT = new URL("../../", import.meta.url).pathname;
const BIN = join(ROOT, "node_modules/.bin");
// The build and install take seconds; they run once, under the Node runner, which CI always runs.
const isNodeRunner = !("Deno" in globalThis) && !("Bun" in globalThis);

describe("build_npm", () => {
  it("npmExportsFrom() mirrors every deno.json export", () => {
    const deno = JSON.parse(readFileSync(join(ROOT, "deno.json"), "utf8"));
    const exports = npmExportsFrom(deno.exports);
    assert.deepEqual(Object.keys(exports), Object.keys(deno.exports));
    assert.deepEqual(exports["."], { types: "./mod.d.ts", default: "./mod.js" });
    assert.deepEqual(exports["./node"], {
      types: "./src/adapters/node/mod.d.ts",
      default: "./src/adapters/node/mod.js",
    });
  });
});

describe(
  "build_npm package",
  { skip: isNodeRunner ? false : "builds once, under the Node runner" },
  () => {
    let work = "";
    let consumer = "";
    before(() => {
      work = mkdtempSync(join(tmpdir(), "rtspkit-npm-"));
      const dist = buildNpm(join(work, "dist"));
      const tarball = execFileSync("npm", ["pack", "--silent", "--pack-destination", work], {
        cwd: dist,
      })
        .toString().trim().split("\n").pop()!;
      consumer = join(work, "consumer");
      mkdirSync(consumer);
      writeFileSync(
        join(consumer, "package.json"),
        JSON.stringify({ name: "consumer", type: "module", private: true }),
      );
      execFileSync("npm", ["install", "--silent", "--no-audit", "--no-fund", join(work, tarball)], {
        cwd: consumer,
      });
      writeFileSync(
        join(consumer, "main.js"),
        [
          'import { Server, ServerStream, RtspError, decodeRtp } from "rtspkit";',
          'import { createNodeAdapter } from "rtspkit/node";',
          "const adapter = createNodeAdapter();",
          'const server = new Server({ rtspAddress: "127.0.0.1:0", runtime: adapter });',
          "await server.start();",
          'console.log(JSON.stringify({ port: server.address().port, stream: typeof ServerStream, err: new RtspError(404, "X").status, rtp: typeof decodeRtp, adapter: adapter.name }));',
          "await server.close();",
        ].join("\n"),
      );
    });
    after(() => rmSync(work, { recursive: true, force: true }));

    it("the built package ships no tests, examples or scripts", () => {
      const dist = join(work, "dist");
      assert.ok(existsSync(join(dist, "mod.js")));
      assert.ok(existsSync(join(dist, "mod.d.ts")));
      assert.ok(existsSync(join(dist, "LICENSE")));
      assert.ok(!existsSync(join(dist, "tests")));
      assert.ok(!existsSync(join(dist, "examples")));
      assert.ok(!existsSync(join(dist, "scripts")));
    });

    for (const runtime of ["node", "bun"]) {
      it(`the installed package imports and starts a server under ${runtime}`, () => {
        const cmd = runtime === "node" ? process.execPath : join(BIN, "bun");
        const out = execFileSync(cmd, ["main.js"], { cwd: consumer, timeout: 30_000 }).toString();
        const result = JSON.parse(out.trim().split("\n").pop()!);
        assert.ok(result.port > 0);
        assert.equal(result.stream, "function");
        assert.equal(result.err, 404);
        assert.equal(result.rtp, "function");
        assert.equal(result.adapter, "node");
      });
    }
  },
);
