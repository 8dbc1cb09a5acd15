import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { ROOT } from "./build";

/** The compiled CLI, as an operator runs it: `node dist/cli/main.js …`. */
export const CLI = path.join(ROOT, "dist/cli/main.js");

export interface CliRun {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** `orderhub args` run to its end, `input` on its stdin, `env` over this process's environment (undefined: left out). */
export function runCli(args: readonly string[], input?: string, env: Record<string, string | undefined> = {}): CliRun {
  const run = spawnSync(process.execPath, [CLI, ...args], { cwd: ROOT, input, encoding: "utf8", env: { ...process.env, ...env } });
  return { status: run.status, stdout: run.stdout, stderr: run.stderr };
}

/** `orderhub args` without blocking this process (for a command that talks to a hub or a broker this test runs). */
export function runCliAsync(args: readonly string[]): Promise<CliRun> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [CLI, ...args], { cwd: ROOT });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    child.on("close", (status) => resolve({ status, stdout, stderr }));
  });
}

/** A temp dir for a test's input files; `file` writes one (JSON unless it is a string) and answers its path. */
export interface InputFiles {
  readonly dir: string;
  file(name: string, content: unknown): string;
  remove(): void;
}

export function inputFiles(prefix: string): InputFiles {
  const dir = mkdtempSync(path.join(tmpdir(), prefix));
  return {
    dir,
    file(name, content) {
      const at = path.join(dir, name);
      writeFileSync(at, typeof content === "string" ? content : JSON.stringify(content));
      return at;
    },
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** A port nothing listens on (one just given up): a hub there cannot be reached. */
export async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const { port } = server.address() as { port: number };
  await new Promise<void>((r) => server.close(() => r()));
  return port;
}
