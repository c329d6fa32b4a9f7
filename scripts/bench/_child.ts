/**
 * Plumbing shared by the bench child processes: `--key value` arguments, line commands on
 * stdin, a hard lifetime limit and exit when the parent goes away (stdin closes).
 * Works under node, bun and deno (node:process).
 * @module
 */
import process from "node:process";

/** Parses `--key value` pairs (a `--flag` without value is "true"). */
export function parseArgs(argv: string[]): Map<string, string> {
  const out = new Map<string, string>();
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (!a.startsWith("--")) continue;
    const next = argv[i + 1];
    if (next === undefined || next.startsWith("--")) out.set(a.slice(2), "true");
    else out.set(a.slice(2), argv[++i]);
  }
  return out;
}

/** Reads one argument as a number with a default. */
export function numArg(args: Map<string, string>, key: string, dflt: number): number {
  const v = args.get(key);
  return v === undefined ? dflt : Number(v);
}

/**
 * Calls `onLine` for every stdin line, exits when stdin ends (the parent died or closed it)
 * and after `maxSeconds` whatever happens.
 */
export function serveStdin(
  onLine: (line: string) => void | Promise<void>,
  maxSeconds: number,
  onExit: () => void | Promise<void> = () => {},
): void {
  let buffered = "";
  const exit = async (code: number) => {
    try {
      await Promise.race([onExit(), new Promise((r) => setTimeout(r, 1000))]);
    } finally {
      process.exit(code);
    }
  };
  process.stdin.setEncoding("utf8");
  process.stdin.on("data", (chunk: string) => {
    buffered += chunk;
    let i;
    while ((i = buffered.indexOf("\n")) >= 0) {
      const line = buffered.slice(0, i).trim();
      buffered = buffered.slice(i + 1);
      if (line === "exit") void exit(0);
      else if (line.length > 0) {
        Promise.resolve(onLine(line)).catch((e) => console.error(`command ${line}: ${e}`));
      }
    }
  });
  process.stdin.on("end", () => void exit(0));
  const limit = setTimeout(() => {
    console.error(`lifetime limit of ${maxSeconds}s reached`);
    void exit(3);
  }, maxSeconds * 1000);
  (limit as { unref?: () => void }).unref?.();
  process.on("SIGTERM", () => void exit(0));
  process.on("SIGINT", () => void exit(130));
}

/** Writes one line to stdout. */
export function say(line: string): void {
  process.stdout.write(line + "\n");
}
