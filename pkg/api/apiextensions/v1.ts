/** apiextensions.k8s.io/v1 types: CustomResourceDefinition and its structural schema subset. */
import type { KubeObject } from '../meta';
import type { ResourceInfo } from '../resources';

/** The API group of CustomResourceDefinitions. */
export const apiextensionsGroup = 'apiextensions.k8s.io';

/** The finalizer that holds a deleted CRD until its objects are gone. */
export const customResourceCleanupFinalizer = 'customresourcecleanup.apiextensions.k8s.io';

/** The CRD resource (cluster-scoped, short name `crd`, status subresource). */
export const customResourceDefinitions: ResourceInfo = {
  group: apiextensionsGroup,
  version: 'v1',
  kind: 'CustomResourceDefinition',
  listKind: 'CustomResourceDefinitionList',
  resource: 'customresourcedefinitions',
  singular: 'customresourcedefinition',
  namespaced: false,
  shortNames: ['crd', 'crds'],
  subresources: ['status'],
  verbs: ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'],
  categories: ['api-extensions'],
};

/** A JSON schema (the OpenAPI v3 subset structural schemas use), keyed as clients write it. */
export interface JSONSchemaProps {
  description?: string;
  type?: string;
  format?: string;
  title?: string;
  default?: unknown;
  nullable?: boolean;
  enum?: unknown[];
  pattern?: string;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: boolean;
  exclusiveMaximum?: boolean;
  minLength?: number;
  maxLength?: number;
  minItems?: number;
  maxItems?: number;
  minProperties?: number;
  maxProperties?: number;
  uniqueItems?: boolean;
  multipleOf?: number;
  required?: string[];
  properties?: Record<string, JSONSchemaProps>;
  additionalProperties?: JSONSchemaProps | boolean;
  items?: JSONSchemaProps;
  allOf?: JSONSchemaProps[];
  oneOf?: JSONSchemaProps[];
  anyOf?: JSONSchemaProps[];
  not?: JSONSchemaProps;
  'x-kubernetes-preserve-unknown-fields'?: boolean;
  'x-kubernetes-int-or-string'?: boolean;
  'x-kubernetes-embedded-resource'?: boolean;
  'x-kubernetes-list-type'?: string;
  'x-kubernetes-list-map-keys'?: string[];
  'x-kubernetes-map-type'?: string;
  'x-kubernetes-validations'?: unknown[];
}

/** The names of a custom resource. */
export interface CustomResourceDefinitionNames {
  plural: string;
  singular?: string;
  kind: string;
  listKind?: string;
  shortNames?: string[];
  categories?: string[];
}

/** One printer column of `kubectl get`. */
export interface CustomResourceColumnDefinition {
  name: string;
  type: string;
  format?: string;
  description?: string;
  priority?: number;
  jsonPath: string;
}

/** The scale subresource's paths. */
export interface CustomResourceSubresourceScale {
  specReplicasPath: string;
  statusReplicasPath: string;
  labelSelectorPath?: string;
}

/** Subresources of a version. */
export interface CustomResourceSubresources {
  status?: Record<string, never>;
  scale?: CustomResourceSubresourceScale;
}

/** One served version. */
export interface CustomResourceDefinitionVersion {
  name: string;
  served: boolean;
  storage: boolean;
  deprecated?: boolean;
  deprecationWarning?: string;
  schema?: { openAPIV3Schema?: JSONSchemaProps };
  subresources?: CustomResourceSubresources;
  additionalPrinterColumns?: CustomResourceColumnDefinition[];
}

/** Scopes of a custom resource. */
export const ResourceScope = { Cluster: 'Cluster', Namespaced: 'Namespaced' } as const;
/** A CRD's scope. */
export type ResourceScope = (typeof ResourceScope)[keyof typeof ResourceScope];

/** The CRD's spec. */
export interface CustomResourceDefinitionSpec {
  group: string;
  names: CustomResourceDefinitionNames;
  scope: ResourceScope;
  versions: CustomResourceDefinitionVersion[];
  conversion?: { strategy: string };
  preserveUnknownFields?: boolean;
}

/** Condition types of a CRD. */
export const CrdConditionType = {
  Established: 'Established',
  NamesAccepted: 'NamesAccepted',
  Terminating: 'Terminating',
} as const;
/** A CRD condition type. */
export type CrdConditionType = (typeof CrdConditionType)[keyof typeof CrdConditionType];

/** Reasons of CRD conditions, as kube-apiserver spells them. */
export const CrdConditionReason = {
  NoConflicts: 'NoConflicts',
  NotAccepted: 'NotAccepted',
  InitialNamesAccepted: 'InitialNamesAccepted',
  Installing: 'Installing',
  InstanceDeletionPending: 'InstanceDeletionPending',
  InstanceDeletionInProgress: 'InstanceDeletionInProgress',
  InstanceDeletionFailed: 'InstanceDeletionFailed',
} as const;
/** A CRD condition reason. */
export type CrdConditionReason = (typeof CrdConditionReason)[keyof typeof CrdConditionReason];

/** One condition of a CRD. */
export interface CustomResourceDefinitionCondition {
  type: CrdConditionType;
  status: 'True' | 'False' | 'Unknown';
  lastTransitionTime?: string;
  reason?: string;
  message?: string;
}

/** The CRD's status, written by the apiserver. */
export interface CustomResourceDefinitionStatus {
  conditions?: CustomResourceDefinitionCondition[];
  acceptedNames?: CustomResourceDefinitionNames;
  storedVersions?: string[];
}

/** A CustomResourceDefinition. */
export interface CustomResourceDefinition extends KubeObject {
  spec: CustomResourceDefinitionSpec;
  status?: CustomResourceDefinitionStatus;
}

/** The condition of type `t`, if present. */
export function crdCondition(
  crd: CustomResourceDefinition,
  t: CrdConditionType,
): CustomResourceDefinitionCondition | undefined {
  return crd.status?.conditions?.find((c) => c.type === t);
}

/** True when condition `t` is True. */
export function isCrdConditionTrue(crd: CustomResourceDefinition, t: CrdConditionType): boolean {
  return crdCondition(crd, t)?.status === 'True';
}
