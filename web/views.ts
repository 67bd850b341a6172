// Nunjucks with GOV.UK Frontend's templates and macros (node_modules/govuk-frontend/dist), autoescaped.
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import nunjucks from 'nunjucks';
import { localDate, localTime } from '../domain/calendar';

const require = createRequire(import.meta.url);
/** govuk-frontend's dist folder: `govuk/template.njk`, `govuk/components/…`, `govuk/assets/…`. */
export const GOVUK_DIST = join(dirname(require.resolve('govuk-frontend/package.json')), 'dist');
const TEMPLATES = join(dirname(fileURLToPath(import.meta.url)), 'templates');

/** A London wall-clock time for people: “2 Dec 2026 17:05”. */
export function londonTime(iso: string | null | undefined): string {
  if (!iso) return '—';
  const [y, m, d] = localDate(iso).split('-');
  const month = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'][Number(m) - 1];
  return `${Number(d)} ${month} ${y} ${localTime(iso)}`;
}

export function createViews() {
  const env = new nunjucks.Environment(new nunjucks.FileSystemLoader([TEMPLATES, GOVUK_DIST], { noCache: false }), {
    autoescape: true,
    throwOnUndefined: false,
  });
  env.addFilter('london', londonTime);
  return (template: string, context: Record<string, unknown>) => env.render(template, context);
}
