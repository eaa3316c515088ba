import { run } from './action/restore.js';
import { isEntryModule } from './system/entry-module.js';

export { run };

if (isEntryModule(import.meta.url)) void run();
