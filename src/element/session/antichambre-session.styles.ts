import { css } from 'lit';

// The element shows nothing until the warning; the dialog sits in the top layer, wherever the element
// is in the page. Colours meet WCAG AA contrast on the default background.
export const sessionStyles = css`
:host{display:contents;--a:var(--antichambre-accent,#0b5cad)}
dialog{box-sizing:border-box;max-width:min(30rem,calc(100vw - 2rem));padding:1.5rem;border:0;border-radius:var(--antichambre-radius,.5rem);background:var(--antichambre-background,#fff);color:var(--antichambre-color,#1f2937);line-height:1.5;box-shadow:0 10px 30px rgba(0,0,0,.3);animation:in .2s ease-out}
dialog::backdrop{background:rgba(17,24,39,.6)}
h2{margin:0 0 .75rem;font-size:1.25em}
p{margin:0 0 1rem}
strong{font-variant-numeric:tabular-nums}
button{font:inherit;padding:.6rem 1.25rem;border:0;border-radius:.375rem;background:var(--a);color:#fff;cursor:pointer}
:focus-visible{outline:3px solid var(--a);outline-offset:2px}
.sr-only{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}
@keyframes in{from{opacity:0;transform:translateY(.5rem)}}
@media (prefers-reduced-motion:reduce){dialog{animation:none}}
`;
