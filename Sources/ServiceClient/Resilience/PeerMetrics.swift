import CoreMetrics

/// The peer-call metrics of one peer: outcomes per call and breaker transitions.
public struct PeerMetrics: Sendable {
    public let peerName: String
    private let factory: any MetricsFactory

    public init(peerName: String, factory: any MetricsFactory) {
        self.peerName = peerName
        self.factory = factory
    }

    /// Counts one logical call by outcome (`success`, `timeout`, `refused`, `circuit_open`, `error`, ...) and times it.
    public func recordCall(outcome: String, duration: Duration) {
        Counter(label: "peer_calls_total", dimensions: [("peer", self.peerName), ("outcome", outcome)], factory: self.factory)
            .increment()
        Timer(label: "peer_call_duration_seconds", dimensions: [("peer", self.peerName)], factory: self.factory)
            .recordNanoseconds(Int64(duration.inSeconds * 1e9))
    }

    /// Counts one breaker state change.
    public func recordTransition(endpoint: String, to state: CircuitState) {
        Counter(
            label: "peer_circuit_transitions_total",
            dimensions: [("peer", self.peerName), ("endpoint", endpoint), ("to", state.rawValue)],
            factory: self.factory
        ).increment()
    }
}
