/**
 * Authentication of the kubelet's server, as the kubelet's: an x509 client certificate
 * verified against --client-ca-file (CN = user, O = groups; the apiserver's own x509
 * authenticator), else a bearer token checked by POSTing a TokenReview to the apiserver
 * (--authentication-token-webhook, answers cached for --authentication-token-webhook-cache-ttl),
 * else system:anonymous when --anonymous-auth allows it. A credential that is presented and
 * fails is a 401, never anonymous; so is a TokenReview the apiserver cannot answer.
 */
import { createHash } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Logger } from 'pino';
import { unauthorized, withAuthenticatedGroup } from '../../apiserver/authentication/authenticator';
import { bearerToken } from '../../apiserver/authentication/token_file';
import { Groups, Users, type UserInfo } from '../../apiserver/authentication/user';
import { x509Authenticator } from '../../apiserver/authentication/x509';
import { TtlCache } from './ttl_cache';

/** POSTs a review object to the apiserver and returns the answer (the kubelet's REST client). */
export type ReviewPoster = (path: string, body: unknown) => Promise<unknown>;

/** Options of the kubelet's authenticator. */
export interface KubeletAuthenticationOptions {
  /** x509 client certificates (the TLS server verified them against --client-ca-file). */
  x509: boolean;
  /** --authentication-token-webhook: bearer tokens go to the apiserver as TokenReviews. */
  webhook?: ReviewPoster;
  /** --authentication-token-webhook-cache-ttl (default 2 minutes). */
  webhookCacheTtlMs?: number;
  /** --anonymous-auth. */
  anonymous: boolean;
  logger: Logger;
}

interface TokenReviewStatus {
  authenticated?: boolean;
  user?: { username?: string; uid?: string; groups?: string[]; extra?: Record<string, string[]> };
  error?: string;
}

const tokenReviewPath = '/apis/authentication.k8s.io/v1/tokenreviews';

/** Authenticates kubelet requests; throws Kubernetes' 401 StatusError when it cannot. */
export class KubeletAuthenticator {
  private readonly tokens = new TtlCache<UserInfo | null>();
  private readonly ttlMs: number;

  constructor(private readonly o: KubeletAuthenticationOptions) {
    this.ttlMs = o.webhookCacheTtlMs ?? 120_000;
  }

  /** The request's user (system:authenticated added), or a 401. */
  async authenticate(req: IncomingMessage): Promise<UserInfo> {
    if (this.o.x509) {
      let user: UserInfo | undefined;
      try {
        user = x509Authenticator.authenticate(req);
      } catch (err) {
        this.o.logger.debug({ err: (err as Error).message }, 'kubelet: client certificate refused');
        throw unauthorized();
      }
      if (user) return withAuthenticatedGroup(user);
    }
    const header = req.headers.authorization;
    if (header !== undefined) {
      const token = bearerToken(req);
      const user = token && this.o.webhook ? await this.reviewToken(token, this.o.webhook) : undefined;
      if (!user) throw unauthorized();
      return withAuthenticatedGroup(user);
    }
    if (this.o.anonymous) return { username: Users.Anonymous, groups: [Groups.Unauthenticated] };
    throw unauthorized();
  }

  private async reviewToken(token: string, post: ReviewPoster): Promise<UserInfo | undefined> {
    const key = createHash('sha256').update(token).digest('hex');
    const cached = this.tokens.get(key);
    if (cached !== undefined) return cached ?? undefined;
    let status: TokenReviewStatus | undefined;
    try {
      const review = (await post(tokenReviewPath, {
        apiVersion: 'authentication.k8s.io/v1',
        kind: 'TokenReview',
        spec: { token },
      })) as { status?: TokenReviewStatus };
      status = review.status;
    } catch (err) {
      // Not cached: the next request asks again.
      this.o.logger.warn({ err: (err as Error).message }, 'kubelet: TokenReview failed');
      return undefined;
    }
    const u = status?.user;
    const user: UserInfo | null =
      status?.authenticated === true && u?.username
        ? {
            username: u.username,
            groups: u.groups ?? [],
            ...(u.uid ? { uid: u.uid } : {}),
            ...(u.extra ? { extra: u.extra } : {}),
          }
        : null;
    this.tokens.set(key, user, this.ttlMs);
    return user ?? undefined;
  }
}
