/**
 * The shared node selection helpers: a PV's node affinity, a pod's nodeSelector and required
 * node affinity, a class's allowedTopologies, each against one node; client-chosen label keys
 * that name Object.prototype properties are plain data.
 */
import { expect } from 'chai';
import type { Node, NodeSelectorRequirement, PodSpec, VolumeNodeAffinity } from '../../../pkg/api/core/v1';
import { nodeMatchesAffinity, podMatchesNode, topologyAllows } from '../../../pkg/api/node_affinity';
import type { TopologySelectorTerm } from '../../../pkg/api/storage/v1';

function node(name: string, labels: Record<string, string>): Node {
  return { apiVersion: 'v1', kind: 'Node', metadata: { name, labels } };
}

describe('nodeMatchesAffinity', () => {
  const n = node('n1', { zone: 'east', disks: '4' });
  const term = (...r: NodeSelectorRequirement[]): VolumeNodeAffinity => ({
    required: { nodeSelectorTerms: [{ matchExpressions: r }] },
  });
  const cases: [string, VolumeNodeAffinity | undefined, boolean][] = [
    ['no affinity', undefined, true],
    ['empty terms', { required: { nodeSelectorTerms: [] } }, true],
    ['In (match)', term({ key: 'zone', operator: 'In', values: ['east', 'x'] }), true],
    ['In (no match)', term({ key: 'zone', operator: 'In', values: ['west'] }), false],
    ['NotIn', term({ key: 'zone', operator: 'NotIn', values: ['west'] }), true],
    ['NotIn (match excluded)', term({ key: 'zone', operator: 'NotIn', values: ['east'] }), false],
    ['Exists', term({ key: 'disks', operator: 'Exists' }), true],
    ['DoesNotExist', term({ key: 'disks', operator: 'DoesNotExist' }), false],
    ['Gt', term({ key: 'disks', operator: 'Gt', values: ['3'] }), true],
    ['Lt', term({ key: 'disks', operator: 'Lt', values: ['3'] }), false],
    [
      'all requirements of a term must hold',
      term({ key: 'zone', operator: 'In', values: ['east'] }, { key: 'disks', operator: 'Gt', values: ['9'] }),
      false,
    ],
    [
      'any term may hold',
      {
        required: {
          nodeSelectorTerms: [
            { matchExpressions: [{ key: 'zone', operator: 'In', values: ['west'] }] },
            { matchFields: [{ key: 'metadata.name', operator: 'In', values: ['n1'] }] },
          ],
        },
      },
      true,
    ],
    // A term with no requirements selects no node (Kubernetes' nodeaffinity.NodeSelector).
    ['an empty term matches no node', { required: { nodeSelectorTerms: [{}] } }, false],
    [
      'a term with empty requirement lists matches no node',
      { required: { nodeSelectorTerms: [{ matchExpressions: [], matchFields: [] }] } },
      false,
    ],
    [
      'an empty term beside a holding one: the other decides',
      {
        required: {
          nodeSelectorTerms: [{}, { matchExpressions: [{ key: 'zone', operator: 'In', values: ['east'] }] }],
        },
      },
      true,
    ],
    // Gt/Lt compare base-10 integers only; anything else (on either side) does not match.
    ['Gt with a non-integer value', term({ key: 'disks', operator: 'Gt', values: ['x'] }), false],
    ['Lt with a non-integer value', term({ key: 'disks', operator: 'Lt', values: ['1e9'] }), false],
    ['Lt with a hex value', term({ key: 'disks', operator: 'Lt', values: ['0x10'] }), false],
    ['Gt on a non-integer label', term({ key: 'zone', operator: 'Gt', values: ['-1'] }), false],
    ['Gt with no value', term({ key: 'disks', operator: 'Gt', values: [] }), false],
    // Keys the node does not have as own labels are absent, whatever Object.prototype holds.
    ['Exists on "constructor" (not a label of the node)', term({ key: 'constructor', operator: 'Exists' }), false],
    ['DoesNotExist on "constructor"', term({ key: 'constructor', operator: 'DoesNotExist' }), true],
    ['DoesNotExist on "__proto__"', term({ key: '__proto__', operator: 'DoesNotExist' }), true],
    ['NotIn on "toString"', term({ key: 'toString', operator: 'NotIn', values: ['x'] }), true],
    ['Exists on "hasOwnProperty"', term({ key: 'hasOwnProperty', operator: 'Exists' }), false],
  ];
  for (const [name, affinity, want] of cases) it(name, () => expect(nodeMatchesAffinity(n, affinity)).to.equal(want));
  it('an empty label value is no integer for Gt/Lt', () => {
    const e = node('n3', { disks: '' });
    expect(nodeMatchesAffinity(e, term({ key: 'disks', operator: 'Gt', values: ['-1'] }))).to.equal(false);
    expect(nodeMatchesAffinity(e, term({ key: 'disks', operator: 'Lt', values: ['1'] }))).to.equal(false);
  });
  it('a node label named "constructor" is matched as data', () => {
    const c = node('n2', { constructor: 'yes' });
    expect(nodeMatchesAffinity(c, term({ key: 'constructor', operator: 'In', values: ['yes'] }))).to.equal(true);
    expect(nodeMatchesAffinity(c, term({ key: 'constructor', operator: 'DoesNotExist' }))).to.equal(false);
  });
});

