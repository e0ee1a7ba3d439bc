import Foundation
import ServiceClient
import Synchronization
import Testing

@testable import WorkflowCore
@testable import WorkflowService

/// Opens once; every `wait()` before or after returns once it is open.
final class Latch: Sendable {
    private let state = Mutex<(open: Bool, waiters: [CheckedContinuation<Void, Never>])>((false, []))

    func wait() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let now = self.state.withLock { state -> Bool in
                if state.open { return true }
                state.waiters.append(continuation)
                return false
            }
            if now { continuation.resume() }
        }
    }

    func open() {
        let waiters = self.state.withLock { state -> [CheckedContinuation<Void, Never>] in
            state.open = true
            defer { state.waiters = [] }
            return state.waiters
        }
        for waiter in waiters { waiter.resume() }
    }
}

/// A value tasks share, behind a lock.
final class Shared<Value: Sendable>: Sendable {
    private let mutex: Mutex<Value>
    init(_ value: Value) { self.mutex = Mutex(value) }
    var value: Value { self.mutex.withLock { $0 } }
    func mutate(_ change: (inout Value) -> Void) { self.mutex.withLock { change(&$0) } }
}

/// Polls `condition` every 10 ms until it holds or `within` has passed; whether it held.
private func eventually(within: Duration = .seconds(5), _ condition: () -> Bool) async throws -> Bool {
    let deadline = ContinuousClock.now.advanced(by: within)
    while ContinuousClock.now < deadline {
        if condition() { return true }
        try await Task.sleep(for: .milliseconds(10))
    }
    return condition()
}

/// Issue 27, defect 3: a write answered 503 by the client-side time limit must not commit afterwards.
@Suite("The PostgreSQL store's time limit and its commit gate")
struct CommitGateTests {
    @Test("the limit answers before COMMIT: the write is refused its COMMIT afterwards")
    func limitFirst() async throws {
        let release = Latch()
        let decided = Shared<Bool?>(nil)
        let started = ContinuousClock.now
        await #expect(throws: PostgresFailure.TimedOut.self) {
            try await withTimeLimit(.milliseconds(100), commitGrace: .seconds(30)) { gate in
                await release.wait()
                let may = gate.mayCommit()
                decided.mutate { $0 = may }
                return may
            }
        }
        #expect(started.duration(to: .now) < .seconds(10), "answered at the limit, not when the operation ends")
        release.open()
        #expect(try await eventually { decided.value != nil }, "the operation reached its COMMIT")
        #expect(decided.value == false, "a write whose caller was answered 503 may not commit")
    }

    @Test("a COMMIT in flight when the limit passes: the caller waits for its answer instead of being told 503")
    func commitInFlight() async throws {
        let committing = Latch()
        let release = Latch()
        let write = Task {
            try await withTimeLimit(.milliseconds(100), commitGrace: .seconds(30)) { gate -> Int in
                guard gate.mayCommit() else { return -1 }
                defer { gate.commitEnded() }
                committing.open()
                await release.wait()
                return 42
            }
        }
        await committing.wait()
        // Well past the 100 ms limit; nothing to poll: the caller must simply still be waiting.
        try await Task.sleep(for: .milliseconds(400))
        release.open()
        #expect(try await write.value == 42, "the COMMIT's own answer, not a timeout")
    }

    @Test("a COMMIT not answered within the grace: CommitUnconfirmed, whose message says the write may be stored")
    func commitUnconfirmed() async throws {
        let release = Latch()
        let started = ContinuousClock.now
        await #expect(throws: PostgresFailure.CommitUnconfirmed.self) {
            try await withTimeLimit(.milliseconds(100), commitGrace: .milliseconds(200)) { gate -> Int in
                guard gate.mayCommit() else { return -1 }
                await release.wait()
                return 1
            }
        }
        let elapsed = started.duration(to: .now)
        #expect(elapsed >= .milliseconds(300) && elapsed < .seconds(10), "\(elapsed)")
        release.open()
        let error = WorkflowError.commitUnconfirmed()
        #expect(error.kind == .storageUnavailable && error.body.error == "storage_unavailable")
        #expect(error.body.message.contains("may or may not have been stored"))
    }

    @Test("the server-side bounds sit below --database-timeout: lock 1/5, statement 2/5, idle in transaction 5/5")
    func bounds() {
        let bounds = PostgresSessionBounds(timeLimit: .seconds(5))
        #expect(bounds.lockTimeout == .seconds(1))
        #expect(bounds.statementTimeout == .seconds(2))
        #expect(bounds.idleInTransactionTimeout == .seconds(5))
        #expect(
            bounds.setLocalSQL
                == "SELECT set_config('lock_timeout', '1000ms', true), set_config('statement_timeout', '2000ms', true), "
                + "set_config('idle_in_transaction_session_timeout', '5000ms', true)"
        )
        // Never 0, which PostgreSQL reads as "no limit"; the statement bound always above the lock bound.
        let tiny = PostgresSessionBounds(timeLimit: .milliseconds(1))
        #expect(tiny.lockTimeout == .milliseconds(10) && tiny.statementTimeout > tiny.lockTimeout)
    }
}

