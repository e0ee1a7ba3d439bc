/// The overall deadline of each kind of call, covering every attempt; the defaults are docs/resilience.md's.
public struct PeerDeadlines: Sendable {
    public var referenceCheck: Duration = .milliseconds(500)
    public var linkedWorkItems: Duration = .milliseconds(200)
    public var search: Duration = .seconds(5)
    /// Creating or reading one work item.
    public var workItem: Duration = .seconds(2)

    public init() {}
}
