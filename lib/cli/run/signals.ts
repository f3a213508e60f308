// Signals over the whole run. The first SIGINT, SIGTERM or SIGHUP ends the input (filter mode
// stops reading, wrap mode forwards it to the tool) and the run still pushes what it collected,
// within the deadline, whenever it comes: while reading, or during the push and its retries. A
// second one means the user insists: leave at once, with the collected values printed. SIGQUIT
// leaves at once too (it asks for an immediate stop), values printed. The signals come from a
// SignalSource the entry hands over (the process); SIGUSR1 is refused there (bin/).

export const ENDING_SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;
export type EndingSignal = (typeof ENDING_SIGNALS)[number];

export interface SignalHandlers {
  /** The first ending signal: stop reading or forward it; the push still happens. */
  first: (sig: EndingSignal) => void;
  /** A second ending signal, or SIGQUIT: print what was collected and exit now. */
  leave: (sig: NodeJS.Signals) => void;
}

/**
 * Where the signals come from, and how to leave at once: the process, in the entry (bin/);
 * an EventEmitter with an exit() in a test. A run without one watches no signal.
 */
export interface SignalSource {
  on(sig: NodeJS.Signals, listener: (sig: NodeJS.Signals) => void): unknown;
  off(sig: NodeJS.Signals, listener: (sig: NodeJS.Signals) => void): unknown;
  /** Ends the program now with this status (process.exit). */
  exit(status: number): void;
}

export class SignalWatch {
  /** The first ending signal received, if any. */
  received: EndingSignal | undefined;
  readonly #handlers: SignalHandlers;
  readonly #source: SignalSource | undefined;
  readonly #onEnding = (sig: NodeJS.Signals): void => {
    if (this.received !== undefined) return this.#handlers.leave(sig);
    this.received = sig as EndingSignal;
    this.#handlers.first(this.received);
  };
  readonly #onQuit = (sig: NodeJS.Signals): void => this.#handlers.leave(sig);

  constructor(source: SignalSource | undefined, handlers: SignalHandlers) {
    this.#handlers = handlers;
    this.#source = source;
    for (const sig of ENDING_SIGNALS) source?.on(sig, this.#onEnding);
    source?.on('SIGQUIT', this.#onQuit);
  }

  stop(): void {
    for (const sig of ENDING_SIGNALS) this.#source?.off(sig, this.#onEnding);
    this.#source?.off('SIGQUIT', this.#onQuit);
  }
}
