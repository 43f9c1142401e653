/**
 * The scale subresource of a custom resource: its CRD's specReplicasPath, statusReplicasPath
 * and labelSelectorPath map the object to an autoscaling/v1 Scale and back (a write sets only
 * the spec replicas path, through the store's normal update and the schema's validation).
 */
import type { CustomResourceSubresourceScale } from '../../api/apiextensions/v1';
import type { KubeObject } from '../../api/meta';
import { jsonClone } from '../../util/json/clone';
import { scaleApiVersion, scaleKind, type ScaleView } from '../subresources/scale';
import { parseJsonPath, setAtPath, valueAtPath } from './jsonpath';

/** The ScaleView of a CRD version's scale subresource. */
export function customResourceScale(paths: CustomResourceSubresourceScale): ScaleView {
  const spec = parseJsonPath(paths.specReplicasPath) ?? ['spec', 'replicas'];
  const status = parseJsonPath(paths.statusReplicasPath) ?? ['status', 'replicas'];
  const selector = paths.labelSelectorPath ? parseJsonPath(paths.labelSelectorPath) : undefined;
  const int = (v: unknown) => (typeof v === 'number' && Number.isInteger(v) ? v : 0);
  return {
    scaleOf: (obj) => {
      const m = obj.metadata;
      const sel = selector ? valueAtPath(obj, selector) : undefined;
      return {
        apiVersion: scaleApiVersion,
        kind: scaleKind,
        metadata: {
          name: m.name,
          ...(m.namespace ? { namespace: m.namespace } : {}),
          ...(m.uid ? { uid: m.uid } : {}),
          ...(m.resourceVersion ? { resourceVersion: m.resourceVersion } : {}),
          ...(m.creationTimestamp ? { creationTimestamp: m.creationTimestamp } : {}),
        },
        spec: { replicas: int(valueAtPath(obj, spec)) },
        status: { replicas: int(valueAtPath(obj, status)), selector: typeof sel === 'string' ? sel : '' },
      };
    },
    withReplicas: (cur, scale) => {
      const next = jsonClone(cur) as KubeObject & Record<string, unknown>;
      const { resourceVersion: _current, ...meta } = next.metadata;
      const rv = scale.metadata?.resourceVersion;
      next.metadata = { ...meta, ...(rv ? { resourceVersion: rv } : {}) };
      setAtPath(next, spec, scale.spec?.replicas ?? 0);
      return next;
    },
  };
}
