import { createRequire as __createRequire } from 'node:module';
const require = __createRequire(import.meta.url);
import {
  info,
  isFeatureAvailable
} from "./chunk-UOGJG2J7.js";

// src/main.ts
info(`cache available: ${isFeatureAvailable()}`);
