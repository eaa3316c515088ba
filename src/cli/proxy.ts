#!/usr/bin/env node
import { run } from './proxy-command.js';

run();
