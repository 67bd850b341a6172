// Workflow histories as JSON files: Temporal's standard export format (the Web UI's download,
// `temporal workflow show --output json`) and a JSON.stringify'd SDK `History` object, both to and
// from the SDK's `History`.
//
// Why not `historyFromJSON` / `historyToJSON` from `@temporalio/common/lib/proto-utils`: they pair the
// ProtoJSON codec of the protobufjs copy nested under @temporalio/common with the message types of the
// copy nested under @temporalio/proto; with this lockfile those are two copies and both functions
// throw "type must be a Type". We do the same conversion with the one copy @temporalio/proto uses
// (same event-type and enum fix-ups, unknown fields tolerated).
import { createRequire } from 'node:module';
import proto from '@temporalio/proto';
import { patchProtobufRoot } from '@temporalio/proto/lib/patch-protobuf-root';

export type History = proto.temporal.api.history.v1.IHistory;
const HistoryMessage = proto.temporal.api.history.v1.History;

interface ProtoJson {
  fromJson(type: unknown, json: unknown, options?: { ignoreUnknownFields?: boolean }): unknown;
  toJson(type: unknown, message: unknown): unknown;
}
const requireFromProto = createRequire(createRequire(import.meta.url).resolve('@temporalio/proto/package.json'));
const protojson = requireFromProto('protobufjs/ext/protojson') as ProtoJson;
const historyType = (
  patchProtobufRoot(proto as unknown as Record<string, unknown>) as unknown as {
    lookupType(name: string): unknown;
  }
).lookupType('temporal.api.history.v1.History');

/** A file that is not a workflow history: the message says what is wrong with it. */
export class NotAHistoryError extends Error {}

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const constantCase = (s: string) => s.replace(/[^\b][A-Z]/g, (m) => `${m[0]}_${m[1]}`).toUpperCase();
const fixEnum = (obj: Json | undefined, attr: string, prefix: string) =>
  obj && typeof obj[attr] === 'string' && !obj[attr].startsWith(prefix)
    ? { [attr]: `${prefix}_${constantCase(obj[attr])}` }
    : {};

/** Older exports spell enums in PascalCase (`WorkflowExecutionStarted`): make them ProtoJSON. */
function fixEvent(e: Json, i: number): Json {
  if (!e || typeof e !== 'object') throw new NotAHistoryError(`event ${i + 1} is not an object`);
  const key = Object.keys(e).find((k) => k.endsWith('EventAttributes'));
  if (!key) throw new NotAHistoryError(`event ${i + 1} has no …EventAttributes`);
  const a = (e[key] ?? {}) as Json;
  return {
    ...e,
    ...fixEnum(e, 'eventType', 'EVENT_TYPE'),
    [key]: {
      ...a,
      ...(a.taskQueue && { taskQueue: { ...a.taskQueue, ...fixEnum(a.taskQueue, 'kind', 'TASK_QUEUE_KIND') } }),
      ...fixEnum(a, 'parentClosePolicy', 'PARENT_CLOSE_POLICY'),
      ...fixEnum(a, 'workflowIdReusePolicy', 'WORKFLOW_ID_REUSE_POLICY'),
      ...fixEnum(a, 'initiator', 'CONTINUE_AS_NEW_INITIATOR'),
      ...fixEnum(a, 'retryState', 'RETRY_STATE'),
    },
  };
}

/** JSON.stringify turns Buffers into {type: 'Buffer', data: [...]} and Uint8Arrays into {"0": n, ...}. */
function reviveBytes(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(reviveBytes);
  if (!v || typeof v !== 'object') return v;
  const o = v as Json;
  if (o.type === 'Buffer' && Array.isArray(o.data)) return Uint8Array.from(o.data as number[]);
  const keys = Object.keys(o);
  if (keys.length > 0 && keys.every((k, i) => k === String(i)) && keys.every((k) => typeof o[k] === 'number'))
    return Uint8Array.from(keys.map((k) => o[k] as number));
  return Object.fromEntries(keys.map((k) => [k, reviveBytes(o[k])]));
}

/**
 * protobufjs names the field and the problem, then quotes the value (`….Payload.data: expected base64
 * string: {"dateOfBirth": …}`): the value may be a decoded payload, that is the claimant's record, so it
 * is left out of the message.
 */
function withoutValue(message: string): string {
  const m = /^(\S+: [^:]+): [\s\S]*$/.exec(message);
  const reason = m ? m[1] : message;
  return reason.length > 300 ? `${reason.slice(0, 300)}…` : reason;
}

/**
 * A history from parsed JSON: `{events: [...]}` (or a bare array of events) in ProtoJSON, as exported by
 * the Web UI and the Temporal CLI, or an SDK `History` object that went through JSON.stringify.
 * Throws NotAHistoryError saying what is wrong.
 */
export function historyFromJson(value: unknown): History {
  const events = Array.isArray(value)
    ? value
    : value && typeof value === 'object' && Array.isArray((value as Json).events)
      ? ((value as Json).events as unknown[])
      : null;
  if (!events) throw new NotAHistoryError('not a workflow history (expected an object with an array of "events")');
  if (events.length === 0) throw new NotAHistoryError('the history has no events');
  const first = events[0] as Json;
  let history: History;
  try {
    // ProtoJSON writes 64-bit ids and timestamps as strings; a stringified SDK object has objects there.
    const protoJson =
      first &&
      typeof first === 'object' &&
      typeof first.eventId === 'string' &&
      (first.eventTime == null || typeof first.eventTime === 'string');
    if (protoJson) {
      history = protojson.fromJson(
        historyType,
        { events: events.map((e, i) => fixEvent(e as Json, i)) },
        {
          ignoreUnknownFields: true,
        },
      ) as History;
    } else {
      history = HistoryMessage.fromObject(reviveBytes({ events }) as Json);
    }
  } catch (e) {
    if (e instanceof NotAHistoryError) throw e;
    throw new NotAHistoryError(`not a workflow history (${withoutValue((e as Error).message)})`);
  }
  const start = history.events?.[0];
  if (!history.events?.length || !start?.workflowExecutionStartedEventAttributes)
    throw new NotAHistoryError('not a workflow history (the first event is not WorkflowExecutionStarted)');
  return history;
}

/** The history in Temporal's standard JSON export format (what the Web UI downloads), one event a line:
 *  a third smaller than indented JSON, and a diff shows which events changed. */
export function historyToJson(history: History): string {
  const json = protojson.toJson(historyType, HistoryMessage.fromObject(history as Json)) as { events?: unknown[] };
  return `{"events": [\n${(json.events ?? []).map((e) => JSON.stringify(e)).join(',\n')}\n]}`;
}
