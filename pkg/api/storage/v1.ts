/** storage.k8s.io/v1 StorageClass. */
import type { KubeObject } from '../meta';
import type { ReclaimPolicy } from '../core/v1';

export const VolumeBindingMode = { Immediate: 'Immediate', WaitForFirstConsumer: 'WaitForFirstConsumer' } as const;
export type VolumeBindingMode = (typeof VolumeBindingMode)[keyof typeof VolumeBindingMode];

export interface StorageClass extends KubeObject {
  provisioner: string;
  parameters?: Record<string, string>;
  reclaimPolicy?: ReclaimPolicy;
  allowVolumeExpansion?: boolean;
  mountOptions?: string[];
  volumeBindingMode?: VolumeBindingMode;
}
