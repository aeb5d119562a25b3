import { describe, expect, it } from "vitest";
import {
  defaultHdHomeRunIdentity,
  deviceUdnFor,
  renderDeviceXml,
  renderDiscover,
  renderHdHomeRunLineup,
} from "../../src/guide/index.js";
import { dtdErrors, parseXml } from "./helpers.js";
import { sampleLineup } from "./lineup-fixture.js";

const BASE = "http://10.0.0.2:8000";
const device = { deviceId: "12345674", tunerCount: 3, baseUrl: BASE, identity: defaultHdHomeRunIdentity };

describe("HDHomeRun renderers", () => {
  it("discover.json carries identity, the stored device id, request-based URLs and the tuner budget", () => {
    const discover = renderDiscover(device);
    expect(discover).toMatchObject({
      FriendlyName: "RetroVue",
      Manufacturer: "Silicondust",
      ModelNumber: "HDTC-2US",
      FirmwareName: "hdhomeruntc_atsc",
      FirmwareVersion: "20200101",
      DeviceID: "12345674",
      BaseURL: BASE,
      LineupURL: `${BASE}/lineup.json`,
      TunerCount: 3,
    });
    expect(discover.DeviceAuth).toMatch(/^[A-Za-z0-9_-]{24}$/);
    expect(renderDiscover(device).DeviceAuth).toBe(discover.DeviceAuth);
  });

  it("lineup.json has GuideNumber (string), GuideName and URL per channel", () => {
    const { channels } = sampleLineup();
    const lineup = renderHdHomeRunLineup(channels, BASE);
    expect(lineup).toEqual(
      channels.map((c) => ({ GuideNumber: String(c.number), GuideName: c.name, URL: `${BASE}/channels/${c.number}/stream.ts` })),
    );
    // A hostile name survives a JSON round trip unchanged.
    expect(JSON.parse(JSON.stringify(lineup))[1].GuideName).toBe(channels[1]!.name);
  });

  it("device.xml is a valid UPnP root device description", () => {
    const xml = renderDeviceXml({ ...device, identity: { ...defaultHdHomeRunIdentity, friendlyName: "Tom & Jerry's <TV>" } });
    expect(dtdErrors(xml, "upnp-device-subset.dtd")).toEqual([]);
    const root = (parseXml(xml) as { root: Record<string, unknown> }).root;
    expect(root["@_xmlns"]).toBe("urn:schemas-upnp-org:device-1-0");
    const d = root.device as Record<string, { "#text": string }>;
    expect(d.deviceType?.["#text"]).toBe("urn:schemas-upnp-org:device:MediaServer:1");
    expect(d.friendlyName?.["#text"]).toBe("Tom & Jerry's <TV>");
    expect(d.UDN?.["#text"]).toBe(deviceUdnFor("12345674"));
    expect((root.URLBase as { "#text": string })["#text"]).toBe(BASE);
  });

  it("derives a well-formed, stable UDN from the device id", () => {
    const udn = deviceUdnFor("12345674");
    expect(udn).toMatch(/^uuid:12345674-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(deviceUdnFor("12345674")).toBe(udn);
    expect(deviceUdnFor("1000000F")).not.toBe(udn);
  });
});
