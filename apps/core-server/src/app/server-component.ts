import type { Route } from "../http/route.js";
import type { ReadinessCheck } from "./readiness.js";

/**
 * A part of the server with a lifecycle: the engine host, and in phase 2 the session
 * governor, the ProgramDirector and their routes. Components start in order before the
 * server listens, and close in reverse order at shutdown.
 */
export interface ServerComponent {
  /** Short name for logs and readiness (`engine`, `sessions`, ...). */
  readonly name: string;
  /** Routes the component serves; mounted when the server is created. */
  readonly routes?: readonly Route[];
  /** Must pass for `/readyz` to answer 200. */
  readonly readiness?: ReadinessCheck;
  /** Starts the component. A rejection aborts the server's start (started components are closed). */
  start?(): Promise<void>;
  /**
   * First step of shutdown, before any component closes: stop admitting new work
   * (viewers, sessions). Must not block.
   */
  beginShutdown?(): void;
  /**
   * Releases everything (processes, sockets, timers, files). Called once, even if `start`
   * failed or never ran; should finish within the server's shutdown bound, which cuts it off.
   */
  close(): Promise<void>;
}
