import Logging
import ServiceClientTesting
import Testing

@testable import ServiceClient

@Suite("Single flight")
struct SingleFlightTests {
    @Test("callers that ask while a load runs share it; once it is done the next caller loads anew")
    func sharesOnlyWhileRunning() async throws {
        let flight = SingleFlight<String, Int>(logger: .quiet)
        let gate = AsyncGate()
        let loads = TestBox(0)
        let callers = (0..<5).map { _ in
            Task {
                try await flight.value(for: "k") {
                    loads.mutate { $0 += 1 }
                    await gate.wait()
                    return 7
                }
            }
        }
        await yieldUntil("five callers wait on one load") { flight.waiterCount(for: "k") == 5 }
        #expect(flight.loadCount == 1)
        await gate.open()
        for caller in callers { #expect(try await caller.value == 7) }
        #expect(loads.value == 1)
        #expect(try await flight.value(for: "k") { 8 } == 8)
        #expect(flight.loadCount == 2)
        #expect(flight.waiterCount(for: "k") == 0)
    }

    @Test("a failed load reaches every waiter; a cancelled waiter leaves the load to the others")
    func failureAndCancellation() async throws {
        let flight = SingleFlight<String, Int>(logger: .quiet)
        let gate = AsyncGate()
        let first = Task {
            try await flight.value(for: "k") {
                await gate.wait()
                throw LoadFailed()
            }
        }
        await yieldUntil("the load runs") { flight.waiterCount(for: "k") == 1 }
        let second = Task { try await flight.value(for: "k") { 1 } }
        let cancelled = Task { try await flight.value(for: "k") { 1 } }
        await yieldUntil("three callers wait") { flight.waiterCount(for: "k") == 3 }
        cancelled.cancel()
        await #expect(throws: CancellationError.self) { try await cancelled.value }
        #expect(flight.waiterCount(for: "k") == 2)
        await gate.open()
        await #expect(throws: LoadFailed.self) { try await first.value }
        await #expect(throws: LoadFailed.self) { try await second.value }
        #expect(flight.loadCount == 1)
    }
}