describe('podMatchesNode', () => {
  const n = node('n1', { zone: 'east', disk: 'ssd' });
  const spec = (extra: Partial<PodSpec>): PodSpec => ({ containers: [{ name: 'c', image: 'busybox' }], ...extra });
  const required = (...r: NodeSelectorRequirement[]): PodSpec['affinity'] => ({
    nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: r }] } },
  });
  const cases: [string, PodSpec, boolean][] = [
    ['no constraints', spec({}), true],
    ['nodeSelector held', spec({ nodeSelector: { zone: 'east' } }), true],
    ['nodeSelector value differs', spec({ nodeSelector: { zone: 'west' } }), false],
    ['nodeSelector label missing', spec({ nodeSelector: { gpu: 'yes' } }), false],
    ['nodeSelector on "constructor" (no such label)', spec({ nodeSelector: { constructor: 'x' } }), false],
    ['required affinity held', spec({ affinity: required({ key: 'disk', operator: 'In', values: ['ssd'] }) }), true],
    [
      'required affinity not held',
      spec({ affinity: required({ key: 'disk', operator: 'NotIn', values: ['ssd'] }) }),
      false,
    ],
    [
      'both must hold',
      spec({ nodeSelector: { zone: 'east' }, affinity: required({ key: 'disk', operator: 'In', values: ['hdd'] }) }),
      false,
    ],
    [
      'required affinity with no terms matches no node',
      spec({
        affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [] } } },
      }),
      false,
    ],
    [
      'a required affinity whose only term is empty matches no node',
      spec({
        affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{}] } } },
      }),
      false,
    ],
    [
      'only preferred affinity: no constraint',
      spec({ affinity: { nodeAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [{}] } } }),
      true,
    ],
  ];
  for (const [name, s, want] of cases) it(name, () => expect(podMatchesNode(s, n)).to.equal(want));
});

describe('topologyAllows', () => {
  const n = node('n1', { zone: 'east', 'kubernetes.io/hostname': 'n1' });
  const cases: [string, TopologySelectorTerm[] | undefined, boolean][] = [
    ['absent', undefined, true],
    ['empty', [], true],
    ['held', [{ matchLabelExpressions: [{ key: 'zone', values: ['west', 'east'] }] }], true],
    ['not held', [{ matchLabelExpressions: [{ key: 'zone', values: ['west'] }] }], false],
    [
      'every requirement of a term',
      [
        {
          matchLabelExpressions: [
            { key: 'zone', values: ['east'] },
            { key: 'kubernetes.io/hostname', values: ['n2'] },
          ],
        },
      ],
      false,
    ],
    [
      'any term',
      [
        { matchLabelExpressions: [{ key: 'zone', values: ['west'] }] },
        { matchLabelExpressions: [{ key: 'zone', values: ['east'] }] },
      ],
      true,
    ],
    ['key "toString" is no label', [{ matchLabelExpressions: [{ key: 'toString', values: ['x'] }] }], false],
    // A term with no requirements selects no node (v1helper.MatchTopologySelectorTerms).
    ['an empty term allows no node', [{}], false],
    ['an empty requirement list allows no node', [{ matchLabelExpressions: [] }], false],
    ['an empty term beside a holding one', [{}, { matchLabelExpressions: [{ key: 'zone', values: ['east'] }] }], true],
    [
      'a requirement with no values (stored before validation) allows no node, and does not throw',
      [{ matchLabelExpressions: [{ key: 'zone' } as never] }],
      false,
    ],
  ];
  for (const [name, terms, want] of cases) it(name, () => expect(topologyAllows(terms, n)).to.equal(want));
});
