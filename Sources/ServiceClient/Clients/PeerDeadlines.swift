/// The overall deadline of each kind of call, covering every attempt; the defaults are docs/resilience.md's.
public struct PeerDeadlines: Sendable {
    public var referenceCheck: Duration = .milliseconds(500)
    public var linkedWorkItems: Duration = .milliseconds(200)

    public init() {}
}
