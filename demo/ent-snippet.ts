/**
 * The script tags an ENT administrator pastes, filled in from the teachers' page's small form. Pure: the
 * form (snippet-form.ts) shows what this returns. Values are checked as the widget would check them, so
 * a snippet that copies is a snippet that works.
 */

export interface SnippetInput {
  room: string;
  endpoint: string;
  /** Minutes without activity before session mode asks « Êtes-vous toujours là ? ». */
  idleMinutes: string;
}

export type SnippetField = keyof SnippetInput;

export type SnippetResult =
  | { ok: true; login: string; session: string }
  | { ok: false; errors: Partial<Record<SnippetField, string>> };

/** The most an idle timeout may be (the widget refuses more than a day). */
export const MAX_IDLE_MINUTES = 1440;

export function entSnippets(input: SnippetInput): SnippetResult {
  const errors: Partial<Record<SnippetField, string>> = {};
  const room = input.room.trim();
  const endpoint = input.endpoint.trim().replace(/\/+$/, '');
  const minutes = input.idleMinutes.trim();
  if (!/^[a-z0-9-]{1,64}$/.test(room)) errors.room = 'Lettres minuscules sans accent, chiffres et tirets uniquement (64 au plus), par exemple college-jean-moulin.';
  const scriptSrc = widgetUrl(endpoint);
  if (scriptSrc === null) errors.endpoint = 'Une adresse qui commence par https:// (ou par / sur le même site), par exemple https://file.ent.example/api/v1.';
  if (!/^\d{1,4}$/.test(minutes) || Number(minutes) < 1 || Number(minutes) > MAX_IDLE_MINUTES) {
    errors.idleMinutes = `Un nombre entier de minutes, de 1 à ${MAX_IDLE_MINUTES}.`;
  }
  if (Object.keys(errors).length > 0 || scriptSrc === null) return { ok: false, errors };

  const script = `<script type="module" src="${attr(scriptSrc)}"></script>`;
  const common = `endpoint="${attr(endpoint)}" room="${room}"`;
  const login = `${script}

<antichambre-queue ${common} lang="fr">
  <!-- Le formulaire de connexion de l'ENT, tel quel : caché pendant l'attente,
       affiché quand vient le tour de l'élève. -->
  <form action="/login" method="post">…</form>
</antichambre-queue>`;
  const session = `${script}

<!-- Libère la place d'un élève inactif depuis ${minutes} min, après lui avoir demandé
     « Êtes-vous toujours là ? » pendant 60 s. -->
<antichambre-session ${common}
  idle-timeout="${Number(minutes) * 60}" idle-warning="60" logout-url="/logout"></antichambre-session>`;
  return { ok: true, login, session };
}

/**
 * Where the ENT hosts antichambre.js: next to the queue API, at the root of its site. Null when the
 * endpoint is not an http(s) URL or a path on the same site.
 */
function widgetUrl(endpoint: string): string | null {
  if (endpoint.length === 0 || endpoint.length > 300 || /[\s"'<>`]/.test(endpoint)) return null;
  if (endpoint.startsWith('/') && !endpoint.startsWith('//')) return '/antichambre.js';
  try {
    const url = new URL(endpoint);
    if (url.protocol !== 'https:' && url.protocol !== 'http:') return null;
    return `${url.origin}/antichambre.js`;
  } catch {
    return null;
  }
}

/** Escapes what would end or break a double-quoted HTML attribute. */
function attr(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');
}
