/**
 * Child process management and /proc sampling for the bench harness (runs under node).
 * Every child is tracked; {@linkcode killAll} ends them (also on SIGINT/SIGTERM of the harness).
 * @module
 */
import { type ChildProcess, spawn } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import process from "node:process";

const CLK_TCK = 100;
const PAGE_SIZE = 4096;
const live = new Set<Child>();

/** A child process with line-oriented stdout and a tail of stderr kept for error messages. */
export class Child {
  readonly name: string;
  readonly proc: ChildProcess;
  #lines: string[] = [];
  #waiters: { prefix: string; resolve: (l: string) => void }[] = [];
  #stderr = "";
  #exited: Promise<number | null>;
  exitCode: number | null | undefined;

  constructor(name: string, cmd: string, args: string[], env: Record<string, string> = {}) {
    this.name = name;
    this.proc = spawn(cmd, args, {
      stdio: ["pipe", "pipe", "pipe"],
      env: { ...process.env, NO_COLOR: "1", ...env },
      detached: true, // own process group: kill() also ends helpers it spawned (tsx's esbuild)
    });
    live.add(this);
    let buf = "";
    this.proc.stdout!.setEncoding("utf8");
    this.proc.stdout!.on("data", (chunk: string) => {
      buf += chunk;
      let i;
      while ((i = buf.indexOf("\n")) >= 0) {
        const line = buf.slice(0, i);
        buf = buf.slice(i + 1);
        const w = this.#waiters.findIndex((w) => line.startsWith(w.prefix));
        if (w >= 0) this.#waiters.splice(w, 1)[0].resolve(line);
        else this.#lines.push(line);
      }
    });
    this.proc.stderr!.setEncoding("utf8");
    this.proc.stderr!.on("data", (chunk: string) => {
      this.#stderr = (this.#stderr + chunk).slice(-4000);
    });
    this.proc.stdin!.on("error", () => {});
    this.#exited = new Promise((resolve) => {
      this.proc.on("exit", (code) => {
        this.exitCode = code;
        live.delete(this);
        resolve(code);
      });
      this.proc.on("error", (e) => {
        this.#stderr += String(e);
        this.exitCode = -1;
        live.delete(this);
        resolve(-1);
      });
    });
  }

  get pid(): number {
    return this.proc.pid ?? -1;
  }

  get stderrTail(): string {
    return this.#stderr.trim().split("\n").slice(-12).join("\n");
  }

  /** Resolves with the first stdout line starting with `prefix`; rejects on exit or timeout. */
  waitLine(prefix: string, timeoutMs: number): Promise<string> {
    const i = this.#lines.findIndex((l) => l.startsWith(prefix));
    if (i >= 0) return Promise.resolve(this.#lines.splice(i, 1)[0]);
    return new Promise((resolve, reject) => {
      const waiter = {
        prefix,
        resolve: (l: string) => {
          clearTimeout(timer);
          resolve(l);
        },
      };
      const timer = setTimeout(() => {
        this.#waiters.splice(this.#waiters.indexOf(waiter), 1);
        reject(
          new Error(`${this.name}: no "${prefix}" within ${timeoutMs} ms\n${this.stderrTail}`),
        );
      }, timeoutMs);
      this.#waiters.push(waiter);
      this.#exited.then((code) => {
        if (!this.#waiters.includes(waiter)) return;
        clearTimeout(timer);
        this.#waiters.splice(this.#waiters.indexOf(waiter), 1);
        reject(new Error(`${this.name} exited (${code}) before "${prefix}"\n${this.stderrTail}`));
      });
    });
  }

  /** Writes one command line to the child's stdin. */
  send(line: string): void {
    if (this.exitCode === undefined) this.proc.stdin!.write(line + "\n");
  }

  /** Asks the child to exit, then kills its process group after `graceMs`. */
  async stop(graceMs = 1500): Promise<void> {
    if (this.exitCode !== undefined) return;
    this.send("exit");
    const t = setTimeout(() => this.kill(), graceMs);
    await this.#exited;
    clearTimeout(t);
    this.kill(); // helpers left in the group
  }

  /** SIGKILLs the child's process group (its id is the child's pid). */
  kill(): void {
    try {
      process.kill(-this.pid, "SIGKILL");
    } catch { /* already gone */ }
  }
}

/** Kills every child still running. */
export function killAll(): void {
  for (const c of live) c.kill();
}

let handlersInstalled = false;
/** Kills all children when the harness is interrupted. */
export function installSignalHandlers(): void {
  if (handlersInstalled) return;
  handlersInstalled = true;
  for (const sig of ["SIGINT", "SIGTERM", "SIGHUP"] as const) {
    process.on(sig, () => {
      killAll();
      console.error(`\ninterrupted (${sig}); children killed`);
      process.exit(130);
    });
  }
  process.on("exit", killAll);
}

function readStat(pid: number): { ppid: number; cpuS: number; rssBytes: number } | undefined {
  try {
    const s = readFileSync(`/proc/${pid}/stat`, "utf8");
    const f = s.slice(s.lastIndexOf(")") + 2).split(" ");
    // f[0] = field 3 (state): ppid = field 4, utime = 14, stime = 15, rss = 24
    return {
      ppid: Number(f[1]),
      cpuS: (Number(f[11]) + Number(f[12])) / CLK_TCK,
      rssBytes: Number(f[21]) * PAGE_SIZE,
    };
  } catch {
    return undefined;
  }
}

/** User and system CPU seconds of one process (not its descendants). */
export function cpuSplitSeconds(pid: number): { user: number; sys: number } {
  try {
    const s = readFileSync(`/proc/${pid}/stat`, "utf8");
    const f = s.slice(s.lastIndexOf(")") + 2).split(" ");
    return { user: Number(f[11]) / CLK_TCK, sys: Number(f[12]) / CLK_TCK };
  } catch {
    return { user: 0, sys: 0 };
  }
}

/** CPU seconds (user + system) of a process and its descendants. */
export function treeCpuSeconds(pid: number): number {
  const all = new Map<number, { ppid: number; cpuS: number }>();
  for (const name of readdirSync("/proc")) {
    const p = Number(name);
    if (!Number.isInteger(p)) continue;
    const st = readStat(p);
    if (st !== undefined) all.set(p, st);
  }
  let total = 0;
  const stack = [pid];
  const seen = new Set<number>();
  while (stack.length > 0) {
    const p = stack.pop()!;
    if (seen.has(p)) continue;
    seen.add(p);
    total += all.get(p)?.cpuS ?? 0;
    for (const [q, st] of all) if (st.ppid === p) stack.push(q);
  }
  return total;
}

/** Host CPU counters from /proc/stat: busy and total ticks over all cores. */
export function hostCpuTicks(): { busy: number; total: number } {
  const line = readFileSync("/proc/stat", "utf8").split("\n")[0];
  const v = line.trim().split(/\s+/).slice(1).map(Number);
  const total = v.slice(0, 8).reduce((a, b) => a + b, 0);
  return { busy: total - v[3] - v[4], total };
}

/** Converts ticks to seconds. */
export function ticksToSeconds(ticks: number): number {
  return ticks / CLK_TCK;
}

/** Resident set size of one process (bytes). */
export function rssBytes(pid: number): number {
  return readStat(pid)?.rssBytes ?? NaN;
}

/** Resolves after `ms`. */
export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
