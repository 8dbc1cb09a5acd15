import { type ChildProcessWithoutNullStreams, execFile, execFileSync, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { promisify } from "node:util";

/** A fresh vhost per test file on the machine's real RabbitMQ; removed by `drop()`. */
export interface TestVhost {
  name: string;
  url: string;
  drop(): void;
}

export function rabbitmqctl(...args: string[]): string {
  return execFileSync("rabbitmqctl", ["-q", ...args], { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
}

const run = promisify(execFile);

/** rabbitmqctl without blocking the event loop (a hub running in this process goes on meanwhile). */
export async function rabbitmqctlAsync(...args: string[]): Promise<string> {
  return (await run("rabbitmqctl", ["-q", ...args], { encoding: "utf8" })).stdout;
}

export function createVhost(prefix = "orderhub-test"): TestVhost {
  const name = `${prefix}-${randomBytes(4).toString("hex")}`;
  rabbitmqctl("add_vhost", name);
  rabbitmqctl("set_permissions", "-p", name, "guest", ".*", ".*", ".*");
  return {
    name,
    url: `amqp://guest:guest@127.0.0.1:5672/${encodeURIComponent(name)}`,
    drop: () => {
      try {
        rabbitmqctl("delete_vhost", name);
      } catch {
        /* already gone */
      }
    },
  };
}

/** The vhost an amqp:// URL names ("/" when it names none). */
export function vhostOf(url: string): string {
  const path = new URL(url).pathname.slice(1);
  return path ? decodeURIComponent(path) : "/";
}

/** A queue's messages as the broker counts them this moment. */
export interface QueueCounts {
  /** waiting to be delivered */
  ready: number;
  /** delivered to a consumer and neither acknowledged nor returned yet */
  unacked: number;
  total: number;
}

/**
 * Asks the queues themselves for their counts, over one `rabbitmqctl eval` kept running per test process: it reads a
 * vhost name per line and answers with a line per queue, then a ".". `list_queues` would be simpler, but for quorum
 * queues it reports figures the broker refreshes every five seconds (a queue with messages reads as empty for that
 * long, so it cannot tell whether something was acknowledged), and each rabbitmqctl run costs most of a second of CPU.
 */
const PROBE = `
  Count = fun(Q) ->
    case amqqueue:get_type(Q) of
      rabbit_quorum_queue ->
        {ok, {_, O}, _} = ra:leader_query(amqqueue:get_pid(Q), fun rabbit_fifo:overview/1),
        {maps:get(num_ready_messages, O), maps:get(num_checked_out, O)};
      _ ->
        I = rabbit_amqqueue:info(Q, [messages_ready, messages_unacknowledged]),
        {proplists:get_value(messages_ready, I), proplists:get_value(messages_unacknowledged, I)}
    end
  end,
  Answer = fun(VHost) ->
    lists:foreach(fun(Q) ->
      {resource, _, queue, Name} = amqqueue:get_name(Q),
      try Count(Q) of
        {Ready, Unacked} -> io:format("~ts\t~b\t~b~n", [Name, Ready, Unacked])
      catch
        C:E -> io:format("~ts\t!~0p~n", [Name, {C, E}])
      end
    end, rabbit_amqqueue:list(VHost)),
    io:format(".~n")
  end,
  Loop = fun Loop() ->
    case io:get_line("") of
      Line when is_binary(Line) -> Answer(string:trim(Line)), Loop();
      _ -> ok
    end
  end,
  Loop().`;

class QueueProbe {
  private child: ChildProcessWithoutNullStreams | undefined;
  private buffered = "";
  private waiting: Array<{ resolve: (lines: string[]) => void; reject: (err: Error) => void }> = [];
  private queue: Promise<unknown> = Promise.resolve();

  ask(vhost: string): Promise<string[]> {
    const answer = this.queue.then(() => this.send(vhost));
    this.queue = answer.catch(() => undefined);
    return answer;
  }

  private send(vhost: string): Promise<string[]> {
    const child = this.start();
    child.ref();
    return new Promise<string[]>((resolve, reject) => {
      this.waiting.push({ resolve, reject });
      child.stdin.write(`${vhost}\n`);
    }).finally(() => child.unref());
  }

  private start(): ChildProcessWithoutNullStreams {
    if (this.child) return this.child;
    const child = spawn("rabbitmqctl", ["-q", "eval", PROBE]);
    this.child = child;
    child.stdout.setEncoding("utf8");
    child.stdout.on("data", (chunk: string) => {
      this.buffered += chunk;
      let end: number;
      while ((end = this.buffered.indexOf("\n.\n")) >= 0 || this.buffered.startsWith(".\n")) {
        const cut = this.buffered.startsWith(".\n") ? 0 : end;
        const lines = cut === 0 ? [] : this.buffered.slice(0, cut).split("\n");
        this.buffered = this.buffered.slice(cut === 0 ? 2 : end + 3);
        this.waiting.shift()?.resolve(lines);
      }
    });
    let stderr = "";
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    child.on("exit", (code) => {
      this.child = undefined;
      this.buffered = "";
      for (const w of this.waiting.splice(0)) w.reject(new Error(`rabbitmqctl eval (queue counts) exited with ${code}: ${stderr.trim()}`));
    });
    child.unref();
    for (const stream of [child.stdin, child.stdout, child.stderr] as unknown as Array<{ unref?: () => void }>) stream.unref?.();
    return child;
  }
}

const probe = new QueueProbe();

/** Every queue of the vhost with its ready and unacknowledged messages, as the queues count them this moment. */
export async function allQueueCounts(vhost: string): Promise<Map<string, QueueCounts>> {
  const counts = new Map<string, QueueCounts>();
  for (const line of await probe.ask(vhost)) {
    const [name, ready, unacked] = line.split("\t");
    if (ready.startsWith("!")) throw new Error(`cannot count the messages of ${name} in ${vhost}: ${ready.slice(1)}`);
    counts.set(name, { ready: Number(ready), unacked: Number(unacked), total: Number(ready) + Number(unacked) });
  }
  return counts;
}

/** One queue's counts (see `allQueueCounts`); fails when the vhost has no such queue. */
export async function queueCounts(vhost: string, queue: string): Promise<QueueCounts> {
  const counts = (await allQueueCounts(vhost)).get(queue);
  if (!counts) throw new Error(`no queue ${queue} in vhost ${vhost}`);
  return counts;
}

/**
 * Close the client connections to the vhost, as an operator (or a broker restart) would; with `named`, only those
 * whose connection_name contains it (the hub names its connections "orderhub <broker>").
 */
export function closeConnections(vhost: string, reason = "test: closed by operator", named?: string): number {
  const rows = rabbitmqctl("list_connections", "pid", "vhost", "client_properties").trim().split("\n");
  let closed = 0;
  for (const row of rows) {
    const [pid, vh, props] = row.split("\t");
    if (vh === vhost && pid && (!named || (props ?? "").includes(named))) {
      rabbitmqctl("close_connection", pid, reason);
      closed++;
    }
  }
  return closed;
}
