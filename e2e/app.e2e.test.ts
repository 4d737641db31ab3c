/**
 * The web app's end-to-end run, one file so its steps run in order against one demo office:
 * first every page's screenshots on the fresh data, then the journeys (which change it). One
 * page or one journey per test. A new suite is one more import line below.
 */
import { beforeAll, inject } from 'vitest';
import { demoOfficeReady } from './support/ready.ts';
import './pages.suite.ts';
import './journeys.suite.ts';
import './screens.suite.ts';
import './shared-pc.suite.ts';
import './coordination.suite.ts';
import './forms.suite.ts';
import './figures.suite.ts';
import './documents.suite.ts';
import './present.suite.ts';

// Before every suite's own set-up: the set-up starts the server in the background.
beforeAll(() => demoOfficeReady(inject('baseURL')));
