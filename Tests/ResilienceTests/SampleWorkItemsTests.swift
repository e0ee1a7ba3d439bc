import Foundation
import ServiceClient
import ServiceHarness
import Testing

extension Resilience {
    @Suite("The sample work items of fixtures/")
    struct SampleWorkItemsFixture {
        static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

        @Test("load into the real pair with every reference valid and linked back from search; unverified once codebase-mcp dies")
        func samplesLoad() async throws {
            let samples = try SampleWorkItems(contentsOf: SampleWorkItems.fixtureURL(root: Self.root))
            var options = ServicePair.Options()
            options.repositories = [Self.root.appendingPathComponent("fixtures/sample-repo")]
            try await Scenario.run("sample work items", options: options, withRepository: false) { scenario, _ in
                let created = try await samples.create(workflowURL: scenario.workflow, codebaseURL: scenario.codebase, client: HTTP.client)
                #expect(created.count == samples.count && samples.count >= 5)
                #expect(created.allSatisfy { $0.unresolvedSearches.isEmpty }, "every 'code' search finds a chunk of fixtures/sample-repo")
                #expect(created.contains { !$0.entityReferences.isEmpty })

                for sample in created {
                    let read = try await scenario.getItem(sample.id)
                    let item = read.item
                    scenario.expect(
                        item?.validReferences == sample.entityReferences && item?.warnings == [],
                        "'\(sample.title)': every reference valid, no warning",
                        [read]
                    )
                }

                let search = try await scenario.search("authenticate_user", limit: 1)
                let linked = try search.decode(SearchResponse.self).results.first?.linkedWorkItems?.map(\.title)
                scenario.expect(linked == ["Compare password hashes in constant time"], "search links the sample task", [search])

                await scenario.pair.codebase.kill()
                for sample in created where !sample.entityReferences.isEmpty {
                    let read = try await scenario.getItem(sample.id)
                    let item = read.item
                    scenario.expect(
                        read.status == 200 && item?.unverifiedReferences == sample.entityReferences && item?.staleReferences == []
                            && read.hasWarning(.codeSearchUnavailable),
                        "'\(sample.title)': unverified, never stale, with the warning",
                        [read]
                    )
                }
            }
        }
    }
}
