import { unsafeCSS } from 'lit';

// The waiting panel's own styles, adopted into the widget's shadow root with the panel (a constructed
// stylesheet: a strict CSP's style-src does not apply to it, issue 12). The bar is a native <progress>,
// drawn by us so that the empty track has an edge of 4.8:1 against the panel (#6b7280 on white; WCAG
// 1.4.11 asks 3:1, the browser's own track is 1.24:1) and the filled part is Highlight under forced
// colours (Windows high contrast), where background colours are otherwise replaced and the bar vanishes.
export const waitingStyles = unsafeCSS(`
.muted{color:#4b5563;font-size:.9em}
.position{font-size:2em}
progress{display:block;box-sizing:border-box;width:100%;height:.875rem;margin:.75rem 0;-webkit-appearance:none;appearance:none;border:1px solid #6b7280;border-radius:.375rem;background:#e5e7eb;overflow:hidden}
progress::-webkit-progress-bar{background:#e5e7eb}
progress::-webkit-progress-value{background:var(--a)}
progress::-moz-progress-bar{background:var(--a)}
@media (forced-colors:active){progress{forced-color-adjust:none;border-color:CanvasText;background:Canvas}progress::-webkit-progress-bar{background:Canvas}progress::-webkit-progress-value{background:Highlight}progress::-moz-progress-bar{background:Highlight}}
`);
