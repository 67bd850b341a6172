// The hand-written baseline shares its libraries across workflows exactly as hwc does
// (workflows/shared-modules.ts): the comparison is of the journey code, not of how it is bundled.
import '../../domain/calendar';
import '../../domain/rules';
import '../../domain/schemas';
import '../../machines/context';
import { shallowFreezeExports } from '../../workflows/freeze-exports';

shallowFreezeExports(/^\.\/(node_modules\/zod\/|domain\/schemas\.ts$)/, ['./domain/schemas.ts']);
