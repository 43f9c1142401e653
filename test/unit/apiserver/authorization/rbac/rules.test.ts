/** RBAC rule matching and coverage (the escalation check's arithmetic), table-driven. */
import { expect } from 'chai';
import type { PolicyRule } from '../../../../../pkg/api/rbac/v1';
import type { Attributes } from '../../../../../pkg/apiserver/authorization/authorizer';
import { ruleAllows, uncoveredRules } from '../../../../../pkg/apiserver/authorization/rbac/rules';

const req = (verb: string, resource: string, o: Partial<Attributes> = {}): Attributes => ({
  user: { username: 'u', groups: [] },
  verb,
  resourceRequest: true,
  apiGroup: '',
  apiVersion: 'v1',
  resource,
  subresource: '',
  namespace: 'ns',
  name: '',
  path: '',
  ...o,
});

describe('RBAC rules', () => {
  const cases: [string, PolicyRule, Attributes, boolean][] = [
    ['verb listed', { verbs: ['get'], apiGroups: [''], resources: ['pods'] }, req('get', 'pods'), true],
    ['verb not listed', { verbs: ['get'], apiGroups: [''], resources: ['pods'] }, req('list', 'pods'), false],
    [
      'wildcards',
      { verbs: ['*'], apiGroups: ['*'], resources: ['*'] },
      req('delete', 'storageclasses', { apiGroup: 'storage.k8s.io' }),
      true,
    ],
    [
      'other group',
      { verbs: ['get'], apiGroups: [''], resources: ['storageclasses'] },
      req('get', 'storageclasses', { apiGroup: 'storage.k8s.io' }),
      false,
    ],
    [
      'subresource needs its own entry',
      { verbs: ['get'], apiGroups: [''], resources: ['pods'] },
      req('get', 'pods', { subresource: 'log' }),
      false,
    ],
    [
      'resource/subresource',
      { verbs: ['get'], apiGroups: [''], resources: ['pods/log'] },
      req('get', 'pods', { subresource: 'log' }),
      true,
    ],
    [
      '*/subresource',
      { verbs: ['update'], apiGroups: [''], resources: ['*/status'] },
      req('update', 'persistentvolumeclaims', { subresource: 'status' }),
      true,
    ],
    [
      '*/subresource is not the resource',
      { verbs: ['update'], apiGroups: [''], resources: ['*/status'] },
      req('update', 'persistentvolumeclaims'),
      false,
    ],
    [
      'resourceNames match',
      { verbs: ['get'], apiGroups: [''], resources: ['pods'], resourceNames: ['a'] },
      req('get', 'pods', { name: 'a' }),
      true,
    ],
    [
      'resourceNames exclude others',
      { verbs: ['get'], apiGroups: [''], resources: ['pods'], resourceNames: ['a'] },
      req('get', 'pods', { name: 'b' }),
      false,
    ],
    [
      'resourceNames exclude lists',
      { verbs: ['list'], apiGroups: [''], resources: ['pods'], resourceNames: ['a'] },
      req('list', 'pods'),
      false,
    ],
    [
      'URL exact',
      { verbs: ['get'], nonResourceURLs: ['/healthz'] },
      req('get', '', { resourceRequest: false, path: '/healthz' }),
      true,
    ],
    [
      'URL prefix',
      { verbs: ['get'], nonResourceURLs: ['/apis/*'] },
      req('get', '', { resourceRequest: false, path: '/apis/rbac.authorization.k8s.io' }),
      true,
    ],
    ['URL rule is not a resource rule', { verbs: ['get'], nonResourceURLs: ['*'] }, req('get', 'pods'), false],
  ];
  for (const [name, rule, a, want] of cases)
    it(`ruleAllows: ${name}`, () => expect(ruleAllows(rule, a)).to.equal(want));

  it('covers what the owner holds, wildcard for wildcard', () => {
    const owner: PolicyRule[] = [{ verbs: ['get', 'list'], apiGroups: [''], resources: ['pods', 'pods/log'] }];
    expect(uncoveredRules(owner, [{ verbs: ['get'], apiGroups: [''], resources: ['pods/log'] }])).to.deep.equal([]);
    expect(uncoveredRules(owner, [{ verbs: ['get', 'delete'], apiGroups: [''], resources: ['pods'] }])).to.deep.equal([
      { verbs: ['delete'], apiGroups: [''], resources: ['pods'] },
    ]);
    expect(uncoveredRules(owner, [{ verbs: ['*'], apiGroups: [''], resources: ['pods'] }])).to.have.length(1);
    expect(
      uncoveredRules(
        [{ verbs: ['*'], apiGroups: ['*'], resources: ['*'] }],
        [{ verbs: ['*'], apiGroups: ['*'], resources: ['*'] }],
      ),
    ).to.deep.equal([]);
  });

  it('covers resourceNames only by the same names or by none', () => {
    const named: PolicyRule[] = [{ verbs: ['get'], apiGroups: [''], resources: ['pods'], resourceNames: ['a'] }];
    expect(
      uncoveredRules(named, [{ verbs: ['get'], apiGroups: [''], resources: ['pods'], resourceNames: ['a'] }]),
    ).to.deep.equal([]);
    expect(uncoveredRules(named, [{ verbs: ['get'], apiGroups: [''], resources: ['pods'] }])).to.have.length(1);
    expect(uncoveredRules([{ verbs: ['get'], apiGroups: [''], resources: ['pods'] }], named)).to.deep.equal([]);
  });

  it('covers URLs by prefix', () => {
    expect(
      uncoveredRules(
        [{ verbs: ['get'], nonResourceURLs: ['/apis/*'] }],
        [{ verbs: ['get'], nonResourceURLs: ['/apis/x'] }],
      ),
    ).to.deep.equal([]);
    expect(
      uncoveredRules(
        [{ verbs: ['get'], nonResourceURLs: ['/apis/x'] }],
        [{ verbs: ['get'], nonResourceURLs: ['/apis/*'] }],
      ),
    ).to.have.length(1);
  });
});
