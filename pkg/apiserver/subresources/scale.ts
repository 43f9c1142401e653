/**
 * GET/PUT/PATCH <resource>/{name}/scale: the autoscaling/v1 Scale view of a replicated workload
 * (a StatefulSet): spec.replicas is the object's spec.replicas, status.replicas its
 * status.replicas, status.selector its spec.selector in string form. A write changes only the
 * object's spec.replicas, through the store's normal update (the strategy's validation, the
 * generation bump), with optimistic concurrency: a Scale carrying a resourceVersion other than
 * the object's is a 409. PATCH applies a JSON patch or a merge patch to the Scale (a strategic
 * merge patch is a merge patch here: Scale has no lists). The body is decoded as every write
 * is (field validation: wrong types are a 400, unknown fields warn or fail under Strict).
 */
import type { Context } from 'koa';
import type { Scale } from '../../api/apps/v1';
import { badRequest, StatusError } from '../../api/errors';
import { formatLabelSelector } from '../../api/labels';
import { type KubeObject, type LabelSelector, StatusReason } from '../../api/meta';
import { type FieldError, invalid, toStatusError, validateNonNegativeInt } from '../../api/validation';
import { bodyMediaType, decodeObject, mediaType, readBody } from '../body';
import { checkFields, fieldValidationDirective, setWarnings } from '../fieldvalidation';
import type { Patcher, SubresourceHandler } from '../handlers/resource';
import { dryRun } from '../handlers/query';
import type { Store } from '../registry/store';
import type { RequestInfo } from '../request_info';
import { getOwn } from '../../util/json/own';

/** The fields of a replicated workload a Scale reads and writes. */
interface Replicated extends KubeObject {
  spec: { replicas?: number; selector?: LabelSelector };
  status?: { replicas?: number };
}

/** The API version and kind of a Scale. */
export const scaleApiVersion = 'autoscaling/v1';
export const scaleKind = 'Scale';

/** How a resource maps to and from its Scale (StatefulSets; custom resources by their CRD's paths). */
export interface ScaleView {
  scaleOf(obj: KubeObject): Scale;
  /** `cur` with the replicas of `scale`, pinned to the Scale's resourceVersion when it names one. */
  withReplicas(cur: KubeObject, scale: Scale): KubeObject;
}

/** The Scale of a workload (kube-apiserver's scaleFromStatefulSet). */
export function scaleOf(obj: KubeObject): Scale {
  const w = obj as Replicated;
  const m = w.metadata;
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
    spec: { replicas: w.spec?.replicas ?? 0 },
    status: { replicas: w.status?.replicas ?? 0, selector: formatLabelSelector(w.spec?.selector) },
  };
}

/**
 * A Scale as sent: an object, of kind Scale (when it says), that decodes as one (`decoded`
 * throws the 400 for wrong types), whose spec.replicas is an integer ≥ 0.
 */
function checkScale(body: unknown, name: string, decoded: (scale: Scale) => void): Scale {
  if (typeof body !== 'object' || body === null || Array.isArray(body))
    throw badRequest('the body must be a Scale object');
  const s = body as Record<string, unknown>;
  if (s.kind !== undefined && s.kind !== scaleKind)
    throw badRequest(`the body is a ${JSON.stringify(s.kind)}, but the URL is for Scale`);
  if (s.apiVersion !== undefined && s.apiVersion !== scaleApiVersion)
    throw badRequest(
      `the API version in the data (${JSON.stringify(s.apiVersion)}) does not match the expected API version (${scaleApiVersion})`,
    );
  const meta = s.metadata ?? {};
  if (typeof meta !== 'object' || meta === null || Array.isArray(meta)) throw badRequest('metadata must be an object');
  const m = meta as Record<string, unknown>;
  if (m.name !== undefined && m.name !== name)
    throw badRequest(`the name of the object (${String(m.name)}) does not match the name on the URL (${name})`);
  decoded(s as unknown as Scale);
  const spec = s.spec ?? {};
  const errs: FieldError[] = [];
  if (typeof spec !== 'object' || spec === null || Array.isArray(spec))
    errs.push(invalid('spec', spec, 'must be an object'));
  else errs.push(...validateNonNegativeInt((spec as Record<string, unknown>).replicas, 'spec.replicas'));
  if (m.resourceVersion !== undefined && typeof m.resourceVersion !== 'string')
    errs.push(invalid('metadata.resourceVersion', m.resourceVersion, 'must be a string'));
  if (errs.length) throw toStatusError(scaleKind, name, errs);
  return s as unknown as Scale;
}

