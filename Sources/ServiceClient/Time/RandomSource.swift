import Synchronization

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

/// A deterministic SplitMix64 generator: the same seed gives the same sequence.
public final class SeededRandomSource: RandomSource {
    private let state: Mutex<UInt64>

    public init(seed: UInt64) {
        self.state = Mutex(seed)
    }

    public func nextUnit() -> Double {
        let bits = self.state.withLock { state -> UInt64 in
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        // The top 53 bits make an exactly representable double in [0, 1).
        return Double(bits >> 11) * 0x1.0p-53
    }
}

/// Always the same value: `0.5` is "no jitter" for symmetric jitter, `0` the low end of a range.
public struct FixedRandomSource: RandomSource {
    public let value: Double

    public init(_ value: Double) {
        precondition(value >= 0 && value < 1)
        self.value = value
    }

    public func nextUnit() -> Double { self.value }
}
