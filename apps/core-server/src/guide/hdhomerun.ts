import { createHash } from "node:crypto";
import { channelStreamUrl, tunerGuideNumber, type GuideChannel } from "./guide-lineup.js";
import { escapeXmlText } from "./xml-escape.js";

/**
 * How the emulated HDHomeRun presents itself. Media servers key capabilities off the model
 * and firmware names, so the defaults are those of a real network tuner model (HDTC-2US)
 * that streams MPEG-TS over HTTP; the friendly name is ours.
 */
export interface HdHomeRunIdentity {
  /** Default "RetroVue". */
  readonly friendlyName: string;
  /** Default "Silicondust" (what HDHomeRun clients expect). */
  readonly manufacturer: string;
  /** Default "HDTC-2US". */
  readonly modelNumber: string;
  /** Default "hdhomeruntc_atsc". */
  readonly firmwareName: string;
  /** Default "20200101". */
  readonly firmwareVersion: string;
}

/** Defaults of {@link HdHomeRunIdentity}. */
export const defaultHdHomeRunIdentity: HdHomeRunIdentity = {
  friendlyName: "RetroVue",
  manufacturer: "Silicondust",
  modelNumber: "HDTC-2US",
  firmwareName: "hdhomeruntc_atsc",
  firmwareVersion: "20200101",
};

/** Body of /discover.json. */
export interface HdHomeRunDiscover {
  readonly FriendlyName: string;
  readonly Manufacturer: string;
  readonly ModelNumber: string;
  readonly FirmwareName: string;
  readonly FirmwareVersion: string;
  readonly DeviceID: string;
  readonly DeviceAuth: string;
  readonly BaseURL: string;
  readonly LineupURL: string;
  readonly TunerCount: number;
}

/** One entry of /lineup.json. */
export interface HdHomeRunLineupEntry {
  readonly GuideNumber: string;
  readonly GuideName: string;
  readonly URL: string;
}

/** Body of /lineup_status.json: never scanning, one "Cable" source. */
export const hdHomeRunLineupStatus = {
  ScanInProgress: 0,
  ScanPossible: 1,
  Source: "Cable",
  SourceList: ["Cable"],
} as const;

/** A stable 24-character DeviceAuth derived from the device id (no secret meaning here). */
export function deviceAuthFor(deviceId: string): string {
  return createHash("sha256").update(`retrovue-hdhomerun-auth:${deviceId}`).digest("base64url").slice(0, 24);
}

/** The UPnP UDN: a UUID whose first group is the device id, the rest a name-based hash (version 5 bits). */
export function deviceUdnFor(deviceId: string): string {
  const hash = createHash("sha1").update(`retrovue-hdhomerun-udn:${deviceId}`).digest("hex");
  const variant = ((Number.parseInt(hash.charAt(16), 16) & 0x3) | 0x8).toString(16);
  return `uuid:${deviceId.toLowerCase()}-${hash.slice(8, 12)}-5${hash.slice(13, 16)}-${variant}${hash.slice(17, 20)}-${hash.slice(20, 32)}`;
}

/** Inputs of the HDHomeRun device renderers. */
export interface HdHomeRunDevice {
  readonly deviceId: string;
  readonly tunerCount: number;
  readonly baseUrl: string;
  readonly identity: HdHomeRunIdentity;
}

/** The /discover.json object (BaseURL and LineupURL from the request's base URL). */
export function renderDiscover(device: HdHomeRunDevice): HdHomeRunDiscover {
  const { identity } = device;
  return {
    FriendlyName: identity.friendlyName,
    Manufacturer: identity.manufacturer,
    ModelNumber: identity.modelNumber,
    FirmwareName: identity.firmwareName,
    FirmwareVersion: identity.firmwareVersion,
    DeviceID: device.deviceId,
    DeviceAuth: deviceAuthFor(device.deviceId),
    BaseURL: device.baseUrl,
    LineupURL: `${device.baseUrl}/lineup.json`,
    TunerCount: device.tunerCount,
  };
}

/** The /lineup.json array: one entry per channel, in lineup order. */
export function renderHdHomeRunLineup(channels: readonly GuideChannel[], baseUrl: string): HdHomeRunLineupEntry[] {
  return channels.map((channel) => ({
    GuideNumber: tunerGuideNumber(channel),
    GuideName: channel.name,
    URL: channelStreamUrl(baseUrl, channel.number),
  }));
}

/** The /device.xml UPnP root device description (urn:schemas-upnp-org:device-1-0). */
export function renderDeviceXml(device: HdHomeRunDevice): string {
  const { identity } = device;
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    '<root xmlns="urn:schemas-upnp-org:device-1-0">',
    "  <specVersion>",
    "    <major>1</major>",
    "    <minor>0</minor>",
    "  </specVersion>",
    `  <URLBase>${escapeXmlText(device.baseUrl)}</URLBase>`,
    "  <device>",
    "    <deviceType>urn:schemas-upnp-org:device:MediaServer:1</deviceType>",
    `    <friendlyName>${escapeXmlText(identity.friendlyName)}</friendlyName>`,
    `    <manufacturer>${escapeXmlText(identity.manufacturer)}</manufacturer>`,
    `    <modelName>${escapeXmlText(identity.modelNumber)}</modelName>`,
    `    <modelNumber>${escapeXmlText(identity.modelNumber)}</modelNumber>`,
    `    <serialNumber>${escapeXmlText(device.deviceId)}</serialNumber>`,
    `    <UDN>${deviceUdnFor(device.deviceId)}</UDN>`,
    "  </device>",
    "</root>",
    "",
  ].join("\n");
}
