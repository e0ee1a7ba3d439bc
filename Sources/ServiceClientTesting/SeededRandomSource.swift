import ServiceClient
import Synchronization

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
