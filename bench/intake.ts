/**
 * `npm run bench:intake`: how fast the order intake flow drains a preloaded queue, against a bare amqplib relay doing
 * the least the same job needs (consume → JSON transform → publish with confirm → ack) on the same data.
 *
 * Both run in a child process of their own on a throwaway vhost, with persistent messages, prefetch 100 and publisher
 * confirms; this process only preloads, counts the events on a tap queue and reads the children's peak memory.
 * The relay child is `bench/relay.ts`; what both share is in `bench/harness.ts`.
 */
import { INBOUND_ORDERS_QUEUE } from "../connectors/amqp/topology";
import { COUNT, PREFETCH, RELAY_QUEUE, type RunResult, freshVhost, median, rate, runBench, runHub, runRelay, table } from "./harness";
import { benchBodies } from "./orders";

const ROUNDS = Number(process.env.BENCH_ROUNDS) || 5;

async function main(): Promise<void> {
  const bodies = benchBodies(COUNT);
  const kb = bodies.reduce((s, b) => s + b.length, 0) / bodies.length / 1024;
  console.log(`${COUNT} canonical JSON orders, ${kb.toFixed(2)} KB each, prefetch ${PREFETCH}, persistent, confirms; ${ROUNDS} rounds`);

  // Rounds alternate hub and relay so that a passing load on the machine hits both, and which goes first alternates
  // from round to round, so that neither always runs on the heels of the other; the medians are compared. Each run
  // gets a vhost of its own: a quorum queue's log grows with every run, and the broker slows down with it.
  const hubs: RunResult[] = [];
  const relays: RunResult[] = [];
  const hubRun = async (round: number) => {
    const forHub = await freshVhost();
    console.log(`round ${round}/${ROUNDS}: preloading ${COUNT} orders on ${INBOUND_ORDERS_QUEUE} (vhost ${forHub.vhost}), starting a fresh hub …`);
    hubs.push(await runHub(forHub.conn, forHub.amqpUrl, bodies));
  };
  const relayRun = async (round: number) => {
    const forRelay = await freshVhost();
    console.log(`round ${round}/${ROUNDS}: preloading ${COUNT} orders on ${RELAY_QUEUE} (vhost ${forRelay.vhost}), starting the relay …`);
    relays.push(await runRelay(forRelay.conn, forRelay.amqpUrl, bodies));
  };
  for (let round = 1; round <= ROUNDS; round++) {
    for (const run of round % 2 === 1 ? [hubRun, relayRun] : [relayRun, hubRun]) await run(round);
  }
  console.log("");
  table([...hubs, ...relays]);
  const hub = median(hubs);
  const relay = median(relays);
  console.log("");
  console.log(`median intake flow: ${rate(hub).toFixed(0)} msgs/s, ${hub.cpuMicrosPerMessage.toFixed(0)} µs CPU/msg, peak RSS ${Math.max(...hubs.map((h) => h.peakRssMb)).toFixed(0)} MB`);
  console.log(`median bare relay:  ${rate(relay).toFixed(0)} msgs/s, ${relay.cpuMicrosPerMessage.toFixed(0)} µs CPU/msg, peak RSS ${Math.max(...relays.map((r) => r.peakRssMb)).toFixed(0)} MB`);
  const ratio = rate(hub) / rate(relay);
  console.log(`ratio: ${ratio.toFixed(2)}`);
  if (ratio < 0.6) console.log("WARNING: below 0.6 (the intake flow should reach 0.8 of the bare relay)");
}

runBench("bench:intake", main);
