import Foundation
import HTTPTypes
import HummingbirdTesting
import Logging
import ServiceClient
import ServiceClientTesting
import Testing

@testable import WorkflowCore
@testable import WorkflowService

@Suite("workflow-mcp reference checking against a stand-in codebase-mcp")
struct ReferenceCheckTests {
    @Test("found references are valid, checked now, without warnings", arguments: StoreKind.allCases)
    func found(store: StoreKind) async throws {
        let codebase = StandInCodebase()
        codebase.setKnown(["c_1", "c_2"])
        try await codebase.run { url in
            try await withWorkflow(store: store, codebaseURL: url) { client in
                let created = try await client.create(#"{"title": "t", "entity_references": ["c_1", "c_2"]}"#)
                #expect(created.validReferences == ["c_1", "c_2"])
                #expect(created.staleReferences == [])
                #expect(created.unverifiedReferences == [])
                #expect(created.referencesCheckedAt != nil)
                #expect(created.warnings == [])
                let read = try await client.item(created.id)
                #expect(read.validReferences == ["c_1", "c_2"])
                #expect(read.referencesCheckedAt! >= created.referencesCheckedAt!)
            }
        }
    }

    @Test("a missing reference is stale, stays in entity_references, and gets the contract's warning text", arguments: StoreKind.allCases)
    func partialStaleness(store: StoreKind) async throws {
        let codebase = StandInCodebase()
        codebase.setKnown(["c_1", "c_2", "c_3"])
        try await codebase.run { url in
            try await withWorkflow(store: store, codebaseURL: url) { client in
                let created = try await client.create(#"{"title": "t", "entity_references": ["c_1", "c_2", "c_3"]}"#)
                #expect(created.validReferences == ["c_1", "c_2", "c_3"])
                codebase.setKnown(["c_1", "c_3"])
                let read = try await client.item(created.id)
                #expect(read.entityReferences == ["c_1", "c_2", "c_3"])
                #expect(read.validReferences == ["c_1", "c_3"])
                #expect(read.staleReferences == ["c_2"])
                #expect(read.unverifiedReferences == [])
                #expect(
                    read.warnings == [
                        "stale_entity_reference: Entity reference 'c_2' not found in codebase-mcp. Code may have been deleted or re-indexed. 2 of 3 entity references remain valid."
                    ]
                )
                #expect(read.version == created.version)
            }
        }
    }

    @Test("an item without references makes no lookup call", arguments: StoreKind.allCases)
    func noCallWithoutReferences(store: StoreKind) async throws {
        let codebase = StandInCodebase()
        try await codebase.run { url in
            try await withWorkflow(store: store, codebaseURL: url) { client in
                let created = try await client.create(#"{"title": "t"}"#)
                _ = try await client.item(created.id)
                _ = try await client.send(.get, "/mcp/work_items")
                #expect(codebase.lookups == 0)
                #expect(created.warnings == [])
            }
        }
    }

    @Test(
        "when codebase-mcp cannot answer, every reference is unverified, none stale, with one code_search_unavailable warning",
        arguments: StoreKind.allCases, [StandInCodebase.Mode.hang, .serverError, .garbage, .wrongShape]
    )
    func peerFailure(store: StoreKind, mode: StandInCodebase.Mode) async throws {
        let codebase = StandInCodebase()
        codebase.setKnown(["c_1"])
        try await codebase.run { url in
            try await withWorkflow(store: store, codebaseURL: url) { client in
                codebase.setMode(mode)
                let started = ContinuousClock.now
                let created = try await client.create(#"{"title": "t", "entity_references": ["c_1", "c_2", "c_3"]}"#)
                #expect(started.duration(to: .now) < .seconds(2), "\(mode)")
                self.expectUnverified(created, url: url, count: 3)
                let read = try await client.item(created.id)
                self.expectUnverified(read, url: url, count: 3)
            }
        }
    }

    @Test("when codebase-mcp refuses connections, references are unverified and the warning names the URL tried", arguments: StoreKind.allCases)
    func refused(store: StoreKind) async throws {
        try await withWorkflow(store: store, codebaseURL: "http://127.0.0.1:1") { client in
            let created = try await client.create(#"{"title": "t", "entity_references": ["c_1", "c_2", "c_3"]}"#)
            self.expectUnverified(created, url: "http://127.0.0.1:1", count: 3)
            #expect(created.warnings[0].contains("connection refused"))
        }
    }

    @Test("a listing that could not check its references carries one page warning counting every unverified reference", arguments: StoreKind.allCases)
    func listPageWarning(store: StoreKind) async throws {
        try await withWorkflow(store: store, codebaseURL: "http://127.0.0.1:1") { client in
            _ = try await client.create(#"{"title": "a", "entity_references": ["c_1", "c_2"]}"#)
            _ = try await client.create(#"{"title": "b", "entity_references": ["c_2", "c_3"]}"#)
            let page = try await client.send(.get, "/mcp/work_items").decode(WorkItemPage.self)
            #expect(page.warnings.count == 1)
            #expect(page.warnings.first?.contains("3 entity references left unverified") == true)
            #expect(page.items.map(\.unverifiedReferences) == [["c_1", "c_2"], ["c_2", "c_3"]])
            #expect(page.items.allSatisfy { $0.warnings.count == 1 && $0.warnings[0].contains("2 entity references left unverified") })
        }
    }

    @Test("a response that needed no check still carries code_search_unavailable while codebase-mcp is unreachable", arguments: StoreKind.allCases)
    func warningWithoutCheck(store: StoreKind) async throws {
        try await withWorkflow(store: store, codebaseURL: "http://127.0.0.1:1") { client in
            // The background health check notices within its first round.
            for _ in 0..<300 {
                let health = try await client.send(.get, "/health").decode(HealthResponse.self)
                if health.status == "degraded" { break }
                try await Task.sleep(for: .milliseconds(10))
            }
            let created = try await client.create(#"{"title": "no references"}"#)
            #expect(created.warnings.count == 1)
            #expect(WarningCode.codeSearchUnavailable.matches(created.warnings[0]))
            #expect(created.warnings[0].contains("codebase-mcp server not reachable"))
            #expect(created.warnings[0].contains("http://127.0.0.1:1"))
            #expect(created.warnings[0].contains("0 entity references left unverified"))
            let page = try await client.send(.get, "/mcp/work_items").decode(WorkItemPage.self)
            #expect(page.warnings.count == 1)
        }
    }

    @Test("concurrent checks that name the same references share one lookup call")
    func sharedLookup() async throws {
        let codebase = StandInCodebase()
        codebase.setKnown(["c_1", "c_2"])
        try await codebase.run { url in
            let connection = PeerConnection(peerName: "codebase-mcp", configuration: .init(urls: url), logger: Logger(label: "t"))
            // Sharing is what is tested, not speed: a deadline generous enough for a loaded machine.
            var deadlines = PeerDeadlines()
            deadlines.referenceCheck = .seconds(10)
            let checker = ReferenceChecker(client: CodebaseClient(connection: connection, deadlines: deadlines), logger: Logger(label: "t"))
            codebase.setMode(.held)
            let checks = try await withThrowingTaskGroup(of: ReferenceCheck.self) { group in
                for index in 0..<10 {
                    group.addTask { try await checker.check(index.isMultiple(of: 2) ? ["c_1", "c_2"] : ["c_2", "c_1"]) }
                }
                await yieldUntil("10 checks wait on one lookup") { checker.lookups.waiterCount(for: ["c_1", "c_2"]) >= 10 }
                codebase.hold.signal()
                var checks: [ReferenceCheck] = []
                for try await check in group { checks.append(check) }
                return checks
            }
            #expect(codebase.lookups == 1)
            #expect(checks.allSatisfy { $0.stale.isEmpty && $0.unverified.isEmpty && $0.valid.count == 2 })
            // Nothing is kept once the lookup ends: the next check asks again and sees the new index.
            codebase.setKnown(["c_1"])
            let after = try await checker.check(["c_1", "c_2"])
            #expect(after.stale == ["c_2"])
            #expect(codebase.lookups == 2)
            try await connection.shutdown()
        }
    }

    func expectUnverified(_ item: WorkItem, url: String, count: Int, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(item.entityReferences.count == count, sourceLocation: sourceLocation)
        #expect(item.unverifiedReferences == item.entityReferences, sourceLocation: sourceLocation)
        #expect(item.validReferences == [], sourceLocation: sourceLocation)
        #expect(item.staleReferences == [], sourceLocation: sourceLocation)
        #expect(item.referencesCheckedAt == nil, sourceLocation: sourceLocation)
        #expect(item.warnings.count == 1, sourceLocation: sourceLocation)
        let warning = item.warnings.first ?? ""
        #expect(warning.hasPrefix("code_search_unavailable: "), sourceLocation: sourceLocation)
        #expect(warning.contains("codebase-mcp server not reachable"), sourceLocation: sourceLocation)
        #expect(warning.contains(url), sourceLocation: sourceLocation)
        #expect(warning.contains("\(count) entity references left unverified"), sourceLocation: sourceLocation)
    }
}
