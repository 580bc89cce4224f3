import { describe, expect, it } from 'vitest';
import { parseFilters, parseWebviewMessage } from '../../extension/src/panel/messages';

describe('parseWebviewMessage', () => {
  it('accepts every message of the contract', () => {
    expect(parseWebviewMessage({ type: 'ready' })).toEqual({ type: 'ready' });
    expect(parseWebviewMessage({ type: 'refresh' })).toEqual({ type: 'refresh' });
    expect(parseWebviewMessage({ type: 'exportCsv' })).toEqual({ type: 'exportCsv' });
    expect(parseWebviewMessage({ type: 'generateDemo' })).toEqual({ type: 'generateDemo' });
    expect(parseWebviewMessage({ type: 'setView', range: '30d', filters: { provider: 'openai' } })).toEqual({
      type: 'setView',
      range: '30d',
      filters: { provider: 'openai' },
    });
    expect(parseWebviewMessage({ type: 'loadMore', offset: 20, limit: 50, filters: {} })).toEqual({
      type: 'loadMore',
      offset: 20,
      limit: 50,
      filters: {},
    });
    expect(
      parseWebviewMessage({ type: 'openSource', workflowName: 'code-review', stepName: 'scan', callId: 'c1' }),
    ).toEqual({ type: 'openSource', workflowName: 'code-review', stepName: 'scan', callId: 'c1' });
    expect(parseWebviewMessage({ type: 'openFile', path: '/ws/.empathy/llm_calls.jsonl', line: 7 })).toEqual({
      type: 'openFile',
      path: '/ws/.empathy/llm_calls.jsonl',
      line: 7,
    });
  });

  it('drops extra fields instead of passing them on', () => {
    expect(parseWebviewMessage({ type: 'ready', evil: 1 })).toEqual({ type: 'ready' });
    expect(parseWebviewMessage({ type: 'openSource', workflowName: 'w', stepName: null })).toEqual({
      type: 'openSource',
      workflowName: 'w',
    });
  });

  it.each([
    null,
    'ready',
    42,
    [],
    {},
    { type: 'nope' },
    { type: 'setView', range: '1y', filters: {} },
    { type: 'setView', range: '7d', filters: { __proto__x: 'a' } },
    { type: 'setView', range: '7d', filters: { provider: 3 } },
    { type: 'setView', range: '7d', filters: ['provider'] },
    { type: 'loadMore', offset: -1, limit: 20, filters: {} },
    { type: 'loadMore', offset: 0, limit: 0, filters: {} },
    { type: 'loadMore', offset: 0, limit: 1001, filters: {} },
    { type: 'loadMore', offset: 1.5, limit: 20, filters: {} },
    { type: 'openSource' },
    { type: 'openSource', workflowName: 5 },
    { type: 'openSource', workflowName: 'x'.repeat(5000) },
    { type: 'openFile', path: '', line: 1 },
    { type: 'openFile', path: '/etc/passwd' },
    { type: 'openFile', path: '/etc/passwd', line: '1' },
    { type: 'openSource', workflowName: null, callId: null },
    { type: 'openSource', workflowName: '', callId: '' },
    { type: 'undoClearHistory' },
    { type: 'undoClearHistory', archiveDir: '' },
    { type: 'undoClearHistory', archiveDir: 7 },
    { type: 'testAlert' },
    { type: 'testAlert', rule: '' },
    { type: 'testAlert', rule: 'x'.repeat(5000) },
  ])('rejects %j', (raw) => {
    expect(parseWebviewMessage(raw)).toBeUndefined();
  });

  it('treats HTML in names as plain data', () => {
    const name = '<img src=x onerror=alert(1)>';
    expect(parseWebviewMessage({ type: 'openSource', workflowName: name })).toEqual({
      type: 'openSource',
      workflowName: name,
    });
  });
});

describe('round 2 messages', () => {
  it('accepts a call without a workflow by its callId alone', () => {
    expect(parseWebviewMessage({ type: 'openSource', workflowName: null, callId: 'c9' })).toEqual({
      type: 'openSource',
      callId: 'c9',
    });
    expect(parseWebviewMessage({ type: 'openSource', callId: 'c9', stepName: '' })).toEqual({ type: 'openSource', callId: 'c9' });
  });

  it.each(['clearHistory', 'clearFeed', 'refreshAll', 'openSettings', 'openAlertsConfig'])('accepts %s and drops extra keys', (type) => {
    expect(parseWebviewMessage({ type, extra: 1 })).toEqual({ type });
  });

  it('accepts undoClearHistory and testAlert with their argument', () => {
    expect(parseWebviewMessage({ type: 'undoClearHistory', archiveDir: '/ws/.empathy/archive/cleared-x' })).toEqual({
      type: 'undoClearHistory',
      archiveDir: '/ws/.empathy/archive/cleared-x',
    });
    expect(parseWebviewMessage({ type: 'testAlert', rule: 'Daily budget', more: true })).toEqual({ type: 'testAlert', rule: 'Daily budget' });
  });
});

describe('parseFilters', () => {
  it('drops empty values and keeps known keys', () => {
    expect(parseFilters({ workflow: '', provider: 'anthropic', tier: null })).toEqual({ provider: 'anthropic' });
    expect(parseFilters(undefined)).toEqual({});
    expect(parseFilters({ unknown: 'x' })).toBeUndefined();
  });
});

describe('dimension messages', () => {
  it('accepts a dimension search and the new filter keys', () => {
    expect(parseWebviewMessage({ type: 'dimensionValues', dimension: 'user', prefix: 'an', limit: 50 })).toEqual({
      type: 'dimensionValues',
      dimension: 'user',
      prefix: 'an',
      limit: 50,
    });
    expect(parseFilters({ project: 'shop', user: 'ann', session: 's1', source: 'empathy' })).toEqual({
      project: 'shop',
      user: 'ann',
      session: 's1',
      source: 'empathy',
    });
  });

  it('rejects malformed searches', () => {
    for (const bad of [
      { type: 'dimensionValues', dimension: 'secrets', prefix: '', limit: 5 },
      { type: 'dimensionValues', dimension: 'user', prefix: 3, limit: 5 },
      { type: 'dimensionValues', dimension: 'user', prefix: 'x'.repeat(201), limit: 5 },
      { type: 'dimensionValues', dimension: 'user', prefix: '', limit: 0 },
      { type: 'dimensionValues', dimension: 'user', prefix: '', limit: 501 },
    ]) {
      expect(parseWebviewMessage(bad)).toBeUndefined();
    }
  });
});
