import { run } from './action/save.js';
import { isEntryModule } from './system/entry-module.js';

export { run };

if (isEntryModule(import.meta.url)) void run();