@Suite("One patch or delete per item at a time, before a pooled connection")
struct ItemWriteTurnsTests {
    @Test("writes of one item run one at a time, in arrival order; other items are not held up")
    func oneAtATime() async throws {
        let turns = ItemWriteTurns()
        let first = Latch()
        let firstRunning = Latch()
        let order = Shared<[String]>([])
        async let a: Void = turns.withTurn(of: "x") {
            order.mutate { $0.append("a") }
            firstRunning.open()
            await first.wait()
        }
        await firstRunning.wait()
        async let b: Void = turns.withTurn(of: "x") { order.mutate { $0.append("b") } }
        // Another item runs while "x" is busy.
        try await turns.withTurn(of: "y") { order.mutate { $0.append("y") } }
        #expect(order.value == ["a", "y"], "b waits for a's turn")
        first.open()
        _ = try await (a, b)
        #expect(order.value == ["a", "y", "b"])
        #expect(turns.busyItems == 0)
    }

    @Test("when the write ahead times out on the row lock, the writes waiting behind it get the same answer without running")
    func sharedLockTimeout() async throws {
        let turns = ItemWriteTurns()
        let holding = Latch()
        let release = Latch()
        let ran = Shared(0)
        let ahead = Task {
            try await turns.withTurn(of: "x") {
                holding.open()
                await release.wait()
                throw ItemWriteTurns.RowLockTimedOut(underlying: CancellationError())
            }
        }
        await holding.wait()
        let behind = (0..<5).map { _ in Task { try await turns.withTurn(of: "x") { ran.mutate { $0 += 1 } } } }
        #expect(try await eventually { turns.waiting(for: "x") == 5 }, "all five wait behind the first")
        release.open()
        for task in [ahead] + behind {
            await #expect(throws: ItemWriteTurns.RowLockTimedOut.self) { try await task.value }
        }
        #expect(ran.value == 0, "none of the writes behind ran")
        #expect(PostgresFailure.contention(after: ItemWriteTurns.RowLockTimedOut(underlying: CancellationError())) == .lockTimeout)
        #expect(turns.busyItems == 0)
        // The next write of the item runs as usual.
        try await turns.withTurn(of: "x") { ran.mutate { $0 += 1 } }
        #expect(ran.value == 1)
    }

    @Test("a write that gives up while waiting leaves the line; the others go on")
    func cancelledWaiter() async throws {
        let turns = ItemWriteTurns()
        let holding = Latch()
        let release = Latch()
        let ahead = Task {
            try await turns.withTurn(of: "x") {
                holding.open()
                await release.wait()
            }
        }
        await holding.wait()
        let ran = Shared(false)
        let quitter = Task { try await turns.withTurn(of: "x") { ran.mutate { $0 = true } } }
        #expect(try await eventually { turns.waiting(for: "x") == 1 })
        quitter.cancel()
        await #expect(throws: CancellationError.self) { try await quitter.value }
        #expect(turns.waiting(for: "x") == 0, "it left the line")
        release.open()
        try await ahead.value
        #expect(!ran.value)
        #expect(try await eventually { turns.busyItems == 0 })
    }
}
