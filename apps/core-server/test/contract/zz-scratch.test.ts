import { afterEach, beforeEach, expect, it } from "vitest";
import { startFakeAirProcess } from "./support/fake-air-process.js";
import { startContractServer } from "./support/contract-server.js";
import { assertNothingLeaks, countHandles, recordBaseline } from "./support/leak-check.js";

beforeEach(() => { recordBaseline(); console.log("baseline", countHandles(), process.getActiveResourcesInfo()); });
afterEach(async () => { await assertNothingLeaks(); console.log("after", countHandles(), process.getActiveResourcesInfo()); });

it("smoke", async () => {
  const air = await startFakeAirProcess({ minPrefeedLeadMs: 1000 });
  const s = await startContractServer({ air: { mode: "connect", address: air.address } });
  const r = await s.http("/readyz");
  console.log(r.status, r.text, countHandles(), process.getActiveResourcesInfo());
  console.log((await air.calls()).map((c) => c.method));
  expect(r.status).toBe(200);
});
