import type { ReactiveController, ReactiveControllerHost } from 'lit';

/**
 * Re-renders its host once a second while `running`: countdowns ("retrying in 7 s") and the delayed
 * "joining" message are computed from the clock at render time, the timer only says when to look again.
 */
export class TickerController implements ReactiveController {
  private timer?: ReturnType<typeof setInterval>;

  constructor(private readonly host: ReactiveControllerHost) {
    host.addController(this);
  }

  set running(on: boolean) {
    if (on && this.timer === undefined) this.timer = setInterval(() => this.host.requestUpdate(), 1000);
    if (!on) this.hostDisconnected();
  }

  hostDisconnected(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }
}
