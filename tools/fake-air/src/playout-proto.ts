import { fileURLToPath } from "node:url";
import * as grpc from "@grpc/grpc-js";
import * as protoLoader from "@grpc/proto-loader";

/**
 * Absolute path of the AIR contract. This file sits directly in src/ (tests) or dist/ (built),
 * both three levels below the repository root.
 */
export const PLAYOUT_PROTO_PATH = fileURLToPath(new URL("../../../proto/retrovue/playout/playout.proto", import.meta.url));

/**
 * proto-loader settings shared by the server and test clients: snake_case field names as on
 * the wire, int64 as decimal strings, enums as names, zero values filled in. The
 * `google/protobuf/descriptor.proto` import resolves from protobufjs' bundled copy.
 */
export const PLAYOUT_LOADER_OPTIONS: protoLoader.Options = {
  keepCase: true,
  longs: String,
  enums: String,
  defaults: true,
  oneofs: true,
};

let cached: grpc.ServiceClientConstructor | undefined;

/**
 * The `retrovue.playout.PlayoutControl` service loaded at run time from {@link PLAYOUT_PROTO_PATH}.
 * `.service` is the server definition; `new (ctor)(address, credentials)` is a grpc-js client.
 * Throws if the proto file cannot be read or parsed.
 */
export function loadPlayoutService(): grpc.ServiceClientConstructor {
  if (cached !== undefined) return cached;
  const definition = protoLoader.loadSync(PLAYOUT_PROTO_PATH, PLAYOUT_LOADER_OPTIONS);
  const root = grpc.loadPackageDefinition(definition) as unknown as {
    retrovue: { playout: { PlayoutControl: grpc.ServiceClientConstructor } };
  };
  cached = root.retrovue.playout.PlayoutControl;
  return cached;
}
