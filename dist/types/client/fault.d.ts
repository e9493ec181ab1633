/// <reference lib="esnext.disposable" preserve="true" />
/**
 * A fault that reverts itself: `await using` ends it when the scope ends, however it ends.
 *
 *   {
 *     await using slow = await gate.proxy('pg').latency(100);
 *     … the test, with every answer 100 ms late …
 *   } // reverted here, even when the test throws
 */
export declare class Fault implements AsyncDisposable {
    /** What was put on, for messages: `latency on proxy pg`. */
    readonly description: string;
    private readonly undo;
    private reverted?;
    constructor(
    /** What was put on, for messages: `latency on proxy pg`. */
    description: string, undo: () => Promise<void>);
    /** Ends the fault; a second call (or the scope's end after it) does nothing more. */
    revert(): Promise<void>;
    [Symbol.asyncDispose](): Promise<void>;
}
