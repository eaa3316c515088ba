import { run } from './restore.js';

void run();
