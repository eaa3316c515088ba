import { run } from './save.js';

void run();
