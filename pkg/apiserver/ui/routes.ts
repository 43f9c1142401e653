/**
 * The read-only storage page, GET /ui/storage (+ /ui/storage.js, /ui/storage.css): static files
 * that carry no cluster data. The page's script lists and watches StorageClasses, PVs, PVCs, pods
 * and nodes through the ordinary API with the browser's own credentials, so it shows exactly what
 * its user may list. The files themselves are non-resource URLs: authenticated and authorized as
 * any request (`get` on `/ui/*`, in the bootstrap system:discovery role every authenticated user
 * has); the plain-HTTP test port serves them to anyone, as it serves everything.
 *
 * A Content-Security-Policy allows only these files' own script and style (no inline script, no
 * other origin), behind the page's rule of never turning object data into markup.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type Router from '@koa/router';
import type { Logger } from 'pino';

/** The page's path. */
export const storagePagePath = '/ui/storage';

/** The Content-Security-Policy every UI file is served with. */
export const uiContentSecurityPolicy =
  "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

const files: ReadonlyArray<{ route: string; file: string; type: string }> = [
  { route: storagePagePath, file: 'storage.html', type: 'text/html; charset=utf-8' },
  { route: '/ui/storage.js', file: 'storage.js', type: 'text/javascript; charset=utf-8' },
  { route: '/ui/storage.css', file: 'storage.css', type: 'text/css; charset=utf-8' },
];

/** Where the files are: beside this module in the source tree, or the source tree from dist/ (tsc copies no .html). */
function uiDir(): string | undefined {
  const candidates = [__dirname, path.resolve(__dirname, '../../../../pkg/apiserver/ui')];
  return candidates.find((d) => existsSync(path.join(d, 'storage.html')));
}

/**
 * Adds the UI routes (files read once, here). Without the files (a dist/ copied away from its
 * sources) the apiserver still serves the API: the page answers 404 saying why, logged once.
 */
export function registerUiRoutes(router: Router, log: Logger): void {
  const dir = uiDir();
  if (!dir) {
    log.warn({ dir: __dirname }, 'storage page files not found: /ui/storage is not served');
    return;
  }
  for (const f of files) {
    const body = readFileSync(path.join(dir, f.file));
    router.get(f.route, (ctx) => {
      ctx.set('Content-Security-Policy', uiContentSecurityPolicy);
      ctx.set('X-Content-Type-Options', 'nosniff');
      ctx.set('Cache-Control', 'no-cache, private');
      ctx.type = f.type;
      ctx.body = body;
    });
  }
}
