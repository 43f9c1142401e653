/**
 * apps/v1 StatefulSet and ControllerRevision, and autoscaling/v1 Scale (the scale subresource),
 * as the Kubernetes API defines them. Only the fields this project reads or writes are typed.
 */
import type { PersistentVolumeClaim, PodSpec } from '../core/v1';
import type { KubeObject, LabelSelector, ObjectMeta } from '../meta';

/** A pod template: the metadata and spec every pod made from it starts with. */
export interface PodTemplateSpec {
  metadata?: ObjectMeta;
  spec: PodSpec;
}

/** How a StatefulSet creates and deletes its pods. */
export const PodManagementPolicy = { OrderedReady: 'OrderedReady', Parallel: 'Parallel' } as const;
export type PodManagementPolicy = (typeof PodManagementPolicy)[keyof typeof PodManagementPolicy];

/** How a StatefulSet replaces pods whose template changed. */
export const StatefulSetUpdateStrategyType = { RollingUpdate: 'RollingUpdate', OnDelete: 'OnDelete' } as const;
export type StatefulSetUpdateStrategyType =
  (typeof StatefulSetUpdateStrategyType)[keyof typeof StatefulSetUpdateStrategyType];

/** What happens to a set's claims when the set is deleted or scaled down. */
export const PersistentVolumeClaimRetentionPolicyType = { Retain: 'Retain', Delete: 'Delete' } as const;
export type PersistentVolumeClaimRetentionPolicyType =
  (typeof PersistentVolumeClaimRetentionPolicyType)[keyof typeof PersistentVolumeClaimRetentionPolicyType];

export interface StatefulSetUpdateStrategy {
  type?: StatefulSetUpdateStrategyType;
  rollingUpdate?: { partition?: number; maxUnavailable?: number | string };
}

export interface StatefulSetPersistentVolumeClaimRetentionPolicy {
  whenDeleted?: PersistentVolumeClaimRetentionPolicyType;
  whenScaled?: PersistentVolumeClaimRetentionPolicyType;
}

export interface StatefulSetSpec {
  replicas?: number;
  selector: LabelSelector;
  template: PodTemplateSpec;
  /** Claims every pod gets, one per template, named `<template>-<set>-<ordinal>`. */
  volumeClaimTemplates?: PersistentVolumeClaim[];
  /** Accepted and stored; Services are out of scope here (no networking). */
  serviceName?: string;
  podManagementPolicy?: PodManagementPolicy;
  updateStrategy?: StatefulSetUpdateStrategy;
  revisionHistoryLimit?: number;
  minReadySeconds?: number;
  persistentVolumeClaimRetentionPolicy?: StatefulSetPersistentVolumeClaimRetentionPolicy;
  ordinals?: { start?: number };
}

export interface StatefulSetCondition {
  type: string;
  status: 'True' | 'False' | 'Unknown';
  lastTransitionTime?: string;
  reason?: string;
  message?: string;
}

export interface StatefulSetStatus {
  observedGeneration?: number;
  replicas: number;
  readyReplicas?: number;
  currentReplicas?: number;
  updatedReplicas?: number;
  availableReplicas?: number;
  currentRevision?: string;
  updateRevision?: string;
  collisionCount?: number;
  conditions?: StatefulSetCondition[];
}

export interface StatefulSet extends KubeObject {
  spec: StatefulSetSpec;
  status?: StatefulSetStatus;
}

/** An immutable snapshot of a controller's template at one revision (apps/v1 ControllerRevision). */
export interface ControllerRevision extends KubeObject {
  /** The patch that reproduces the owner's template (for a StatefulSet: `{spec: {template}}`). */
  data?: unknown;
  revision: number;
}

/** The label a StatefulSet puts on each pod: the revision it was made from. */
export const ControllerRevisionHashLabel = 'controller-revision-hash';
/** The label a StatefulSet puts on each pod: the pod's own name. */
export const StatefulSetPodNameLabel = 'statefulset.kubernetes.io/pod-name';
/** The label a StatefulSet puts on each pod: its ordinal. */
export const PodIndexLabel = 'apps.kubernetes.io/pod-index';

/** autoscaling/v1 Scale: the scale subresource of a StatefulSet. */
export interface Scale extends KubeObject {
  spec: { replicas?: number };
  status?: { replicas: number; selector?: string };
}
