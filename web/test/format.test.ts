import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatBytes, formatDate, formatDateTime, formatDay, formatDuration, formatPercent, formatTime, localDay } from '../src/format';

test('dates are shown in the given (local) time zone', () => {
  const iso = '2026-11-23T07:28:05.123Z';
  assert.equal(formatTime(iso, 'fr-FR', 'Europe/Paris'), '08:28:05');
  assert.equal(formatTime(iso, 'en-GB', 'UTC'), '07:28:05');
  assert.match(formatDateTime(iso, 'fr-FR', 'Europe/Paris'), /23 nov\.? 2026.*08:28:05/);
  assert.match(formatDate(iso, 'en-GB', 'UTC'), /23 Nov 2026/);
  assert.equal(formatDateTime(null), '');
  assert.equal(formatDateTime('not a date'), '');
  // networks.csv writes "YYYY-MM-DD HH:MM:SS" (UTC)
  assert.equal(formatTime('2026-11-23 07:28:05', 'en-GB', 'UTC'), '07:28:05');
});

test('formatDay and localDay', () => {
  assert.match(formatDay('2026-12-01', 'en-GB'), /1 Dec/);
  assert.match(formatDay('2026-12-01', 'fr-FR'), /1 déc/);
  assert.equal(formatDay('garbage'), 'garbage');
  assert.equal(localDay(new Date(2026, 0, 5, 23, 59)), '2026-01-05');
});

test('durations', () => {
  assert.equal(formatDuration(null), '');
  assert.equal(formatDuration(800), '0.8 s');
  assert.equal(formatDuration(45_000), '45 s');
  assert.equal(formatDuration(65_000), '1 min 05 s');
  assert.equal(formatDuration(3_725_000), '1 h 02 min');
  assert.equal(formatDuration(90_000_000), '1 d 1 h');
  assert.equal(formatDuration(-5), '0 s');
});

test('bytes with binary units, in each language', () => {
  assert.equal(formatBytes(0, 'en-GB'), '0 B');
  assert.equal(formatBytes(1536, 'en-GB'), '1.5 KiB');
  assert.equal(formatBytes(1536, 'fr-FR'), '1,5 Kio');
  assert.equal(formatBytes(5 * 1024 ** 3, 'en-GB'), '5.0 GiB');
  assert.equal(formatBytes(200 * 1024 ** 2, 'en-GB'), '200 MiB');
  assert.equal(formatBytes(null), '');
});

test('percent', () => {
  assert.equal(formatPercent(60, 'en-GB'), '60%');
  assert.equal(formatPercent(60, 'fr-FR').replace(/\s/g, ' '), '60 %');
  assert.equal(formatPercent(undefined), '');
});
