import { unsafeCSS } from 'lit';

// Compact on purpose: Lit ships CSS as written and the widget has a 15 KB budget. Colours meet WCAG AA
// contrast on the default background. unsafeCSS of a constant rather than the css tag: nothing here comes
// from outside, and the tag's checks cost 160 bytes gzipped on the login page (the session styles do the same).
// The waiting panel's styles (the progress bar) come with its lazy chunk (panels/waiting-panel.styles.ts).
// Buttons and panel keep a border under forced colours (a transparent one then takes the system colour).
export const styles = unsafeCSS(`
:host{display:block;--a:var(--antichambre-accent,#0b5cad)}
:host([hidden]){display:none}
.panel{box-sizing:border-box;max-width:32rem;margin:0 auto 1rem;padding:1.25rem 1.5rem;border:1px solid #d1d5db;border-radius:var(--antichambre-radius,.5rem);background:var(--antichambre-background,#fff);color:var(--antichambre-color,#1f2937);line-height:1.5}
p{margin:0 0 .5rem}
.title{margin:0 0 .5rem;font-size:1.15em;font-weight:600}
.notice{padding:.5rem .75rem;border-left:4px solid #b45309;background:#fffbeb}
button{font:inherit;padding:.5rem 1rem;border:1px solid #0000;border-radius:.375rem;background:var(--a);color:#fff;cursor:pointer}
a{color:var(--a)}
:focus-visible{outline:3px solid var(--a);outline-offset:2px}
.sr-only{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}
`);
