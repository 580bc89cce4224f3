/** Placeholders shown until the first snapshot arrives. */
export function Skeleton() {
  return (
    <div className="skeleton-layout" aria-busy="true" aria-label="Loading telemetry">
      <div className="cards">
        {Array.from({ length: 6 }, (_, i) => (
          <div key={i} className="card skeleton" />
        ))}
      </div>
      <div className="grid">
        {Array.from({ length: 4 }, (_, i) => (
          <div key={i} className="panel skeleton skeleton-chart" />
        ))}
      </div>
    </div>
  );
}
