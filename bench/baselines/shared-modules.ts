// The hand-written baseline shares its libraries across workflows exactly as hwc does
// (workflows/shared-modules.ts): the comparison is of the journey code, not of how it is bundled.
import '../../domain/calendar';
import '../../domain/rules';
import '../../domain/schemas';
import '../../machines/context';
import '../../identity/proof';
import { shallowFreezeExports } from '../../workflows/freeze-exports';

shallowFreezeExports(/\/node_modules\/zod\/|^\.\/(domain\/(schemas|staff)|identity\/proof)\.ts$/, [
  './domain/schemas.ts',
  './domain/staff.ts',
  './identity/proof.ts',
]);
