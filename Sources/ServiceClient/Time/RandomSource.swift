/// A source of uniform random numbers in `[0, 1)`, injected so jitter is exact in tests.
public protocol RandomSource: Sendable {
    /// A uniformly distributed value in `[0, 1)`.
    func nextUnit() -> Double
}

extension RandomSource {
    /// A uniformly distributed value in `[lower, upper)`; `lower` when the range is empty.
    public func uniform(_ lower: Double, _ upper: Double) -> Double {
        guard upper > lower else { return lower }
        return lower + (upper - lower) * self.nextUnit()
    }

    /// A uniformly chosen index in `0..<count`.
    public func index(below count: Int) -> Int {
        precondition(count > 0)
        return min(count - 1, Int(self.nextUnit() * Double(count)))
    }
}

/// The system's random number generator.
public struct SystemRandomSource: RandomSource {
    public init() {}
    public func nextUnit() -> Double { Double.random(in: 0..<1) }
}
