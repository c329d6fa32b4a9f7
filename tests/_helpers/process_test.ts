import { describe, it } from "node:test";
import assert from "node:assert/strict";
import process from "node:process";
import { type ChildProcessHandle, findExecutable, spawnProcess } from "./process.ts";

const sh = process.platform === "win32" ? undefined : findExecutable("sh");

describe("ChildProcessHandle", { skip: sh === undefined && "needs a POSIX sh" }, () => {
  it("kill() sends SIGKILL after the grace period when the child ignores the first signal", async () => {
    // Like gst-launch hanging on its EOS after SIGINT. Ignored signals stay ignored across exec,
    // so `sleep` itself ignores them. On Deno, ChildProcess.kill() ignores every call after the
    // first, which left such a child running.
    const child = spawnProcess(sh!, ["-c", "trap '' INT TERM; echo ready; exec sleep 30"], {
      name: "sleep(ignores INT and TERM)",
      deadlineMs: 60_000,
    });
    try {
      // The trap must be in place before the signal, else the shell dies of it at once.
      await child.waitForOutput(/ready/, 10_000);
      const result = await child.kill("SIGINT", 200);
      assert.notEqual(
        child.exitResult,
        undefined,
        `kill() gave up with ${JSON.stringify(result)}, the child still runs`,
      );
      assert.deepEqual(child.exitResult, { code: null, signal: "SIGKILL" });
    } finally {
      killIfRunning(child);
    }
  });

  it("kill() resolves with the exit of a child that stops on the first signal", async () => {
    const child = spawnProcess(sh!, ["-c", "exec sleep 30"], {
      name: "sleep",
      deadlineMs: 60_000,
    });
    try {
      const result = await child.kill("SIGTERM", 5000);
      assert.deepEqual(result, { code: null, signal: "SIGTERM" });
      assert.deepEqual(child.exitResult, result);
    } finally {
      killIfRunning(child);
    }
  });
});

/** Cleanup that does not rely on the code under test; never signals a reaped (reusable) pid. */
function killIfRunning(handle: ChildProcessHandle): void {
  if (handle.exitResult !== undefined || handle.child.exitCode !== null) return;
  if (handle.child.signalCode !== null || handle.child.pid === undefined) return;
  try {
    process.kill(handle.child.pid, "SIGKILL");
  } catch {
    // Already gone.
  }
}
