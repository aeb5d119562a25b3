import type { ServerResponse } from "node:http";
import type { HubViewerSink } from "@retrovue/core-runtime";

/**
 * A {@link HubViewerSink} over an HTTP response that counts the bytes handed to it
 * (`onBytes`, e.g. `retrovue_stream_bytes_out_total`). Everything else goes straight to
 * the response, so the hub's bound on queued bytes still sees the real socket.
 */
export function countingSink(res: ServerResponse, onBytes: (bytes: number) => void): HubViewerSink {
  return {
    write(chunk) {
      onBytes(chunk.byteLength);
      return res.write(chunk);
    },
    get writableLength() {
      return res.writableLength;
    },
    get destroyed() {
      return res.destroyed;
    },
    get writableEnded() {
      return res.writableEnded;
    },
    end() {
      res.end();
    },
    destroy(error) {
      res.destroy(error);
    },
    on(event: "close" | "drain" | "error", listener: ((error: Error) => void) & (() => void)) {
      res.on(event, listener);
      return this;
    },
    off(event: "close" | "drain" | "error", listener: ((error: Error) => void) & (() => void)) {
      res.off(event, listener);
      return this;
    },
  } as HubViewerSink;
}
