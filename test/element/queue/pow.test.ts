/**
 * A room "under attack" (proof of work on every join) with the REAL queue server on another origin: the
 * widget loads the solver chunk, solves in a Web Worker (or on the page when no Worker can be made), joins
 * with the same key, and a pupil who already holds a place never solves again.
 */
import { expect, fixture } from '@open-wc/testing';
import { executeServerCommand } from '@web/test-runner-commands';
import '../../../src/element/queue/antichambre-queue.js';
import type { AntichambreQueue } from '../../../src/element/queue/antichambre-queue.js';
import { clearAdmissionCookie, servers, uniqueRoom, untilText } from '../support/helpers.js';

const mount = (room: string) =>
  fixture<AntichambreQueue>(
    Object.assign(document.createElement('template'), {
      innerHTML: `<antichambre-queue endpoint="${servers.real!.apiUrl}" room="${room}"><form><button>Se connecter</button></form></antichambre-queue>`,
    }).content.firstElementChild as AntichambreQueue,
  );

/** Every phase the element goes through, sampled each frame (solving takes a fraction of a second here). */
function recordPhases(element: AntichambreQueue): { phases: Set<string>; stop(): void } {
  const phases = new Set<string>();
  let frame = 0;
  const sample = () => {
    if (element.phase) phases.add(element.phase);
    frame = requestAnimationFrame(sample);
  };
  sample();
  return { phases, stop: () => cancelAnimationFrame(frame) };
}

const RealWorker = window.Worker;

async function underAttack(room: string): Promise<void> {
  expect(await executeServerCommand<number, object>('admin-room', { room, capacity: 0, admitPerMinute: 60, open: true })).to.be.below(300);
  expect(await executeServerCommand<number, object>('admin-defence', { room, mode: 'on' })).to.equal(200);
}

const waitingIn = async (room: string) => (await executeServerCommand<{ waiting: number }, { room: string }>('room-status', { room })).waiting;

describe('proof of work on joins (real server, room under attack)', function () {
  before(function () {
    if (!servers.real) this.skip();
  });
  afterEach(() => {
    window.Worker = RealWorker;
    return clearAdmissionCookie();
  });

  it('the widget solves the challenge in a Web Worker, shows "verifying", and joins with one place', async () => {
    const room = uniqueRoom('attacked');
    await underAttack(room);
    let workers = 0;
    let answers = 0;
    window.Worker = class extends RealWorker {
      constructor(...args: ConstructorParameters<typeof Worker>) {
        super(...args);
        workers += 1;
        this.addEventListener('message', () => (answers += 1));
      }
    };
    const element = await mount(room);
    const recorder = recordPhases(element);
    await untilText(element, /Vous êtes en position 1\b/, 20_000);
    recorder.stop();
    expect([...recorder.phases]).to.include('verifying');
    // Here the widget's modules come from the test server, without the built worker file: the blob: worker answers.
    expect(workers).to.be.at.least(1);
    expect(answers).to.equal(1, 'a worker found the answer (not the page fallback)');
    expect(await waitingIn(room)).to.equal(1);

    // A reload while the room is still under attack: the stored ticket is polled, no new proof, same place.
    element.remove();
    const again = await mount(room);
    const second = recordPhases(again);
    await untilText(again, /Vous êtes en position 1\b/, 20_000);
    second.stop();
    expect([...second.phases]).not.to.include('verifying');
    expect(answers).to.equal(1, 'no second proof of work');
    expect(await waitingIn(room)).to.equal(1);
  });

  it('where no Worker can be made (CSP, Trusted Types), the page solves in slices and the pupil still joins', async () => {
    const room = uniqueRoom('attacked');
    await underAttack(room);
    window.Worker = class {
      constructor() {
        throw new DOMException('refused by worker-src', 'SecurityError');
      }
    } as unknown as typeof Worker;
    const element = await mount(room);
    await untilText(element, /Vous êtes en position 1\b/, 30_000);
    expect(await waitingIn(room)).to.equal(1);
  });
});
