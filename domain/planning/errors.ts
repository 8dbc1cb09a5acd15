/** Input a planner must correct before anything can be planned: the message names the record and says what is wrong. */
export class PlanningInputError extends Error {
  override readonly name = "PlanningInputError";
}

/** A BOM in which an item is, through its components, a component of itself. `loop` starts and ends with the same item. */
export class BomCycleError extends PlanningInputError {
  constructor(readonly loop: string[]) {
    super(`BOM cycle: ${loop.join(" → ")} (an item cannot be its own component; correct one of these BOM lines)`);
  }
}
