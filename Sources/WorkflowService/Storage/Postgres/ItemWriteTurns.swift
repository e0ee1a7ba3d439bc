import Synchronization

/// One write at a time per work item in this process, in arrival order, taken before the write leases a pooled
/// connection.
///
/// A write that locks an item's row (a patch, a delete) waits for that lock on the server, holding a pooled
/// connection meanwhile. When another session holds the row for long (`SELECT ... FOR UPDATE` in `psql`, a stalled
/// replica), every write of that item would sit on a connection for up to the lock timeout, and fifteen of them take
/// a pool of eight, so that every other request queues for a connection. Waiting here instead, without a connection,
/// a replica spends at most one connection per item on such a wait. And when that one gives up on the row lock (the
/// server's `lock_timeout`, `RowLockTimedOut`), the writes waiting behind it are answered the same at once: they
/// arrived while the row was held and would have waited for the same lock.
///
/// It changes no outcome among the service's own writes: they serialize on the row lock anyway, so racing patches
/// at one version still give one 200 and 409s, only the waiting moves from the server to here.
final class ItemWriteTurns: Sendable {
    /// The write could not lock its item's row within `lock_timeout`: another transaction holds it.
    struct RowLockTimedOut: Error, CustomStringConvertible {
        let underlying: any Error
        var description: String { "the work item's row stayed locked by another transaction: \(String(reflecting: self.underlying))" }
    }

    private struct Waiter {
        let id: UInt64
        let continuation: CheckedContinuation<Void, any Error>
    }

    private struct State {
        /// An item is present while a write of it has its turn; its array holds the writes waiting, in order.
        var turns: [String: [Waiter]] = [:]
        var nextID: UInt64 = 0
    }

    private let state = Mutex(State())

    /// Runs `body` once no other write of `item` in this process runs; throws `RowLockTimedOut` without running it
    /// when the write ahead gave up on the row lock while this one waited.
    func withTurn<T: Sendable>(of item: String, _ body: () async throws -> T) async throws -> T {
        try await self.acquire(item)
        do {
            let value = try await body()
            self.release(item, failingWaiters: nil)
            return value
        } catch let error as RowLockTimedOut {
            self.release(item, failingWaiters: error)
            throw error
        } catch {
            self.release(item, failingWaiters: nil)
            throw error
        }
    }

    /// How many items have a write running or waiting (none once all writes ended).
    var busyItems: Int { self.state.withLock { $0.turns.count } }

    /// How many writes of `item` wait for their turn.
    func waiting(for item: String) -> Int { self.state.withLock { $0.turns[item]?.count ?? 0 } }

    private func acquire(_ item: String) async throws {
        let id = self.state.withLock { state in
            state.nextID += 1
            return state.nextID
        }
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                // Checking for a running write and queueing behind it under one lock, so a release in between
                // cannot leave this write waiting with nobody to wake it.
                let now = self.state.withLock { state -> Result<Void, any Error>? in
                    if Task.isCancelled { return .failure(CancellationError()) }
                    guard state.turns[item] != nil else {
                        state.turns[item] = []
                        return .success(())
                    }
                    state.turns[item]?.append(Waiter(id: id, continuation: continuation))
                    return nil
                }
                if let now { continuation.resume(with: now) }
            }
        } onCancel: {
            // The caller gave up (its time limit): it leaves the queue. One already handed its turn is not found
            // here and runs, its cancellation seen by the pool's lease.
            let waiter = self.state.withLock { state -> Waiter? in
                guard let index = state.turns[item]?.firstIndex(where: { $0.id == id }) else { return nil }
                return state.turns[item]?.remove(at: index)
            }
            waiter?.continuation.resume(throwing: CancellationError())
        }
    }

    /// Ends the running write's turn: hands it to the next write waiting, or, after a row lock timeout, answers every
    /// write waiting with the same error.
    private func release(_ item: String, failingWaiters error: RowLockTimedOut?) {
        let (next, failed) = self.state.withLock { state -> (Waiter?, [Waiter]) in
            guard var waiting = state.turns[item], !waiting.isEmpty else {
                state.turns[item] = nil
                return (nil, [])
            }
            if error != nil {
                state.turns[item] = nil
                return (nil, waiting)
            }
            let next = waiting.removeFirst()
            state.turns[item] = waiting
            return (next, [])
        }
        next?.continuation.resume()
        if let error { for waiter in failed { waiter.continuation.resume(throwing: error) } }
    }
}
