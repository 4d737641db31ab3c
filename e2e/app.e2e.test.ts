/**
 * The web app's end-to-end run, one file so its steps never compete for the two cores: first
 * the quality bars and every page's screenshots on the fresh demo office, then the journeys
 * (which change its data).
 */
import './pages.suite.ts';
import './journeys.suite.ts';
