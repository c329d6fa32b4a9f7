/**
 * Child-process helpers for end-to-end tests: spawn with a deadline, collect output, wait for a
 * line, kill on teardown. Uses only `node:child_process`, so the same code runs under Deno, Bun
 * and Node test runners.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { accessSync, constants } from "node:fs";
import { delimiter, join } from "node:path";
import process from "node:process";

/** How a child ended. `code` is null when a signal ended it. */
export interface ExitResult {
  code: number | null;
  signal: string | null;
}

/** Options of {@linkcode spawnProcess}. */
export interface SpawnOptions {
  /** Name used in error messages (default: the command's base name). */
  name?: string;
  /** Working directory. */
  cwd?: string;
  /** Extra environment variables, merged over the current environment. */
  env?: Record<string, string>;
  /** The child is killed (SIGTERM, then SIGKILL) once this many ms have passed. */
  deadlineMs: number;
  /** Keep at most this many characters of each stream (the tail). Default 4 MiB. */
  maxOutputChars?: number;
  /** Standard output is binary: only count its bytes ({@linkcode ChildProcessHandle.stdoutBytes}), keep no text. */
  binaryStdout?: boolean;
}

/** Which runtime executes the current test file. */
export type RuntimeName = "deno" | "bun" | "node";

/** Detects the runtime running this code. */
export function runtimeName(): RuntimeName {
  const g = globalThis as Record<string, unknown>;
  if (g.Deno !== undefined) return "deno";
  if (g.Bun !== undefined) return "bun";
  return "node";
}

/** The command that runs `script` (a .ts file) on the same runtime as the test runner. */
export function runtimeCommand(
  script: string,
  args: string[] = [],
): { command: string; args: string[] } {
  switch (runtimeName()) {
    case "deno":
      return { command: findExecutable("deno") ?? "deno", args: ["run", "-A", script, ...args] };
    case "bun":
      return { command: findExecutable("bun") ?? "bun", args: [script, ...args] };
    case "node":
      return {
        command: findExecutable("node") ?? "node",
        args: ["--import", "tsx", script, ...args],
      };
  }
}

/** Returns the absolute path of an executable found on PATH, or undefined. */
export function findExecutable(name: string, extraDirs: string[] = []): string | undefined {
  const pathVar = process.env.PATH ?? "";
  for (const dir of [...extraDirs, ...pathVar.split(delimiter)]) {
    if (dir === "") continue;
    const candidate = join(dir, name);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here
    }
  }
  return undefined;
}

