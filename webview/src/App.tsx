/**
 * The panel: wires extension messages into the reducer and user actions into messages.
 * Everything shown is formatted from the snapshot; nothing here computes a metric.
 */
import { useCallback, useEffect, useMemo, useReducer, useState } from 'react';
import { parseExtensionMessage, type CallRow, type Filters, type Range, type Snapshot, type WebviewMessage } from './protocol';
import {
  cleanFilters,
  initialState,
  reducer,
  restoreUiState,
  selectActivity,
  selectAlerts,
  selectCanLoadMore,
  selectHealth,
  selectOffer,
  type UiState,
} from './state/reducer';
import { getVsCodeApi, type VsCodeApi } from './vscode';
import { ThemeProvider } from './theme';
import { OverviewCards } from './components/OverviewCards';
import { Toolbar } from './components/Toolbar';
import { TopWorkflows } from './components/TopWorkflows';
import { CircuitBreakers } from './components/CircuitBreakers';
import { ActivityFeed, type FilterOptions } from './components/ActivityFeed';
import { HealthStrip } from './components/HealthStrip';
import { AlertsStrip } from './components/AlertsStrip';
import { EmptyState } from './components/EmptyState';
import { StatusBanner } from './components/StatusBanner';
import { SetupCard } from './components/SetupCard';
import { SourceOfferCard } from './components/SourceOfferCard';
import { Skeleton } from './components/Skeleton';
import {
  CostOverTimeChart,
  ErrorTrendChart,
  FallbackChart,
  LatencyByTierChart,
  ProviderCostChart,
  TierCostChart,
} from './charts/Charts';

export const PAGE_SIZE = 20;
/** How often relative times ("2m ago") are re-rendered; no data is fetched. */
const CLOCK_TICK_MS = 15_000;

function useNow(): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const id = window.setInterval(() => setNow(Date.now()), CLOCK_TICK_MS);
    return () => window.clearInterval(id);
  }, []);
  return now;
}

/**
 * The dropdown choices: every value the sidecar lists for the window (`filter_options`, computed
 * without the filters, so the other values stay choosable), in name order. A selected value the
 * window no longer holds stays listed, so the select still shows what is applied.
 */
function useFilterOptions(snapshot: Snapshot | null, filters: Filters): FilterOptions {
  return useMemo(() => {
    const pick = (key: keyof FilterOptions): string[] => {
      const values = (snapshot?.filter_options[key] ?? []).map((o) => o.value);
      const selected = filters[key];
      if (selected && !values.includes(selected)) values.push(selected);
      return values.sort((a, b) => a.localeCompare(b));
    };
    return { workflow: pick('workflow'), provider: pick('provider'), tier: pick('tier') };
  }, [snapshot, filters]);
}

