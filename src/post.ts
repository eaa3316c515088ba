import { run } from './action/save.js';

void run();
