// Signals over the whole run. The first SIGINT, SIGTERM or SIGHUP ends the input (filter mode
// stops reading, wrap mode forwards it to the tool) and the run still pushes what it collected,
// within the deadline, whenever it comes: while reading, or during the push and its retries. A
// second one means the user insists: leave at once, with the collected values printed. SIGQUIT
// leaves at once too (it asks for an immediate stop), values printed. SIGUSR1 is taken so that it
// cannot open Node's inspector on 127.0.0.1:9229, where any local process could read the tokens in
// our memory (https://nodejs.org/en/learn/getting-started/debugging: "activated by SIGUSR1").

export const ENDING_SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;
export type EndingSignal = (typeof ENDING_SIGNALS)[number];

export interface SignalHandlers {
  /** The first ending signal: stop reading or forward it; the push still happens. */
  first: (sig: EndingSignal) => void;
  /** A second ending signal, or SIGQUIT: print what was collected and exit now. */
  leave: (sig: NodeJS.Signals) => void;
}

export class SignalWatch {
  /** The first ending signal received, if any. */
  received: EndingSignal | undefined;
  readonly #handlers: SignalHandlers;
  readonly #onEnding = (sig: NodeJS.Signals): void => {
    if (this.received !== undefined) return this.#handlers.leave(sig);
    this.received = sig as EndingSignal;
    this.#handlers.first(this.received);
  };
  readonly #onQuit = (sig: NodeJS.Signals): void => this.#handlers.leave(sig);

  constructor(handlers: SignalHandlers) {
    this.#handlers = handlers;
    for (const sig of ENDING_SIGNALS) process.on(sig, this.#onEnding);
    process.on('SIGQUIT', this.#onQuit);
  }

  stop(): void {
    for (const sig of ENDING_SIGNALS) process.off(sig, this.#onEnding);
    process.off('SIGQUIT', this.#onQuit);
  }
}

/** Called first thing: a listener keeps SIGUSR1 from starting the inspector. */
export function refuseInspectorSignal(): void {
  process.on('SIGUSR1', () => undefined);
}
