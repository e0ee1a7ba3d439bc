import ServiceClient

/// Always the same value: `0.5` is "no jitter" for symmetric jitter, `0` the low end of a range.
public struct FixedRandomSource: RandomSource {
    public let value: Double

    public init(_ value: Double) {
        precondition(value >= 0 && value < 1)
        self.value = value
    }

    public func nextUnit() -> Double { self.value }
}
