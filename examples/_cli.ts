/**
 * Command-line settings and shutdown shared by the examples: every setting is a flag
 * (`--port 8554` or `--port=8554`) with an environment variable as fallback.
 *
 * @module
 */

import process from "node:process";

/** The value of `--name VALUE` or `--name=VALUE`, else of the environment variable `env`. */
export function setting(name: string, env: string): string | undefined {
  const argv = process.argv;
  for (let i = 2; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === name && i + 1 < argv.length) return argv[i + 1];
    if (arg.startsWith(name + "=")) return arg.slice(name.length + 1);
  }
  const value = process.env[env];
  return value === undefined || value === "" ? undefined : value;
}

/** A whole number setting in `[min, max]`; exits with a usage error when it is not one. */
export function intSetting(
  name: string,
  env: string,
  fallback: number,
  { min = 0, max = Number.MAX_SAFE_INTEGER, even = false } = {},
): number {
  const text = setting(name, env);
  const n = text === undefined ? fallback : Number(text);
  if (!Number.isSafeInteger(n) || n < min || n > max || (even && n % 2 !== 0)) {
    console.error(`Invalid ${name} (or ${env}): ${text}`);
    process.exit(2);
  }
  return n;
}

/** A port setting (0 picks a free port). `even` for an RTP port whose RTCP port is the next one. */
export function portSetting(name: string, env: string, fallback: number, even = false): number {
  return intSetting(name, env, fallback, { max: 65535, even });
}

/** A port setting that may be absent (for example UDP ports, off unless given). */
export function optionalPortSetting(name: string, env: string, even = false): number | undefined {
  return setting(name, env) === undefined ? undefined : portSetting(name, env, 0, even);
}

/** Runs `close` once on SIGINT or SIGTERM, then exits (1 if it failed). */
export function closeOnSignals(close: () => Promise<void> | void): void {
  let closing = false;
  const shutdown = () => {
    if (closing) return;
    closing = true;
    Promise.resolve().then(close).then(() => process.exit(0), (error) => {
      console.error(error);
      process.exit(1);
    });
  };
  process.on("SIGINT", shutdown);
  process.on("SIGTERM", shutdown);
}
