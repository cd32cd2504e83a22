/**
 * The administrator's section: a small form (room, endpoint, idle timeout) fills in the two snippets as
 * one types, and each "Copier" button copies its snippet and says « Copié » (politely, for screen
 * readers too).
 */
import { copyText } from './copy-text.js';
import { entSnippets, type SnippetField } from './ent-snippet.js';

const FIELDS: Record<SnippetField, string> = { room: 'salle', endpoint: 'adresse', idleMinutes: 'inactivite' };
const CONFIRM_MS = 4000;

export function mountSnippetForm(root: HTMLElement): void {
  const form = root.querySelector('form')!;
  const input = (field: SnippetField) => root.querySelector<HTMLInputElement>(`#${FIELDS[field]}`)!;
  const login = root.querySelector<HTMLElement>('#extrait-connexion')!;
  const session = root.querySelector<HTMLElement>('#extrait-session')!;

  const update = () => {
    const result = entSnippets({ room: input('room').value, endpoint: input('endpoint').value, idleMinutes: input('idleMinutes').value });
    for (const field of Object.keys(FIELDS) as SnippetField[]) {
      const message = result.ok ? undefined : result.errors[field];
      const error = root.querySelector<HTMLElement>(`#${FIELDS[field]}-erreur`)!;
      error.textContent = message ?? '';
      error.hidden = message === undefined;
      input(field).setAttribute('aria-invalid', String(message !== undefined));
    }
    // An invalid field keeps the last good snippet on screen: its error says what to fix.
    if (result.ok) {
      login.textContent = result.login;
      session.textContent = result.session;
    }
  };
  form.addEventListener('input', update);
  form.addEventListener('submit', (event) => event.preventDefault());
  update();

  for (const button of root.querySelectorAll<HTMLButtonElement>('button[data-copie]')) {
    const source = root.querySelector<HTMLElement>(`#${button.dataset.copie}`)!;
    const status = root.querySelector<HTMLElement>(`#${button.dataset.copie}-statut`)!;
    let clear: ReturnType<typeof setTimeout> | undefined;
    button.addEventListener('click', async () => {
      const copied = await copyText(source.textContent ?? '');
      if (!copied) selectContents(source);
      status.textContent = copied ? 'Copié' : 'Copie impossible ici : le texte est sélectionné, appuyez sur Ctrl+C.';
      clearTimeout(clear);
      clear = setTimeout(() => (status.textContent = ''), CONFIRM_MS);
    });
  }
}

function selectContents(element: HTMLElement): void {
  const range = document.createRange();
  range.selectNodeContents(element);
  const selection = getSelection();
  selection?.removeAllRanges();
  selection?.addRange(range);
}
