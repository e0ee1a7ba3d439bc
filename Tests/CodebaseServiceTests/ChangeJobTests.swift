import Testing

@testable import CodebaseCore
@testable import CodebaseService

/// How the watcher's changes become index jobs: a burst of events is a few jobs, never one per event, and never a
/// change folded into a job that has already read the files.
@Suite("Change jobs")
struct ChangeJobTests {
    @Test("changes join the queued change job of their repository, never the running one")
    func coalescing() async throws {
        let queue = IndexJobQueue()
        for index in 0..<1000 {
            await queue.submitChanges(.file("src/f\(index % 100).py"), repository: "repo")
        }
        await queue.submitChanges(.directory("pkg", reread: true), repository: "repo")
        #expect(await queue.pendingChanges(repository: "repo") == 101)
        let first = try #require(await queue.startNext())
        #expect(first.scope.changes?.files.count == 100)
        #expect(first.scope.changes?.directories == ["pkg": true])
        #expect(await queue.startNext() == nil, "one job for the whole burst")

        // While it runs, a new change waits in a job of its own: the running one may have read that file already.
        await queue.submitChanges(.file("src/f1.py"), repository: "repo")
        await queue.submitChanges(.directory("pkg", reread: false), repository: "repo")
        await queue.submitChanges(.file("other.py"), repository: "elsewhere")
        #expect(await queue.pendingChanges(repository: "repo") == 101 + 2)
        await queue.finish(first.id, counters: IndexCounters(), error: nil)
        let second = try #require(await queue.startNext())
        #expect(second.scope.repositories == ["repo"])
        #expect(second.scope.changes == ChangeSet(files: ["src/f1.py"], directories: ["pkg": false]))
        await queue.finish(second.id, counters: IndexCounters(), error: nil)
        let third = try #require(await queue.startNext(), "a job per repository")
        #expect(third.scope.repositories == ["elsewhere"])
    }

    @Test("a queued whole pass over the repository takes the changes in: it reads every file after them")
    func wholePassAbsorbs() async throws {
        let queue = IndexJobQueue()
        _ = await queue.submit(IndexScope(repositories: ["elsewhere", "repo"], force: false))
        await queue.submitChanges(.file("src/a.py"), repository: "repo")
        let pass = try #require(await queue.startNext())
        #expect(pass.scope.changes == nil)
        await queue.finish(pass.id, counters: IndexCounters(), error: nil)
        #expect(await queue.startNext() == nil)
    }

    @Test("merging change sets is a union; a directory re-read wins over a membership check")
    func union() {
        var changes = ChangeSet.file("a.py")
        changes.formUnion(.file("a.py"))
        changes.formUnion(.directory("d", reread: false))
        changes.formUnion(.directory("d", reread: true))
        changes.formUnion(.directory("d", reread: false))
        #expect(changes == ChangeSet(files: ["a.py"], directories: ["d": true]))
        #expect(changes.count == 2)
    }
}
