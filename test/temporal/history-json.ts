/**
 * Workflow histories to and from Temporal's JSON form (proto3 JSON: what the Web UI downloads and
 * `temporal workflow show --output json` prints).
 *
 * Why not the SDK's `historyToJSON` / `historyFromJSON`: they fail with "type must be a Type" when npm gives
 * `@temporalio/common` and `@temporalio/proto` separate copies of protobufjs 8 (it does here: the root
 * holds protobufjs 7 for `@grpc/proto-loader`), because the JSON codec of one copy does not recognise the
 * other's message types. The codec of the copy `@temporalio/proto` itself loads has no such mismatch.
 */
import proto from '@temporalio/proto';
import { createRequire } from 'node:module';

type History = proto.temporal.api.history.v1.IHistory;
interface ProtoJson {
  toJson(type: unknown, message: unknown): unknown;
  fromJson(type: unknown, json: unknown, options: { ignoreUnknownFields: boolean }): unknown;
}

const require = createRequire(import.meta.url);
const requireFromProto = createRequire(require.resolve('@temporalio/proto'));
const protoJson = requireFromProto('protobufjs/ext/protojson') as ProtoJson;
const patch = require('@temporalio/proto/lib/patch-protobuf-root') as {
  patchProtobufRoot(root: unknown): { lookupType(name: string): unknown };
};
const historyType = patch.patchProtobufRoot(proto).lookupType('temporal.api.history.v1.History');

/** A fetched history (`handle.fetchHistory()`) as a JSON value. */
export function historyToJson(history: History): unknown {
  return protoJson.toJson(historyType, proto.temporal.api.history.v1.History.fromObject(history));
}

/** A JSON history as the message `Worker.runReplayHistory` replays (fields of newer servers ignored). */
export function historyFromJson(json: unknown): History {
  return protoJson.fromJson(historyType, json, { ignoreUnknownFields: true }) as History;
}
