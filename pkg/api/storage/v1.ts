/** storage.k8s.io/v1 StorageClass. */
import type { KubeObject } from '../meta';
import type { ReclaimPolicy } from '../core/v1';

export const VolumeBindingMode = { Immediate: 'Immediate', WaitForFirstConsumer: 'WaitForFirstConsumer' } as const;
export type VolumeBindingMode = (typeof VolumeBindingMode)[keyof typeof VolumeBindingMode];

/** The provisioner name of classes that only bind pre-created volumes (Kubernetes' NotSupportedProvisioner). */
export const NoProvisioner = 'kubernetes.io/no-provisioner';

/** A topology label and the values it may take (Kubernetes' TopologySelectorLabelRequirement). */
export interface TopologySelectorLabelRequirement {
  key: string;
  values: string[];
}

/** Requirements ANDed together; terms of a list are ORed. */
export interface TopologySelectorTerm {
  matchLabelExpressions?: TopologySelectorLabelRequirement[];
}

export interface StorageClass extends KubeObject {
  provisioner: string;
  parameters?: Record<string, string>;
  reclaimPolicy?: ReclaimPolicy;
  allowVolumeExpansion?: boolean;
  mountOptions?: string[];
  volumeBindingMode?: VolumeBindingMode;
  /** Where volumes of the class may be provisioned; empty or absent: anywhere. */
  allowedTopologies?: TopologySelectorTerm[];
}
