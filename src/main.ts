import { run } from './action/restore.js';

void run();