/** Rejects with `message` after `ms` unless `promise` settles first. The timer never outlives it. */
export function withTimeout<T>(promise: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${message} (after ${ms} ms)`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

interface Waiter {
  pattern: RegExp;
  streams: ("stdout" | "stderr")[];
  resolve: (m: RegExpMatchArray) => void;
  reject: (e: Error) => void;
}

/** A spawned child: output is collected as text; the child is killed at its deadline. */
export class ChildProcessHandle implements AsyncDisposable {
  readonly name: string;
  readonly child: ChildProcess;
  /** Settles once the child has exited and its output streams are closed. */
  readonly exited: Promise<ExitResult>;
  /** True when the deadline killed the child. */
  timedOut = false;
  /** Bytes received on standard output so far. */
  stdoutBytes = 0;
  #stdout = "";
  #stderr = "";
  #maxChars: number;
  #exit: ExitResult | undefined;
  #waiters = new Set<Waiter>();
  #deadline: ReturnType<typeof setTimeout> | undefined;
  #killTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(command: string, args: string[], options: SpawnOptions) {
    this.name = options.name ?? command.split("/").pop() ?? command;
    this.#maxChars = options.maxOutputChars ?? 4 * 1024 * 1024;
    const env = { ...process.env, ...(options.env ?? {}) } as Record<string, string>;
    this.child = spawn(command, args, { cwd: options.cwd, env, stdio: ["ignore", "pipe", "pipe"] });
    const outDecoder = new TextDecoder();
    const errDecoder = new TextDecoder();
    this.child.stdout!.on("data", (chunk: Uint8Array) => {
      this.stdoutBytes += chunk.byteLength;
      if (!options.binaryStdout) this.#onData("stdout", outDecoder.decode(chunk, { stream: true }));
    });
    this.child.stderr!.on(
      "data",
      (chunk: Uint8Array) => this.#onData("stderr", errDecoder.decode(chunk, { stream: true })),
    );
    this.exited = new Promise<ExitResult>((resolve) => {
      let settled = false;
      const finish = (code: number | null, signal: string | null) => {
        if (settled) return;
        settled = true;
        this.#exit = { code, signal };
        clearTimeout(this.#deadline);
        clearTimeout(this.#killTimer);
        for (const w of this.#waiters) {
          w.reject(
            new Error(
              `${this.name} exited (code ${code}, signal ${signal}) before printing ${w.pattern}\n${this.describeOutput()}`,
            ),
          );
        }
        this.#waiters.clear();
        resolve({ code, signal });
      };
      this.child.on("close", (code, signal) => finish(code, signal));
      this.child.on("error", (err) => {
        this.#stderr += `\n[spawn error] ${err.message}\n`;
        finish(null, null);
      });
    });
    this.#deadline = setTimeout(() => {
      this.timedOut = true;
      this.#stderr += `\n[deadline] killed after ${options.deadlineMs} ms\n`;
      void this.kill();
    }, options.deadlineMs);
  }

  /** Collected standard output. */
  get stdout(): string {
    return this.#stdout;
  }

  /** Collected standard error. */
  get stderr(): string {
    return this.#stderr;
  }

  /** Exit result, once the child has exited. */
  get exitResult(): ExitResult | undefined {
    return this.#exit;
  }

  #onData(stream: "stdout" | "stderr", text: string): void {
    if (stream === "stdout") {
      this.#stdout = (this.#stdout + text).slice(-this.#maxChars);
    } else {
      this.#stderr = (this.#stderr + text).slice(-this.#maxChars);
    }
    for (const w of [...this.#waiters]) {
      if (!w.streams.includes(stream)) continue;
      const m = (stream === "stdout" ? this.#stdout : this.#stderr).match(w.pattern);
      if (m) {
        this.#waiters.delete(w);
        w.resolve(m);
      }
    }
  }

  /**
   * Resolves with the first match of `pattern` in the collected output (past output counts).
   * Rejects when the child exits first or after `timeoutMs`.
   */
  waitForOutput(
    pattern: RegExp,
    timeoutMs: number,
    streams: ("stdout" | "stderr")[] = ["stdout", "stderr"],
  ): Promise<RegExpMatchArray> {
    for (const s of streams) {
      const m = (s === "stdout" ? this.#stdout : this.#stderr).match(pattern);
      if (m) return Promise.resolve(m);
    }
    if (this.#exit) {
      return Promise.reject(
        new Error(
          `${this.name} already exited before printing ${pattern}\n${this.describeOutput()}`,
        ),
      );
    }
    let waiter: Waiter | undefined;
    const p = new Promise<RegExpMatchArray>((resolve, reject) => {
      waiter = { pattern, streams, resolve, reject };
      this.#waiters.add(waiter);
    });
    return withTimeout(p, timeoutMs, `${this.name} did not print ${pattern}`).catch((e: Error) => {
      if (waiter) this.#waiters.delete(waiter);
      throw new Error(`${e.message}\n${this.describeOutput()}`);
    });
  }

  /** Waits for the child to exit; on timeout kills it and rejects. */
  async waitForExit(timeoutMs: number): Promise<ExitResult> {
    try {
      return await withTimeout(this.exited, timeoutMs, `${this.name} did not exit`);
    } catch (e) {
      await this.kill();
      throw new Error(`${(e as Error).message}\n${this.describeOutput()}`);
    }
  }

  /** Sends `signal` (default SIGTERM), then SIGKILL after `graceMs`; resolves once exited. */
  async kill(signal: NodeJS.Signals = "SIGTERM", graceMs = 2000): Promise<ExitResult> {
    if (this.#exit) return this.#exit;
    this.#signal(signal);
    clearTimeout(this.#killTimer);
    this.#killTimer = setTimeout(() => this.#signal("SIGKILL"), graceMs);
    // After SIGKILL the child is gone for sure; bound the wait anyway so teardown never hangs.
    return await withTimeout(this.exited, graceMs + 3000, `${this.name} survived SIGKILL`).catch(
      () => ({
        code: null,
        signal: "SIGKILL",
      }),
    );
  }

  /**
   * Sends `signal` by pid rather than with `ChildProcess.kill()`: on Deno (2.9.6) that ignores
   * every call after the first (https://github.com/denoland/deno/issues/36643), so the SIGKILL
   * after a SIGINT was never sent and a gst-launch hanging on its EOS kept running; it also
   * closes the child's pipes, losing what the child prints while stopping.
   * Nothing is sent once the child has been reaped, as its pid may belong to another process.
   */
  #signal(signal: NodeJS.Signals): void {
    const pid = this.child.pid;
    if (pid === undefined || this.child.exitCode !== null || this.child.signalCode !== null) return;
    try {
      process.kill(pid, signal);
    } catch {
      // already gone
    }
  }

  /** The tail of both streams, for assertion messages. */
  describeOutput(maxChars = 3000): string {
    const tail = (s: string) => (s.length > maxChars ? "…" + s.slice(-maxChars) : s);
    const state = this.#exit
      ? `exited: code ${this.#exit.code}, signal ${this.#exit.signal}${
        this.timedOut ? " (deadline)" : ""
      }`
      : "still running";
    return `--- ${this.name} (${state}) stderr (tail) ---\n${
      tail(this.#stderr.replace(/\r/g, "\n"))
    }\n` +
      `--- ${this.name} stdout (tail) ---\n${tail(this.#stdout)}\n--- end ${this.name} ---`;
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.kill();
  }
}

/** Spawns `command args` with a deadline; stdin is closed, stdout/stderr collected. */
export function spawnProcess(
  command: string,
  args: string[],
  options: SpawnOptions,
): ChildProcessHandle {
  return new ChildProcessHandle(command, args, options);
}

/** Kills every handle (in parallel) under a deadline; never throws. */
export async function killAll(
  handles: Iterable<ChildProcessHandle | undefined>,
  graceMs = 2000,
): Promise<void> {
  await Promise.all([...handles].map((h) => h?.kill("SIGTERM", graceMs)));
}
