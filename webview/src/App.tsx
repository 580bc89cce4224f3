/**
 * The panel: wires extension messages into the reducer and user actions into messages.
 * Everything shown is formatted from the snapshot; nothing here computes a metric.
 */
import { useCallback, useEffect, useMemo, useReducer, useState } from 'react';
import { parseExtensionMessage, type CallRow, type CostMode, type Filters, type Range, type SearchedDimension, type Snapshot, type WebviewMessage } from './protocol';
import {
  withFilter,
  initialState,
  reducer,
  restoreUiState,
  selectActivity,
  selectAlerts,
  selectBudgets,
  selectCanLoadMore,
  selectCostModes,
  selectHealth,
  selectOffer,
  type UiState,
} from './state/reducer';
import { getVsCodeApi, type VsCodeApi } from './vscode';
import { ThemeProvider } from './theme';
import { OverviewCards } from './components/OverviewCards';
import { Toolbar } from './components/Toolbar';
import { TopWorkflows } from './components/TopWorkflows';
import { DimensionCard } from './components/DimensionCards';
import { DimensionFilters, SEARCH_LIMIT } from './components/DimensionFilters';
import { CircuitBreakers } from './components/CircuitBreakers';
import { ActivityFeed, type FilterOptions } from './components/ActivityFeed';
import { HealthStrip } from './components/HealthStrip';
import { AlertsStrip } from './components/AlertsStrip';
import { BudgetStrip } from './components/BudgetStrip';
import { EmptyState } from './components/EmptyState';
import { StatusBanner } from './components/StatusBanner';
import { SetupCard } from './components/SetupCard';
import { SourceOfferCard } from './components/SourceOfferCard';
import { Skeleton } from './components/Skeleton';
import { PricesNotice } from './components/PricesNotice';
import { WriterVsList } from './components/WriterVsList';
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
    return { workflow: pick('workflow'), step: pick('step'), provider: pick('provider'), tier: pick('tier') };
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
  const budgets = selectBudgets(state);

  /** The view as the sidecar's snapshot params: the cost mode only when this view has its own. */
  const setView = (range: Range, filters: Filters, costMode: CostMode | undefined) =>
    post({ type: 'setView', range, filters, ...(costMode ? { costMode } : {}) });
  const setRange = (range: Range) => {
    dispatch({ type: 'setRange', range });
    setView(range, ui.filters, ui.costMode);
  };
  const setFilter = (key: keyof Filters, value: string) => {
    dispatch({ type: 'setFilter', key, value });
    setView(ui.range, withFilter(ui.filters, key, value), ui.costMode);
  };
  const costModes = selectCostModes(state);
  const setCostMode = (mode: CostMode) => {
    // Choosing the workspace's own mode means following it again (a later monitoring.yaml change too).
    const own = costModes && mode === costModes.workspace ? null : mode;
    dispatch({ type: 'setCostMode', mode: own });
    setView(ui.range, ui.filters, own ?? undefined);
  };
  const addPrice = (model: string, provider: string) => post({ type: 'addPrice', model, ...(provider ? { provider } : {}) });
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
  const searchDimension = useCallback(
    (dimension: SearchedDimension, prefix: string) => post({ type: 'dimensionValues', dimension, prefix, limit: SEARCH_LIMIT }),
    [post],
  );
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
          costModes={costModes}
          onCostMode={setCostMode}
        />
        {isEmpty && !hasFilters ? (
          <>
            <EmptyState dirs={health?.dirs ?? []} onGenerateDemo={() => post({ type: 'generateDemo' })} />
            {alertsStrip}
          </>
        ) : (
          <>
            <OverviewCards overview={snapshot.overview} deltas={snapshot.deltas} onAddPrice={addPrice} costModes={costModes} />
            <PricesNotice prices={snapshot.prices} />
            <BudgetStrip budgets={budgets} onSetBudget={() => post({ type: 'setBudget' })} />
            {alertsStrip}
            <DimensionFilters filters={ui.filters} options={snapshot.filter_options} searches={state.dimensionSearch} onSearch={searchDimension} onFilter={setFilter} />
            <div className="grid">
              <CostOverTimeChart series={snapshot.cost_series} anomalies={budgets?.anomalies} {...toggles} />
              <WriterVsList models={snapshot.prices.models} />
              <ProviderCostChart byProvider={snapshot.by_provider} {...toggles} />
              <TierCostChart byTier={snapshot.by_tier} {...toggles} />
              <TopWorkflows
                workflows={snapshot.top_workflows}
                all={snapshot.workflows}
                onOpen={(workflowName) => post({ type: 'openSource', workflowName })}
                {...toggles}
              />
              <DimensionCard
                id="cost-by-user"
                title="Cost by user"
                noun="user"
                stats={snapshot.by_user}
                distinct={snapshot.dimension_counts.user ?? 0}
                onPick={(value) => setFilter('user', value)}
                {...toggles}
              />
              <DimensionCard
                id="cost-by-project"
                title="Cost by project"
                noun="project"
                stats={snapshot.by_project}
                distinct={snapshot.dimension_counts.project ?? 0}
                onPick={(value) => setFilter('project', value)}
                {...toggles}
              />
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
