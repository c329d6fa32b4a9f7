/**
 * Enforces the dependency rules of STYLE.md §3 over `src/` and `mod.ts`:
 * layers import only downward, the core never names a runtime (`Deno`, `Bun`, `process`,
 * `Buffer`, `node:`), adapters import only net/bytes/errors, and only src/sdp/ imports
 * sdp-transform. Run directly to print violations, or import {@linkcode findImportViolations}.
 *
 * @module
 */

/** A file's path (relative to the repo root, with `/`) and its text. */
export interface SourceFile {
  path: string;
  text: string;
}

/** Which top-level areas each area may import (besides itself). */
const ALLOWED: Record<string, readonly string[]> = {
  bytes: [],
  "errors.ts": [],
  net: ["bytes", "errors.ts"],
  rtp: ["bytes", "errors.ts"],
  rtsp: ["bytes", "errors.ts"],
  sdp: ["errors.ts", "bytes", "formats", "rtp"],
  formats: ["rtp", "sdp", "bytes", "errors.ts"],
  mpegts: ["bytes", "errors.ts", "formats", "rtp"],
  srtp: ["bytes", "errors.ts"],
  mikey: ["bytes", "errors.ts"],
  server: ["bytes", "errors.ts", "net", "rtp", "rtsp", "sdp", "formats", "srtp", "mikey"],
  adapters: ["net", "bytes", "errors.ts"],
};

// A runtime global used as a value (`Deno.listen`, `globalThis.Bun`, `Buffer.from(`), not a method
// that happens to share the name (`receiver.process(`), or a `node:` specifier.
const RUNTIME_NAMES =
  /(?<![.\w$])(Deno|Bun|Buffer|process)\s*[.\[(]|globalThis\s*\.\s*(Deno|Bun|Buffer|process)\b|\bnode:[a-z_/]+/;
const IMPORT_RE =
  /(?:import|export)\s+(?:type\s+)?(?:[^"';]*?\sfrom\s+)?["']([^"']+)["']|import\(\s*["']([^"']+)["']\s*\)/g;

/** The area of a path under src/ ("rtsp", "errors.ts", …), or "root" for mod.ts. */
function areaOf(path: string): string {
  if (!path.startsWith("src/")) return "root";
  const rest = path.slice(4);
  const slash = rest.indexOf("/");
  return slash < 0 ? rest : rest.slice(0, slash);
}

/** Resolves a relative specifier against the importing file's path. */
function resolve(from: string, specifier: string): string {
  const parts = from.split("/").slice(0, -1);
  for (const piece of specifier.split("/")) {
    if (piece === "..") parts.pop();
    else if (piece !== ".") parts.push(piece);
  }
  return parts.join("/");
}

/** Removes comments so that doc examples and prose do not count as code. */
function stripComments(text: string): string {
  return text.replace(/\/\*[\s\S]*?\*\//g, "").replace(/(^|[^:"'`])\/\/.*$/gm, "$1");
}

/**
 * Lists every violation of the dependency rules in `files`.
 *
 * @param files The sources to check (paths relative to the repo root).
 * @returns One human-readable line per violation; empty when all is well.
 */
export function findImportViolations(files: readonly SourceFile[]): string[] {
  const problems: string[] = [];
  for (const file of files) {
    const area = areaOf(file.path);
    const code = stripComments(file.text);
    if (area !== "adapters" && area !== "root" && RUNTIME_NAMES.test(code)) {
      problems.push(
        `${file.path}: names a runtime (${code.match(RUNTIME_NAMES)![0]}) outside src/adapters/`,
      );
    }
    for (const match of code.matchAll(IMPORT_RE)) {
      const specifier = match[1] ?? match[2];
      const dynamic = match[2] !== undefined;
      if (specifier.startsWith("node:")) continue; // reported by RUNTIME_NAMES for the core
      if (!specifier.startsWith(".")) {
        if (specifier === "sdp-transform" && area !== "sdp") {
          problems.push(`${file.path}: only src/sdp/ may import sdp-transform`);
        } else if (specifier !== "sdp-transform") {
          problems.push(
            `${file.path}: imports the package ${specifier}, which is not a declared dependency`,
          );
        }
        continue;
      }
      const target = resolve(file.path, specifier);
      const targetArea = areaOf(target);
      if (area === "root") {
        if (targetArea === "adapters") {
          problems.push(`${file.path}: mod.ts must not export an adapter`);
        }
        continue;
      }
      if (targetArea === area) continue;
      // The server loads the runtime's adapter lazily, by feature detection, as oak does.
      if (area === "server" && dynamic && target === "src/adapters/auto.ts") continue;
      if (!(ALLOWED[area] ?? []).includes(targetArea)) {
        problems.push(`${file.path}: ${area} must not import ${targetArea} (${specifier})`);
      }
    }
  }
  return problems;
}
