// `orderhub start`: run the hub in the foreground, as `npm start` does (configuration from the environment).
import type { Command } from "commander";

export function registerStart(program: Command): void {
  program
    .command("start")
    .description("run the hub: editor at /admin, REST at /api, /health and /metrics (configured by environment, see README)")
    .action(() => {
      require("../../runtime/main");
    });
}
