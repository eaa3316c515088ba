import * as cache from '@actions/cache';
import * as core from '@actions/core';

core.info(`cache available: ${cache.isFeatureAvailable()}`);
