/**
 * A Strategy configures the ONE generic registry Store for one resource, as kube-apiserver's
 * RESTCreateStrategy / RESTUpdateStrategy do: defaulting and server-owned fields, validation,
 * what a main-resource update may change versus a /status update, selectable fields.
 */
import type { KubeObject } from '../../api/meta';
import type { ResourceInfo } from '../../api/resources';
import type { FieldError } from '../../api/validation/field';
import type { TablePrinter } from '../tables/types';
import type { ScaleView } from '../subresources/scale';

/** Per-resource behaviour of the generic store. */
export interface Strategy<T extends KubeObject = KubeObject> {
  readonly info: ResourceInfo;
  /** True when the resource has a status the main resource may not change. */
  readonly hasStatus: boolean;
  /** Fields usable in fieldSelector besides metadata.name / metadata.namespace. */
  readonly selectableFields: readonly string[];
  /** Defaulting and resets before validation on create (e.g. status → initial phase). */
  prepareForCreate(obj: T): T;
  validate(obj: T): FieldError[];
  /** Defaulting on update of the main resource (status already restored from `old`). */
  prepareForUpdate(obj: T, old: T): T;
  validateUpdate(obj: T, old: T): FieldError[];
  /** Validation of a /status write (spec and metadata are restored from `old` first). */
  validateStatusUpdate(obj: T, old: T): FieldError[];
  /** Values of the selectable fields of one object. */
  fields(obj: T): Record<string, string | undefined>;
  /**
   * Grace period for a DELETE (seconds). 0 = remove now (unless finalizers hold it).
   * `requested` is the client's gracePeriodSeconds.
   */
  gracePeriod(obj: T, requested: number | undefined): number;
  /**
   * Other subresources a PUT may write besides status (namespaces/finalize): what the write
   * takes from the request body; everything else comes from the stored object.
   */
  readonly updateSubresources?: Readonly<Record<string, (desired: T, cur: T) => T>>;
  /** True while something besides metadata.finalizers holds a deleted object (namespaces: spec.finalizers). */
  deletionPending?(obj: T): boolean;
  /** What else changes when an object is marked for deletion (namespaces: phase Terminating). */
  prepareForDeletion?(obj: T): T;
  /** Finalizers a first delete adds (CRDs: customresourcecleanup.apiextensions.k8s.io). */
  finalizersOnDelete?(obj: T): readonly string[];
  /** Pruning and defaulting of a /status write (custom resources), before validateStatusUpdate. */
  prepareForStatusUpdate?(obj: T, old: T): T;
  /** The Table printer (custom resources: their additionalPrinterColumns); else the resource's own. */
  readonly printer?: TablePrinter;
  /** The scale subresource's mapping, when it is not a StatefulSet's (custom resources). */
  readonly scale?: ScaleView;
  /** Unknown fields of a write, for field validation (custom resources: what pruning drops). */
  unknownFields?(obj: T): string[];
  /** When set, the only patch media types accepted (custom resources: no strategic merge patch → 415). */
  readonly patchTypes?: readonly string[];
}

/** Fields of a strategy most resources share; spread and override. */
export const defaultStrategy = {
  hasStatus: true,
  selectableFields: [] as readonly string[],
  validateStatusUpdate: (): FieldError[] => [],
  fields: (): Record<string, string | undefined> => ({}),
  gracePeriod: (): number => 0,
};
