import Synchronization

/// What a conformance run exercised, per service: each operation's statuses, the answers to other methods and
/// unknown routes, and the warning codes seen in success bodies.
final class OpenAPIConformanceLog: Sendable {
    private struct State {
        var statuses: [String: [OpenAPIDocument.Operation: Set<String>]] = [:]
        var otherMethodStatuses: [String: [String: Set<String>]] = [:]
        var unknownRouteStatuses: [String: Set<String>] = [:]
        var warningCodes: Set<String> = []
    }

    private let state = Mutex(State())

    func record(service: String, operation: OpenAPIDocument.Operation, status: Int) {
        self.state.withLock { _ = $0.statuses[service, default: [:]][operation, default: []].insert(String(status)) }
    }

    func recordOtherMethod(service: String, path: String, status: Int) {
        self.state.withLock { _ = $0.otherMethodStatuses[service, default: [:]][path, default: []].insert(String(status)) }
    }

    func recordUnknownRoute(service: String, status: Int) {
        self.state.withLock { _ = $0.unknownRouteStatuses[service, default: []].insert(String(status)) }
    }

    func recordWarnings(_ codes: some Sequence<String>) {
        self.state.withLock { $0.warningCodes.formUnion(codes) }
    }

    /// The statuses `service` answered `operation` with.
    func statuses(service: String, operation: OpenAPIDocument.Operation) -> Set<String> {
        self.state.withLock { $0.statuses[service]?[operation] ?? [] }
    }

    /// The statuses any service answered `operation` with.
    func statuses(of operation: OpenAPIDocument.Operation) -> Set<String> {
        self.state.withLock { state in state.statuses.values.reduce(into: Set<String>()) { $0.formUnion($1[operation] ?? []) } }
    }

    /// The statuses any service answered an undocumented method on `path` with.
    func otherMethodStatuses(path: String) -> Set<String> {
        self.state.withLock { state in state.otherMethodStatuses.values.reduce(into: Set<String>()) { $0.formUnion($1[path] ?? []) } }
    }

    func otherMethodPaths(service: String) -> Set<String> {
        self.state.withLock { Set(($0.otherMethodStatuses[service] ?? [:]).keys) }
    }

    func unknownRouteStatuses(service: String) -> Set<String> {
        self.state.withLock { $0.unknownRouteStatuses[service] ?? [] }
    }

    var warningCodes: Set<String> { self.state.withLock { $0.warningCodes } }
}
