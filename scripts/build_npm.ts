/**
 * Builds the npm package into `dist/` (or `--out DIR`) from the same sources Deno uses:
 * ESM JavaScript and `.d.ts` files compiled by the TypeScript compiler, a package.json whose
 * exports map mirrors deno.json, README.md and LICENSE. Tests, examples and scripts never ship.
 *
 * Usage: node --import tsx scripts/build_npm.ts [--out DIR]
 *
 * @module
 */
import { execFileSync } from "node:child_process";
import { copyFileSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");

interface DenoJson {
  name: string;
  version: string;
  exports: Record<string, string>;
}

/** Maps a deno.json export target (`./src/x/mod.ts`) to its built JS and types paths. */
export function npmExportsFrom(
  denoExports: Record<string, string>,
): Record<string, { types: string; default: string }> {
  const out: Record<string, { types: string; default: string }> = {};
  for (const [subpath, target] of Object.entries(denoExports)) {
    const base = target.replace(/^\.\//, "./").replace(/\.ts$/, "");
    out[subpath] = { types: `${base}.d.ts`, default: `${base}.js` };
  }
  return out;
}

/** Builds the package into `outDir` and returns its path. */
export function buildNpm(outDir: string): string {
  const deno = JSON.parse(readFileSync(join(ROOT, "deno.json"), "utf8")) as DenoJson;
  const pkg = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8"));
  rmSync(outDir, { recursive: true, force: true });
  mkdirSync(outDir, { recursive: true });
  const tsconfigPath = join(outDir, "tsconfig.build.json");
  writeFileSync(
    tsconfigPath,
    JSON.stringify(
      {
        compilerOptions: {
          target: "ES2022",
          module: "NodeNext",
          moduleResolution: "NodeNext",
          rewriteRelativeImportExtensions: true,
          declaration: true,
          outDir,
          rootDir: ROOT,
          strict: true,
          skipLibCheck: true,
          lib: ["ES2022", "DOM"],
          types: ["node"],
          typeRoots: [join(ROOT, "node_modules/@types")],
        },
        files: [...new Set(Object.values(deno.exports))].map((p) => join(ROOT, p)),
      },
      null,
      2,
    ),
  );
  execFileSync(join(ROOT, "node_modules/.bin/tsc"), ["-p", tsconfigPath], { stdio: "inherit" });
  rmSync(tsconfigPath);
  const npmPackage = {
    name: pkg.name,
    version: deno.version,
    description: pkg.description,
    license: pkg.license,
    type: "module",
    exports: npmExportsFrom(deno.exports),
    types: "./mod.d.ts",
    engines: { node: ">=20" },
    dependencies: pkg.dependencies,
    sideEffects: false,
  };
  writeFileSync(join(outDir, "package.json"), JSON.stringify(npmPackage, null, 2) + "\n");
  copyFileSync(join(ROOT, "README.md"), join(outDir, "README.md"));
  copyFileSync(join(ROOT, "LICENSE"), join(outDir, "LICENSE"));
  return outDir;
}

if (import.meta.url === `file://${process.argv[1]}` || process.argv[1]?.endsWith("build_npm.ts")) {
  const outFlag = process.argv.indexOf("--out");
  const outDir = resolve(outFlag > 0 ? process.argv[outFlag + 1] : join(ROOT, "dist"));
  buildNpm(outDir);
  console.log(`Built the npm package in ${outDir}`);
}
