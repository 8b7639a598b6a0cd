/**
 * The part of newman's programmatic API (https://github.com/postmanlabs/newman#api-reference) the tests use;
 * newman ships no type declarations.
 */
declare module 'newman' {
  import type { EventEmitter } from 'node:events';

  export interface NewmanVariable {
    key: string;
    value: string;
  }

  export interface NewmanRunOptions {
    /** A collection file path, URL or parsed collection object (Postman v2.x). */
    collection: string | object;
    environment?: string | object;
    /** Environment variables set for this run; they take precedence over collection variables. */
    envVar?: NewmanVariable[];
    globalVar?: NewmanVariable[];
    reporters?: string | string[];
    reporter?: Record<string, unknown>;
    /** Milliseconds for the whole run, each request, each script. */
    timeout?: number;
    timeoutRequest?: number;
    timeoutScript?: number;
    delayRequest?: number;
    bail?: boolean;
    iterationCount?: number;
  }

  export interface NewmanRunStat {
    total: number;
    pending: number;
    failed: number;
  }

  export interface NewmanRunFailure {
    error: { name: string; message: string; test?: string; stack?: string };
    at?: string;
    source?: { name?: string };
    parent?: { name?: string };
  }

  export interface NewmanRunExecution {
    item: { name: string };
    assertions?: Array<{ assertion: string; skipped?: boolean; error?: { message: string } }>;
    response?: { code: number };
    requestError?: { message: string };
  }

  export interface NewmanRunSummary {
    run: {
      stats: {
        iterations: NewmanRunStat;
        items: NewmanRunStat;
        requests: NewmanRunStat;
        tests: NewmanRunStat;
        assertions: NewmanRunStat;
        testScripts: NewmanRunStat;
        prerequestScripts: NewmanRunStat;
      };
      failures: NewmanRunFailure[];
      executions: NewmanRunExecution[];
      error?: Error | null;
    };
  }

  export function run(
    options: NewmanRunOptions,
    callback?: (error: Error | null, summary: NewmanRunSummary) => void,
  ): EventEmitter;

  const newman: { run: typeof run };
  export default newman;
}
