extension Duration {
    /// The duration in seconds, as a floating-point number.
    public var inSeconds: Double {
        let (seconds, attoseconds) = self.components
        return Double(seconds) + Double(attoseconds) * 1e-18
    }

    /// The duration in milliseconds, as a floating-point number.
    public var inMilliseconds: Double { self.inSeconds * 1000 }

    /// This duration multiplied by a real factor.
    public func scaled(by factor: Double) -> Duration {
        .seconds(self.inSeconds * factor)
    }
}
