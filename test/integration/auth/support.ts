/**
 * A secure test apiserver: a per-suite CA (hack/lib/pki.sh), a serving certificate, client
 * certificates for the users a test names, a static token file, and the secure port beside
 * the plain test port (tests set up objects through the plain port, then act as users over TLS).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { UserInfo } from '../../../pkg/apiserver/authentication/user';
import type { AuthorizationMode } from '../../../pkg/apiserver/authorization/modes';
import type { ApiServerConfig } from '../../../pkg/apiserver/config';
import { startApiServer, type TestApiServer } from '../../helpers/apiserver';
import { tlsRequest, type TlsIdentity, type TlsResponse } from '../../helpers/https';
import { TestPki } from '../../helpers/pki';

/** Options of a secure test server. */
export interface SecureOptions {
  modes: AuthorizationMode[];
  tokens?: Record<string, UserInfo>;
  anonymous?: boolean;
  config?: Partial<ApiServerConfig>;
}

/** A running secure test apiserver and its PKI. */
export class SecureTestServer {
  private constructor(
    readonly api: TestApiServer,
    readonly pki: TestPki,
    private readonly dir: string,
  ) {}

  /** Starts one (a fresh CA in a temp dir). */
  static async start(o: SecureOptions): Promise<SecureTestServer> {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'kubestore-auth-'));
    const pki = new TestPki(dir);
    const serving = pki.serving('apiserver');
    const api = await startApiServer({
      config: {
        secure: {
          port: 0,
          cert: serving.cert,
          key: serving.key,
          clientCA: pki.ca,
          anonymous: o.anonymous ?? true,
          ...(o.tokens ? { tokens: new Map(Object.entries(o.tokens)) } : {}),
        },
        authorizationModes: o.modes,
        ...o.config,
      },
    });
    return new SecureTestServer(api, pki, dir);
  }

  /** https://127.0.0.1:<secure port>. */
  get url(): string {
    return this.api.server.secureUrl;
  }

  /** An identity with a client certificate for `user` in `groups`. */
  user(user: string, groups: string[] = []): TlsIdentity {
    const name = `${user}-${groups.join('-')}`.replace(/[^a-zA-Z0-9-]/g, '_');
    const c = this.pki.client(name, user, groups);
    return { ca: this.pki.ca, cert: c.cert, key: c.key };
  }

  /** An identity without a client certificate (tokens, anonymous). */
  get nobody(): TlsIdentity {
    return { ca: this.pki.ca };
  }

  /** One request over TLS. */
  request<T = Record<string, unknown>>(
    id: TlsIdentity,
    method: string,
    p: string,
    o: { body?: unknown; headers?: Record<string, string | string[]> } = {},
  ): Promise<TlsResponse<T>> {
    return tlsRequest<T>(this.url, id, method, p, o);
  }

  /** Stops the server and removes the PKI. */
  async stop(): Promise<void> {
    await this.api.stop();
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** POSTs a SelfSubjectReview and returns the userInfo it names. */
export async function whoami(
  s: SecureTestServer,
  id: TlsIdentity,
  headers: Record<string, string | string[]> = {},
): Promise<TlsResponse<{ status?: { userInfo?: UserInfo } }>> {
  return s.request(id, 'POST', '/apis/authentication.k8s.io/v1/selfsubjectreviews', {
    body: { apiVersion: 'authentication.k8s.io/v1', kind: 'SelfSubjectReview' },
    headers,
  });
}
