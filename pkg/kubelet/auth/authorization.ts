/**
 * Authorization of the kubelet's server (--authorization-mode): every authenticated request is
 * an access to this node's `nodes` object with a subresource named by its path
 *   /containerLogs/...  → nodes/log
 *   /metrics            → nodes/metrics
 *   /stats/...          → nodes/stats (as Kubernetes' kubelet)
 *   anything else       → nodes/proxy
 * (Kubernetes' kubelet files /containerLogs under nodes/proxy; here reading logs is its own,
 * narrower permission, as the issue asks). The verb comes from the HTTP method (GET → get,
 * POST → create, PUT → update, PATCH → patch, DELETE → delete). /healthz is served to anyone.
 *   AlwaysAllow  every authenticated request is allowed.
 *   Webhook      a SubjectAccessReview to the apiserver decides; answers are cached
 *                (--authorization-webhook-cache-authorized-ttl 5 min, -unauthorized-ttl 30 s).
 */
import type { Logger } from 'pino';
import { StatusError } from '../../api/errors';
import { StatusReason } from '../../api/meta';
import type { UserInfo } from '../../apiserver/authentication/user';
import type { Attributes } from '../../apiserver/authorization/authorizer';
import type { ReviewPoster } from './authentication';
import { TtlCache } from './ttl_cache';

/** The kubelet's --authorization-mode values. */
export const KubeletAuthorizationMode = { AlwaysAllow: 'AlwaysAllow', Webhook: 'Webhook' } as const;
export type KubeletAuthorizationMode = (typeof KubeletAuthorizationMode)[keyof typeof KubeletAuthorizationMode];

/** Paths served without authentication or authorization. */
export const openKubeletPaths: readonly string[] = ['/healthz'];

const verbs: Readonly<Record<string, string>> = {
  GET: 'get',
  HEAD: 'get',
  POST: 'create',
  PUT: 'update',
  PATCH: 'patch',
  DELETE: 'delete',
};

/** The nodes subresource a kubelet path is authorized as. */
export function kubeletSubresource(path: string): string {
  if (path === '/containerLogs' || path.startsWith('/containerLogs/')) return 'log';
  if (path === '/metrics' || path.startsWith('/metrics/')) return 'metrics';
  if (path === '/stats' || path.startsWith('/stats/')) return 'stats';
  return 'proxy';
}

/** What a request to this node's kubelet asks to do. */
export function kubeletAttributes(user: UserInfo, nodeName: string, method: string, path: string): Attributes {
  return {
    user,
    verb: verbs[method.toUpperCase()] ?? method.toLowerCase(),
    resourceRequest: true,
    apiGroup: '',
    apiVersion: 'v1',
    resource: 'nodes',
    subresource: kubeletSubresource(path),
    namespace: '',
    name: nodeName,
    path,
  };
}

/** A decision: allowed, and why not. */
export interface KubeletDecision {
  allowed: boolean;
  reason: string;
}

/** Options of the kubelet's authorizer. */
export interface KubeletAuthorizationOptions {
  mode: KubeletAuthorizationMode;
  /** The apiserver (Webhook mode). */
  webhook?: ReviewPoster;
  authorizedTtlMs?: number;
  unauthorizedTtlMs?: number;
  logger: Logger;
}

interface AccessReviewStatus {
  allowed?: boolean;
  denied?: boolean;
  reason?: string;
}

const accessReviewPath = '/apis/authorization.k8s.io/v1/subjectaccessreviews';

/** Decides kubelet requests. */
export class KubeletAuthorizer {
  private readonly answers = new TtlCache<KubeletDecision>();

  constructor(private readonly o: KubeletAuthorizationOptions) {
    if (o.mode === KubeletAuthorizationMode.Webhook && !o.webhook)
      throw new Error('--authorization-mode=Webhook needs a connection to the apiserver');
  }

  /**
   * Allowed or not; an apiserver that cannot answer is a 500 (as the kubelet's
   * "Authorization error"), never an allow.
   */
  async authorize(a: Attributes): Promise<KubeletDecision> {
    if (this.o.mode === KubeletAuthorizationMode.AlwaysAllow || !this.o.webhook) return { allowed: true, reason: '' };
    const u = a.user;
    const key = JSON.stringify([
      u.username,
      u.uid ?? '',
      [...u.groups].sort(),
      u.extra ?? {},
      a.verb,
      a.subresource,
      a.name,
    ]);
    const cached = this.answers.get(key);
    if (cached) return cached;
    let status: AccessReviewStatus | undefined;
    try {
      const review = (await this.o.webhook(accessReviewPath, {
        apiVersion: 'authorization.k8s.io/v1',
        kind: 'SubjectAccessReview',
        spec: {
          user: u.username,
          groups: [...u.groups],
          ...(u.uid ? { uid: u.uid } : {}),
          ...(u.extra ? { extra: u.extra } : {}),
          resourceAttributes: {
            verb: a.verb,
            group: a.apiGroup,
            version: a.apiVersion,
            resource: a.resource,
            subresource: a.subresource,
            name: a.name,
          },
        },
      })) as { status?: AccessReviewStatus };
      status = review.status;
    } catch (err) {
      this.o.logger.warn({ err: (err as Error).message, user: u.username }, 'kubelet: SubjectAccessReview failed');
      throw new StatusError(
        500,
        StatusReason.InternalError,
        `Authorization error (user=${u.username}, verb=${a.verb}, resource=${a.resource}, subresource=${a.subresource})`,
      );
    }
    const decision = { allowed: status?.allowed === true, reason: status?.reason ?? '' };
    this.answers.set(
      key,
      decision,
      decision.allowed ? (this.o.authorizedTtlMs ?? 300_000) : (this.o.unauthorizedTtlMs ?? 30_000),
    );
    return decision;
  }
}
