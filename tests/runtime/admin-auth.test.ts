import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type HubProcess, startHubProcess } from "./support/hub-process";

const PASSWORD = "s3cret-for-tests";

function requestToken(url: string, username: string, password: string): Promise<Response> {
  return fetch(`${url}/admin/auth/token`, {
    method: "POST",
    headers: { "Content-Type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ client_id: "node-red-admin", grant_type: "password", scope: "*", username, password }),
  });
}

describe("the hub with ORDERHUB_ADMIN_PASSWORD set", () => {
  let hub: HubProcess;
  beforeAll(async () => {
    hub = await startHubProcess({ env: { ORDERHUB_ADMIN_PASSWORD: PASSWORD } });
  });
  afterAll(async () => {
    await hub?.stop();
  });

  it("refuses the admin API without a token", async () => {
    expect((await fetch(`${hub.url}/admin/flows`)).status).toBe(401);
  });

  it("grants a token to admin with the password, and the token opens the admin API", async () => {
    const res = await requestToken(hub.url, "admin", PASSWORD);
    expect(res.status).toBe(200);
    const { access_token: token } = (await res.json()) as { access_token: string };
    expect(token).toMatch(/.{20,}/);
    const flows = await fetch(`${hub.url}/admin/flows`, { headers: { Authorization: `Bearer ${token}` } });
    expect(flows.status).toBe(200);
  });

  it("refuses a wrong password and any other user", async () => {
    expect((await requestToken(hub.url, "admin", `${PASSWORD}x`)).status).toBe(403);
    expect((await requestToken(hub.url, "root", PASSWORD)).status).toBe(403);
  });

  it("still serves the editor page itself, which then asks for the login", async () => {
    const res = await fetch(`${hub.url}/admin/`);
    expect(res.status).toBe(200);
  });
});