/** The workload `cur` with the replicas of `scale`, pinned to the Scale's resourceVersion when it names one. */
function withReplicas(cur: KubeObject, scale: Scale): KubeObject {
  const w = cur as Replicated;
  const { resourceVersion: _current, ...meta } = w.metadata;
  const rv = scale.metadata?.resourceVersion;
  return {
    ...w,
    metadata: { ...meta, ...(rv ? { resourceVersion: rv } : {}) },
    spec: { ...w.spec, replicas: scale.spec?.replicas ?? 0 },
  } as KubeObject;
}

/** The Scale view of StatefulSets (spec.replicas, status.replicas, spec.selector). */
export const statefulSetScale: ScaleView = { scaleOf, withReplicas };

const scaleKindRef = { group: 'autoscaling', version: 'v1', kind: scaleKind };

/**
 * Decoding a Scale body as any other write is decoded (fieldvalidation.ts): a wrong JSON type or
 * an int32 past its range is a 400; unknown or duplicate fields are warnings, or a 400 under
 * `?fieldValidation=Strict`. Only what differs from the current Scale counts.
 */
function decodingCheck(ctx: Context, current: Scale, rawJson: string | undefined): (scale: Scale) => void {
  return (scale) =>
    setWarnings(
      ctx,
      checkFields({
        kind: scaleKindRef,
        obj: scale,
        old: current,
        ...(rawJson !== undefined ? { rawJson } : {}),
        directive: fieldValidationDirective(ctx),
      }),
    );
}

const strategicMergePatchType = 'application/strategic-merge-patch+json';
const mergePatchType = 'application/merge-patch+json';
const scalePatchTypes: readonly string[] = ['application/json-patch+json', mergePatchType];

/**
 * The scale subresource handler. `patchers` are the server's JSON patch and merge patch
 * appliers (by media type), applied to the Scale.
 */
export function scaleSubresource(patchers: Readonly<Record<string, Patcher>>): SubresourceHandler {
  return async (ctx: Context, info: RequestInfo, store: Store): Promise<void> => {
    const { scaleOf, withReplicas } = store.strategy.scale ?? statefulSetScale;
    const name = info.name ?? '';
    const ns = store.strategy.info.namespaced ? info.namespace : undefined;
    const write = async (produce: (scale: Scale) => Scale): Promise<void> => {
      const updated = await store.guaranteedUpdate(ns, name, (cur) => withReplicas(cur, produce(scaleOf(cur))), {
        dryRun: dryRun(ctx),
      });
      ctx.body = scaleOf(updated);
    };
    switch (info.verb) {
      case 'get':
        ctx.body = scaleOf(await store.get(ns, name));
        return;
      case 'update': {
        const raw = await readBody(ctx);
        const type = bodyMediaType(ctx);
        const body = decodeObject(raw, type);
        const rawJson = type === 'application/json' ? raw.toString('utf8') : undefined;
        return write((current) => checkScale(body, name, decodingCheck(ctx, current, rawJson)));
      }
      case 'patch': {
        const type = mediaType(ctx.get('content-type'));
        const key = type === strategicMergePatchType ? mergePatchType : type;
        const patcher = scalePatchTypes.includes(key) ? getOwn<Patcher>(patchers, key) : undefined;
        if (!patcher)
          throw new StatusError(
            415,
            StatusReason.UnsupportedMediaType,
            `the body of the request was in an unknown format - accepted media types include: ${[...scalePatchTypes, strategicMergePatchType].join(', ')}`,
          );
        const raw = await readBody(ctx);
        const rawJson = key === mergePatchType ? raw.toString('utf8') : undefined;
        return write((current) =>
          checkScale(
            patcher(current, raw, { store, force: false, subresource: 'scale' }),
            name,
            decodingCheck(ctx, current, rawJson),
          ),
        );
      }
      default:
        throw new StatusError(
          405,
          StatusReason.MethodNotAllowed,
          'the server does not allow this method on the requested resource',
        );
    }
  };
}
