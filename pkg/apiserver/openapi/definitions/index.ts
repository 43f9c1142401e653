/** Every named schema this server publishes, keyed by component name. */
import type { Components } from '../schema';
import { appsSchemas } from './apps';
import { autoscalingSchemas } from './autoscaling';
import { coordinationSchemas } from './coordination';
import { coreMiscSchemas } from './core_misc';
import { containerSchemas, podSchemas, podSpecSchemas } from './core_pod';
import { affinitySchemas, podMiscSchemas } from './core_pod_scheduling';
import { envSourceSchemas, projectionSchemas } from './core_pod_sources';
import { persistentVolumeSchemas, volumeSourceSchemas } from './core_volumes';
import { metaSchemas } from './meta';
import { rbacSchemas } from './rbac';
import { storageSchemas } from './storage';

/** All component schemas (apimachinery, core/v1, storage.k8s.io/v1, coordination.k8s.io/v1, rbac.authorization.k8s.io/v1, apps/v1, autoscaling/v1). */
export const allSchemas: Readonly<Components> = {
  ...metaSchemas,
  ...volumeSourceSchemas,
  ...persistentVolumeSchemas,
  ...envSourceSchemas,
  ...projectionSchemas,
  ...affinitySchemas,
  ...podMiscSchemas,
  ...containerSchemas,
  ...podSpecSchemas,
  ...podSchemas,
  ...coreMiscSchemas,
  ...storageSchemas,
  ...coordinationSchemas,
  ...rbacSchemas,
  ...appsSchemas,
  ...autoscalingSchemas,
};
