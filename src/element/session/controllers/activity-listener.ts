/**
 * The DOM side of activity tracking: the events that mean "the pupil is here". Listeners are passive
 * and captured at the window, so no page script can swallow them and scrolling never waits for us;
 * throttling happens in the idle controller (src/core/session/activity-throttle.ts), which also reads the clock.
 */

const EVENTS = ['pointerdown', 'pointermove', 'keydown', 'wheel', 'touchstart', 'focus'] as const;

/**
 * Calls `onActivity` on every sign of the pupil, and when the tab becomes visible again. `ignore`
 * tells which elements' focus is not the pupil's doing (the dialog focusing its own button), and where Tab
 * is not activity (moving within the warning must not close it and drop focus to <body>, issue 14). The
 * window's own `focus` never counts: a teacher's page focusing the pupil's frame is not the pupil.
 * Returns the function that removes every listener.
 */
export function listenForActivity(onActivity: () => void, ignore: (target: EventTarget | null) => boolean, win: Window = window): () => void {
  const options: AddEventListenerOptions = { passive: true, capture: true };
  const onEvent = (event: Event) => {
    if (event.type === 'focus' ? event.target === win || ignore(event.target) : (event as KeyboardEvent).key === 'Tab' && ignore(event.target)) return;
    // Browsers send motionless pointermove events when the layout changes under a still mouse.
    if (event.type === 'pointermove' && !(event as PointerEvent).movementX && !(event as PointerEvent).movementY) return;
    onActivity();
  };
  const onVisibility = () => win.document.visibilityState === 'visible' && onActivity();
  for (const type of EVENTS) win.addEventListener(type, onEvent, options);
  win.document.addEventListener('visibilitychange', onVisibility, options);
  return () => {
    for (const type of EVENTS) win.removeEventListener(type, onEvent, options);
    win.document.removeEventListener('visibilitychange', onVisibility, options);
  };
}
