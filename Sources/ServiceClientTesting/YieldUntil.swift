import Testing

/// Yields until `condition` holds, for at most `timeout` of wall-clock time, and records an issue if it never does.
///
/// Tests use it to let other tasks reach a point (join a flight, start a sleep) before going on. Without the limit a
/// regression would hang the whole suite instead of failing one test. It returns `false` on timeout rather than
/// throwing, so the caller can still release what its tasks wait on (open a gate, cancel a task) and end.
@discardableResult
public func yieldUntil(
    _ what: @autoclosure () -> String,
    timeout: Duration = .seconds(10),
    sourceLocation: SourceLocation = #_sourceLocation,
    _ condition: () -> Bool
) async -> Bool {
    let deadline = ContinuousClock.now.advanced(by: timeout)
    while !condition() {
        guard ContinuousClock.now < deadline else {
            Issue.record("Timed out after \(timeout) waiting until \(what())", sourceLocation: sourceLocation)
            return false
        }
        await Task.yield()
    }
    return true
}
