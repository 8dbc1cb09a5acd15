import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";

/** A fresh vhost per test file on the machine's real RabbitMQ; removed by `drop()`. */
export interface TestVhost {
  name: string;
  url: string;
  drop(): void;
}

export function rabbitmqctl(...args: string[]): string {
  return execFileSync("rabbitmqctl", ["-q", ...args], { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
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
