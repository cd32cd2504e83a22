// The browser tests run in Mocha (through @web/test-runner), whose globals have no installed types here.
interface MochaContext {
  skip(): never;
  timeout(ms: number): void;
}
type MochaFn = (this: MochaContext) => void | Promise<void>;
declare function describe(title: string, fn: (this: MochaContext) => void): void;
declare function it(title: string, fn: MochaFn): void;
declare function before(fn: MochaFn): void;
declare function after(fn: MochaFn): void;
declare function beforeEach(fn: MochaFn): void;
declare function afterEach(fn: MochaFn): void;
