/**
 * x509 client-certificate authentication (--client-ca-file): the TLS server asks for a client
 * certificate and verifies it against the CA bundle; a verified certificate names the user by
 * its subject CN and the groups by its O entries. A certificate that does not verify (wrong CA,
 * expired) is an invalid credential (401), as kube-apiserver.
 */
import type { IncomingMessage } from 'node:http';
import type { TLSSocket } from 'node:tls';
import type { Authenticator } from './authenticator';
import type { UserInfo } from './user';

const asList = (v: string | string[] | undefined): string[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]);

/** Reads the peer certificate the TLS layer verified against --client-ca-file. */
export const x509Authenticator: Authenticator = {
  authenticate(req: IncomingMessage): UserInfo | undefined {
    const socket = req.socket as Partial<TLSSocket>;
    if (!socket.encrypted || typeof socket.getPeerCertificate !== 'function') return undefined;
    const cert = socket.getPeerCertificate();
    if (!cert || Object.keys(cert).length === 0) return undefined;
    if (!socket.authorized)
      throw new Error(
        `x509: certificate rejected: ${String(socket.authorizationError ?? 'not signed by --client-ca-file')}`,
      );
    const subject = cert.subject as Record<string, string | string[] | undefined> | undefined;
    const cn = asList(subject?.CN)[0];
    if (!cn) throw new Error('x509: the certificate has no subject common name');
    return { username: cn, groups: asList(subject?.O) };
  },
};
