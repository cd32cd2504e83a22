import { css } from 'lit';

// Compact on purpose: Lit ships CSS as written and the widget has a 15 KB budget. Colours meet WCAG AA
// contrast on the default background.
export const styles = css`
:host{display:block;--a:var(--antichambre-accent,#0b5cad)}
:host([hidden]){display:none}
.panel{box-sizing:border-box;max-width:32rem;margin:0 auto 1rem;padding:1.25rem 1.5rem;border:1px solid #d1d5db;border-radius:var(--antichambre-radius,.5rem);background:var(--antichambre-background,#fff);color:var(--antichambre-color,#1f2937);line-height:1.5}
p{margin:0 0 .5rem}
.title{font-size:1.15em;font-weight:600}
.muted{color:#4b5563;font-size:.9em}
.position{font-size:2em}
.notice{padding:.5rem .75rem;border-left:4px solid #b45309;background:#fffbeb}
[role=progressbar]{height:.75rem;margin:.75rem 0;border-radius:1rem;background:#e5e7eb;overflow:hidden}
[role=progressbar] div{height:100%;background:var(--a);transition:width .6s}
button{font:inherit;padding:.5rem 1rem;border:0;border-radius:.375rem;background:var(--a);color:#fff;cursor:pointer}
a{color:var(--a)}
:focus-visible{outline:3px solid var(--a);outline-offset:2px}
@media (prefers-reduced-motion:reduce){*{transition:none!important;animation:none!important}}
.sr-only{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}
`;
