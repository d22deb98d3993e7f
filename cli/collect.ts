/**
 * A full garbage collection on request, for the commands' long reads. While the parse threads read
 * a table, the main thread waits and allocates almost nothing, so V8 never collects what the
 * label pass left behind (a 10× seed-scale table's labels, duplicate check and sample draw: ~90 MB
 * of dead strings and arrays) and the process holds it through the whole read. One collection as
 * the long pass starts (tens of ms) gives it back. V8 offers `gc()` only with `--expose-gc`: the
 * command sets that flag itself at run time (Node's `v8.setFlagsFromString`), so no one has to
 * start it with a flag; a Node that refuses makes this a no-op.
 */
import * as v8 from 'node:v8';
import * as vm from 'node:vm';

let collector: (() => void) | undefined;

/** Runs a full (major) garbage collection now; does nothing where V8 does not allow it. */
export function collectGarbage(): void {
  if (!collector) {
    v8.setFlagsFromString('--expose-gc');
    const found: unknown = vm.runInNewContext('typeof gc === "function" ? gc : undefined');
    collector = typeof found === 'function' ? (found as () => void) : () => {};
  }
  collector();
}
