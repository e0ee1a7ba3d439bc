import Logging
import Synchronization

/// One address of a peer. A lower `priority` number is preferred; equal numbers share load.
public struct PeerEndpoint: Sendable, Hashable {
    /// Base URL without a trailing slash, e.g. `http://127.0.0.1:8020`.
    public let url: String
    public let priority: Int

    public init(url: String, priority: Int) {
        var url = url.trimmingWhitespace()
        while url.hasSuffix("/") { url.removeLast() }
        self.url = url
        self.priority = priority
    }

    /// Parses a peer URL setting: comma-separated endpoints, each with the priority of its position.
    public static func parseList(_ setting: String) -> [PeerEndpoint] {
        setting.split(separator: ",")
            .map { String($0).trimmingWhitespace() }
            .filter { !$0.isEmpty }
            .enumerated()
            .map { PeerEndpoint(url: $0.element, priority: $0.offset) }
    }
}

/// An endpoint chosen for one attempt; hand it back with `EndpointPool.release(_:_:)`.
public struct EndpointLease: Sendable {
    public let endpoint: PeerEndpoint
    public let breaker: CircuitBreaker
    let permit: CircuitPermit
}

/// The endpoints of one peer, each with its own breaker. A call goes to the highest-priority endpoint whose breaker
/// admits it; among equal priorities, to the one with the fewest calls in flight, ties broken at random.
public final class EndpointPool: Sendable {
    private struct Member {
        let endpoint: PeerEndpoint
        let breaker: CircuitBreaker
        var inFlight = 0
    }

    public let peerName: String
    private let makeBreaker: @Sendable (PeerEndpoint) -> CircuitBreaker
    private let random: any RandomSource
    private let members: Mutex<[Member]>

    /// - Parameter makeBreaker: builds the breaker of each endpoint, including those added later.
    public init(
        peerName: String,
        endpoints: [PeerEndpoint],
        random: any RandomSource = SystemRandomSource(),
        makeBreaker: @escaping @Sendable (PeerEndpoint) -> CircuitBreaker
    ) {
        self.peerName = peerName
        self.makeBreaker = makeBreaker
        self.random = random
        self.members = Mutex([])
        for endpoint in endpoints { self.add(endpoint) }
    }

    /// Every endpoint, best priority first (insertion order within a priority).
    public var endpoints: [PeerEndpoint] { self.members.withLock { $0.map(\.endpoint) } }

    /// The endpoint calls go to now: the highest-priority one whose breaker is not open.
    public var activeEndpoint: PeerEndpoint? {
        self.members.withLock { members in
            members.first { $0.breaker.timeUntilAvailable == .zero }?.endpoint
        }
    }

    /// The breaker of the endpoint with `url`.
    public func breaker(for url: String) -> CircuitBreaker? {
        self.members.withLock { $0.first { $0.endpoint.url == url }?.breaker }
    }

    /// Calls in flight to the endpoint with `url`.
    public func inFlight(for url: String) -> Int {
        self.members.withLock { $0.first { $0.endpoint.url == url }?.inFlight ?? 0 }
    }

    /// Adds an endpoint; an endpoint with the same URL is replaced.
    public func add(_ endpoint: PeerEndpoint) {
        let breaker = self.makeBreaker(endpoint)
        self.members.withLock { members in
            members.removeAll { $0.endpoint.url == endpoint.url }
            let index = members.firstIndex { $0.endpoint.priority > endpoint.priority } ?? members.endIndex
            members.insert(Member(endpoint: endpoint, breaker: breaker), at: index)
        }
    }

    /// Removes the endpoint with `url`; calls already made to it finish, new calls go elsewhere.
    public func remove(url: String) {
        let url = PeerEndpoint(url: url, priority: 0).url
        self.members.withLock { $0.removeAll { $0.endpoint.url == url } }
    }

    /// Chooses the endpoint for one attempt. Throws `PeerError.circuitOpen` with the shortest wait when every
    /// breaker is open, at once and without touching the network.
    ///
    /// - Parameter avoiding: URLs that already failed in this logical call. A retry goes to another endpoint whose
    ///   breaker admits it when there is one, so that one dead replica (whose breaker has not opened yet) does not
    ///   take every attempt of a call while a live one waits; only when none is left are these tried again.
    public func acquire(avoiding: Set<String> = []) throws -> EndpointLease {
        try self.members.withLock { members in
            guard !members.isEmpty else { throw PeerError.noEndpoints }
            if !avoiding.isEmpty, let lease = self.choose(&members, avoiding: avoiding) { return lease }
            if let lease = self.choose(&members, avoiding: []) { return lease }
            let shortest = members.map(\.breaker.timeUntilAvailable).min() ?? .zero
            throw PeerError.circuitOpen(timeUntilAvailable: shortest)
        }
    }

    /// Whether an endpoint outside `urls` has a breaker that admits calls now.
    public func admitsAny(excluding urls: Set<String>) -> Bool {
        self.members.withLock { members in
            members.contains { !urls.contains($0.endpoint.url) && $0.breaker.timeUntilAvailable == .zero }
        }
    }

    /// The best admitted endpoint not in `avoiding`, its in-flight count raised; nil when there is none.
    private func choose(_ members: inout [Member], avoiding: Set<String>) -> EndpointLease? {
        var index = members.startIndex
        while index < members.endIndex {
            let priority = members[index].endpoint.priority
            let group = members[index...].prefix { $0.endpoint.priority == priority }.indices
            var candidates = group.filter { members[$0].breaker.timeUntilAvailable == .zero && !avoiding.contains(members[$0].endpoint.url) }
            while !candidates.isEmpty {
                let fewest = candidates.map { members[$0].inFlight }.min()!
                let tied = candidates.filter { members[$0].inFlight == fewest }
                let chosen = tied[self.random.index(below: tied.count)]
                do {
                    let permit = try members[chosen].breaker.acquire()
                    members[chosen].inFlight += 1
                    return EndpointLease(endpoint: members[chosen].endpoint, breaker: members[chosen].breaker, permit: permit)
                } catch {
                    // Another caller took the half-open probe first.
                    candidates.removeAll { $0 == chosen }
                }
            }
            index = group.endIndex
        }
        return nil
    }

    /// Hands back a lease with the outcome of its attempt.
    public func release(_ lease: EndpointLease, _ outcome: CallOutcome) {
        self.members.withLock { members in
            if let index = members.firstIndex(where: { $0.endpoint.url == lease.endpoint.url && $0.breaker === lease.breaker }) {
                members[index].inFlight -= 1
            }
        }
        lease.breaker.record(lease.permit, outcome)
    }
}

extension String {
    func trimmingWhitespace() -> String {
        String(self.drop { $0.isWhitespace }.reversed().drop { $0.isWhitespace }.reversed())
    }
}
