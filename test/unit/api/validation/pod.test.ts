import { expect } from 'chai';
import type { NodeSelectorTerm, Pod } from '../../../../pkg/api/core/v1';
import {
  onlyPVCVolumesMessage,
  podUpdateForbiddenMessage,
  validatePod,
  validatePodStatus,
  validatePodUpdate,
} from '../../../../pkg/api/validation';
import { type Row, runRows, summary, validPod } from './fixtures';

/** The first container of a fixture pod (present by construction). */
function c0(pod: Pod) {
  const c = pod.spec.containers[0];
  if (!c) throw new Error('fixture pod has no container');
  return c;
}

/** A pod affinity whose required node selector has these terms. */
function requiredAffinity(...nodeSelectorTerms: NodeSelectorTerm[]): Pod['spec']['affinity'] {
  return { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms } } };
}

describe('validatePod', () => {
  const rows: Row<Pod>[] = [
    {
      name: 'name is a DNS subdomain',
      mutate: (p) => (p.metadata.name = 'Test_Pod'),
      want: ['metadata.name FieldValueInvalid'],
    },
    {
      name: 'containers required',
      mutate: (p) => (p.spec.containers = []),
      want: ['spec.containers FieldValueRequired'],
    },
    {
      name: 'container name required',
      mutate: (p) => (c0(p).name = ''),
      want: ['spec.containers[0].name FieldValueRequired'],
    },
    {
      name: 'container name is a DNS label',
      mutate: (p) => (c0(p).name = 'web.server'),
      want: ['spec.containers[0].name FieldValueInvalid'],
    },
    {
      name: 'required node affinity needs at least one term',
      mutate: (p) => (p.spec.affinity = requiredAffinity()),
      want: [
        'spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms FieldValueRequired',
      ],
      message: 'Required value: must have at least one node selector term',
    },
    {
      name: 'node affinity operators are known',
      mutate: (p) =>
        (p.spec.affinity = requiredAffinity({ matchExpressions: [{ key: 'zone', operator: 'Near' as never }] })),
      want: [
        'spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[0].matchExpressions[0].operator FieldValueInvalid',
      ],
    },
    {
      name: 'Gt/Lt take one integer',
      mutate: (p) =>
        (p.spec.affinity = requiredAffinity({
          matchExpressions: [{ key: 'cpus', operator: 'Gt', values: ['many'] }],
        })),
      want: [
        'spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[0].matchExpressions[0].values FieldValueRequired',
      ],
    },
    {
      name: 'node affinity keys are label keys (`__proto__` is none)',
      mutate: (p) =>
        (p.spec.affinity = requiredAffinity({
          matchExpressions: [{ key: '__proto__', operator: 'In', values: ['x'] }],
        })),
      want: [
        'spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[0].matchExpressions[0].key FieldValueInvalid',
      ],
    },
    {
      name: 'matchFields know only metadata.name, with one value',
      mutate: (p) =>
        (p.spec.affinity = requiredAffinity({
          matchFields: [{ key: 'spec.unschedulable', operator: 'In', values: ['a', 'b'] }],
        })),
      want: [
        'spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[0].matchFields[0].values FieldValueRequired',
        'spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[0].matchFields[0].key FieldValueNotSupported',
      ],
    },
    {
      name: 'container names unique',
      mutate: (p) => p.spec.containers.push({ name: 'test-container', image: 'busybox' }),
      want: ['spec.containers[1].name FieldValueDuplicate'],
      message: 'Duplicate value: "test-container"',
    },
    {
      name: 'image required',
      mutate: (p) => (c0(p).image = ''),
      want: ['spec.containers[0].image FieldValueRequired'],
      message: 'Required value',
    },
    {
      name: 'image without surrounding whitespace',
      mutate: (p) => (c0(p).image = ' busybox'),
      want: ['spec.containers[0].image FieldValueInvalid'],
    },
    {
      name: 'imagePullPolicy known',
      mutate: (p) => (c0(p).imagePullPolicy = 'Sometimes' as never),
      want: ['spec.containers[0].imagePullPolicy FieldValueNotSupported'],
    },
    {
      name: 'stdin, stdinOnce and tty are booleans',
      mutate: (p) => Object.assign(c0(p), { stdin: 'false', stdinOnce: 1, tty: {} }),
      want: [
        'spec.containers[0].stdin FieldValueInvalid',
        'spec.containers[0].stdinOnce FieldValueInvalid',
        'spec.containers[0].tty FieldValueInvalid',
      ],
    },
    {
      name: 'stdin, stdinOnce and tty as booleans are valid',
      mutate: (p) => Object.assign(c0(p), { stdin: true, stdinOnce: false, tty: true }),
      want: [],
    },
    {
      name: 'env name required',
      mutate: (p) => (c0(p).env = [{ name: '' }]),
      want: ['spec.containers[0].env[0].name FieldValueRequired'],
    },
    {
      name: 'env name valid',
      mutate: (p) => (c0(p).env = [{ name: 'OK' }, { name: '1BAD' }]),
      want: ['spec.containers[0].env[1].name FieldValueInvalid'],
    },
    {
      name: 'container port in range',
      mutate: (p) => (c0(p).ports = [{ containerPort: 70000 }]),
      want: ['spec.containers[0].ports[0].containerPort FieldValueInvalid'],
    },
    {
      name: 'container port protocol',
      mutate: (p) => (c0(p).ports = [{ containerPort: 80, protocol: 'HTTP' }]),
      want: ['spec.containers[0].ports[0].protocol FieldValueNotSupported'],
    },
    {
      name: 'container resources parse',
      mutate: (p) => (c0(p).resources = { limits: { memory: '1 Gi' } }),
      want: ['spec.containers[0].resources.limits[memory] FieldValueInvalid'],
    },
    {
      name: 'volumeMount names a declared volume',
      mutate: (p) => (c0(p).volumeMounts = [{ name: 'x', mountPath: '/data' }]),
      want: ['spec.containers[0].volumeMounts[0].name FieldValueNotFound'],
      message: 'Not found: "x"',
    },
    {
      name: 'volumeMount name required',
      mutate: (p) => (c0(p).volumeMounts = [{ name: '', mountPath: '/data' }]),
      want: ['spec.containers[0].volumeMounts[0].name FieldValueRequired'],
    },
    {
      name: 'mountPath required',
      mutate: (p) => (c0(p).volumeMounts = [{ name: 'data-volume', mountPath: '' }]),
      want: ['spec.containers[0].volumeMounts[0].mountPath FieldValueRequired'],
    },
    {
      name: 'mountPath absolute',
      mutate: (p) => (c0(p).volumeMounts = [{ name: 'data-volume', mountPath: 'data' }]),
      want: ['spec.containers[0].volumeMounts[0].mountPath FieldValueInvalid'],
    },
    {
      name: 'mountPath unique within a container',
      mutate: (p) =>
        (c0(p).volumeMounts = [
          { name: 'data-volume', mountPath: '/data' },
          { name: 'data-volume', mountPath: '/data' },
        ]),
      want: ['spec.containers[0].volumeMounts[1].mountPath FieldValueInvalid'],
      message: 'Invalid value: "/data": must be unique',
    },
    {
      name: 'the same mountPath in two containers is fine',
      mutate: (p) =>
        p.spec.containers.push({
          name: 'b',
          image: 'busybox',
          volumeMounts: [{ name: 'data-volume', mountPath: '/data' }],
        }),
      want: [],
    },
    {
      name: 'subPath relative',
      mutate: (p) => (c0(p).volumeMounts = [{ name: 'data-volume', mountPath: '/d', subPath: '/abs' }]),
      want: ['spec.containers[0].volumeMounts[0].subPath FieldValueInvalid'],
    },
    {
      name: "subPath without '..'",
      mutate: (p) => (c0(p).volumeMounts = [{ name: 'data-volume', mountPath: '/d', subPath: 'a/../..' }]),
      want: ['spec.containers[0].volumeMounts[0].subPath FieldValueInvalid'],
    },
    {
      name: 'emptyDir volumes are not supported',
      mutate: (p) => (p.spec.volumes = [{ name: 'data-volume', emptyDir: {} }]),
      want: ['spec.volumes[0].emptyDir FieldValueForbidden'],
      message: `Forbidden: ${onlyPVCVolumesMessage}`,
    },
    {
      name: 'hostPath volumes are not supported',
      mutate: (p) => (p.spec.volumes = [{ name: 'data-volume', hostPath: { path: '/' } }]),
      want: ['spec.volumes[0].hostPath FieldValueForbidden'],
    },
    {
      name: 'configMap beside a PVC is not supported',
      mutate: (p) =>
        (p.spec.volumes = [
          { name: 'data-volume', persistentVolumeClaim: { claimName: 'c' }, configMap: { name: 'x' } },
        ]),
      want: ['spec.volumes[0].configMap FieldValueForbidden'],
    },
    {
      name: 'a volume needs a source',
      mutate: (p) => (p.spec.volumes = [{ name: 'data-volume' }]),
      want: ['spec.volumes[0] FieldValueRequired'],
      message: 'Required value: must specify a volume type',
    },
    {
      name: 'claimName required',
      mutate: (p) => (p.spec.volumes = [{ name: 'data-volume', persistentVolumeClaim: { claimName: '' } }]),
      want: ['spec.volumes[0].persistentVolumeClaim.claimName FieldValueRequired'],
    },
    {
      name: 'volume name required',
      mutate: (p) => (
        (p.spec.volumes = [{ name: '', persistentVolumeClaim: { claimName: 'c' } }]), (c0(p).volumeMounts = [])
      ),
      want: ['spec.volumes[0].name FieldValueRequired'],
    },
    {
      name: 'volume name is a DNS label',
      mutate: (p) => (
        (p.spec.volumes = [{ name: 'Data', persistentVolumeClaim: { claimName: 'c' } }]), (c0(p).volumeMounts = [])
      ),
      want: ['spec.volumes[0].name FieldValueInvalid'],
    },
    {
      name: 'volume names unique',
      mutate: (p) => p.spec.volumes?.push({ name: 'data-volume', persistentVolumeClaim: { claimName: 'other' } }),
      want: ['spec.volumes[1].name FieldValueDuplicate'],
    },
    {
      name: 'restartPolicy known',
      mutate: (p) => (p.spec.restartPolicy = 'Sometimes' as never),
      want: ['spec.restartPolicy FieldValueNotSupported'],
      message: 'Unsupported value: "Sometimes": supported values: "Always", "OnFailure", "Never"',
    },
    { name: 'restartPolicy Never', mutate: (p) => (p.spec.restartPolicy = 'Never'), want: [] },
    {
      name: 'terminationGracePeriodSeconds ≥ 0',
      mutate: (p) => (p.spec.terminationGracePeriodSeconds = -1),
      want: ['spec.terminationGracePeriodSeconds FieldValueInvalid'],
    },
    { name: 'terminationGracePeriodSeconds 0', mutate: (p) => (p.spec.terminationGracePeriodSeconds = 0), want: [] },
    {
      name: 'activeDeadlineSeconds ≥ 1',
      mutate: (p) => (p.spec.activeDeadlineSeconds = 0),
      want: ['spec.activeDeadlineSeconds FieldValueInvalid'],
    },
    {
      name: 'dnsPolicy known',
      mutate: (p) => (p.spec.dnsPolicy = 'Google'),
      want: ['spec.dnsPolicy FieldValueNotSupported'],
    },
    {
      name: 'nodeName a DNS subdomain',
      mutate: (p) => (p.spec.nodeName = 'Node_1'),
      want: ['spec.nodeName FieldValueInvalid'],
    },
    {
      name: 'nodeSelector labels valid',
      mutate: (p) => (p.spec.nodeSelector = { 'a b': 'c' }),
      want: ['spec.nodeSelector FieldValueInvalid'],
    },
  ];
  runRows(validPod, validatePod, rows);

  it('a pod without volumes or mounts is valid', () => {
    const p = validPod();
    delete p.spec.volumes;
    delete c0(p).volumeMounts;
    expect(validatePod(p)).to.deep.equal([]);
  });
});

