/**
 * Mounts the surge replay (demo/surge/) once its section comes near the screen: the simulation and the
 * plotting library then cost nothing to a teacher who only looks at the top of the page.
 */
export function mountWhenNear(section: HTMLElement, mount: () => Promise<void>): void {
  let started = false;
  const start = () => {
    if (started) return;
    started = true;
    mount().catch((error: unknown) => console.warn('surge replay:', error));
  };
  if (!('IntersectionObserver' in window)) return start();
  const observer = new IntersectionObserver(
    (entries) => {
      if (!entries.some((entry) => entry.isIntersecting)) return;
      observer.disconnect();
      start();
    },
    // Started a little before it shows, so the plots are usually ready when the teacher gets there.
    { rootMargin: '600px 0px' },
  );
  observer.observe(section);
}
