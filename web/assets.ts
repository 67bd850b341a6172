// GOV.UK Frontend's own assets (fonts, images, the compiled CSS and JS), served from the installed package:
// nothing is fetched from another site.
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import type { ServerResponse } from 'node:http';
import { extname, join, normalize, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { GOVUK_DIST } from './views';
import { HttpError } from './http';

const ROOT = join(GOVUK_DIST, 'govuk');
const ASSETS = join(ROOT, 'assets');
/** The two files outside assets/ that pages load. */
const BUNDLES: Record<string, string> = {
  '/assets/govuk-frontend.min.css': join(ROOT, 'govuk-frontend.min.css'),
  '/assets/govuk-frontend.min.js': join(ROOT, 'govuk-frontend.min.js'),
  '/assets/hwc.css': fileURLToPath(new URL('./static/hwc.css', import.meta.url)),
  '/assets/init.js': fileURLToPath(new URL('./static/init.js', import.meta.url)),
};
const TYPES: Record<string, string> = {
  '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.woff2': 'font/woff2',
  '.woff': 'font/woff',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
  '.map': 'application/json',
};

export async function serveAsset(pathname: string, res: ServerResponse) {
  let file = BUNDLES[pathname];
  if (!file) {
    const rel = normalize(decodeURIComponent(pathname.slice('/assets/'.length)));
    file = join(ASSETS, rel);
    if (!file.startsWith(ASSETS + sep)) throw new HttpError(404, 'Not found');
  }
  const info = await stat(file).catch(() => null);
  if (!info?.isFile()) throw new HttpError(404, 'Not found');
  res.setHeader('Cache-Control', 'public, max-age=3600');
  res.writeHead(200, {
    'Content-Type': TYPES[extname(file)] ?? 'application/octet-stream',
    'Content-Length': info.size,
  });
  createReadStream(file).pipe(res);
}
