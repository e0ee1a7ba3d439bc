import ServiceClient
import Synchronization

/// A deterministic `RandomSource` over `SplitMix64`: the same seed gives the same sequence.
public final class SeededRandomSource: RandomSource {
    private let generator: Mutex<SplitMix64>

    public init(seed: UInt64) {
        self.generator = Mutex(SplitMix64(seed: seed))
    }

    public func nextUnit() -> Double {
        let bits = self.generator.withLock { $0.next() }
        // The top 53 bits make an exactly representable double in [0, 1).
        return Double(bits >> 11) * 0x1.0p-53
    }
}
