/**
 * Playlists, guide and tuner emulation: the M3U playlist, the XMLTV guide and the HDHomeRun
 * endpoints that players (VLC, Kodi, TiviMate) and media servers (Plex, Jellyfin, Emby) use.
 *
 * ```ts
 * const routes = createGuideRoutes({ lineup: () => current, clock, tunerCount: 4,
 *   deviceId: loadOrCreateDeviceId(dataDir) });
 * for (const r of routes) router.add(r.method, r.path, r.handle);
 * ```
 */
export type { GuideRoute, GuideRoutesDeps } from "./guide-routes.js";
export { createGuideRoutes } from "./guide-routes.js";
export type { GuideRoutesOptions, GuideRoutesOptionsInput } from "./guide-routes-options.js";
export { GuideConfigError, resolveGuideRoutesOptions } from "./guide-routes-options.js";
export type { GuideChannel, GuideLineup } from "./guide-lineup.js";
export { GUIDE_ID_DOMAIN, channelStreamUrl, guideChannelId, resolveLogoUrl, tunerGuideNumber } from "./guide-lineup.js";
export type { BaseUrlErrorCode, BaseUrlOptions } from "./base-url.js";
export { BaseUrlError, baseUrlFromRequest, normaliseHostHeader } from "./base-url.js";
export type { GuideWindow, GuideWindowOptions, GuideWindowProblem, GuideWindowResult } from "./guide-window.js";
export { defaultGuideWindowOptions, parseGuideWindow } from "./guide-window.js";
export type { XmltvInput } from "./xmltv.js";
export { renderXmltv } from "./xmltv.js";
export { formatXmltvTime } from "./xmltv-time.js";
export type { M3uInput } from "./m3u.js";
export { renderM3u } from "./m3u.js";
export type { HdHomeRunDevice, HdHomeRunDiscover, HdHomeRunIdentity, HdHomeRunLineupEntry } from "./hdhomerun.js";
export {
  defaultHdHomeRunIdentity,
  deviceAuthFor,
  deviceUdnFor,
  hdHomeRunLineupStatus,
  renderDeviceXml,
  renderDiscover,
  renderHdHomeRunLineup,
} from "./hdhomerun.js";
export type { DeviceIdStoreErrorCode } from "./device-id-store.js";
export {
  DEVICE_ID_FILE,
  DeviceIdStoreError,
  generateHdHomeRunDeviceId,
  isValidHdHomeRunDeviceId,
  loadOrCreateDeviceId,
} from "./device-id-store.js";
export type { CachedBody, RenderCache, RenderCacheOptions, RenderCacheStats } from "./render-cache.js";
export { createRenderCache } from "./render-cache.js";
export { escapeXmlAttr, escapeXmlText, stripInvalidXmlChars } from "./xml-escape.js";
export type { LogoSource } from "./channel-logo.js";
export { LOGO_CONTENT_TYPES, classifyLogo, logoUrlPath, publishedLogo } from "./channel-logo.js";
export type { HdhrFrame, HdhrTlv } from "./hdhomerun-packet.js";
export { HDHR_TAG, crc32, decodeHdhrFrame, encodeHdhrFrame } from "./hdhomerun-packet.js";
export type { DiscoveryAnnouncement, DiscoveryResponder, DiscoveryResponderOptions } from "./hdhomerun-discovery.js";
export { HDHOMERUN_DISCOVERY_PORT, discoveryReply, startDiscoveryResponder } from "./hdhomerun-discovery.js";
export type { XmltvComposeInput, XmltvTiles, XmltvTileStats, XmltvTilesOptions } from "./xmltv-tiles.js";
export { createXmltvTiles } from "./xmltv-tiles.js";
