/**
 * The teachers' page (`npm start`'s `/`): the live demo with its controls, the surge replay once its
 * section comes near, and the administrator's snippet form.
 */
import { mountDrawingPause } from './drawing-pause.js';
import { mountWhenNear } from './lazy-surge.js';
import { mountLiveDemo } from './live-demo.js';
import { mountSnippetForm } from './snippet-form.js';

mountDrawingPause(document.getElementById('pause-dessin') as HTMLButtonElement, document.querySelector('.dessin')!);
mountLiveDemo(document.getElementById('eleve')!);
mountSnippetForm(document.getElementById('ent')!);
const surge = document.getElementById('surge')!;
mountWhenNear(surge, async () => (await import('./surge/surge-replay.js')).mountSurgeReplay(surge));