export function App({ vscode = getVsCodeApi() }: { vscode?: VsCodeApi }) {
  const [state, dispatch] = useReducer(reducer, undefined, () => initialState(restoreUiState(vscode.getState())));
  const post = useCallback((message: WebviewMessage) => vscode.postMessage(message), [vscode]);
  const now = useNow();

  // Extension -> webview: validate, then reduce. `ready` asks the extension to replay the last snapshot.
  useEffect(() => {
    const onMessage = (event: MessageEvent<unknown>) => {
      const message = parseExtensionMessage(event.data);
      if (message) dispatch(message);
    };
    window.addEventListener('message', onMessage);
    post({ type: 'ready' });
    return () => window.removeEventListener('message', onMessage);
  }, [post]);

  // UI state only (never data) survives reloads.
  useEffect(() => {
    vscode.setState(state.ui satisfies UiState);
  }, [vscode, state.ui]);

  // An update that did not apply to our version: ask for a fresh snapshot.
  useEffect(() => {
    if (state.refreshSeq > 0) post({ type: 'refresh' });
  }, [state.refreshSeq, post]);

  const { snapshot, ui } = state;
  const activity = selectActivity(state);
  const health = selectHealth(state);
  const filterOptions = useFilterOptions(snapshot, ui.filters);

  const setRange = (range: Range) => {
    dispatch({ type: 'setRange', range });
    post({ type: 'setView', range, filters: ui.filters });
  };
  const setFilter = (key: keyof Filters, value: string) => {
    dispatch({ type: 'setFilter', key, value });
    post({ type: 'setView', range: ui.range, filters: cleanFilters({ ...ui.filters, [key]: value }) });
  };
  const loadMore = () => {
    dispatch({ type: 'loadMoreRequested' });
    post({ type: 'loadMore', offset: activity.length, limit: PAGE_SIZE, filters: ui.filters });
  };
  const openRow = (row: CallRow) => {
    // A call without a workflow is resolved by its callId alone (workflowName left out).
    post({
      type: 'openSource',
      ...(row.workflow_name ? { workflowName: row.workflow_name } : {}),
      ...(row.step_name ? { stepName: row.step_name } : {}),
      callId: row.call_id,
    });
  };
  const refreshAll = () => {
    dispatch({ type: 'refreshRequested' });
    post({ type: 'refreshAll' });
  };
  const clearFeed = () => {
    dispatch({ type: 'clearFeed', at: Date.now() });
    post({ type: 'clearFeed' });
  };
  const undoClear = (archiveDir: string) => {
    dispatch({ type: 'undoRequested' });
    post({ type: 'undoClearHistory', archiveDir });
  };
  const toggleTable = useCallback((id: string) => dispatch({ type: 'toggleTable', id }), []);
  const toggles = { tables: ui.tables, onToggleTable: toggleTable };

  const banner = (
    <StatusBanner
      // While a set-up state is shown it says what is wrong; "the sidecar stopped" would not be true.
      connection={state.setup ? { state: 'ready' } : state.connection}
      notice={state.notice}
      hasSnapshot={snapshot !== null}
      onDismiss={() => dispatch({ type: 'dismissNotice' })}
      cleared={state.lastCleared}
      onUndo={undoClear}
    />
  );
  const setupCard = state.setup && <SetupCard setup={state.setup} onAction={(action) => post({ type: 'setupAction', action })} />;

  if (!snapshot) {
    return (
      <main className="app">
        {banner}
        {setupCard ? (
          setupCard
        ) : state.connection.state === 'error' ? (
          <section className="panel error-state">
            <h2>Telemetry is unavailable</h2>
            <p>{state.connection.message ?? 'The sidecar could not be started.'}</p>
            <p className="muted">Run “Empathy: Show Telemetry Logs” for details, or “Empathy: Restart Telemetry Sidecar”.</p>
          </section>
        ) : (
          <Skeleton />
        )}
      </main>
    );
  }

  const offer = selectOffer(state);
  const answerOffer = (type: 'enableSource' | 'dismissOffer') => (source: string) => {
    dispatch({ type: 'offerAnswered', source });
    post({ type, source });
  };
  const isEmpty = snapshot.overview.calls === 0 && (health?.files.length ?? 0) === 0;
  const hasFilters = Object.keys(ui.filters).length > 0;
  const alertsStrip = (
    <AlertsStrip
      alerts={selectAlerts(state)}
      nowMs={now}
      onTest={(rule) => post({ type: 'testAlert', rule })}
      onOpenConfig={() => post({ type: 'openAlertsConfig' })}
    />
  );

  return (
    <ThemeProvider>
      <main className="app">
        {banner}
        {setupCard}
        {offer && <SourceOfferCard offer={offer} onShow={answerOffer('enableSource')} onDismiss={answerOffer('dismissOffer')} />}
        <Toolbar
          range={ui.range}
          onRange={setRange}
          onExport={() => post({ type: 'exportCsv' })}
          onRefresh={refreshAll}
          onClearHistory={() => post({ type: 'clearHistory' })}
          onSettings={() => post({ type: 'openSettings' })}
          disabled={isEmpty}
          refreshing={state.refreshing}
        />
        {isEmpty && !hasFilters ? (
          <>
            <EmptyState dirs={health?.dirs ?? []} onGenerateDemo={() => post({ type: 'generateDemo' })} />
            {alertsStrip}
          </>
        ) : (
          <>
            <OverviewCards overview={snapshot.overview} deltas={snapshot.deltas} />
            {alertsStrip}
            <div className="grid">
              <CostOverTimeChart series={snapshot.cost_series} {...toggles} />
              <ProviderCostChart byProvider={snapshot.by_provider} {...toggles} />
              <TierCostChart byTier={snapshot.by_tier} {...toggles} />
              <TopWorkflows workflows={snapshot.top_workflows} onOpen={(workflowName) => post({ type: 'openSource', workflowName })} />
              <LatencyByTierChart byTier={snapshot.by_tier} {...toggles} />
              <FallbackChart fallback={snapshot.fallback} {...toggles} />
              <ErrorTrendChart errors={snapshot.errors} {...toggles} />
              <CircuitBreakers breakers={snapshot.circuit_breakers} nowMs={now} />
            </div>
            <ActivityFeed
              rows={activity}
              nowMs={now}
              filters={ui.filters}
              options={filterOptions}
              onFilter={setFilter}
              onOpen={openRow}
              canLoadMore={selectCanLoadMore(state)}
              loadingMore={state.loadingMore}
              onLoadMore={loadMore}
              clearedAt={ui.feedCleared?.at ?? null}
              onClear={clearFeed}
              onShowEarlier={() => dispatch({ type: 'showEarlierFeed' })}
            />
          </>
        )}
        {health && <HealthStrip health={health} onOpenFile={(path, line) => post({ type: 'openFile', path, line })} />}
      </main>
    </ThemeProvider>
  );
}
