// Signing in to the web map, in headless Debian Chromium against the real
// placeplan server over a database with users (added by the real binary's
// placeplan user add): the sign-in page comes first and asks the server for
// nothing else; a wrong password is shown, announced and focused; an
// analyst signs in by keyboard, reaches the map, saves as themself and
// signs out; a session the server ends sends the user back to sign in and
// then to where they were; a viewer sees the editing controls disabled with
// the reason, and can still read plans, compare and export; axe-core finds
// nothing on the sign-in page or the signed-in views.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import {
  axe, bin, launch, mapIdle, noProblems, openPage, screenshot, startServer, tempDB,
} from './harness.js';

const passwords = { ana: 'ana-correct-horse-battery', vic: 'vic-correct-horse-battery', pat: 'pat-correct-horse-battery' };
let server, browser, db;

/** userAdd adds a user with the real binary, the password on stdin. */
function userAdd(name, role) {
  const r = spawnSync(bin, ['user', 'add', '--db', db, '--name', name, '--role', role], { input: `${passwords[name]}\n`, encoding: 'utf8' });
  assert.equal(r.status, 0, `user add ${name}: ${r.stderr}`);
}

before(async () => {
  db = tempDB();
  // A first start creates the database from the default data; users make the next one require sign-in.
  const first = await startServer(db);
  await first.stop();
  userAdd('ana', 'analyst');
  userAdd('vic', 'viewer');
  userAdd('pat', 'approver');
  server = await startServer(db);
  browser = await launch();
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

async function assertAccessible(page, what) {
  const v = await axe(page);
  assert.deepEqual(v, [], `axe-core violations on ${what}: ${JSON.stringify(v, null, 2)}`);
}

/** dataRequests lists the page's requests for data: every /api, /tiles and /ogc one but the session's. */
function recordData(page) {
  const seen = [];
  page.on('request', (r) => {
    const u = new URL(r.url());
    if (/^\/(api|tiles|ogc)\//.test(u.pathname) && u.pathname !== '/api/v1/session') seen.push(`${r.method()} ${u.pathname}`);
  });
  return seen;
}

/** signIn fills the form by keyboard alone and presses Enter. */
async function signIn(page, name, password) {
  await page.locator('#username').focus();
  await page.keyboard.press('ControlOrMeta+A');
  await page.keyboard.type(name);
  await page.keyboard.press('Tab');
  assert.equal(await page.evaluate(() => document.activeElement?.id), 'password');
  await page.keyboard.type(password);
  await page.keyboard.press('Enter');
}

const focusedIs = (page, selector) => page.evaluate((s) => document.activeElement?.matches(s) ?? false, selector);

test('the server requires sign-in once it has users', () => {
  assert.match(server.lines.join('\n'), /sign-in required/);
});

test('sign-in: the page comes first, a wrong password is announced and focused, and an analyst signs in by keyboard, saves and signs out', async () => {
  const page = await openPage(browser, server);
  page.allowed.add(401); // the wrong password, on purpose
  const data = recordData(page);
  const start = `${server.url}/?view=scenario&scenario=shropshire-five-teams`;
  await page.goto(start);
  await page.getByRole('heading', { level: 1, name: 'Sign in to placeplan' }).waitFor();
  assert.equal(await page.title(), 'Sign in — placeplan');
  assert.equal(await page.locator('#username').getAttribute('autocomplete'), 'username');
  assert.equal(await page.locator('#password').getAttribute('autocomplete'), 'current-password');
  assert.equal(await page.locator('#password').getAttribute('type'), 'password');
  assert.equal(await page.locator('.pp-map, canvas').count(), 0, 'no map before sign-in');
  assert.deepEqual(data, [], 'no data asked for before sign-in');
  await screenshot(page, 'signin-1280x720');
  await assertAccessible(page, 'the sign-in page');
  // It reflows to 320 CSS pixels (WCAG 1.4.10) with no sideways scrolling.
  await page.setViewportSize({ width: 320, height: 640 });
  assert.ok(await page.evaluate(() => document.documentElement.scrollWidth <= innerWidth), 'no sideways scrolling at 320 px');
  await screenshot(page, 'signin-320x640');
  await page.setViewportSize({ width: 1280, height: 720 });

  // Keyboard from the top: the skip link, then the user name.
  await page.keyboard.press('Tab');
  assert.ok(await focusedIs(page, '.govuk-skip-link'));
  await page.keyboard.press('Tab');
  assert.equal(await page.evaluate(() => document.activeElement?.id), 'username');

  // A wrong password: the summary says so, is announced (role=alert) and has the focus; the field says so too.
  await signIn(page, 'ana', 'not-her-password');
  const summary = page.locator('.govuk-error-summary');
  await summary.waitFor();
  await page.waitForFunction(() => document.activeElement?.classList.contains('govuk-error-summary'));
  assert.match(await summary.textContent(), /There is a problem.*Wrong user name or password\./);
  assert.equal(await summary.locator('[role=alert]').count(), 1);
  assert.match(await page.locator('#password-error').textContent(), /Error: Wrong user name or password\./);
  assert.equal(await page.locator('#password').getAttribute('aria-describedby'), 'password-error');
  assert.equal(await page.locator('#password').inputValue(), '', 'the wrong password is cleared');
  assert.equal(await page.locator('#username').inputValue(), 'ana', 'the user name is kept');
  assert.match(await page.title(), /^Error: Sign in/);
  assert.deepEqual(data, [], 'still no data asked for');
  await screenshot(page, 'signin-error-1280x720');
  await assertAccessible(page, 'the sign-in page with an error');

  // The summary's link takes the keyboard to the password; the right one signs in.
  await page.keyboard.press('Tab');
  assert.ok(await focusedIs(page, '.govuk-error-summary a'));
  await page.keyboard.press('Enter');
  assert.equal(await page.evaluate(() => document.activeElement?.id), 'password');
  await page.keyboard.type(passwords.ana);
  await page.keyboard.press('Enter');

  // Back where the link pointed: the scenario view, its choropleth drawn.
  await page.locator('#ranking li').first().waitFor();
  await mapIdle(page);
  await page.waitForFunction(() => document.querySelectorAll('.pp-legend__list li').length >= 5);
  await mapIdle(page);
  const at = new URL(page.url()).searchParams;
  assert.deepEqual([at.get('view'), at.get('scenario')], ['scenario', 'shropshire-five-teams'], 'the address is kept');
  assert.equal(await page.getByTestId('account').textContent(), 'Signed in as ana (analyst)Sign out');
  await page.getByText('Signed in as ana (analyst)').waitFor();
  assert.ok(await focusedIs(page, '#main h1'), 'the keyboard carries on from the view’s heading');
  assert.equal(await page.getByLabel('Income deprivation affecting children (IDACI)', { exact: true }).isDisabled(), false);
  await screenshot(page, 'signed-in-analyst-1280x720');
  await assertAccessible(page, 'the scenario view signed in as an analyst');

  // A change and a save, by ana: the server records her as the author.
  await page.getByLabel('Weight of Income deprivation', { exact: true }).fill('2');
  await page.getByLabel('Weight of Income deprivation', { exact: true }).press('Tab');
  assert.match(await page.getByTestId('save-as').textContent(), /^Saved as ana:/);
  await page.getByLabel('Note on the change').fill('ana: more weight on income');
  await page.getByRole('button', { name: 'Save as revision 2' }).click();
  await page.locator('.pp-save .govuk-inset-text').getByText('Saved as revision 2 of shropshire-five-teams.').waitFor();
  const row = page.locator('.pp-revisions tbody tr').filter({ hasText: 'ana: more weight on income' });
  await row.waitFor();
  assert.match(await row.locator('td').first().textContent(), /^ana/);

  // Sign out, by keyboard: the sign-in page again, and the server has forgotten the session.
  await page.getByRole('button', { name: 'Sign out' }).focus();
  await page.keyboard.press('Enter');
  await page.getByRole('heading', { level: 1, name: 'Sign in to placeplan' }).waitFor();
  assert.match(await page.locator('.govuk-notification-banner').textContent(), /You have signed out/);
  assert.equal((await page.evaluate(() => fetch('/api/v1/session').then((r) => r.json()))).signed_in, false);
  assert.equal(await page.locator('.pp-map').count(), 0, 'the map is gone');
  await screenshot(page, 'signed-out-1280x720');
  await assertAccessible(page, 'the sign-in page after signing out');
  // Someone else signs in on the same page: it starts afresh, at the same address.
  await signIn(page, 'vic', passwords.vic);
  await page.getByText('Signed in as vic (viewer)').waitFor();
  await page.locator('#ranking li').first().waitFor();
  assert.equal(new URL(page.url()).searchParams.get('view'), 'scenario');
  noProblems(page);
  await page.close();
});

test('sign-in: a session the server ends sends the user to sign in again, then back to their unsaved draft', async () => {
  const page = await openPage(browser, server);
  page.allowed.add(401); // the requests after the session ended
  await page.goto(`${server.url}/?view=scenario&scenario=shropshire-five-teams`);
  await signIn(page, 'ana', passwords.ana);
  await page.locator('#ranking li').first().waitFor();
  await mapIdle(page);

  // The server ends the session (as its idle timeout would), behind the page's back.
  const cookie = (await page.context().cookies()).find((c) => c.name === 'placeplan_session');
  assert.ok(cookie, 'a session cookie');
  assert.equal(cookie.httpOnly, true);
  const token = (await page.evaluate(() => fetch('/api/v1/session').then((r) => r.json()))).csrf_token;
  const end = await fetch(`${server.url}/api/v1/session`, {
    method: 'DELETE', headers: { Cookie: `placeplan_session=${cookie.value}`, 'X-CSRF-Token': token },
  });
  assert.equal(end.status, 204);

  // The next change is refused (401): the sign-in page says why and keeps the address.
  const before = page.url();
  await page.getByLabel('Weight of Income deprivation', { exact: true }).fill('4');
  const banner = page.locator('.govuk-notification-banner');
  await banner.waitFor();
  assert.match(await banner.textContent(), /Your session has ended: sign in again/);
  await page.waitForFunction(() => document.activeElement?.classList.contains('govuk-notification-banner'));
  assert.equal(page.url(), before);
  await screenshot(page, 'session-ended-1280x720');
  await assertAccessible(page, 'the sign-in page after the session ended');

  // Signed in again, the draft is still there and is scored again.
  await signIn(page, 'ana', passwords.ana);
  await page.locator('#ranking li').first().waitFor();
  assert.match(await page.locator('#draft-status').textContent(), /Unsaved changes/);
  assert.equal(await page.getByLabel('Weight of Income deprivation', { exact: true }).inputValue(), '4');
  await page.waitForFunction(() => !document.querySelector('#ranking-h ~ .govuk-error-message'));
  await mapIdle(page);
  noProblems(page);
  await page.close();
});

test('sign-in: a viewer explores, opens plans, compares and exports, and sees why editing is disabled', async () => {
  const page = await openPage(browser, server);
  await page.goto(`${server.url}/?view=scenario&scenario=shropshire-five-teams`);
  await signIn(page, 'vic', passwords.vic);
  await page.locator('#ranking li').first().waitFor();
  await page.locator('#chosen-sites li').first().waitFor();
  await mapIdle(page);
  await page.getByText('Signed in as vic (viewer)').waitFor();

  const reason = 'Viewers can look but not change: ask an admin for the analyst role.';
  assert.equal(await page.locator('#edit-locked').textContent(), reason);
  for (const label of ['Income deprivation affecting children (IDACI)', 'Weight of Income deprivation', 'Normalisation', 'Number of teams']) {
    const control = page.getByLabel(label, { exact: true });
    assert.equal(await control.isDisabled(), true, `${label} is disabled for a viewer`);
  }
  // The candidate sites' rules are shown, not offered.
  assert.equal(await page.locator('select[data-site]').count(), 0);
  assert.match(await page.locator('.pp-candidates tbody').textContent(), /Fixed \(already open\)|May be chosen/);
  const weights = page.locator('.pp-editor fieldset').first();
  assert.equal(await weights.getAttribute('aria-describedby'), 'edit-locked', 'the reason is the controls’ description');
  const save = page.getByRole('button', { name: /^Save as revision / });
  assert.equal(await save.isDisabled(), true);
  assert.match(await page.locator('#save-locked').textContent(), new RegExp(reason.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')));
  assert.equal(await page.getByLabel('Each site’s catchment').isDisabled(), false, 'colouring the map is not a change');
  // ana's revision, with her name, is there for the viewer to read.
  await page.locator('.pp-revisions').getByText('ana: more weight on income').waitFor();
  await screenshot(page, 'signed-in-viewer-1280x720');
  await assertAccessible(page, 'the scenario view signed in as a viewer');

  // An export is a read: the viewer may download it.
  const [download] = await Promise.all([
    page.waitForEvent('download', { timeout: 60000 }),
    page.getByRole('button', { name: 'Tables (CSV, zipped)' }).click(),
  ]);
  assert.match(download.suggestedFilename(), /^shropshire-five-teams@\d+/);

  // The rollout and the comparison are reads too.
  await page.goto(`${server.url}/?view=rollout&scenario=shropshire-five-teams`);
  await page.locator('#timeline li').first().waitFor();
  await page.goto(`${server.url}/?view=compare&a=shropshire-five-teams&b=shropshire-five-teams-30min`);
  await page.locator('#comparison').waitFor();
  await mapIdle(page, 'map');
  // No request was refused: the page never asked a viewer's session for an analyst's route (403).
  noProblems(page);
  await page.close();
});

test('approval: an approver approves the open revision for a board by keyboard; the history shows it', async () => {
  const page = await openPage(browser, server);
  await page.goto(`${server.url}/?view=scenario&scenario=shropshire-five-teams`);
  await page.getByRole('heading', { level: 1, name: 'Sign in to placeplan' }).waitFor();
  await signIn(page, 'pat', passwords.pat);
  await page.getByText('Signed in as pat (approver)').waitFor();
  await page.locator('#ranking li').first().waitFor();
  const panel = page.locator('.pp-approve');
  await panel.locator('summary').focus();
  await page.keyboard.press('Enter');
  const rev = (await panel.locator('summary').textContent()).match(/revision (\d+)/)[1];
  await page.getByLabel('Committee').fill('Health and Wellbeing Board');
  await page.getByLabel('Date of the meeting').fill('2027-01-14');
  await page.getByLabel('Note (optional)').fill('item 7');
  await assertAccessible(page, 'the approval form');
  await page.getByRole('button', { name: `Approve revision ${rev}` }).focus();
  await page.keyboard.press('Enter');
  const tag = page.locator('.pp-revisions .pp-approval').filter({ hasText: 'Approved for Health and Wellbeing Board, 14 January 2027, by pat' });
  await tag.waitFor();
  const history = await page.evaluate(() => fetch('/api/v1/scenarios/shropshire-five-teams/revisions').then((r) => r.json()));
  const approved = history.find((r) => String(r.revision) === rev);
  assert.equal(approved.approvals.length, 1);
  assert.equal(approved.approvals[0].by, 'pat');
  await screenshot(page, 'approved-1280x720');
  await assertAccessible(page, 'the scenario view with an approved revision');
  noProblems(page);
  await page.close();

  // A viewer sees the approval, and why they cannot give one.
  const viewer = await openPage(browser, server);
  await viewer.goto(`${server.url}/?view=scenario&scenario=shropshire-five-teams`);
  await signIn(viewer, 'vic', passwords.vic);
  await viewer.locator('#ranking li').first().waitFor();
  await viewer.locator('.pp-approve summary').click();
  assert.ok(await viewer.getByRole('button', { name: `Approve revision ${rev}` }).isDisabled());
  assert.match(await viewer.locator('#approve-blocked').textContent(), /Viewers can look but not change: ask an admin for the approver role/);
  noProblems(viewer);
  await viewer.close();
});
