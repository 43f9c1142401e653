/**
 * Does a PolicyRule allow a request, and does one set of rules cover another: Kubernetes'
 * rbac/v1 helpers (VerbMatches, APIGroupMatches, ResourceMatches, ResourceNameMatches,
 * NonResourceURLMatches) and validation.Covers, used by escalation prevention.
 */
import type { PolicyRule } from '../../../api/rbac/v1';
import { ruleAll } from '../../../api/rbac/v1';
import type { Attributes } from '../authorizer';

const has = (list: readonly string[] | undefined, v: string): boolean =>
  (list ?? []).some((x) => x === ruleAll || x === v);

/** `resources` names the request's resource: `pods`, `pods/log`, `*`, or `*` + `/log` for every resource's log. */
function resourceMatches(rule: PolicyRule, resource: string, subresource: string): boolean {
  const combined = subresource ? `${resource}/${subresource}` : resource;
  return (rule.resources ?? []).some(
    (r) => r === ruleAll || r === combined || (subresource !== '' && r === `*/${subresource}`),
  );
}

function nameMatches(rule: PolicyRule, name: string): boolean {
  return !rule.resourceNames?.length || rule.resourceNames.includes(name);
}

/** A non-resource URL rule: `*`, the path itself, or a prefix ending in `*`. */
function urlMatches(rule: PolicyRule, path: string): boolean {
  return (rule.nonResourceURLs ?? []).some(
    (u) => u === ruleAll || u === path || (u.endsWith('*') && path.startsWith(u.slice(0, -1))),
  );
}

/** True when `rule` allows the request `a`. */
export function ruleAllows(rule: PolicyRule, a: Attributes): boolean {
  if (!has(rule.verbs, a.verb)) return false;
  if (!a.resourceRequest) return urlMatches(rule, a.path);
  return (
    has(rule.apiGroups, a.apiGroup) && resourceMatches(rule, a.resource, a.subresource) && nameMatches(rule, a.name)
  );
}

/** One verb on one group/resource/name, or one verb on one URL: the unit `covers` checks. */
function atoms(rule: PolicyRule): PolicyRule[] {
  const out: PolicyRule[] = [];
  for (const verb of rule.verbs) {
    for (const url of rule.nonResourceURLs ?? []) out.push({ verbs: [verb], nonResourceURLs: [url] });
    for (const group of rule.apiGroups ?? []) {
      for (const resource of rule.resources ?? []) {
        const names = rule.resourceNames?.length ? rule.resourceNames : [undefined];
        for (const name of names)
          out.push({
            verbs: [verb],
            apiGroups: [group],
            resources: [resource],
            ...(name !== undefined ? { resourceNames: [name] } : {}),
          });
      }
    }
  }
  return out;
}

/** A `*` in the servant needs a `*` in the owner; otherwise the owner lists it or has `*`. */
const ownerHas = (owner: readonly string[] | undefined, v: string): boolean =>
  v === ruleAll ? (owner ?? []).includes(ruleAll) : has(owner, v);

function atomCovered(owner: PolicyRule, atom: PolicyRule): boolean {
  const [verb = ''] = atom.verbs;
  if (!ownerHas(owner.verbs, verb)) return false;
  const [url] = atom.nonResourceURLs ?? [];
  if (url !== undefined) {
    return urlMatches(owner, url);
  }
  const [group = '', resource = ''] = [atom.apiGroups?.[0], atom.resources?.[0]];
  if (!ownerHas(owner.apiGroups, group)) return false;
  const slash = resource.indexOf('/');
  const subCovered = slash > 0 && (owner.resources ?? []).includes(`*/${resource.slice(slash + 1)}`);
  if (!ownerHas(owner.resources, resource) && !subCovered) return false;
  if (!owner.resourceNames?.length) return true;
  const name = atom.resourceNames?.[0];
  return name !== undefined && owner.resourceNames.includes(name);
}

/** The servant rules no owner rule covers (empty: `owner` holds every permission of `servant`). */
export function uncoveredRules(owner: readonly PolicyRule[], servant: readonly PolicyRule[]): PolicyRule[] {
  return servant.flatMap(atoms).filter((atom) => !owner.some((o) => atomCovered(o, atom)));
}

/** A rule as Kubernetes prints it in escalation errors: `{APIGroups:[""], Resources:["pods"], Verbs:["get"]}`. */
export function ruleString(r: PolicyRule): string {
  const q = (xs: readonly string[]) => `[${xs.map((x) => JSON.stringify(x)).join(', ')}]`;
  const parts: string[] = [];
  if (r.apiGroups?.length) parts.push(`APIGroups:${q(r.apiGroups)}`);
  if (r.resources?.length) parts.push(`Resources:${q(r.resources)}`);
  if (r.resourceNames?.length) parts.push(`ResourceNames:${q(r.resourceNames)}`);
  if (r.nonResourceURLs?.length) parts.push(`NonResourceURLs:${q(r.nonResourceURLs)}`);
  parts.push(`Verbs:${q(r.verbs)}`);
  return `{${parts.join(', ')}}`;
}
