#!/usr/bin/env node
// The `orderhub` command. Each subcommand lives in cli/commands/<name>.ts and exports register<Name>(program);
// adding a command is one import and one register call here.
import { Command } from "commander";
import { registerDemo } from "./commands/demo";
import { registerDlq } from "./commands/dlq";
import { registerEvaluate } from "./commands/evaluate";
import { registerKeys } from "./commands/keys";
import { registerMaster } from "./commands/master";
import { registerNormalize } from "./commands/normalize";
import { registerOrder } from "./commands/order";
import { registerPlanning } from "./commands/planning";
import { registerPlanningExtras } from "./commands/planning-extras";
import { registerSandbox } from "./commands/sandbox";
import { registerReconcile } from "./commands/reconcile";
import { registerStart } from "./commands/start";

const program = new Command("orderhub")
  .description("OrderHub: the order-collaboration hub")
  .showHelpAfterError()
  .exitOverride((err) => process.exit(err.exitCode === 0 ? 0 : 2)); // usage errors exit 2, like bad input

registerNormalize(program);
registerEvaluate(program);
registerDlq(program);
registerMaster(program);
registerOrder(program);
registerKeys(program);
registerStart(program);
registerPlanning(program);
registerPlanningExtras(program); // after registerPlanning: adds `bom cost` to its `bom`
registerSandbox(program);
registerReconcile(program);
registerDemo(program);

program.parseAsync(process.argv).catch((err: unknown) => {
  process.stderr.write(`orderhub: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exitCode = 2;
});
