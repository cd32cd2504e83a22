// unsafeCSS of a constant, like antichambre-queue.styles.ts: then Lit's css tag (160 bytes gzipped) leaves the
// login bundle. Nothing here comes from outside.
import { unsafeCSS } from 'lit';

// Dialog and button keep an edge under forced colours (Windows high contrast), where backgrounds and shadows
// go: a transparent border then takes the system colour. The element shows nothing until the warning; the dialog sits in the top layer, wherever the element
// is in the page. Colours meet WCAG AA contrast on the default background.
export const sessionStyles = unsafeCSS(`
:host{display:contents;--a:var(--antichambre-accent,#0b5cad)}
dialog{box-sizing:border-box;max-width:min(30rem,calc(100vw - 2rem));padding:1.5rem;border:1px solid #6b7280;border-radius:var(--antichambre-radius,.5rem);background:var(--antichambre-background,#fff);color:var(--antichambre-color,#1f2937);line-height:1.5;box-shadow:0 10px 30px rgba(0,0,0,.3);animation:in .2s ease-out}
dialog:not(:modal){position:fixed;top:1rem;z-index:2147483647}
dialog::backdrop{background:rgba(17,24,39,.6)}
h2{margin:0 0 .75rem;font-size:1.25em}
p{margin:0 0 1rem}
strong{font-variant-numeric:tabular-nums}
button{font:inherit;padding:.6rem 1.25rem;border:1px solid #0000;border-radius:.375rem;background:var(--a);color:#fff;cursor:pointer}
:focus-visible{outline:3px solid var(--a);outline-offset:2px}
.sr-only{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}
@keyframes in{from{opacity:0;transform:translateY(.5rem)}}
@media (prefers-reduced-motion:reduce){dialog{animation:none}}
`);
