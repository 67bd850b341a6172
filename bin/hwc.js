#!/usr/bin/env node
// Entry point of the `hwc` command: TypeScript is loaded through tsx, so there is no build step.
import { register } from 'tsx/esm/api';

register();
await import('../cli/main.ts');
