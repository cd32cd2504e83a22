/**
 * The pause button of the teachers' page drawing (RGAA 13.8: content that moves for more than 5 s can be
 * paused). The drawing loops every 4 s for as long as the page is open, so it needs one.
 */
export function mountDrawingPause(button: HTMLButtonElement, drawing: Element): void {
  button.addEventListener('click', () => {
    const paused = drawing.classList.toggle('en-pause');
    button.setAttribute('aria-pressed', String(paused));
    button.textContent = paused ? 'Relancer le dessin' : 'Mettre le dessin en pause';
  });
}
