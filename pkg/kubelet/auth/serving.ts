/**
 * The kubelet's secure serving configuration (its TLS and auth flags) turned into the server's
 * options: the x509 / token-webhook / anonymous authenticator and the Webhook or AlwaysAllow
 * authorizer, both asking the apiserver through the kubelet's own client.
 */
import type { Logger } from 'pino';
import type { KubeletTls } from '../server';
import { KubeletAuthenticator, type ReviewPoster } from './authentication';
import { KubeletAuthorizer, type KubeletAuthorizationMode } from './authorization';

/** --tls-cert-file and friends: how the kubelet's server is secured. */
export interface KubeletServingConfig {
  cert: Buffer;
  key: Buffer;
  /** --client-ca-file: x509 client certificates. */
  clientCA?: Buffer;
  /** --anonymous-auth. */
  anonymous: boolean;
  /** --authentication-token-webhook: bearer tokens checked with TokenReviews. */
  tokenWebhook: boolean;
  /** --authentication-token-webhook-cache-ttl. */
  tokenWebhookCacheTtlMs?: number;
  /** --authorization-mode. */
  authorizationMode: KubeletAuthorizationMode;
  /** --authorization-webhook-cache-authorized-ttl / -unauthorized-ttl. */
  authorizedTtlMs?: number;
  unauthorizedTtlMs?: number;
}

/** The secure server's options; `post` sends its TokenReviews and SubjectAccessReviews (the kubelet's own client). */
export function secureServing(
  t: KubeletServingConfig,
  post: ReviewPoster,
  nodeName: string,
  logger: Logger,
): KubeletTls {
  return {
    cert: t.cert,
    key: t.key,
    ...(t.clientCA ? { clientCA: t.clientCA } : {}),
    auth: {
      nodeName,
      authenticator: new KubeletAuthenticator({
        x509: t.clientCA !== undefined,
        anonymous: t.anonymous,
        logger,
        ...(t.tokenWebhook ? { webhook: post } : {}),
        ...(t.tokenWebhookCacheTtlMs !== undefined ? { webhookCacheTtlMs: t.tokenWebhookCacheTtlMs } : {}),
      }),
      authorizer: new KubeletAuthorizer({
        mode: t.authorizationMode,
        webhook: post,
        logger,
        ...(t.authorizedTtlMs !== undefined ? { authorizedTtlMs: t.authorizedTtlMs } : {}),
        ...(t.unauthorizedTtlMs !== undefined ? { unauthorizedTtlMs: t.unauthorizedTtlMs } : {}),
      }),
    },
  };
}
