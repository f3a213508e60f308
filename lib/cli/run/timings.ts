// Where a run's time went, said with --verbose at the end: from Node's start to run() (Node
// itself and loading the program), the setup, the wait for the input's end, what is done at the
// end of input, and the push (with the HTTP client and the encoders it loads). bench/phases.js
// reads this line for the start-up breakdown in bench/RESULTS.md.

export type Phase = 'setup' | 'input' | 'collect' | 'push';

export class Timings {
  readonly #clock: () => number;
  readonly #start: number;
  readonly #spent = new Map<Phase, number>();
  #last: number;

  /** `clock`: milliseconds since the process started (process.uptime(), or a test's own). */
  constructor(clock: () => number = () => process.uptime() * 1000) {
    this.#clock = clock;
    this.#start = clock();
    this.#last = this.#start;
  }

  /** The phase that ends now: the time since the previous one ended is its. */
  end(phase: Phase): void {
    const now = this.#clock();
    this.#spent.set(phase, (this.#spent.get(phase) ?? 0) + (now - this.#last));
    this.#last = now;
  }

  /** `timings: start 29 ms, setup 8 ms, input 3 ms, collect 0 ms, push 56 ms; 96 ms in all`. */
  describe(): string {
    const parts = [`start ${ms(this.#start)}`, ...[...this.#spent].map(([phase, t]) => `${phase} ${ms(t)}`)];
    return `timings: ${parts.join(', ')}; ${ms(this.#last)} in all`;
  }
}

function ms(t: number): string {
  return `${Math.round(t)} ms`;
}
