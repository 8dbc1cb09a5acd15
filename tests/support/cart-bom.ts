import type { BomLine } from "../../domain/planning/bom";

/**
 * A cart's BOM for the planning tests: CART = 2 WHEEL-ASSY + 1 BODY + 4 SCREW; WHEEL-ASSY = 1 WHEEL + 1 AXLE + 2 SCREW.
 * SCREW is used on both levels: n carts take 4n screws directly and 2 per wheel assembly built.
 */
export const CART: BomLine[] = [
  { parent: "CART", child: "WHEEL-ASSY", quantity: 2 },
  { parent: "CART", child: "BODY", quantity: 1 },
  { parent: "CART", child: "SCREW", quantity: 4 },
  { parent: "WHEEL-ASSY", child: "WHEEL", quantity: 1 },
  { parent: "WHEEL-ASSY", child: "AXLE", quantity: 1 },
  { parent: "WHEEL-ASSY", child: "SCREW", quantity: 2 },
];
