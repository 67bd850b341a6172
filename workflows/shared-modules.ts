// Modules every journey shares instead of evaluating its own copy (the SDK's `preloadModules`, see
// worker/worker.ts). By default the SDK evaluates a workflow's modules afresh for every workflow it
// creates, live or in a replay: for hwc that is zod and all its schemas, luxon, XState and the machine
// definition, some 20 ms of CPU and 1.3 MiB of heap per journey (bench: `npm run bench`). Modules loaded
// here are evaluated once per worker thread, before any workflow exists, and every workflow then gets
// these same instances.
//
// Why this is safe: these modules keep no state between calls (no module-level variables that change;
// domain/ and machines/ are pure, the journey state lives in each workflow's own variables), and they
// never read the clock or randomness at load time. The SDK deep-freezes what preloaded modules export, to
// catch code that would mutate shared state. That freeze is kept for everything but zod and the modules
// exporting zod schemas (schemas, policy, booleans): zod 4 memoises members on a schema the first time they are read
// (`schema.safeParse` is bound on first use) and resets its own regular expressions' `lastIndex`, which a
// frozen object refuses. Those modules' export objects are frozen here, shallowly, so that the SDK's deep
// freeze stops there: no export can be replaced, and zod can still memoise (deterministically) inside.
import '../machines/step';
import '../machines/describe';
import '../machines/context';
import '../domain/calendar';
import '../domain/rules';
import '../domain/policy';
// The proof check and its curve: @noble/curves builds its base-point table on the first signature it checks
// (a few ms), which a per-journey copy would redo for every journey, live and in every replay.
import '../identity/proof';
import './messages';
import './search-attributes';
import { shallowFreezeExports } from './freeze-exports';

// zod's id is `./node_modules/zod/…` in a checkout, and `../<elsewhere>/node_modules/zod/…` when node_modules
// is a symlink (a git worktree sharing another checkout's): webpack names modules by their real path.
shallowFreezeExports(
  /\/node_modules\/zod\/|^\.\/domain\/(schemas|policy|booleans|staff)\.ts$|^\.\/identity\/proof\.ts$/,
  ['./domain/schemas.ts', './domain/policy.ts', './domain/staff.ts', './identity/proof.ts'],
);
