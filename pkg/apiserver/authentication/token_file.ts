/**
 * Static bearer tokens (--token-auth-file), in Kubernetes' CSV format, one per line:
 *   token,user,uid,"group1,group2"
 * (groups optional). `Authorization: Bearer <token>` with a listed token names that user; any
 * other bearer token is an invalid credential (401).
 */
import { readFileSync } from 'node:fs';
import type { IncomingMessage } from 'node:http';
import type { Authenticator } from './authenticator';
import type { UserInfo } from './user';

/** Splits one CSV record (RFC 4180 quotes: "" is a quote inside a quoted field). */
function csvFields(line: string): string[] {
  const fields: string[] = [];
  let cur = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i] ?? '';
    if (quoted) {
      if (c === '"' && line[i + 1] === '"') {
        cur += '"';
        i++;
      } else if (c === '"') quoted = false;
      else cur += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      fields.push(cur);
      cur = '';
    } else cur += c;
  }
  if (quoted) throw new Error('unterminated quote');
  fields.push(cur);
  return fields;
}

/** Parses a token file's text; throws an Error naming the first bad line. */
export function parseTokenFile(text: string, source = 'token file'): Map<string, UserInfo> {
  const tokens = new Map<string, UserInfo>();
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = raw.trim();
    if (!line || line.startsWith('#')) return;
    let f: string[];
    try {
      f = csvFields(line).map((s) => s.trim());
    } catch (err) {
      throw new Error(`${source} line ${i + 1}: ${(err as Error).message}`);
    }
    const [token = '', username = '', uid = '', groups = ''] = f;
    if (f.length < 3 || !token || !username)
      throw new Error(`${source} line ${i + 1}: want token,user,uid[,"group1,group2"]`);
    if (tokens.has(token)) throw new Error(`${source} line ${i + 1}: duplicate token`);
    tokens.set(token, {
      username,
      ...(uid ? { uid } : {}),
      groups: groups
        .split(',')
        .map((g) => g.trim())
        .filter(Boolean),
    });
  });
  return tokens;
}

/** Reads --token-auth-file; throws one readable line when it cannot. */
export function loadTokenFile(path: string): Map<string, UserInfo> {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new Error(
      `cannot read --token-auth-file ${path}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`,
    );
  }
  return parseTokenFile(text, path);
}

/** The bearer token of a request, or undefined when it sends none. */
export function bearerToken(req: IncomingMessage): string | undefined {
  const h = req.headers.authorization;
  if (!h) return undefined;
  const m = /^Bearer\s+(\S+)\s*$/i.exec(h);
  return m?.[1];
}

/** Checks bearer tokens themselves (TokenReview) as well as requests carrying them. */
export interface TokenAuthenticator extends Authenticator {
  /** The user a token names, or undefined for an unknown token. */
  authenticateToken(token: string): UserInfo | undefined;
}

/** Authenticates `Authorization: Bearer` tokens against a parsed token file. */
export function tokenAuthenticator(tokens: ReadonlyMap<string, UserInfo>): TokenAuthenticator {
  return {
    authenticateToken: (token) => tokens.get(token),
    authenticate(req) {
      const header = req.headers.authorization;
      if (!header || !/^bearer\s/i.test(header)) return undefined;
      const user = tokens.get(bearerToken(req) ?? '');
      if (!user) throw new Error('invalid bearer token');
      return user;
    },
  };
}
