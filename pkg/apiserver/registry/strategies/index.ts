/** Every resource's strategy, in discovery order. */
import type { KubeObject } from '../../../api/meta';
import type { Strategy } from '../strategy';
import { controllerRevisionStrategy } from './controllerrevisions';
import { eventStrategy } from './events';
import { leaseStrategy } from './leases';
import { namespaceStrategy } from './namespaces';
import { nodeStrategy } from './nodes';
import { persistentVolumeClaimStrategy } from './persistentvolumeclaims';
import { persistentVolumeStrategy } from './persistentvolumes';
import { podStrategy } from './pods';
import { clusterRoleBindingStrategy, clusterRoleStrategy, roleBindingStrategy, roleStrategy } from './rbac';
import { statefulSetStrategy } from './statefulsets';
import { storageClassStrategy } from './storageclasses';

export const allStrategies: readonly Strategy<KubeObject>[] = [
  namespaceStrategy,
  nodeStrategy,
  podStrategy,
  persistentVolumeStrategy,
  persistentVolumeClaimStrategy,
  eventStrategy,
  storageClassStrategy,
  leaseStrategy,
  statefulSetStrategy,
  controllerRevisionStrategy,
  clusterRoleBindingStrategy,
  clusterRoleStrategy,
  roleBindingStrategy,
  roleStrategy,
] as unknown as Strategy<KubeObject>[];
