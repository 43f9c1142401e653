/** autoscaling/v1 Scale: what a scale subresource (statefulsets/scale) reads and writes. */
import {
  int32,
  kind,
  metaName,
  objectHeader,
  ref,
  str,
  struct,
  type Components,
  type GroupVersionKind,
} from '../schema';

/** The component name of an autoscaling/v1 schema. */
export const autoscalingName = (n: string): string => `io.k8s.api.autoscaling.v1.${n}`;

/** The group/version/kind of Scale. */
export const scaleGvk: GroupVersionKind = { group: 'autoscaling', version: 'v1', kind: 'Scale' };

const conventions = 'https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md';

/** Scale, ScaleSpec and ScaleStatus. */
export const autoscalingSchemas: Components = {
  [autoscalingName('ScaleSpec')]: struct('ScaleSpec describes the attributes of a scale subresource.', {
    replicas: int32('replicas is the desired number of instances for the scaled object.'),
  }),
  [autoscalingName('ScaleStatus')]: struct(
    'ScaleStatus represents the current status of a scale subresource.',
    {
      replicas: int32('replicas is the actual number of observed instances of the scaled object.'),
      selector: str(
        'selector is the label query over pods that should match the replicas count. This is same as the label selector but in the string format to avoid introspection by clients. The string will be in the same format as the query-param syntax. More info about label selectors: https://kubernetes.io/docs/concepts/overview/working-with-objects/labels',
      ),
    },
    { required: ['replicas'] },
  ),
  [autoscalingName('Scale')]: kind(scaleGvk, 'Scale represents a scaling request for a resource.', {
    ...objectHeader(),
    metadata: ref(metaName('ObjectMeta'), `Standard object metadata; More info: ${conventions}#metadata.`),
    spec: ref(
      autoscalingName('ScaleSpec'),
      `spec defines the behavior of the scale. More info: ${conventions}#spec-and-status.`,
    ),
    status: ref(
      autoscalingName('ScaleStatus'),
      `status is the current status of the scale. More info: ${conventions}#spec-and-status. Read-only.`,
    ),
  }),
};
