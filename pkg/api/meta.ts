/**
 * meta.k8s.io/v1 object metadata, list metadata and Status, as the Kubernetes API defines them.
 * Only the fields this project reads or writes are typed; unknown fields survive round-trips
 * because objects are stored as the JSON the client sent (after defaulting).
 */

/** Labels, annotations and other string maps. */
export type StringMap = Record<string, string>;

/**
 * A reference to the object that owns another: when every owner is gone, the garbage collector
 * deletes the dependent. A namespaced owner is in the dependent's namespace; a cluster-scoped
 * dependent can only have cluster-scoped owners.
 */
export interface OwnerReference {
  apiVersion: string;
  kind: string;
  name: string;
  uid: string;
  controller?: boolean;
  /** While true, an owner deleted in the foreground waits for this dependent to be gone. */
  blockOwnerDeletion?: boolean;
}

/**
 * The garbage collector's finalizers (metav1.FinalizerOrphanDependents and
 * FinalizerDeleteDependents): the apiserver adds one when an owner is deleted with propagation
 * Orphan or Foreground, and the garbage collector removes it once the dependents are orphaned
 * or gone.
 */
export const GCFinalizer = {
  /** Orphan: the owner's references are removed from its dependents before it goes. */
  OrphanDependents: 'orphan',
  /** Foreground: the owner's blocking dependents are deleted before it goes. */
  DeleteDependents: 'foregroundDeletion',
} as const;
export type GCFinalizer = (typeof GCFinalizer)[keyof typeof GCFinalizer];

/** DeleteOptions.propagationPolicy values (metav1.DeletionPropagation). */
export const DeletionPropagation = {
  Orphan: 'Orphan',
  Background: 'Background',
  Foreground: 'Foreground',
} as const;
export type DeletionPropagation = (typeof DeletionPropagation)[keyof typeof DeletionPropagation];

/** One entry of server-side apply's field ownership. */
export interface ManagedFieldsEntry {
  manager?: string;
  operation?: 'Apply' | 'Update';
  apiVersion?: string;
  time?: string;
  fieldsType?: 'FieldsV1';
  fieldsV1?: unknown;
  subresource?: string;
}

/** Standard object metadata. Server-owned fields are overwritten by the apiserver. */
export interface ObjectMeta {
  name?: string;
  generateName?: string;
  namespace?: string;
  uid?: string;
  resourceVersion?: string;
  generation?: number;
  creationTimestamp?: string;
  deletionTimestamp?: string;
  deletionGracePeriodSeconds?: number;
  labels?: StringMap;
  annotations?: StringMap;
  finalizers?: string[];
  ownerReferences?: OwnerReference[];
  managedFields?: ManagedFieldsEntry[];
}

/** apiVersion + kind, present on every object on the wire. */
export interface TypeMeta {
  apiVersion?: string;
  kind?: string;
}

/** Every stored API object. */
export interface KubeObject extends TypeMeta {
  metadata: ObjectMeta;
}

/** Metadata of a list: the store revision it was read at and the next page's token. */
export interface ListMeta {
  resourceVersion?: string;
  continue?: string;
  remainingItemCount?: number;
}

/** A list of objects of one kind. */
export interface ObjectList<T> extends TypeMeta {
  metadata: ListMeta;
  items: T[];
}

/** Status reasons used by this project (a subset of metav1.StatusReason). */
export const StatusReason = {
  NotFound: 'NotFound',
  AlreadyExists: 'AlreadyExists',
  Conflict: 'Conflict',
  Invalid: 'Invalid',
  BadRequest: 'BadRequest',
  MethodNotAllowed: 'MethodNotAllowed',
  UnsupportedMediaType: 'UnsupportedMediaType',
  NotAcceptable: 'NotAcceptable',
  RequestEntityTooLarge: 'RequestEntityTooLarge',
  Gone: 'Gone',
  Expired: 'Expired',
  Timeout: 'Timeout',
  ServiceUnavailable: 'ServiceUnavailable',
  InternalError: 'InternalError',
  Forbidden: 'Forbidden',
  Unauthorized: 'Unauthorized',
  Unknown: '',
} as const;
export type StatusReason = (typeof StatusReason)[keyof typeof StatusReason];

/** One field-level cause of a failure (details.causes[]). */
export interface StatusCause {
  reason?: string;
  message?: string;
  field?: string;
}

/** Extra information about a failure. */
export interface StatusDetails {
  name?: string;
  group?: string;
  kind?: string;
  uid?: string;
  causes?: StatusCause[];
  retryAfterSeconds?: number;
}

/** The metav1.Status object every error is rendered as. */
export interface Status {
  apiVersion: 'v1';
  kind: 'Status';
  metadata: ListMeta;
  status: 'Success' | 'Failure';
  message?: string;
  reason?: StatusReason;
  details?: StatusDetails;
  code: number;
}

/** Label selector in its structured form (PV selectors, etc.). */
export interface LabelSelectorRequirement {
  key: string;
  operator: 'In' | 'NotIn' | 'Exists' | 'DoesNotExist';
  values?: string[];
}

/** A structured label selector: every requirement must hold. */
export interface LabelSelector {
  matchLabels?: StringMap;
  matchExpressions?: LabelSelectorRequirement[];
}

/** Delete options sent as a DELETE body or query parameters. */
export interface DeleteOptions extends TypeMeta {
  gracePeriodSeconds?: number;
  preconditions?: { uid?: string; resourceVersion?: string };
  propagationPolicy?: DeletionPropagation;
  /** Deprecated in Kubernetes (propagationPolicy Orphan); `false` also asks for a 202 when the object is only marked. */
  orphanDependents?: boolean;
  dryRun?: string[];
}

/** Watch event types on the wire. */
export const WatchEventType = {
  Added: 'ADDED',
  Modified: 'MODIFIED',
  Deleted: 'DELETED',
  Bookmark: 'BOOKMARK',
  Error: 'ERROR',
} as const;
export type WatchEventType = (typeof WatchEventType)[keyof typeof WatchEventType];

/** One watch event as it is streamed: a JSON object per line. */
export interface WatchEvent<T = KubeObject> {
  type: WatchEventType;
  object: T;
}
