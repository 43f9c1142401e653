/** IPC messages between the watch benchmark (parent, the writer) and its receiver process. */

/** Parent → receiver: open the watches. */
export interface StartMessage {
  type: 'start';
  /** apiserver URL. */
  url: string;
  /** Collection path to watch (without query). */
  path: string;
  /** The list resourceVersion to watch from. */
  resourceVersion: string;
  watchers: number;
  etcdEndpoint: string;
  /** etcd key prefix of the same collection (the raw etcd watcher). */
  etcdKeyPrefix: string;
}

/** Parent → receiver: every object written, with the wall-clock time its create response arrived. */
export interface ExpectMessage {
  type: 'expect';
  created: [name: string, createdAtMs: number][];
  /** How long to wait for stragglers before counting them lost. */
  waitMs: number;
}

/** Receiver → parent: every watch is open (HTTP 200 received; etcd watcher established). */
export interface ReadyMessage {
  type: 'ready';
}

/** Latency summary in milliseconds. */
export interface LatencySummary {
  count: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
}

/** Receiver → parent: the outcome. */
export interface ResultMessage {
  type: 'result';
  watchers: number;
  /** Watchers that received every object. */
  complete: number;
  /** Sum over watchers of expected objects never received. */
  lost: number;
  /** Sum over watchers of objects received more than once. */
  duplicated: number;
  /** Events for objects that were not written by the parent. */
  unexpected: number;
  /** Watches that ended early and were resumed from their last resourceVersion. */
  reconnects: number;
  /** Time from the first create response to the last delivery to the last watcher. */
  lastDeliveryAfterMs: number;
  api: LatencySummary;
  /** Per delivery: arrival at the apiserver watcher − arrival at the raw etcd watcher. */
  addedOverEtcd: LatencySummary;
  etcd: LatencySummary & { lost: number; duplicated: number };
}

/** Receiver → parent: failure. */
export interface ErrorMessage {
  type: 'error';
  message: string;
}

export type ToReceiver = StartMessage | ExpectMessage;
export type FromReceiver = ReadyMessage | ResultMessage | ErrorMessage;