describe('validatePodUpdate', () => {
  const update = (p: Pod) => validatePodUpdate(p, validPod());
  const rows: Row<Pod>[] = [
    { name: 'labels may change', mutate: (p) => (p.metadata.labels = { a: 'b' }), want: [] },
    { name: 'container images may change', mutate: (p) => (c0(p).image = 'busybox:1.36'), want: [] },
    { name: 'activeDeadlineSeconds may change', mutate: (p) => (p.spec.activeDeadlineSeconds = 60), want: [] },
    {
      name: 'tolerations may change',
      mutate: (p) => (p.spec.tolerations = [{ key: 'k', operator: 'Exists' }]),
      want: [],
    },
    {
      name: 'images stay required',
      mutate: (p) => (c0(p).image = ''),
      want: ['spec.containers[0].image FieldValueRequired'],
    },
    {
      name: 'other container fields are immutable',
      mutate: (p) => (c0(p).command = ['sh']),
      want: ['spec FieldValueForbidden'],
      message: `Forbidden: ${podUpdateForbiddenMessage}`,
    },
    {
      name: 'volumes are immutable',
      mutate: (p) => p.spec.volumes?.push({ name: 'v2', persistentVolumeClaim: { claimName: 'c2' } }),
      want: ['spec FieldValueForbidden'],
    },
    {
      name: 'restartPolicy is immutable',
      mutate: (p) => (p.spec.restartPolicy = 'Never'),
      want: ['spec FieldValueForbidden'],
    },
    {
      name: 'containers may not be added',
      mutate: (p) => p.spec.containers.push({ name: 'b', image: 'busybox' }),
      want: ['spec.containers FieldValueForbidden'],
      message: 'Forbidden: pod updates may not add or remove containers',
    },
    {
      name: 'nodeName is set only by binding',
      mutate: (p) => (p.spec.nodeName = 'node-1'),
      want: ['spec.nodeName FieldValueForbidden'],
    },
  ];
  runRows(validPod, update, rows);

  it('a bound pod keeps its nodeName', () => {
    const old = validPod();
    old.spec.nodeName = 'node-1';
    const p = structuredClone(old);
    expect(validatePodUpdate(p, old)).to.deep.equal([]);
    delete p.spec.nodeName;
    expect(summary(validatePodUpdate(p, old))).to.deep.equal(['spec.nodeName FieldValueForbidden']);
  });
});

describe('validatePodStatus', () => {
  const rows: Row<Pod>[] = [
    { name: 'phase Running', mutate: (p) => (p.status = { phase: 'Running' }), want: [] },
    {
      name: 'unknown phase',
      mutate: (p) => (p.status = { phase: 'Sleeping' as never }),
      want: ['status.phase FieldValueNotSupported'],
    },
    {
      name: 'container status names its container',
      mutate: (p) =>
        (p.status = {
          phase: 'Running',
          containerStatuses: [{ name: '', ready: true, restartCount: 0, image: 'busybox' }],
        }),
      want: ['status.containerStatuses[0].name FieldValueRequired'],
    },
    {
      name: 'restartCount ≥ 0',
      mutate: (p) =>
        (p.status = {
          phase: 'Running',
          containerStatuses: [{ name: 'c', ready: true, restartCount: -1, image: 'busybox' }],
        }),
      want: ['status.containerStatuses[0].restartCount FieldValueInvalid'],
    },
  ];
  runRows(validPod, validatePodStatus, rows);
});
