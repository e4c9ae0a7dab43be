#!/usr/bin/env -S npx tsx
// The CDK app: reads the stage (`-c stage=dev`, default dev) and builds the stacks from config/<stage>.json.
import { App } from 'aws-cdk-lib';
import { buildApp } from '../lib/app.js';
import { loadConfig } from '../lib/config.js';

const app = new App();
const stage = (app.node.tryGetContext('stage') as string | undefined) ?? 'dev';
buildApp(loadConfig(stage), app);
app.synth();
