import Hls from "hls.js";

/** A playback in a `<video>`: stop it before starting another. */
export interface Playback {
  stop(): void;
}

/**
 * Plays an HLS URL in `video`: natively where the browser plays HLS itself (Safari, iOS,
 * smart TVs), else through hls.js over Media Source Extensions. The server holds the
 * first playlist request until the channel's first segment is cut (a cold channel takes
 * the preload lead, ~7 s, plus a segment), so the manifest timeout is generous.
 * `onError` gets fatal errors only (hls.js recovers the rest itself).
 */
export function playHls(video: HTMLVideoElement, url: string, onError: (message: string) => void): Playback {
  const start = (): void => {
    video.play().catch((error: unknown) => {
      // Autoplay with sound refused without a gesture: play muted, the user can unmute.
      if (error instanceof DOMException && error.name === "NotAllowedError") {
        video.muted = true;
        void video.play().catch(() => undefined);
      }
    });
  };
  if (!Hls.isSupported() && video.canPlayType("application/vnd.apple.mpegurl") !== "") {
    video.src = url;
    video.addEventListener("loadedmetadata", start, { once: true });
    return {
      stop() {
        video.removeAttribute("src");
        video.load();
      },
    };
  }
  if (!Hls.isSupported()) {
    onError("This browser can play neither HLS nor Media Source Extensions.");
    return { stop() {} };
  }
  const hls = new Hls({
    lowLatencyMode: false,
    liveSyncDurationCount: 2,
    manifestLoadPolicy: {
      default: {
        maxTimeToFirstByteMs: 40_000,
        maxLoadTimeMs: 40_000,
        timeoutRetry: { maxNumRetry: 2, retryDelayMs: 0, maxRetryDelayMs: 0 },
        errorRetry: { maxNumRetry: 6, retryDelayMs: 1000, maxRetryDelayMs: 4000 },
      },
    },
  });
  hls.on(Hls.Events.ERROR, (_event, data) => {
    if (data.fatal) onError(`Playback failed (${data.type}: ${data.details}).`);
  });
  hls.on(Hls.Events.MANIFEST_PARSED, start);
  hls.loadSource(url);
  hls.attachMedia(video);
  return {
    stop() {
      hls.destroy();
      video.removeAttribute("src");
      video.load();
    },
  };
}
