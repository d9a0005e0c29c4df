import * as proto from '@temporalio/proto';
import { patchProtobufRoot } from '@temporalio/proto/lib/patch-protobuf-root';

/**
 * History ⇄ canonical proto3 JSON, the format `temporal workflow show --output json`
 * writes. The SDK's own historyToJSON/historyFromJSON cannot be used here: the
 * installed @temporalio/common pairs protobufjs 8's JSON codec with the
 * protobufjs 7 types of @temporalio/proto, and the codec refuses them. So the
 * same types are rebuilt in the codec's own protobufjs first.
 */
type History = proto.temporal.api.history.v1.IHistory;

interface ReflectedType {
  fromObject(object: unknown): unknown;
  toObject(message: unknown, options: object): unknown;
}
interface Protobufjs {
  Root: { fromJSON(json: unknown): { lookupType(name: string): ReflectedType } };
}
interface Protojson {
  toJson(type: ReflectedType, message: unknown): unknown;
  fromJson(type: ReflectedType, json: unknown, options: object): unknown;
}

const commonDir = [require.resolve('@temporalio/common')];
const protobufjs = require(require.resolve('protobufjs', { paths: commonDir })) as Protobufjs;
const protojson = require(require.resolve('protobufjs/ext/protojson', { paths: commonDir })) as Protojson;
const typesRoot = patchProtobufRoot(proto) as unknown as { toJSON(): unknown };
const historyType = protobufjs.Root.fromJSON(typesRoot.toJSON()).lookupType('temporal.api.history.v1.History');

export function historyToJson(history: History): string {
  const plain = proto.temporal.api.history.v1.History.toObject(proto.temporal.api.history.v1.History.fromObject(history), { longs: String });
  return JSON.stringify(protojson.toJson(historyType, historyType.fromObject(plain)), null, 2);
}

export function historyFromJson(json: unknown): History {
  const message = protojson.fromJson(historyType, json, { ignoreUnknownFields: true });
  return proto.temporal.api.history.v1.History.fromObject(historyType.toObject(message, { longs: String }) as Record<string, unknown>);
}
