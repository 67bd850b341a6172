import { Runtime } from '@temporalio/worker';
import { installTestLogger } from './worker/runtime';
installTestLogger();
const r = Runtime.instance();
console.log('same?', r.logger === Runtime.defaultOptions.logger);
r.logger.info('HELLO');
